// The Opaque payload (schemas/events.fbs): bytes without meaning, for tests and benchmarks only.
#pragma once

#include <optional>
#include <string>

#include "events/event.h"

namespace shugo::events {

// An event carrying `data` under `kind`; both are copied into the payload writer.
NewEvent OpaqueEvent(std::string kind, std::string data,
                     std::optional<JapanDate> effective_date = std::nullopt);

// The bytes of an Opaque event, or "" for any other payload.
std::string OpaqueData(const fb::Event& event);

}  // namespace shugo::events
