#include "http/internal/letter_cache.h"

namespace shugo::http::internal {

std::shared_ptr<const std::string> LetterCache::Find(core::LetterId id,
                                                     events::Position revision) const {
  Shard& shard = ShardOf(id);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end() || it->second.revision != revision) return nullptr;
  return it->second.json;
}

void LetterCache::Keep(core::LetterId id, events::Position revision, std::string json) {
  constexpr size_t kEntryOverhead = 64;  // the map node and the shared string's control block
  const size_t cost = json.size() + kEntryOverhead;
  auto kept = std::make_shared<const std::string>(std::move(json));
  Shard& shard = ShardOf(id);
  std::lock_guard lock(shard.mu);
  auto [it, fresh] = shard.entries.try_emplace(id);
  if (!fresh) {
    if (it->second.revision > revision) return;  // a later revision is kept already
    shard.bytes -= it->second.json->size() + kEntryOverhead;
  }
  if (shard.bytes + cost > shard_bytes_) {
    shard.entries.clear();
    shard.bytes = 0;
    it = shard.entries.try_emplace(id).first;
  }
  it->second = Entry{revision, std::move(kept)};
  shard.bytes += cost;
}

}  // namespace shugo::http::internal
