#include "base/text.h"

namespace shugo {

std::string QuoteInput(std::string_view text, size_t max_bytes) {
  size_t end = text.size() < max_bytes ? text.size() : max_bytes;
  // Back off over continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  std::string shown = "「";
  for (char c : text.substr(0, end)) {
    const auto u = static_cast<unsigned char>(c);
    shown.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (end < text.size()) shown += "…";
  return shown + "」";
}

}  // namespace shugo
