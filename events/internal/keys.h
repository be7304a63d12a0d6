// The on-disk layout of the event log (docs/event-format.md). Only events/ includes this.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "events/event.h"

namespace shugo::events::internal {

// Column families.
inline constexpr const char* kLogCf = "default";        // BE64(position) -> record bytes
inline constexpr const char* kStreamsCf = "streams";    // stream \0 BE64(version) -> BE64(position)
inline constexpr const char* kCommandsCf = "commands";  // command id -> EncodeCommandResult
inline constexpr const char* kTimeCf = "time";  // BE64(recorded_at) BE64(first) -> BE64(last)
inline constexpr const char* kMetaCf = "meta";  // "head" -> BE64(position) + chain hash

inline constexpr std::string_view kHeadKey = "head";

inline void PutBe64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(buf, 8);
}

inline uint64_t GetBe64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

inline std::string PositionKey(Position p) {
  std::string k;
  PutBe64(k, p);
  return k;
}

inline std::string StreamKey(std::string_view stream, Version v) {
  std::string k;
  k.reserve(stream.size() + 9);
  k.append(stream);
  k.push_back('\0');
  PutBe64(k, v);
  return k;
}

inline std::string TimeKey(int64_t recorded_at_us, Position first) {
  std::string k;
  PutBe64(k, static_cast<uint64_t>(recorded_at_us));
  PutBe64(k, first);
  return k;
}

// Command result: first, last, recorded_at, count, then per stream: BE64 length, bytes, BE64
// version.
std::string EncodeCommandResult(const AppendResult& r);
bool DecodeCommandResult(std::string_view bytes, AppendResult& out);

std::string EncodeHead(Position head, const Hash& chain_hash);
bool DecodeHead(std::string_view bytes, Position& head, Hash& chain_hash);

}  // namespace shugo::events::internal
