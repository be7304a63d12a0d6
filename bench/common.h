// Helpers shared by the benchmarks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace shugo::bench {

// The value at quantile q (0..1) of `sorted` latencies, nearest rank; 0 when empty.
inline double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(i, sorted.size() - 1)];
}

// Deterministic bytes that do not compress away.
std::string PayloadBytes(size_t n, uint64_t seed);

}  // namespace shugo::bench
