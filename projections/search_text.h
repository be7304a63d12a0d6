// The text names are searched by (domain.md §5, F-8, F-21): ICU's NFKC with case folding, so
// half-width ｸﾘﾆｯｸ and full-width ＡＢＣ meet クリニック and abc, then hiragana folded to katakana
// so a kana reading typed either way matches, and white space and control characters dropped.
// Indexed names and queries go through the same function.
#pragma once

#include <string>
#include <string_view>

namespace shugo::projections {

// UTF-8 in, UTF-8 out. Invalid UTF-8 sequences become U+FFFD (they then match nothing).
std::string SearchText(std::string_view text);

// The number of code points of a SearchText() result (FTS5's trigram index needs three).
size_t CodePoints(std::string_view utf8);

// The least string above every string that starts with `prefix` (its last code point plus one),
// for a range scan over terms; empty for an empty prefix.
std::string PrefixEnd(std::string_view prefix);

// Appended to every name in the trigram index, so that each character of a name starts a
// trigram and one- and two-character searches can use the index too. SearchText() never
// produces it (control characters are dropped).
inline constexpr std::string_view kSearchSentinel = "\x1f\x1f";

}  // namespace shugo::projections
