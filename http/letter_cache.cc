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
  // The map's node and bucket and the shared string's control block, besides the text's buffer.
  constexpr size_t kEntryOverhead = 128;
  json.shrink_to_fit();
  const size_t cost = json.capacity() + kEntryOverhead;
  auto kept = std::make_shared<const std::string>(std::move(json));
  Shard& shard = ShardOf(id);
  std::lock_guard lock(shard.mu);
  auto [it, fresh] = shard.entries.try_emplace(id);
  if (!fresh) {
    if (it->second.revision > revision) return;  // a later revision is kept already
    shard.bytes -= it->second.json->capacity() + kEntryOverhead;
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
