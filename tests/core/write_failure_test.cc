// Invariant 6 in the core: a command the log refuses (a full disk, an I/O error) leaves nothing
// behind. The processor's state is what the log holds right after the refusal, so what is decided
// next is decided against that; the failure is reported (Processor::write_failure) and every
// later command is refused as unavailable until a restart. The fault comes from the test file
// system (events/fault_fs.cc).
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "tests/core/same_state.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

// A World whose store runs on the test file system with `fault` (no fault until a test sets one).
void UseFault(World& w, events::WriteFault& fault) {
  events::StoreOptions o;
  o.write_fault = &fault;
  w.Reopen(o);
  w.OpenProcessor();
}

// The test world on a store whose writes `fault` decides, and the clinic that applies.
struct FaultyWorld : World {
  FaultyWorld() : institution(As(Code(inst_member))) { UseFault(*this, fault); }
  events::WriteFault fault;
  const Actor institution;
};

std::vector<std::string> EveryCode(const World& w) {
  return w.proc->Read([](const State& s) {
    std::vector<std::string> codes;
    for (const Organisation& o : s.organisations()) codes.push_back(o.code);
    return codes;
  });
}

// The processor's state equals a fresh load of the log.
void CheckStateIsTheLog(World& w) {
  auto fresh = Processor::Open(w.store.get(), &w.clock, w.options);
  REQUIRE_MESSAGE(fresh.ok(), fresh.status().ToString());
  CheckSameState(*w.proc, **fresh, EveryCode(w));
}

ApplyLetter Routine() { return ApplyLetter{ContractType::kRoutine, 0, true}; }

// What Execute would decide now, appending nothing (Processor::Preview).
Result<std::vector<DomainEvent>> Decided(World& w, const Actor& actor, Request request) {
  CommandRequest c;
  c.id = "preview";
  c.actor = actor;
  c.request = std::move(request);
  return w.proc->Preview(c);
}

// The store restarted on the same directory without the fault, and the processor rebuilt.
void Restart(World& w) {
  w.Reopen();
  w.OpenProcessor();
}

TEST_CASE("invariant 6: an application the full disk refused leaves no letter behind") {
  FaultyWorld w;
  events::WriteFault& fault = w.fault;
  const Actor& institution = w.institution;
  const Position h0 = w.Head();
  const LetterId next = w.proc->Read([](const State& s) { return s.next_letter_id(); });

  fault.budget = 0;  // the disk is full
  Result<Outcome> refused = w.Run(institution, Routine());
  REQUIRE_FALSE(refused.ok());
  CHECK_MESSAGE(refused.status().code() == StatusCode::kResourceExhausted,
                refused.status().ToString());
  CHECK_EQ(w.Head(), h0);
  // Nothing of the decision stayed: no letter, the id not taken, the state equal to the log's.
  CHECK_EQ(w.proc->Read([](const State& s) { return s.next_letter_id(); }), next);
  CHECK(w.proc->Read([&](const State& s) {
    return s.OpenLetter(w.inst_member, ContractType::kRoutine, 0) == nullptr;
  }));
  CheckStateIsTheLog(w);
  // A decision now is taken on the durable state: the application would be applied again (with
  // the same id), not refused as one that exists.
  Result<std::vector<DomainEvent>> decided = Decided(w, institution, Routine());
  REQUIRE_MESSAGE(decided.ok(), decided.status().ToString());
  REQUIRE_EQ(decided->size(), 1u);
  CHECK(std::get<LetterApplied>(decided->front()).id == next);

  // Sticky and observable until a restart: commands are refused as unavailable, never accepted
  // and lost, even once space is back.
  CHECK_EQ(w.proc->write_failure().code(), StatusCode::kResourceExhausted);
  CHECK_EQ(w.store->write_failure().code(), StatusCode::kResourceExhausted);
  fault.budget = -1;
  Result<Outcome> stopped = w.Run(institution, Routine());
  REQUIRE_FALSE(stopped.ok());
  CHECK_MESSAGE(stopped.status().code() == StatusCode::kUnavailable, stopped.status().ToString());
  CHECK_EQ(w.Head(), h0);
  CheckStateIsTheLog(w);

  // After the restart the same application succeeds with the id it would have had.
  Restart(w);
  CHECK(w.proc->write_failure().ok());
  Outcome again = w.Ok(institution, Routine());
  REQUIRE_EQ(again.created.size(), 1u);
  CHECK_EQ(again.created[0], next);
  CHECK_EQ(again.append.first_position, h0 + 1);
  CHECK_EQ(w.StatusOf(next), "applied");
  w.Refused(institution, Routine(), StatusCode::kAlreadyExists);  // now it exists
  auto verified = w.store->Verify();
  REQUIRE(verified.ok());
  CHECK_EQ(verified->first_bad, 0u);
}

TEST_CASE("invariant 6: an approval the full disk refused leaves the letter applied") {
  World w;
  events::WriteFault fault;
  UseFault(w, fault);
  const LetterId l = w.Apply(w.inst_member);
  const Actor delegate = As(w.Code(w.L(l).delegate));
  const Position h0 = w.Head();

  fault.budget = 0;
  Result<Outcome> refused = w.Run(delegate, ApproveLetters{std::vector<LetterId>{l}});
  REQUIRE_FALSE(refused.ok());
  CHECK_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  CHECK_EQ(w.Head(), h0);
  CHECK_EQ(w.StatusOf(l), "applied");
  CHECK(w.proc->Read([](const State& s) { return s.approved_by_date().empty(); }));
  CheckStateIsTheLog(w);
  // Decided on the applied letter: it may be returned, and approved again.
  CHECK(Decided(w, delegate, ReturnLetter{l, "書類不備"}).ok());
  CHECK(Decided(w, delegate, ApproveLetters{std::vector<LetterId>{l}}).ok());

  fault.budget = -1;
  Restart(w);
  w.Approve({l});
  CHECK_EQ(w.StatusOf(l), "approved");
}

TEST_CASE("invariant 6: after an I/O error every command is refused as unavailable until restart") {
  FaultyWorld w;
  events::WriteFault& fault = w.fault;
  const Actor& institution = w.institution;
  const Position h0 = w.Head();
  CHECK(w.proc->write_failure().ok());

  fault.io_error = true;
  fault.budget = 0;  // the device fails every write
  Result<Outcome> refused = w.Run(institution, Routine());
  REQUIRE_FALSE(refused.ok());
  CHECK_NE(refused.status().code(), StatusCode::kResourceExhausted);
  CHECK_EQ(w.Head(), h0);
  CheckStateIsTheLog(w);
  // Sticky and observable: the first refused write's error, naming RocksDB's.
  const Status failure = w.proc->write_failure();
  testing::CheckSimulatedDeviceFailure(failure);

  // The device works again, but the store stays stopped: every command is unavailable, nothing
  // is accepted and lost.
  fault.budget = -1;
  fault.io_error = false;
  Result<Outcome> after = w.Run(institution, Routine());
  REQUIRE_FALSE(after.ok());
  CHECK_MESSAGE(after.status().code() == StatusCode::kUnavailable, after.status().ToString());
  w.clock.SetDate(Day(1));
  Result<DayReport> day = w.proc->RunDays(Day(1));  // the day job too
  REQUIRE_FALSE(day.ok());
  CHECK_EQ(day.status().code(), StatusCode::kUnavailable);
  CHECK_EQ(w.Head(), h0);
  CHECK_EQ(w.proc->write_failure().code(), failure.code());  // still the first error
  CheckStateIsTheLog(w);

  // A restart recovers the log to its last sync; the application is decided afresh.
  Restart(w);
  CHECK(w.proc->write_failure().ok());
  CHECK_EQ(w.Head(), h0);
  const LetterId l = w.Apply(w.inst_member);
  CHECK_EQ(w.StatusOf(l), "applied");
}

}  // namespace
}  // namespace shugo::core
