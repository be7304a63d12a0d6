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

// Writes `count` values of `value_bytes` under 8-byte big-endian keys into a RocksDB at `dir`
// (column-family options as the event log's) unless it already holds them, then compacts it fully.
Status FillBaseline(const std::filesystem::path& dir, uint64_t count, size_t value_bytes);
// Iterates the whole baseline in key order, touching every value, and times it.
Result<BaselineFigures> IterateBaseline(const std::filesystem::path& dir);

struct PutFigures {
  uint64_t puts = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
};
// `threads` threads each doing synced Puts of `value_bytes` under their own keys for `seconds`,
// into a fresh RocksDB at `dir`: RocksDB's own write groups, the peer of `bench append`.
Result<PutFigures> SyncedPutsBaseline(const std::filesystem::path& dir, int threads, double seconds,
                                      size_t value_bytes);

}  // namespace shugo::events
