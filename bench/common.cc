#include "bench/common.h"

namespace shugo::bench {

std::string PayloadBytes(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (char& c : out) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    c = static_cast<char>(s & 0xff);
  }
  return out;
}

}  // namespace shugo::bench
