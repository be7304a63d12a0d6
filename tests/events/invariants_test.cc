// One test per invariant of docs/architecture.md that the event store carries: 2–6, 9, 10.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "events/event_store.h"
#include "tests/testing/raw_log.h"
#include "tests/testing/store_fixture.h"

namespace shugo::events {
namespace {

using testing::OneStream;
using testing::Opaque;
using testing::StoreFixture;

Command TwoStreams(std::string id, ExpectedVersion a, ExpectedVersion b) {
  Command c = OneStream(std::move(id), "letter-1", a, 2);
  StreamAppend s;
  s.stream = "org-131016";
  s.expected = b;
  s.events.push_back(Opaque("org event"));
  c.streams.push_back(std::move(s));
  return c;
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv02: one command's events across streams land atomically or not at all") {
  auto r = Append(TwoStreams("c1", ExpectedVersion::NoStream(), ExpectedVersion::NoStream()));
  REQUIRE(r.ok());
  CHECK_EQ(r->first_position, 1u);
  CHECK_EQ(r->last_position, 3u);
  REQUIRE_EQ(r->streams.size(), 2u);
  CHECK_EQ(r->streams[0], StreamVersion{"letter-1", 2});
  CHECK_EQ(r->streams[1], StreamVersion{"org-131016", 1});

  // The first stream's expectation holds, the second's does not: nothing of the command lands.
  auto refused = Append(TwoStreams("c2", ExpectedVersion::Exact(2), ExpectedVersion::Exact(7)));
  CHECK_STATUS(refused, kAborted);
  CHECK_EQ(store->head(), 3u);
  CHECK_EQ(*store->StreamHead("letter-1"), 2u);
  CHECK_EQ(*store->StreamHead("org-131016"), 1u);
  auto events = All();
  REQUIRE_EQ(events.size(), 3u);
  for (const auto& e : events) CHECK_EQ(e.event().command_id()->str(), "c1");
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv02: a write the disk refuses appends nothing and acknowledges nothing") {
  REQUIRE(Append(OneStream("before", "s", ExpectedVersion::NoStream())).ok());
  StoreOptions o;
  o.fail_writes_after_bytes = 0;  // the disk is full from now on
  Reopen(o);
  auto r = Append(TwoStreams("full", ExpectedVersion::Any(), ExpectedVersion::Any()));
  CHECK_STATUS(r, kResourceExhausted);
  CHECK_EQ(store->head(), 1u);
  // Later appends keep failing cleanly, never crashing.
  CHECK_STATUS(Append(OneStream("full-2", "s", ExpectedVersion::Any())), kResourceExhausted);
  Reopen();  // space is back
  CHECK_EQ(store->head(), 1u);
  auto again = Append(TwoStreams("full", ExpectedVersion::Any(), ExpectedVersion::Any()));
  REQUIRE(again.ok());
  CHECK_FALSE(again->duplicate);  // the refused attempt left no trace, not even its command id
  CHECK_EQ(again->first_position, 2u);
}

TEST_CASE_FIXTURE(
    StoreFixture,
    "inv03: positions are dense and increase in commit order and no reader sees N+1 before N") {
  constexpr int kThreads = 4, kPerThread = 150;
  std::atomic<bool> done{false};
  std::atomic<int> gaps{0};
  std::thread reader([&] {
    // Reads whatever is visible, again and again: it must always be the prefix 1..head.
    while (!done.load()) {
      auto events = store->ReadRange(1, SIZE_MAX);
      if (!events.ok()) {
        gaps++;
        continue;
      }
      for (size_t i = 0; i < events->size(); ++i) {
        if ((*events)[i].position() != i + 1) gaps++;
      }
    }
  });
  std::vector<std::thread> writers;
  std::vector<std::vector<Position>> seen(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = Append(OneStream("t" + std::to_string(t) + "-" + std::to_string(i),
                                  "s" + std::to_string(t), ExpectedVersion::Any()));
        if (r.ok()) seen[static_cast<size_t>(t)].push_back(r->first_position);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  CHECK_EQ(gaps.load(), 0);
  std::vector<bool> hit(kThreads * kPerThread + 1, false);
  for (const auto& s : seen) {
    REQUIRE_EQ(s.size(), static_cast<size_t>(kPerThread));
    for (size_t i = 1; i < s.size(); ++i) CHECK_LT(s[i - 1], s[i]);  // one submitter: commit order
    for (Position p : s) {
      CHECK_FALSE(hit[p]);
      hit[p] = true;
    }
  }
  CHECK_EQ(store->head(), static_cast<Position>(kThreads * kPerThread));
  auto all = All();
  for (size_t i = 0; i < all.size(); ++i) CHECK_EQ(all[i].position(), i + 1);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv04: a stale expected version appends nothing and names stream and versions") {
  REQUIRE(Append(OneStream("a", "letter-9", ExpectedVersion::NoStream(), 3)).ok());
  auto stale = Append(OneStream("b", "letter-9", ExpectedVersion::Exact(2)));
  CHECK_STATUS(stale, kAborted);
  CHECK_EQ(stale.status().field(), "letter-9");
  CHECK_EQ(stale.status().message(), "stream 'letter-9': expected version 2, current version 3");
  auto exists = Append(OneStream("c", "letter-9", ExpectedVersion::NoStream()));
  CHECK_STATUS(exists, kAborted);
  CHECK_EQ(exists.status().message(),
           "stream 'letter-9': expected version no stream, current version 3");
  auto missing = Append(OneStream("d", "letter-10", ExpectedVersion::Exact(1)));
  CHECK_STATUS(missing, kAborted);
  CHECK_EQ(missing.status().message(), "stream 'letter-10': expected version 1, current version 0");
  CHECK_EQ(store->head(), 3u);
  auto ok = Append(OneStream("e", "letter-9", ExpectedVersion::Exact(3)));
  REQUIRE(ok.ok());
  CHECK_EQ(ok->streams[0].version, 4u);
  // A refused command's id stays free: the same id may be used once the conflict is resolved.
  auto retry = Append(OneStream("b", "letter-9", ExpectedVersion::Exact(4)));
  REQUIRE(retry.ok());
  CHECK_FALSE(retry->duplicate);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv05: a retried command id returns the first result and appends nothing (also "
                  "after restart)") {
  auto first =
      Append(TwoStreams("cmd-42", ExpectedVersion::NoStream(), ExpectedVersion::NoStream()));
  REQUIRE(first.ok());
  CHECK_FALSE(first->duplicate);
  // The retry's expectations would now conflict; it still gets the first answer.
  auto retry =
      Append(TwoStreams("cmd-42", ExpectedVersion::NoStream(), ExpectedVersion::NoStream()));
  REQUIRE(retry.ok());
  CHECK(retry->duplicate);
  CHECK_EQ(retry->first_position, first->first_position);
  CHECK_EQ(retry->last_position, first->last_position);
  CHECK_EQ(retry->recorded_at_us, first->recorded_at_us);
  CHECK_EQ(retry->streams, first->streams);
  CHECK_EQ(store->head(), 3u);
  Reopen();
  auto after = Append(TwoStreams("cmd-42", ExpectedVersion::Any(), ExpectedVersion::Any()));
  REQUIRE(after.ok());
  CHECK(after->duplicate);
  CHECK_EQ(after->streams, first->streams);
  CHECK_EQ(store->head(), 3u);
}

TEST_CASE_FIXTURE(StoreFixture, "inv05: concurrent retries of one command id append it once") {
  constexpr int kThreads = 8;
  std::vector<Result<AppendResult>> results(kThreads, Status::Internal("unset"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[static_cast<size_t>(t)] = Append(OneStream("same", "s", ExpectedVersion::Any()));
    });
  }
  for (auto& t : threads) t.join();
  int originals = 0;
  for (auto& r : results) {
    REQUIRE(r.ok());
    CHECK_EQ(r->first_position, 1u);
    if (!r->duplicate) ++originals;
  }
  CHECK_EQ(originals, 1);
  CHECK_EQ(store->head(), 1u);
}

TEST_CASE_FIXTURE(StoreFixture, "inv09: verify names the first position whose bytes were changed") {
  for (int i = 0; i < 10; ++i)
    REQUIRE(Append(OneStream("c" + std::to_string(i), "s", ExpectedVersion::Any())).ok());
  {
    auto report = store->Verify();
    REQUIRE(report.ok());
    CHECK_EQ(report->checked, 10u);
    CHECK_EQ(report->first_bad, 0u);
  }
  struct Case {
    const char* what;
    Position position;
    bool header;  // tamper with the stored prev_hash instead of the payload
  };
  for (const Case& c :
       {Case{"payload in the middle", 4, false}, Case{"payload of the first", 1, false},
        Case{"payload of the head", 10, false}, Case{"stored hash", 6, true},
        Case{"stored hash of the head", 10, true}}) {
    CAPTURE(c.what);
    Close();
    std::string original;
    {
      testing::RawLog raw(dir.path());
      original = raw.Get(c.position);
      raw.Put(c.position, testing::FlipBit(original, c.header));
    }
    Reopen();
    auto report = store->Verify();
    REQUIRE(report.ok());
    CHECK_EQ(report->first_bad, c.position);
    CHECK_EQ(report->checked, c.position - 1);
    Close();
    testing::RawLog(dir.path()).Put(c.position, original);
    Reopen();
    CHECK_EQ(store->Verify()->first_bad, 0u);
  }
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv09: a missing or undecodable record is named by verify and by reads") {
  for (int i = 0; i < 5; ++i)
    REQUIRE(Append(OneStream("c" + std::to_string(i), "s", ExpectedVersion::Any())).ok());
  Close();
  { testing::RawLog(dir.path()).Put(3, "not a flatbuffer at all"); }
  Reopen();
  auto report = store->Verify();
  REQUIRE(report.ok());
  CHECK_EQ(report->first_bad, 3u);
  auto read = store->ReadRange(1, 10);
  CHECK_STATUS(read, kDataLoss);
  CHECK_NE(read.status().message().find("position 3"), std::string::npos);
  auto stream = store->ReadStream("s");
  CHECK_STATUS(stream, kDataLoss);
  Close();
  { testing::RawLog(dir.path()).Delete(2); }
  Reopen();
  CHECK_EQ(store->Verify()->first_bad, 2u);
  CHECK_STATUS(store->ReadRange(1, 10), kDataLoss);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "inv10: recorded_at comes from the injected clock and never decreases") {
  clock.SetMicros(1'000'000'000'000'000);
  auto a = Append(OneStream("a", "s", ExpectedVersion::Any()));
  REQUIRE(a.ok());
  CHECK_EQ(a->recorded_at_us, 1'000'000'000'000'000);
  clock.SetMicros(999'000'000'000'000);  // the clock steps back (NTP, a VM migration)
  auto b = Append(OneStream("b", "s", ExpectedVersion::Any()));
  REQUIRE(b.ok());
  CHECK_EQ(b->recorded_at_us, 1'000'000'000'000'000);
  clock.SetMicros(1'000'000'000'500'000);
  auto c = Append(OneStream("c", "s", ExpectedVersion::Any()));
  REQUIRE(c.ok());
  CHECK_EQ(c->recorded_at_us, 1'000'000'000'500'000);
  Reopen();  // the floor survives a restart
  clock.SetMicros(5);
  auto d = Append(OneStream("d", "s", ExpectedVersion::Any()));
  REQUIRE(d.ok());
  CHECK_EQ(d->recorded_at_us, 1'000'000'000'500'000);
  int64_t prev = 0;
  for (const auto& e : All()) {
    CHECK_GE(e.event().header()->recorded_at_us(), prev);
    prev = e.event().header()->recorded_at_us();
  }
}

TEST_CASE_FIXTURE(
    StoreFixture,
    "inv10: the time index answers the last position recorded at or before an instant") {
  const JapanDate day(2025, 4, 1);
  const int64_t t0 = day.StartUnixMicros();
  CHECK_EQ(*store->PositionAt(t0), 0u);  // empty log
  clock.SetMicros(t0 + 10);
  REQUIRE(Append(OneStream("a", "s", ExpectedVersion::Any(), 3)).ok());  // 1..3 at t0+10
  clock.SetMicros(t0 + 20);
  REQUIRE(Append(OneStream("b", "s", ExpectedVersion::Any())).ok());  // 4 at t0+20
  clock.SetMicros(t0 + 30);
  REQUIRE(Append(OneStream("c", "s", ExpectedVersion::Any(), 2)).ok());  // 5..6 at t0+30
  CHECK_EQ(*store->PositionAt(t0), 0u);
  CHECK_EQ(*store->PositionAt(t0 + 9), 0u);
  CHECK_EQ(*store->PositionAt(t0 + 10), 3u);
  CHECK_EQ(*store->PositionAt(t0 + 19), 3u);
  CHECK_EQ(*store->PositionAt(t0 + 20), 4u);
  CHECK_EQ(*store->PositionAt(t0 + 29), 4u);
  CHECK_EQ(*store->PositionAt(t0 + 30), 6u);
  CHECK_EQ(*store->PositionAt(day.AddDays(1).StartUnixMicros()), 6u);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "events: the effective date and the envelope are stored with each event") {
  Command c = OneStream("cmd-env", "letter-5", ExpectedVersion::NoStream());
  c.correlation_id = "corr-1";
  c.causation_id = "cause-1";
  c.request_digest = "0123456789abcdef0123456789abcdef";
  c.streams[0].events[0] = Opaque("approve", JapanDate(2025, 5, 1));
  REQUIRE(Append(c).ok());
  auto events = store->ReadStream("letter-5");
  REQUIRE(events.ok());
  REQUIRE_EQ(events->size(), 1u);
  const fb::Event& e = events->front().event();
  CHECK_EQ(e.effective_date(), 20250501u);
  CHECK_EQ(e.command_id()->str(), "cmd-env");
  CHECK_EQ(e.actor_user()->str(), "u-test");
  CHECK_EQ(e.actor_org()->str(), "131016");
  CHECK_EQ(e.correlation_id()->str(), "corr-1");
  CHECK_EQ(e.causation_id()->str(), "cause-1");
  CHECK_EQ(e.request_digest()->str(), "0123456789abcdef0123456789abcdef");
  CHECK_EQ(e.payload_type(), fb::Payload::Opaque);
  CHECK_EQ(testing::OpaqueData(events->front()), "approve");
}

TEST_CASE_FIXTURE(StoreFixture,
                  "events: a malformed command is refused naming the field and appends nothing") {
  Command no_id = OneStream("", "s", ExpectedVersion::Any());
  CHECK_EQ(Append(no_id).status().field(), "command_id");
  Command no_stream = OneStream("x", "", ExpectedVersion::Any());
  CHECK_EQ(Append(no_stream).status().field(), "streams[0].stream");
  Command twice = OneStream("x", "s", ExpectedVersion::Any());
  twice.streams.push_back(twice.streams[0]);
  CHECK_EQ(Append(twice).status().field(), "streams[1].stream");
  Command empty = OneStream("x", "s", ExpectedVersion::Any(), 0);
  CHECK_EQ(Append(empty).status().field(), "streams[0].events");
  Command untyped = OneStream("x", "s", ExpectedVersion::Any());
  untyped.streams[0].events[0].type = fb::Payload::NONE;
  CHECK_EQ(Append(untyped).status().field(), "streams[0].events[0]");
  Command too_many =
      OneStream("x", "s", ExpectedVersion::Any(), static_cast<int>(kMaxEventsPerCommand) + 1);
  CHECK_EQ(Append(too_many).status().field(), "streams");
  Command long_id = OneStream(std::string(kMaxIdBytes + 1, 'x'), "s", ExpectedVersion::Any());
  CHECK_EQ(Append(long_id).status().code(), StatusCode::kInvalidArgument);
  Command nul = OneStream(std::string("a\0b", 3), "s", ExpectedVersion::Any());
  CHECK_EQ(Append(nul).status().field(), "command_id");
  CHECK_EQ(store->head(), 0u);
}

}  // namespace
}  // namespace shugo::events
