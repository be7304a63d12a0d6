// A real event store in a temp dir, with a manual clock and Reopen().
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "events/event_store.h"
#include "events/opaque.h"
#include "tests/testing/temp_dir.h"

namespace shugo::testing {

#define CHECK_OK(expr)                                       \
  do {                                                       \
    const ::shugo::Status check_ok_s_ = (expr);              \
    CHECK_MESSAGE(check_ok_s_.ok(), check_ok_s_.ToString()); \
  } while (0)

#define CHECK_STATUS(expr, expected_code) \
  CHECK_EQ((expr).status().code(), ::shugo::StatusCode::expected_code)

// An Opaque event of kind "test".
inline events::NewEvent Opaque(std::string data,
                               std::optional<JapanDate> effective = std::nullopt) {
  return events::OpaqueEvent("test", std::move(data), effective);
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

// The sticky error of a device that failed under the fault-injecting file system: an I/O error
// (not a full disk), naming RocksDB's message.
inline void CheckSimulatedDeviceFailure(const Status& failure) {
  CHECK_FALSE(failure.ok());
  CHECK_NE(failure.code(), StatusCode::kResourceExhausted);
  CHECK_MESSAGE(failure.message().find("simulated device failure") != std::string::npos,
                failure.ToString());
}

inline std::string OpaqueData(const events::RecordedEvent& e) {
  return events::OpaqueData(e.event());
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
