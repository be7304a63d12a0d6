// AppendDecided: commands decided on the writer thread, in log order, against the caller's own
// in-memory state (how the command processor of core/ decides one command at a time).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

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

}  // namespace
}  // namespace shugo::events
