#include "events/opaque.h"

namespace shugo::events {

NewEvent OpaqueEvent(std::string kind, std::string data, std::optional<JapanDate> effective_date) {
  NewEvent e;
  e.type = fb::Payload::Opaque;
  e.effective_date = effective_date;
  e.payload = [kind = std::move(kind),
               data = std::move(data)](flatbuffers::FlatBufferBuilder& fbb) {
    auto bytes = fbb.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return fb::CreateOpaque(fbb, fbb.CreateString(kind), bytes).Union();
  };
  return e;
}

std::string OpaqueData(const fb::Event& event) {
  const fb::Opaque* o = event.payload_as_Opaque();
  if (o == nullptr || o->data() == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(o->data()->data()), o->data()->size());
}

}  // namespace shugo::events
