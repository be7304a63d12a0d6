// A domain event encoded as the store writes it and decoded back, for the round-trip tests.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include "core/domain_events.h"

namespace shugo::core::test {

inline Result<DomainEvent> RoundTrip(const DomainEvent& e) {
  flatbuffers::FlatBufferBuilder fbb;
  events::NewEvent n = Encode(e, std::nullopt);
  const auto payload = n.payload(fbb);
  fb::Hash256 zero;
  fb::Header header(1, 1, 0, zero);
  fbb.Finish(fb::CreateEvent(fbb, &header, fbb.CreateString(StreamOf(e)), 0, 0, 0, 0, 0, 0, n.type,
                             payload),
             fb::EventIdentifier());
  return Decode(*fb::GetEvent(fbb.GetBufferPointer()));
}

}  // namespace shugo::core::test
