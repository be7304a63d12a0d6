// Small text helpers.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace shugo {

// User input as shown inside an error message: 「…」, at most `max_bytes` cut on a UTF-8
// character boundary, control characters replaced by '?', so the message stays valid UTF-8 for
// the UI and JSON whatever was sent.
std::string QuoteInput(std::string_view text, size_t max_bytes = 32);

// Lower-case hexadecimal of bytes (digests, random ids).
std::string HexOf(std::span<const unsigned char> bytes);

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code points past U+10FFFF.
bool IsValidUtf8(std::string_view text);

}  // namespace shugo
