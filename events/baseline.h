// Bare RocksDB with the log's own options: the limit that benchmarks compare the store against.
#pragma once

#include <cstdint>
#include <filesystem>

#include "base/status.h"

namespace shugo::events {

struct BaselineFigures {
  uint64_t values = 0;
  double seconds = 0;
};

// Writes `count` values of `value_bytes` under 8-byte big-endian keys into a fresh RocksDB at
// `dir` (column-family options as the event log's), unless it already holds them.
Status FillBaseline(const std::filesystem::path& dir, uint64_t count, size_t value_bytes);
// Iterates the whole baseline in key order, touching every value, and times it.
Result<BaselineFigures> IterateBaseline(const std::filesystem::path& dir);

}  // namespace shugo::events
