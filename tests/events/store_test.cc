// Restart, concurrency, subscriptions and the failures the store must survive with a clear error.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "events/event_store.h"
#include "tests/testing/store_fixture.h"

namespace shugo::events {
namespace {

using testing::OneStream;
using testing::StoreFixture;

TEST_CASE_FIXTURE(
    StoreFixture,
    "restart: appended events read back after reopen and versions and positions continue") {
  for (int i = 0; i < 20; ++i) {
    REQUIRE(Append(OneStream("c" + std::to_string(i), "s" + std::to_string(i % 3),
                             ExpectedVersion::Any()))
                .ok());
  }
  const auto before = All();
  Reopen();
  CHECK_EQ(store->head(), 20u);
  const auto after = All();
  REQUIRE_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) CHECK_EQ(after[i].bytes(), before[i].bytes());
  CHECK_EQ(*store->StreamHead("s0"), 7u);
  auto next = Append(OneStream("c20", "s0", ExpectedVersion::Exact(7)));
  REQUIRE(next.ok());
  CHECK_EQ(next->first_position, 21u);
  CHECK_EQ(next->streams[0].version, 8u);
  auto stream = store->ReadStream("s0", 7);
  REQUIRE(stream.ok());
  REQUIRE_EQ(stream->size(), 2u);
  CHECK_EQ(stream->at(0).event().header()->stream_version(), 7u);
  CHECK_EQ(stream->at(1).position(), 21u);
  CHECK_EQ(store->Verify()->first_bad, 0u);  // the chain continues across the restart
}

TEST_CASE_FIXTURE(StoreFixture, "restart: reading one stream from a version with a bound") {
  REQUIRE(Append(OneStream("a", "letter-1", ExpectedVersion::NoStream(), 5)).ok());
  REQUIRE(
      Append(OneStream("b", "letter-10", ExpectedVersion::NoStream(), 2)).ok());  // shares a prefix
  auto all = store->ReadStream("letter-1");
  REQUIRE(all.ok());
  CHECK_EQ(all->size(), 5u);
  auto tail = store->ReadStream("letter-1", 4);
  REQUIRE(tail.ok());
  REQUIRE_EQ(tail->size(), 2u);
  CHECK_EQ(tail->front().event().header()->stream_version(), 4u);
  auto two = store->ReadStream("letter-1", 1, 2);
  REQUIRE(two.ok());
  CHECK_EQ(two->size(), 2u);
  CHECK(store->ReadStream("letter-2")->empty());
  CHECK_EQ(*store->StreamHead("letter-1"), 5u);
  CHECK_EQ(*store->StreamHead("letter-"), 0u);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "concurrency: many threads on one stream lose/duplicate/reorder nothing and "
                  "conflicts are exact") {
  constexpr int kThreads = 6, kPerThread = 60;
  std::atomic<int> conflicts{0}, wrong_reports{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int done = 0;
      while (done < kPerThread) {
        auto head = store->StreamHead("shared");
        if (!head.ok()) {
          FAIL_CHECK(head.status().ToString());
          return;
        }
        Command c = OneStream("t" + std::to_string(t) + "-" + std::to_string(done), "shared",
                              ExpectedVersion::Exact(*head));
        c.streams[0].events[0] = testing::Opaque(std::to_string(t) + ":" + std::to_string(done));
        auto r = Append(c);
        if (r.ok()) {
          ++done;
          continue;
        }
        if (r.status().code() != StatusCode::kAborted) {
          FAIL_CHECK(r.status().ToString());
          return;
        }
        conflicts++;
        // The report names the stream, our version, and a current version beyond ours.
        const std::string expect = "stream 'shared': expected version " +
                                   ExpectedVersion::Exact(*head).ToString() + ", current version ";
        if (r.status().field() != "shared" || r.status().message().rfind(expect, 0) != 0 ||
            std::stoull(r.status().message().substr(expect.size())) <= *head) {
          wrong_reports++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK_EQ(wrong_reports.load(), 0);
  auto events = store->ReadStream("shared");
  REQUIRE(events.ok());
  REQUIRE_EQ(events->size(), static_cast<size_t>(kThreads * kPerThread));
  std::map<int, int> next_of_thread;
  for (size_t i = 0; i < events->size(); ++i) {
    const auto& e = (*events)[i];
    CHECK_EQ(e.event().header()->stream_version(), i + 1);
    const std::string data = testing::OpaqueData(e);
    const int t = std::stoi(data.substr(0, data.find(':')));
    const int n = std::stoi(data.substr(data.find(':') + 1));
    CHECK_EQ(n, next_of_thread[t]++);  // each thread's events in its order, none twice
  }
  CHECK_EQ(store->head(), static_cast<Position>(kThreads * kPerThread));
}

TEST_CASE_FIXTURE(StoreFixture,
                  "concurrency: threads on different streams each get dense versions") {
  constexpr int kThreads = 8, kPerThread = 80;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = Append(OneStream("d" + std::to_string(t) + "-" + std::to_string(i),
                                  "own-" + std::to_string(t),
                                  ExpectedVersion::Exact(static_cast<Version>(i))));
        if (!r.ok()) {
          FAIL_CHECK(r.status().ToString());
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<Position> positions;
  for (int t = 0; t < kThreads; ++t) {
    auto events = store->ReadStream("own-" + std::to_string(t));
    REQUIRE(events.ok());
    REQUIRE_EQ(events->size(), static_cast<size_t>(kPerThread));
    for (size_t i = 0; i < events->size(); ++i) {
      CHECK_EQ((*events)[i].event().header()->stream_version(), i + 1);
      CHECK(positions.insert((*events)[i].position()).second);
    }
  }
  CHECK_EQ(positions.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_CASE_FIXTURE(
    StoreFixture,
    "subscription: catches up from a checkpoint then follows live appends without skipping") {
  for (int i = 0; i < 50; ++i)
    REQUIRE(Append(OneStream("pre" + std::to_string(i), "s", ExpectedVersion::Any())).ok());
  constexpr Position kTotal = 50 + 4 * 100;
  auto sub = store->Subscribe(10);  // a projection whose checkpoint is 10
  std::vector<Position> got;
  std::thread follower([&] {
    while (got.empty() || got.back() < kTotal) {
      auto batch = sub->Next(64);
      if (!batch.ok()) {
        FAIL_CHECK(batch.status().ToString());
        return;
      }
      for (const auto& e : *batch) got.push_back(e.position());
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        CHECK(Append(OneStream("w" + std::to_string(t) + "-" + std::to_string(i),
                               "w" + std::to_string(t), ExpectedVersion::Any()))
                  .ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  follower.join();
  REQUIRE_EQ(got.size(), static_cast<size_t>(kTotal - 10));
  for (size_t i = 0; i < got.size(); ++i) CHECK_EQ(got[i], 11 + i);
  CHECK_EQ(sub->position(), kTotal);
}

TEST_CASE_FIXTURE(StoreFixture, "subscription: Cancel wakes a waiting Next that returns nothing") {
  auto sub = store->Subscribe(0);
  std::thread waiter([&] {
    auto batch = sub->Next();
    CHECK(batch.ok());
    CHECK(batch->empty());
  });
  sub->Cancel();
  waiter.join();
  auto polled = sub->Poll();
  REQUIRE(polled.ok());
  CHECK(polled->empty());
}

TEST_CASE("errors: a missing data directory is reported and not created") {
  testing::TempDir dir;
  ManualClock clock;
  StoreOptions o;
  o.clock = &clock;
  auto r = EventStore::Open(dir.path() / "nope", o);
  CHECK_STATUS(r, kNotFound);
  CHECK_NE(r.status().message().find("nope"), std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "nope"));
}

TEST_CASE("inv06: every command acknowledged before a SIGKILL is in the log after restart") {
  testing::TempDir dir;
  int acks[2];
  REQUIRE_EQ(::pipe(acks), 0);
  const pid_t child = ::fork();
  REQUIRE_GE(child, 0);
  if (child == 0) {
    // The child appends forever from 4 threads, reporting each acknowledgment to the parent.
    ::close(acks[0]);
    SystemClock clock;
    StoreOptions o;
    o.clock = &clock;
    o.create_if_missing = true;
    auto store = EventStore::Open(dir.path(), o);
    if (!store.ok()) ::_exit(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (uint64_t i = 0;; ++i) {
          auto r = (*store)->Append(OneStream("k" + std::to_string(t) + "-" + std::to_string(i),
                                              "k" + std::to_string(t), ExpectedVersion::Exact(i)));
          if (!r.ok()) ::_exit(3);
          uint64_t line[3] = {static_cast<uint64_t>(t), r->streams[0].version, r->last_position};
          if (::write(acks[1], line, sizeof line) != sizeof line) ::_exit(4);
        }
      });
    }
    for (auto& t : threads) t.join();
    ::_exit(0);
  }
  ::close(acks[1]);
  std::vector<std::array<uint64_t, 3>> acknowledged;
  while (acknowledged.size() < 400) {
    std::array<uint64_t, 3> line{};
    REQUIRE_EQ(::read(acks[0], line.data(), sizeof line), static_cast<ssize_t>(sizeof line));
    acknowledged.push_back(line);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  // Drain what was acknowledged between our last read and the kill.
  for (std::array<uint64_t, 3> line{}; ::read(acks[0], line.data(), sizeof line) == sizeof line;) {
    acknowledged.push_back(line);
  }
  ::close(acks[0]);

  ManualClock clock;
  StoreOptions o;
  o.clock = &clock;
  auto store = EventStore::Open(dir.path(), o);
  REQUIRE(store.ok());
  for (const auto& [t, version, position] : acknowledged) {
    auto e = (*store)->ReadRange(position, 1);
    REQUIRE(e.ok());
    REQUIRE_EQ(e->size(), 1u);
    CHECK_EQ(e->front().event().stream()->str(), "k" + std::to_string(t));
    CHECK_EQ(e->front().event().header()->stream_version(), version);
  }
  auto report = (*store)->Verify();
  REQUIRE(report.ok());
  CHECK_EQ(report->first_bad, 0u);
  CHECK_GE((*store)->head(), acknowledged.size());
}

}  // namespace
}  // namespace shugo::events
