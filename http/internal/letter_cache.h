// Letters as the JSON objects the letter routes write (WriteLetter), by id, each valid for one
// revision of its row (projections::LetterItem::revision, the position of the last event that
// changed it). A letters page takes the objects it holds at their revision without reading their
// rows, and reads and writes only the others: on a page of 50 letters the rows and their JSON were
// about half of the request's CPU time (docs/benchmarks.md "HTTP").
//
// Correct by construction: a row's revision moves with every change of what the object shows, so
// an object is used only for the exact row it was written from; which letters a caller may see is
// decided by the page's query, never by the cache. Bounded by bytes: a shard that would grow past
// its share is emptied (the next pages fill it again).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/domain_events.h"
#include "events/event.h"

namespace shugo::http::internal {

class LetterCache {
 public:
  explicit LetterCache(size_t max_bytes = size_t{64} << 20) : shard_bytes_(max_bytes / kShards) {}

  // The object of letter `id` written at `revision`, or null.
  std::shared_ptr<const std::string> Find(core::LetterId id, events::Position revision) const;
  // Keeps `json`, the object of letter `id` at `revision` (replacing an older one).
  void Keep(core::LetterId id, events::Position revision, std::string json);

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    events::Position revision = 0;
    std::shared_ptr<const std::string> json;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<core::LetterId, Entry> entries;
    size_t bytes = 0;
  };
  Shard& ShardOf(core::LetterId id) const { return shards_[id % kShards]; }

  const size_t shard_bytes_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace shugo::http::internal
