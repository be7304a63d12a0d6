// The letter's statuses and transitions of docs/domain.md §3, one test per flow, and an exhaustive
// check of every (status, command) pair against the table written again here.
#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "core/letter.h"

namespace shugo::core {
namespace {

using K = OrganisationKind;
const JapanDate kToday(2025, 6, 10);

LetterFacts Facts(LetterActor actor, K delegator = K::kInsuredInstitution, std::string reason = "",
                  ContractType type = ContractType::kRoutine) {
  LetterFacts f(actor, kToday, type, delegator);
  f.reason = std::move(reason);
  return f;
}

Result<LetterStatus> Decide(LetterStatus from, LetterCommand c, const LetterFacts& f) {
  return DecideTransition(from, c, f);
}

TEST_CASE("F-3: the delegator applies and re-applies after 差戻") {
  CHECK_EQ(
      Decide(LetterStatus::kNone, LetterCommand::kApply, Facts(LetterActor::kDelegator)).value(),
      LetterStatus::kApplied);
  CHECK_EQ(Decide(LetterStatus::kReturned, LetterCommand::kReapply, Facts(LetterActor::kDelegator))
               .value(),
           LetterStatus::kApplied);
  auto by_delegate =
      Decide(LetterStatus::kNone, LetterCommand::kApply, Facts(LetterActor::kDelegate));
  CHECK_EQ(by_delegate.status().code(), StatusCode::kPermissionDenied);
  CHECK_NE(by_delegate.status().message().find("委任元"), std::string::npos);
}

TEST_CASE("F-4: only the delegate approves") {
  CHECK_EQ(Decide(LetterStatus::kApplied, LetterCommand::kApprove, Facts(LetterActor::kDelegate))
               .value(),
           LetterStatus::kApproved);
  for (LetterActor other : {LetterActor::kDelegator, LetterActor::kSystem, LetterActor::kOther}) {
    CHECK_EQ(Decide(LetterStatus::kApplied, LetterCommand::kApprove, Facts(other)).status().code(),
             StatusCode::kPermissionDenied);
  }
}

TEST_CASE("F-4: 差戻 needs a reason and is possible only until the letter takes effect") {
  CHECK_EQ(Decide(LetterStatus::kApplied, LetterCommand::kReturn,
                  Facts(LetterActor::kDelegate, K::kMunicipality, "誤り"))
               .value(),
           LetterStatus::kReturned);
  auto no_reason =
      Decide(LetterStatus::kApplied, LetterCommand::kReturn, Facts(LetterActor::kDelegate));
  CHECK_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.status().field(), "reason");
  LetterFacts f = Facts(LetterActor::kDelegate, K::kInsuredInstitution, "記載誤り");
  f.contract_date = kToday.AddDays(1);  // approved, takes effect tomorrow: still returnable
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kReturn, f).value(),
           LetterStatus::kReturned);
  f.contract_date = kToday;  // in effect from 00:00 today: too late
  auto late = Decide(LetterStatus::kApproved, LetterCommand::kReturn, f);
  CHECK_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  CHECK_NE(late.status().message().find("契約日"), std::string::npos);
  // A municipal letter held back by F-5-2 has not taken effect: it can still be returned.
  LetterFacts held = Facts(LetterActor::kDelegate, K::kMunicipality, "記載誤り");
  held.contract_date = kToday.AddDays(-3);
  held.payment_consignment = false;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kReturn, held).value(),
           LetterStatus::kReturned);
  // An approved letter without a 契約日 is a bug of the caller, not a silent pass.
  LetterFacts broken = Facts(LetterActor::kDelegate, K::kInsuredInstitution, "x");
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kReturn, broken).status().code(),
           StatusCode::kInternal);
}

TEST_CASE("F-3-4: the delegator withdraws with a reason before the letter takes effect") {
  for (LetterStatus from :
       {LetterStatus::kApplied, LetterStatus::kReturned, LetterStatus::kApproved}) {
    LetterFacts f = Facts(LetterActor::kDelegator, K::kInsuredInstitution, "誤申請");
    f.contract_date = kToday.AddDays(1);
    CHECK_EQ(Decide(from, LetterCommand::kWithdraw, f).value(), LetterStatus::kWithdrawn);
    f.reason.clear();
    CHECK_EQ(Decide(from, LetterCommand::kWithdraw, f).status().field(), "reason");
    f.reason = "x";
    f.actor = LetterActor::kDelegate;
    CHECK_EQ(Decide(from, LetterCommand::kWithdraw, f).status().code(),
             StatusCode::kPermissionDenied);
  }
  LetterFacts in_force = Facts(LetterActor::kDelegator, K::kInsuredInstitution, "誤申請");
  in_force.contract_date = kToday;  // in force, not yet activated by the day job
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kWithdraw, in_force).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE(
    "F-4 day job: an approved letter takes effect on its 契約日 and a municipal one needs F-5-2") {
  LetterFacts f = Facts(LetterActor::kSystem);
  f.contract_date = kToday;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, f).value(),
           LetterStatus::kInContract);
  f.contract_date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, f).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts m = Facts(LetterActor::kSystem, K::kMunicipality);
  m.contract_date = kToday;
  auto no_consignment = Decide(LetterStatus::kApproved, LetterCommand::kActivate, m);
  CHECK_EQ(no_consignment.status().code(), StatusCode::kFailedPrecondition);
  CHECK_NE(no_consignment.status().message().find("支払事務委託"), std::string::npos);
  m.payment_consignment = true;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, m).value(),
           LetterStatus::kInContract);
  m.opening_date = kToday.AddDays(5);  // F-1-8: not before the municipality opens
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, m).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE(
    "F-1-8-1: a municipality opening on its 開設日 puts its earlier approved letter into force") {
  LetterFacts f = Facts(LetterActor::kSystem, K::kMunicipality);
  f.payment_consignment = true;
  f.contract_date = kToday.AddDays(-10);
  f.opening_date = kToday;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kOpen, f).value(),
           LetterStatus::kInContract);
  f.opening_date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kOpen, f).status().code(),
           StatusCode::kFailedPrecondition);
  f.opening_date = kToday;
  f.contract_date = kToday;  // 契約日 not before 開設日: the ordinary activation applies
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kOpen, f).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts institution = Facts(LetterActor::kSystem);
  institution.contract_date = kToday.AddDays(-1);
  institution.opening_date = kToday;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kOpen, institution).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE("F-1-9-2: a union leave keeps a municipality's letter approved") {
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kUnionLeave,
                  Facts(LetterActor::kSystem, K::kMunicipality))
               .value(),
           LetterStatus::kApproved);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kUnionLeave, Facts(LetterActor::kSystem))
               .status()
               .code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE("F-6: a municipality or institution secedes from tomorrow with a reason") {
  for (K kind :
       {K::kMunicipality, K::kWideAreaUnion, K::kInsuredInstitution, K::kNonInsuredInstitution}) {
    LetterFacts f = Facts(LetterActor::kDelegator, kind, "閉院");
    f.date = kToday.AddDays(1);
    CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, f).value(),
             LetterStatus::kSecessionScheduled);
    f.date = kToday;
    auto today = Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, f);
    CHECK_EQ(today.status().code(), StatusCode::kInvalidArgument);
    CHECK_EQ(today.status().field(), "date");
  }
  LetterFacts prefecture =
      Facts(LetterActor::kDelegator, K::kPrefecture, "x", ContractType::kTemporary);
  prefecture.date = kToday.AddDays(3);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, prefecture)
               .status()
               .code(),
           StatusCode::kFailedPrecondition);
  LetterFacts temporary =
      Facts(LetterActor::kDelegator, K::kMunicipality, "x", ContractType::kTemporary);
  temporary.date = kToday.AddDays(5);  // F-10-4: not by the delegator
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, temporary)
               .status()
               .code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE("F-10-4: only 国保中央会 registers a temporary letter's secession one month ahead") {
  LetterFacts f = Facts(LetterActor::kCentralFederation, K::kMunicipality, "相談の結果",
                        ContractType::kTemporary);
  f.date = kToday.AddMonths(1);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kHelpdeskSecession, f).value(),
           LetterStatus::kSecessionScheduled);
  f.date = kToday.AddMonths(1).AddDays(-1);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kHelpdeskSecession, f).status().field(),
           "date");
  f.date = kToday.AddMonths(2);
  f.contract_type = ContractType::kRoutine;
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kHelpdeskSecession, f).status().code(),
           StatusCode::kFailedPrecondition);
  f.contract_type = ContractType::kTemporary;
  f.actor = LetterActor::kDelegator;
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kHelpdeskSecession, f).status().code(),
           StatusCode::kPermissionDenied);
}

TEST_CASE("F-6 day job: a scheduled secession happens on its 脱退日") {
  LetterFacts f = Facts(LetterActor::kSystem);
  f.date = kToday;
  CHECK_EQ(Decide(LetterStatus::kSecessionScheduled, LetterCommand::kSecede, f).value(),
           LetterStatus::kSeceded);
  f.date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kSecessionScheduled, LetterCommand::kSecede, f).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE("F-1-8-2 and F-5-2: the system secedes approved and in-force letters") {
  for (LetterStatus from :
       {LetterStatus::kApproved, LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(
        Decide(from, LetterCommand::kSecedeBySystem, Facts(LetterActor::kSystem, K::kMunicipality))
            .value(),
        LetterStatus::kSeceded);
    CHECK_EQ(Decide(from, LetterCommand::kSecedeBySystem, Facts(LetterActor::kDelegator))
                 .status()
                 .code(),
             StatusCode::kPermissionDenied);
  }
}

TEST_CASE(
    "F-7: an institution letter is terminated by its locating authority with a reason from today") {
  LetterFacts f = Facts(LetterActor::kLocatingAuthority, K::kInsuredInstitution, "接種誤りの多発");
  f.date = kToday;
  for (LetterStatus from :
       {LetterStatus::kApproved, LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(Decide(from, LetterCommand::kTerminate, f).value(), LetterStatus::kTerminated);
  }
  LetterFacts municipal = Facts(LetterActor::kLocatingAuthority, K::kMunicipality, "x");
  municipal.date = kToday;
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, municipal).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts past = f;
  past.date = kToday.AddDays(-1);  // no retroactive termination
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, past).status().field(),
           "date");
  LetterFacts other = f;
  other.actor = LetterActor::kDelegate;  // another municipality may only request it
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, other).status().code(),
           StatusCode::kPermissionDenied);
}

TEST_CASE("F-7: a future 解除日 is scheduled keeping the status and the day job terminates on it") {
  LetterFacts later =
      Facts(LetterActor::kLocatingAuthority, K::kInsuredInstitution, "接種誤りの多発");
  later.date = kToday.AddDays(3);
  for (LetterStatus from :
       {LetterStatus::kApproved, LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(Decide(from, LetterCommand::kScheduleTermination, later).value(), from);
  }
  // A future date is never a termination at once, nor today's a schedule.
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, later).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts today = later;
  today.date = kToday;
  CHECK_EQ(
      Decide(LetterStatus::kInContract, LetterCommand::kScheduleTermination, today).status().code(),
      StatusCode::kFailedPrecondition);
  // The day job: on the 解除日, not before.
  LetterFacts due = Facts(LetterActor::kSystem, K::kInsuredInstitution, "接種誤りの多発");
  due.date = kToday;
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, due).value(),
           LetterStatus::kTerminated);
  due.date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, due).status().code(),
           StatusCode::kFailedPrecondition);
  // The request's fields and who acts before the status: a terminated letter asked again without
  // a reason names the reason; by another organisation, 403.
  LetterFacts no_reason = later;
  no_reason.reason.clear();
  CHECK_EQ(Decide(LetterStatus::kTerminated, LetterCommand::kScheduleTermination, no_reason)
               .status()
               .field(),
           "reason");
  LetterFacts other = later;
  other.actor = LetterActor::kOther;
  CHECK_EQ(Decide(LetterStatus::kTerminated, LetterCommand::kTerminate, other).status().code(),
           StatusCode::kPermissionDenied);
}

TEST_CASE("F-4: re-delegations are created approved and ended by the system only") {
  LetterFacts sys = Facts(LetterActor::kSystem, K::kLocalMedicalAssociation);
  sys.redelegation = true;
  CHECK_EQ(Decide(LetterStatus::kNone, LetterCommand::kCreateRedelegation, sys).value(),
           LetterStatus::kApproved);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kEndRedelegation, sys).value(),
           LetterStatus::kWithdrawn);
  sys.contract_date = kToday;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, sys).status().code(),
           StatusCode::kFailedPrecondition);  // only together with the letter under it
  sys.underlying_in_force = true;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, sys).value(),
           LetterStatus::kInContract);
  // People cannot act on a re-delegation.
  LetterFacts delegator = Facts(LetterActor::kDelegator, K::kPrefecture, "x");
  delegator.redelegation = true;
  delegator.contract_date = kToday.AddDays(1);
  delegator.date = kToday.AddDays(2);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kWithdraw, delegator).status().code(),
           StatusCode::kFailedPrecondition);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, delegator)
               .status()
               .code(),
           StatusCode::kFailedPrecondition);
  LetterFacts delegate = Facts(LetterActor::kDelegate, K::kLocalMedicalAssociation, "x");
  delegate.redelegation = true;
  delegate.contract_date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kReturn, delegate).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts original = Facts(LetterActor::kSystem);  // not a re-delegation
  CHECK_EQ(
      Decide(LetterStatus::kNone, LetterCommand::kCreateRedelegation, original).status().code(),
      StatusCode::kFailedPrecondition);
}

TEST_CASE("F-1-4-3: a code change re-keys any non-terminal letter without changing its status") {
  for (LetterStatus s : {LetterStatus::kApplied, LetterStatus::kReturned, LetterStatus::kApproved,
                         LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(Decide(s, LetterCommand::kRekey, Facts(LetterActor::kSystem)).value(), s);
  }
}

// Facts that satisfy the guard of `command` (the flow tests above check each guard's refusals).
LetterFacts Satisfying(LetterCommand command) {
  using C = LetterCommand;
  LetterActor actor = LetterActor::kSystem;
  switch (command) {
    case C::kApply:
    case C::kReapply:
    case C::kWithdraw:
    case C::kRequestSecession:
      actor = LetterActor::kDelegator;
      break;
    case C::kApprove:
    case C::kReturn:
      actor = LetterActor::kDelegate;
      break;
    case C::kHelpdeskSecession:
      actor = LetterActor::kCentralFederation;
      break;
    case C::kTerminate:
    case C::kScheduleTermination:
      actor = LetterActor::kLocatingAuthority;
      break;
    default:
      break;
  }
  const bool temporary = command == C::kHelpdeskSecession;
  LetterFacts f(
      actor, kToday, temporary ? ContractType::kTemporary : ContractType::kRoutine,
      command == C::kOpen || command == C::kUnionLeave ? K::kMunicipality : K::kInsuredInstitution);
  f.reason = "理由";
  f.payment_consignment = true;
  f.redelegation = command == C::kCreateRedelegation || command == C::kEndRedelegation;
  f.contract_date = command == C::kActivate ? kToday : kToday.AddDays(command == C::kOpen ? -1 : 1);
  if (command == C::kOpen) f.opening_date = kToday;
  f.date = command == C::kSecede || command == C::kTerminate ? kToday
           : command == C::kScheduleTermination              ? kToday.AddDays(1)
                                                             : kToday.AddMonths(2);
  return f;
}

using S = LetterStatus;
using C = LetterCommand;
// The table of docs/domain.md §3: (from, command) → to.
const std::map<std::pair<S, C>, S> kTable = {
    {{S::kNone, C::kApply}, S::kApplied},
    {{S::kReturned, C::kReapply}, S::kApplied},
    {{S::kApplied, C::kApprove}, S::kApproved},
    {{S::kApplied, C::kReturn}, S::kReturned},
    {{S::kApproved, C::kReturn}, S::kReturned},
    {{S::kApplied, C::kWithdraw}, S::kWithdrawn},
    {{S::kReturned, C::kWithdraw}, S::kWithdrawn},
    {{S::kApproved, C::kWithdraw}, S::kWithdrawn},
    {{S::kApproved, C::kActivate}, S::kInContract},
    {{S::kApproved, C::kOpen}, S::kInContract},
    {{S::kApproved, C::kUnionLeave}, S::kApproved},
    {{S::kInContract, C::kRequestSecession}, S::kSecessionScheduled},
    {{S::kInContract, C::kHelpdeskSecession}, S::kSecessionScheduled},
    {{S::kSecessionScheduled, C::kSecede}, S::kSeceded},
    {{S::kApproved, C::kSecedeBySystem}, S::kSeceded},
    {{S::kInContract, C::kSecedeBySystem}, S::kSeceded},
    {{S::kSecessionScheduled, C::kSecedeBySystem}, S::kSeceded},
    {{S::kApproved, C::kTerminate}, S::kTerminated},
    {{S::kInContract, C::kTerminate}, S::kTerminated},
    {{S::kSecessionScheduled, C::kTerminate}, S::kTerminated},
    {{S::kApproved, C::kScheduleTermination}, S::kApproved},
    {{S::kInContract, C::kScheduleTermination}, S::kInContract},
    {{S::kSecessionScheduled, C::kScheduleTermination}, S::kSecessionScheduled},
    {{S::kApplied, C::kRekey}, S::kApplied},
    {{S::kReturned, C::kRekey}, S::kReturned},
    {{S::kApproved, C::kRekey}, S::kApproved},
    {{S::kInContract, C::kRekey}, S::kInContract},
    {{S::kSecessionScheduled, C::kRekey}, S::kSecessionScheduled},
    {{S::kNone, C::kCreateRedelegation}, S::kApproved},
    {{S::kApproved, C::kEndRedelegation}, S::kWithdrawn},
};

TEST_CASE(
    "domain §3: each pair in the table reaches its status and every other pair is refused naming "
    "both") {
  REQUIRE_EQ(LetterStatuses().size(), 9u);
  REQUIRE_EQ(LetterCommands().size(), 17u);
  int allowed = 0, refused = 0;
  for (const auto& status : LetterStatuses()) {
    for (const auto& command : LetterCommands()) {
      CAPTURE(status.code);
      CAPTURE(command.code);
      auto r = Decide(status.value, command.value, Satisfying(command.value));
      auto row = kTable.find({status.value, command.value});
      if (row != kTable.end()) {
        REQUIRE_MESSAGE(r.ok(), r.status().ToString());
        CHECK_EQ(*r, row->second);
        ++allowed;
      } else {
        REQUIRE_FALSE(r.ok());
        CHECK_EQ(r.status().code(), StatusCode::kFailedPrecondition);
        CHECK_NE(r.status().message().find(std::string(status.japanese)), std::string::npos);
        CHECK_NE(r.status().message().find("command: " + std::string(command.code)),
                 std::string::npos);
        ++refused;
      }
    }
  }
  CHECK_EQ(allowed, static_cast<int>(kTable.size()));
  CHECK_EQ(refused, 9 * 17 - static_cast<int>(kTable.size()));
}

TEST_CASE("domain §3: the names of statuses and commands") {
  CHECK(IsTerminal(S::kWithdrawn));
  CHECK(IsTerminal(S::kSeceded));
  CHECK(IsTerminal(S::kTerminated));
  CHECK_FALSE(IsTerminal(S::kSecessionScheduled));
  CHECK_EQ(CodeName(S::kInContract), "in_contract");
  CHECK_EQ(JapaneseName(S::kInContract), "集合契約中");
  CHECK_EQ(JapaneseName(S::kReturned), "差戻");
  CHECK_EQ(CodeName(C::kRequestSecession), "request_secession");
  for (const auto& row : LetterStatuses()) CHECK_EQ(CodeName(row.value), row.code);
  for (const auto& row : LetterCommands()) CHECK_EQ(JapaneseName(row.value), row.japanese);
}

}  // namespace
}  // namespace shugo::core
