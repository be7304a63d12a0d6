// A real event store in a temp dir, with a manual clock and Reopen().
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "events/event_store.h"
#include "tests/testing/temp_dir.h"

namespace shugo::testing {

#define CHECK_OK(expr)                                       \
  do {                                                       \
    const ::shugo::Status check_ok_s_ = (expr);              \
    CHECK_MESSAGE(check_ok_s_.ok(), check_ok_s_.ToString()); \
  } while (0)

#define CHECK_STATUS(expr, expected_code) \
  CHECK_EQ((expr).status().code(), ::shugo::StatusCode::expected_code)

// An Opaque event; `data` is copied into the writer.
inline events::NewEvent Opaque(std::string data,
                               std::optional<JapanDate> effective = std::nullopt) {
  events::NewEvent e;
  e.type = fb::Payload::Opaque;
  e.effective_date = effective;
  e.payload = [data = std::move(data)](flatbuffers::FlatBufferBuilder& fbb) {
    auto bytes = fbb.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return fb::CreateOpaque(fbb, fbb.CreateString("test"), bytes).Union();
  };
  return e;
}

// A command appending `n` Opaque events to one stream.
inline events::Command OneStream(std::string id, std::string stream,
                                 events::ExpectedVersion expected, int n = 1) {
  events::Command c;
  c.id = std::move(id);
  c.actor_user = "u-test";
  c.actor_org = "131016";
  events::StreamAppend s;
  s.stream = std::move(stream);
  s.expected = expected;
  for (int i = 0; i < n; ++i) s.events.push_back(Opaque("event " + std::to_string(i)));
  c.streams.push_back(std::move(s));
  return c;
}

inline std::string OpaqueData(const events::RecordedEvent& e) {
  const auto* o = e.event().payload_as_Opaque();
  return o ? std::string(reinterpret_cast<const char*>(o->data()->data()), o->data()->size())
           : std::string();
}

class StoreFixture {
 public:
  StoreFixture() : clock(JapanDate(2025, 4, 1)) { Reopen(); }

  void Reopen(events::StoreOptions options = {}) {
    store.reset();
    options.create_if_missing = true;
    options.clock = &clock;
    auto s = events::EventStore::Open(dir.path(), options);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s).value();
  }
  void Close() { store.reset(); }

  Result<events::AppendResult> Append(const events::Command& c) { return store->Append(c); }

  std::vector<events::RecordedEvent> All() {
    auto r = store->ReadRange(1, SIZE_MAX);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<events::EventStore> store;
};

}  // namespace shugo::testing
