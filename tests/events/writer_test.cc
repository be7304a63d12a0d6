// The single writer's mechanics made deterministic with test hooks: a gate before a group holds
// the writer while commands queue up, and every WAL sync is counted.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "events/event_store.h"
#include "tests/testing/raw_log.h"
#include "tests/testing/store_fixture.h"

namespace shugo::events {
namespace {

using testing::OneStream;
using testing::StoreFixture;

// Holds the writer in its first group until Release(); counts syncs and acknowledgments.
struct GatedStore : StoreFixture {
  GatedStore() {
    hooks.before_group = [this](size_t n) {
      std::unique_lock lk(mu);
      group_sizes.push_back(n);
      if (group_sizes.size() == 1) {
        held = true;
        cv.notify_all();
        cv.wait(lk, [this] { return released; });
      }
    };
    hooks.after_wal_sync = [this] {
      std::lock_guard lk(mu);
      acked_at_sync.push_back(acked.load());
    };
    StoreOptions o;
    o.test_hooks = &hooks;
    Reopen(o);
  }
  ~GatedStore() { Release(); }

  void WaitHeld() {
    std::unique_lock lk(mu);
    cv.wait(lk, [this] { return held; });
  }
  // Waits until `n` commands sit in the queue behind the held group (no timing involved).
  void WaitQueued(size_t n) {
    while (store->queued() < n) std::this_thread::yield();
  }
  void Release() {
    std::lock_guard lk(mu);
    released = true;
    cv.notify_all();
  }
  // Appends on a new thread; the result lands in `out`.
  std::thread Submit(Command c, Result<AppendResult>& out) {
    return std::thread([this, c = std::move(c), &out] {
      out = Append(c);
      acked++;
    });
  }

  StoreTestHooks hooks;
  std::mutex mu;
  std::condition_variable cv;
  bool held = false, released = false;
  std::vector<size_t> group_sizes;
  std::vector<int> acked_at_sync;
  std::atomic<int> acked{0};
};

TEST_CASE_FIXTURE(GatedStore,
                  "inv06: one WAL sync per group and no command acknowledged before its sync") {
  Result<AppendResult> first = Status::Internal("unset");
  std::thread t0 = Submit(OneStream("first", "s-first", ExpectedVersion::NoStream()), first);
  WaitHeld();
  constexpr int kQueued = 12;
  std::vector<Result<AppendResult>> results(kQueued, Status::Internal("unset"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kQueued; ++i) {
    threads.push_back(Submit(
        OneStream("q" + std::to_string(i), "s" + std::to_string(i), ExpectedVersion::NoStream()),
        results[static_cast<size_t>(i)]));
  }
  WaitQueued(kQueued);
  Release();
  t0.join();
  for (auto& t : threads) t.join();

  REQUIRE(first.ok());
  for (auto& r : results) REQUIRE(r.ok());
  CHECK_EQ(group_sizes, std::vector<size_t>{1, kQueued});
  const GroupStats stats = store->group_stats();
  CHECK_EQ(stats.groups, 2u);
  CHECK_EQ(stats.commands, static_cast<uint64_t>(1 + kQueued));
  std::lock_guard lk(mu);
  REQUIRE_EQ(acked_at_sync.size(), 2u);  // exactly one WAL sync per group
  CHECK_EQ(acked_at_sync[0], 0);         // the first group's command waited for its sync
  CHECK_LE(acked_at_sync[1], 1);         // none of the second group's 12 was answered before it
}

TEST_CASE_FIXTURE(GatedStore, "inv04 and inv05: a retry and a conflict inside one group") {
  Result<AppendResult> first = Status::Internal("unset");
  std::thread t0 = Submit(OneStream("first", "s-first", ExpectedVersion::NoStream()), first);
  WaitHeld();
  // Two commands with one id, and two different commands that both expect stream t to be new.
  std::vector<Result<AppendResult>> r(4, Status::Internal("unset"));
  std::vector<std::thread> threads;
  threads.push_back(Submit(OneStream("same-id", "u", ExpectedVersion::NoStream()), r[0]));
  threads.push_back(Submit(OneStream("same-id", "u", ExpectedVersion::NoStream()), r[1]));
  threads.push_back(Submit(OneStream("y", "t", ExpectedVersion::NoStream()), r[2]));
  threads.push_back(Submit(OneStream("z", "t", ExpectedVersion::NoStream()), r[3]));
  WaitQueued(4);
  Release();
  t0.join();
  for (auto& t : threads) t.join();
  REQUIRE_EQ(group_sizes.size(), 2u);
  CHECK_EQ(group_sizes[1], 4u);  // all four were decided in one group

  REQUIRE(r[0].ok());
  REQUIRE(r[1].ok());
  CHECK_NE(r[0]->duplicate,
           r[1]->duplicate);  // whichever came first appended; the other is the retry
  CHECK_EQ(r[0]->first_position, r[1]->first_position);
  CHECK_EQ(r[0]->streams, r[1]->streams);

  CHECK_NE(r[2].ok(), r[3].ok());  // one of y and z wins stream t
  const auto& loser = r[2].ok() ? r[3] : r[2];
  CHECK_EQ(loser.status().code(), StatusCode::kAborted);
  CHECK_EQ(loser.status().message(), "stream 't': expected version no stream, current version 1");
  CHECK_EQ(store->head(), 3u);  // first, same-id, and the winner of t
  CHECK_EQ(*store->StreamHead("t"), 1u);
}

TEST_CASE("inv02: a disk that fills at any byte of a two-stream command leaves all of it or none") {
  bool succeeded = false;
  for (int64_t budget = 0; !succeeded && budget < 20000; budget += 64) {
    CAPTURE(budget);
    testing::TempDir dir;
    ManualClock clock(JapanDate(2025, 4, 1));
    StoreOptions o;
    o.clock = &clock;
    o.create_if_missing = true;
    o.fail_writes_after_bytes = budget;
    Command c = OneStream("two", "letter-1", ExpectedVersion::NoStream(), 2);
    c.streams.push_back(OneStream("two", "org-1", ExpectedVersion::NoStream()).streams[0]);
    {
      auto store = EventStore::Open(dir.path(), o);
      REQUIRE(store.ok());
      auto r = (*store)->Append(c);
      succeeded = r.ok();
      if (!r.ok()) CHECK_EQ(r.status().code(), StatusCode::kResourceExhausted);
    }
    o.fail_writes_after_bytes = -1;
    auto store = EventStore::Open(dir.path(), o);
    REQUIRE(store.ok());
    const Position head = (*store)->head();
    if (succeeded) {
      CHECK_EQ(head, 3u);  // acknowledged: all of it
    } else {
      CHECK((head == 0 || head == 3));  // refused: nothing, or (failed sync) all of it
    }
    CHECK_EQ(*(*store)->StreamHead("letter-1"), head == 3 ? 2u : 0u);
    CHECK_EQ(*(*store)->StreamHead("org-1"), head == 3 ? 1u : 0u);
    auto again = (*store)->Append(c);  // a retry settles an unknown outcome
    REQUIRE(again.ok());
    CHECK_EQ(again->duplicate, head == 3);
    CHECK_EQ((*store)->Verify()->first_bad, 0u);
  }
  CHECK(succeeded);
}

TEST_CASE_FIXTURE(StoreFixture, "inv09: verify while appends run reports no tampering") {
  for (int i = 0; i < 200; ++i)
    REQUIRE(Append(OneStream("pre" + std::to_string(i), "s", ExpectedVersion::Any())).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      if (!Append(OneStream("live" + std::to_string(i), "w", ExpectedVersion::Any())).ok())
        failures++;
    }
  });
  for (int round = 0; round < 20; ++round) {
    auto report = store->Verify();
    REQUIRE(report.ok());
    CHECK_EQ(report->first_bad, 0u);
    CHECK_GE(report->checked, 200u);
  }
  stop = true;
  writer.join();
  CHECK_EQ(failures.load(), 0);
}

TEST_CASE_FIXTURE(
    StoreFixture,
    "inv09: a broken link just before an unreadable record names the earlier position") {
  for (int i = 0; i < 8; ++i)
    REQUIRE(Append(OneStream("c" + std::to_string(i), "s", ExpectedVersion::Any())).ok());
  Close();
  {
    testing::RawLog raw(dir.path());
    raw.Put(3, testing::FlipBit(raw.Get(3), false));
    raw.Put(5, "garbage");
  }
  Reopen();
  auto report = store->Verify();
  REQUIRE(report.ok());
  CHECK_EQ(report->first_bad, 3u);
  CHECK_EQ(report->checked, 2u);
}

TEST_CASE_FIXTURE(
    StoreFixture,
    "restart: an events/ directory whose database is gone is refused and not replaced") {
  REQUIRE(Append(OneStream("a", "s", ExpectedVersion::Any())).ok());
  Close();
  std::filesystem::remove(dir.path() / "events" / "CURRENT");
  StoreOptions o;
  o.clock = &clock;
  o.create_if_missing = true;  // even when asked to create: the directory exists
  auto r = EventStore::Open(dir.path(), o);
  CHECK_STATUS(r, kDataLoss);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "events" / "CURRENT"));
}

TEST_CASE_FIXTURE(StoreFixture,
                  "errors: a second open of an open directory is refused as unavailable") {
  StoreOptions o;
  o.clock = &clock;
  auto second = EventStore::Open(dir.path(), o);
  CHECK_STATUS(second, kUnavailable);
  CHECK_NE(second.status().message().find("in use by another process"), std::string::npos);
  REQUIRE(Append(OneStream("a", "s", ExpectedVersion::Any())).ok());  // the first is untouched
}

TEST_CASE_FIXTURE(StoreFixture, "events: reading from the middle of the log without a bound") {
  REQUIRE(Append(OneStream("a", "s", ExpectedVersion::Any(), 9)).ok());
  auto tail = store->ReadRange(5, SIZE_MAX);
  REQUIRE(tail.ok());
  REQUIRE_EQ(tail->size(), 5u);
  CHECK_EQ(tail->front().position(), 5u);
  CHECK_EQ(tail->back().position(), 9u);
  CHECK(store->ReadRange(10, SIZE_MAX)->empty());
  auto sub = store->Subscribe(3);
  auto next = sub->Next(SIZE_MAX);
  REQUIRE(next.ok());
  CHECK_EQ(next->size(), 6u);
}

}  // namespace
}  // namespace shugo::events
