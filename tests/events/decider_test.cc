// AppendDecided: commands decided on the writer thread, in log order, against the caller's own
// in-memory state (how the command processor of core/ decides one command at a time).
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "tests/testing/store_fixture.h"

namespace shugo::events {
namespace {

using testing::OneStream;
using testing::StoreFixture;

// A counter kept by the deciders: each decision appends the next value and applies it.
struct Counter {
  int64_t value = 0;  // touched only on the writer thread
  EventStore::Decider Next(std::atomic<int>& decided, Position* saw_next = nullptr) {
    return [this, &decided, saw_next](Position next) -> Result<Decision> {
      ++decided;
      if (saw_next != nullptr) *saw_next = next;
      Decision d;
      d.command = OneStream("", "counter", ExpectedVersion::Any());
      d.command.streams[0].events[0] = testing::Opaque(std::to_string(value + 1));
      d.apply = [this] { ++value; };
      return d;
    };
  }
};

TEST_CASE_FIXTURE(StoreFixture,
                  "events: decisions run in log order and each sees every earlier one") {
  Counter counter;
  std::atomic<int> decided{0};
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = store->AppendDecided("c" + std::to_string(t) + "-" + std::to_string(i),
                                      counter.Next(decided));
        if (!r.ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK_EQ(failures.load(), 0);
  CHECK_EQ(decided.load(), kThreads * kEach);
  CHECK_EQ(counter.value, kThreads * kEach);
  const auto events = All();
  REQUIRE_EQ(events.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK_EQ(testing::OpaqueData(events[i]), std::to_string(i + 1));  // value k at position k
  }
  CHECK_LT(store->group_stats().groups, static_cast<uint64_t>(kThreads * kEach) + 1);
}

TEST_CASE_FIXTURE(StoreFixture, "events: the decider learns the position of its first event") {
  REQUIRE(Append(OneStream("before", "s", ExpectedVersion::Any(), 3)).ok());
  Counter counter;
  std::atomic<int> decided{0};
  Position next = 0;
  auto r = store->AppendDecided("mine", counter.Next(decided, &next));
  REQUIRE(r.ok());
  CHECK_EQ(next, 4u);
  CHECK_EQ(r->first_position, 4u);
  CHECK_EQ(All().back().event().command_id()->str(), "mine");
}

TEST_CASE_FIXTURE(StoreFixture,
                  "events: a refused or malformed decision appends nothing and applies nothing") {
  bool applied = false;
  auto refused = store->AppendDecided("r1", [&](Position) -> Result<Decision> {
    return Status::FailedPrecondition("申請中の委任状ではありません");
  });
  CHECK_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  auto malformed = store->AppendDecided("r2", [&](Position) -> Result<Decision> {
    Decision d;  // no streams
    d.apply = [&] { applied = true; };
    return d;
  });
  CHECK_EQ(malformed.status().field(), "streams");
  auto conflict = store->AppendDecided("r3", [&](Position) -> Result<Decision> {
    Decision d;
    d.command = OneStream("", "s", ExpectedVersion::Exact(5));
    d.apply = [&] { applied = true; };
    return d;
  });
  CHECK_EQ(conflict.status().code(), StatusCode::kAborted);
  CHECK_FALSE(applied);
  CHECK_EQ(store->head(), 0u);
  CHECK_EQ(store->AppendDecided("", [](Position) -> Result<Decision> { return Decision{}; })
               .status()
               .field(),
           "command_id");
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv05: a retried decided command is answered without deciding again") {
  Counter counter;
  std::atomic<int> decided{0};
  auto first = store->AppendDecided("once", counter.Next(decided));
  REQUIRE(first.ok());
  auto retry = store->AppendDecided("once", counter.Next(decided));
  REQUIRE(retry.ok());
  CHECK(retry->duplicate);
  CHECK_EQ(retry->first_position, first->first_position);
  CHECK_EQ(decided.load(), 1);
  CHECK_EQ(counter.value, 1);
  Reopen();
  CHECK(store->AppendDecided("once", counter.Next(decided))->duplicate);
  CHECK_EQ(decided.load(), 1);
}

// A counter whose decisions also say how to take them back (Decision::discard).
struct UndoableCounter {
  int64_t value = 0;                    // writer thread only
  std::vector<int64_t> discarded_from;  // the value each discard found, in call order
  EventStore::Decider Next() {
    return [this](Position) -> Result<Decision> {
      Decision d;
      d.command = OneStream("", "counter", ExpectedVersion::Any());
      d.command.streams[0].events[0] = testing::Opaque(std::to_string(value + 1));
      d.apply = [this] { ++value; };
      d.discard = [this] { discarded_from.push_back(value--); };
      return d;
    };
  }
};

TEST_CASE_FIXTURE(StoreFixture,
                  "inv02: deciders discard a group the full disk refused before anything else") {
  WriteFault fault;
  StoreTestHooks hooks;
  std::atomic<bool> hold{false}, held{false};
  hooks.before_group = [&](size_t n) {
    if (n == 1 && hold.exchange(false)) {
      held = true;  // let the next group gather four commands behind this one
      while (store->queued() < 4) std::this_thread::yield();
    } else if (n == 4) {
      fault.budget = 0;  // the disk fills just as the group of four is written
    }
  };
  StoreOptions o;
  o.write_fault = &fault;
  o.test_hooks = &hooks;
  Reopen(o);
  UndoableCounter counter;
  REQUIRE(store->AppendDecided("one", counter.Next()).ok());
  CHECK(store->write_failure().ok());

  // A group of four refused: each saw the ones before it, and all four are discarded, last first,
  // before anything else is decided.
  hold = true;
  std::thread blocker([&] { CHECK(store->AppendDecided("blocker", counter.Next()).ok()); });
  while (!held) std::this_thread::yield();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto r = store->AppendDecided("group-" + std::to_string(t), counter.Next());
      if (r.ok() || r.status().code() != StatusCode::kResourceExhausted) wrong++;
    });
  }
  blocker.join();
  for (auto& t : threads) t.join();
  CHECK_EQ(wrong.load(), 0);
  CHECK_EQ(counter.value, 2);  // one, blocker
  CHECK_EQ(counter.discarded_from, std::vector<int64_t>{6, 5, 4, 3});
  CHECK_EQ(store->head(), 2u);
  CHECK_EQ(store->write_failure().code(), StatusCode::kResourceExhausted);

  // Sticky: later appends are refused with the first error, and no decider is asked, even once
  // space is back.
  fault.budget = -1;
  bool decided = false;
  auto later = store->AppendDecided("later", [&](Position) -> Result<Decision> {
    decided = true;
    return Status::Internal("not asked");
  });
  CHECK_STATUS(later, kResourceExhausted);
  CHECK_FALSE(decided);
  CHECK_EQ(counter.value, 2);

  // A restart recovers the WAL to its last sync: nothing of the refused group comes back, and
  // the refused ids are free.
  Reopen();
  CHECK(store->write_failure().ok());
  CHECK_EQ(store->head(), 2u);
  auto again = store->AppendDecided("group-0", counter.Next());
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK_FALSE(again->duplicate);
  CHECK_EQ(again->first_position, 3u);
  const auto events = All();
  REQUIRE_EQ(events.size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK_EQ(testing::OpaqueData(events[i]), std::to_string(i + 1));
  }
  CHECK_EQ(store->Verify()->first_bad, 0u);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv06: an I/O error stops appends until the store is reopened and is reported") {
  WriteFault fault;
  StoreOptions o;
  o.write_fault = &fault;
  Reopen(o);
  REQUIRE(Append(OneStream("before", "s", ExpectedVersion::NoStream())).ok());

  fault.io_error = true;
  fault.budget = 0;  // the device fails
  auto failed = Append(OneStream("lost", "s", ExpectedVersion::Any()));
  REQUIRE_FALSE(failed.ok());
  CHECK_NE(failed.status().code(), StatusCode::kResourceExhausted);
  const Status failure = store->write_failure();
  testing::CheckSimulatedDeviceFailure(failure);

  // The device works again; the store does not trust its WAL any more: the first error again,
  // and no decider is asked.
  fault.budget = -1;
  fault.io_error = false;
  auto after = Append(OneStream("after", "s", ExpectedVersion::Any()));
  CHECK_EQ(after.status().code(), failure.code());
  bool decided = false;
  auto r = store->AppendDecided("decided", [&](Position) -> Result<Decision> {
    decided = true;
    Decision d;
    d.command = OneStream("", "s", ExpectedVersion::Any());
    return d;
  });
  CHECK_EQ(r.status().code(), failure.code());
  CHECK_FALSE(decided);
  CHECK_EQ(store->head(), 1u);
  CHECK_EQ(store->write_failure().code(), failure.code());  // still the first error

  Reopen();  // a restart recovers the WAL to its last sync
  CHECK(store->write_failure().ok());
  CHECK_EQ(store->head(), 1u);
  auto again = Append(OneStream("after", "s", ExpectedVersion::Any()));
  REQUIRE(again.ok());
  CHECK_EQ(again->first_position, 2u);
}

}  // namespace
}  // namespace shugo::events
