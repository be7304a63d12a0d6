#include "events/internal/keys.h"

namespace shugo::events::internal {

std::string EncodeCommandResult(const AppendResult& r) {
  std::string out;
  PutBe64(out, r.first_position);
  PutBe64(out, r.last_position);
  PutBe64(out, static_cast<uint64_t>(r.recorded_at_us));
  PutBe64(out, r.streams.size());
  for (const auto& s : r.streams) {
    PutBe64(out, s.stream.size());
    out.append(s.stream);
    PutBe64(out, s.version);
  }
  return out;
}

bool DecodeCommandResult(std::string_view b, AppendResult& out) {
  auto take = [&b](uint64_t& v) {
    if (b.size() < 8) return false;
    v = GetBe64(b.data());
    b.remove_prefix(8);
    return true;
  };
  uint64_t at = 0, n = 0;
  if (!take(out.first_position) || !take(out.last_position) || !take(at) || !take(n)) return false;
  out.recorded_at_us = static_cast<int64_t>(at);
  out.streams.clear();
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len = 0, version = 0;
    if (!take(len) || b.size() < len) return false;
    std::string stream(b.substr(0, len));
    b.remove_prefix(len);
    if (!take(version)) return false;
    out.streams.push_back({std::move(stream), version});
  }
  return b.empty();
}

std::string EncodeHead(Position head, const Hash& chain_hash) {
  std::string out;
  PutBe64(out, head);
  out.append(reinterpret_cast<const char*>(chain_hash.data()), chain_hash.size());
  return out;
}

bool DecodeHead(std::string_view bytes, Position& head, Hash& chain_hash) {
  if (bytes.size() != 8 + chain_hash.size()) return false;
  head = GetBe64(bytes.data());
  std::memcpy(chain_hash.data(), bytes.data() + 8, chain_hash.size());
  return true;
}

}  // namespace shugo::events::internal
