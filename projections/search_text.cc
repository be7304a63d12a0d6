#include "projections/search_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace shugo::projections {

namespace {

const icu::Normalizer2& NfkcCasefold() {
  static const icu::Normalizer2* const instance = [] {
    UErrorCode error = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(error);
    // ICU's data ships with libicu; without it nothing can be searched, so fail loudly.
    if (U_FAILURE(error) || n == nullptr) std::abort();
    return n;
  }();
  return *instance;
}

}  // namespace

std::string SearchText(std::string_view text) {
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode error = U_ZERO_ERROR;
  icu::UnicodeString folded = NfkcCasefold().normalize(in, error);
  if (U_FAILURE(error)) return {};
  icu::UnicodeString out;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || u_iscntrl(c)) continue;
    // ぁ (U+3041) … ゖ (U+3096) and ゝゞ (U+309D/E) sit 0x60 below their katakana.
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E) c += 0x60;
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string PrefixEnd(std::string_view prefix) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(prefix.data(), static_cast<int32_t>(prefix.size())));
  if (s.isEmpty()) return {};
  const int32_t last = s.moveIndex32(s.length(), -1);
  const UChar32 c = s.char32At(last);
  s.truncate(last);
  s.append(static_cast<UChar32>(c + 1));
  std::string out;
  s.toUTF8String(out);
  return out;
}

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace shugo::projections
