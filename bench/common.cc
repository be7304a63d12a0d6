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

events::NewEvent OpaqueEvent(const std::string& data) {
  events::NewEvent e;
  e.type = fb::Payload::Opaque;
  e.payload = [&data](flatbuffers::FlatBufferBuilder& fbb) {
    auto bytes = fbb.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    auto kind = fbb.CreateString("bench");
    return fb::CreateOpaque(fbb, kind, bytes).Union();
  };
  return e;
}

}  // namespace shugo::bench
