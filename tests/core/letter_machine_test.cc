// The letter's statuses and transitions of docs/domain.md §3, one test per flow, and an exhaustive
// check that every (status, command) pair outside the table is refused naming both.
#include <doctest/doctest.h>

#include <set>
#include <utility>

#include "core/letter.h"

namespace shugo::core {
namespace {

const JapanDate kToday(2025, 6, 10);

LetterFacts By(LetterActor actor, std::string reason = "") {
  LetterFacts f;
  f.actor = actor;
  f.today = kToday;
  f.reason = std::move(reason);
  return f;
}

Result<LetterStatus> Decide(LetterStatus from, LetterCommand c, const LetterFacts& f) {
  return DecideTransition(from, c, f);
}

TEST_CASE("F-3: the delegator applies and re-applies after 差戻") {
  CHECK_EQ(Decide(LetterStatus::kNone, LetterCommand::kApply, By(LetterActor::kDelegator)).value(),
           LetterStatus::kApplied);
  CHECK_EQ(
      Decide(LetterStatus::kReturned, LetterCommand::kReapply, By(LetterActor::kDelegator)).value(),
      LetterStatus::kApplied);
  auto by_delegate = Decide(LetterStatus::kNone, LetterCommand::kApply, By(LetterActor::kDelegate));
  CHECK_EQ(by_delegate.status().code(), StatusCode::kPermissionDenied);
  CHECK_NE(by_delegate.status().message().find("委任元"), std::string::npos);
}

TEST_CASE("F-4: only the delegate approves") {
  CHECK_EQ(
      Decide(LetterStatus::kApplied, LetterCommand::kApprove, By(LetterActor::kDelegate)).value(),
      LetterStatus::kApproved);
  for (LetterActor other : {LetterActor::kDelegator, LetterActor::kSystem, LetterActor::kOther}) {
    CHECK_EQ(Decide(LetterStatus::kApplied, LetterCommand::kApprove, By(other)).status().code(),
             StatusCode::kPermissionDenied);
  }
}

TEST_CASE("F-4: 差戻 needs a reason and is possible only until the letter takes effect") {
  CHECK_EQ(
      Decide(LetterStatus::kApplied, LetterCommand::kReturn, By(LetterActor::kDelegate, "記載誤り"))
          .value(),
      LetterStatus::kReturned);
  auto no_reason =
      Decide(LetterStatus::kApplied, LetterCommand::kReturn, By(LetterActor::kDelegate));
  CHECK_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.status().field(), "reason");
  LetterFacts f = By(LetterActor::kDelegate, "記載誤り");
  f.contract_date = kToday.AddDays(1);  // approved, takes effect tomorrow: still returnable
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kReturn, f).value(),
           LetterStatus::kReturned);
  f.contract_date = kToday;  // in effect from today: too late
  auto late = Decide(LetterStatus::kApproved, LetterCommand::kReturn, f);
  CHECK_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  CHECK_NE(late.status().message().find("契約日"), std::string::npos);
}

TEST_CASE(
    "F-3-4: the delegator withdraws an applied or returned or approved letter with a reason") {
  for (LetterStatus from :
       {LetterStatus::kApplied, LetterStatus::kReturned, LetterStatus::kApproved}) {
    CHECK_EQ(Decide(from, LetterCommand::kWithdraw, By(LetterActor::kDelegator, "誤申請")).value(),
             LetterStatus::kWithdrawn);
    CHECK_EQ(Decide(from, LetterCommand::kWithdraw, By(LetterActor::kDelegator)).status().field(),
             "reason");
    CHECK_EQ(
        Decide(from, LetterCommand::kWithdraw, By(LetterActor::kDelegate, "x")).status().code(),
        StatusCode::kPermissionDenied);
  }
}

TEST_CASE(
    "F-4 day job: an approved letter takes effect on its 契約日 and a municipal one needs F-5-2") {
  LetterFacts f = By(LetterActor::kSystem);
  f.contract_date = kToday;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, f).value(),
           LetterStatus::kInContract);
  f.contract_date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, f).status().code(),
           StatusCode::kFailedPrecondition);
  f.contract_date = kToday;
  f.municipal_letter = true;
  f.payment_consignment = false;
  auto no_consignment = Decide(LetterStatus::kApproved, LetterCommand::kActivate, f);
  CHECK_EQ(no_consignment.status().code(), StatusCode::kFailedPrecondition);
  CHECK_NE(no_consignment.status().message().find("支払事務委託"), std::string::npos);
  f.payment_consignment = true;
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kActivate, f).value(),
           LetterStatus::kInContract);
}

TEST_CASE("F-1-8-1 and F-1-9-2: opening activates and a union leave keeps the letter approved") {
  LetterFacts f = By(LetterActor::kSystem);
  f.contract_date =
      kToday.AddDays(30);  // 契約日 < 開設日 is moved by the handler; opening is today
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kOpen, f).value(),
           LetterStatus::kInContract);
  CHECK_EQ(Decide(LetterStatus::kApproved, LetterCommand::kUnionLeave, f).value(),
           LetterStatus::kApproved);
}

TEST_CASE("F-6: secession by the delegator needs a 脱退日 from tomorrow and a reason") {
  LetterFacts f = By(LetterActor::kDelegator, "閉院");
  f.date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, f).value(),
           LetterStatus::kSecessionScheduled);
  f.date = kToday;
  auto today = Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, f);
  CHECK_EQ(today.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(today.status().field(), "date");
  f.date = kToday.AddDays(5);
  f.contract_type = ContractType::kTemporary;  // F-10-4: not by the delegator
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kRequestSecession, f).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE("F-10-4: only 国保中央会 registers a temporary letter's secession one month ahead") {
  LetterFacts f = By(LetterActor::kCentralFederation, "相談の結果");
  f.contract_type = ContractType::kTemporary;
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
  LetterFacts f = By(LetterActor::kSystem);
  f.date = kToday;
  CHECK_EQ(Decide(LetterStatus::kSecessionScheduled, LetterCommand::kSecede, f).value(),
           LetterStatus::kSeceded);
  f.date = kToday.AddDays(1);
  CHECK_EQ(Decide(LetterStatus::kSecessionScheduled, LetterCommand::kSecede, f).status().code(),
           StatusCode::kFailedPrecondition);
}

TEST_CASE(
    "F-7: only an institution letter is terminated by its locating authority with date and "
    "reason") {
  LetterFacts f = By(LetterActor::kLocatingAuthority, "接種誤りの多発");
  f.institution_letter = true;
  f.date = kToday;
  for (LetterStatus from :
       {LetterStatus::kApproved, LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(Decide(from, LetterCommand::kTerminate, f).value(), LetterStatus::kTerminated);
  }
  LetterFacts municipal = f;
  municipal.institution_letter = false;
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, municipal).status().code(),
           StatusCode::kFailedPrecondition);
  LetterFacts no_date = f;
  no_date.date.reset();
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, no_date).status().field(),
           "date");
  LetterFacts other = f;
  other.actor = LetterActor::kDelegate;  // another municipality may only request it
  CHECK_EQ(Decide(LetterStatus::kInContract, LetterCommand::kTerminate, other).status().code(),
           StatusCode::kPermissionDenied);
}

TEST_CASE("F-1-4-3: a code change re-keys any non-terminal letter without changing its status") {
  for (LetterStatus s : {LetterStatus::kApplied, LetterStatus::kReturned, LetterStatus::kApproved,
                         LetterStatus::kInContract, LetterStatus::kSecessionScheduled}) {
    CHECK_EQ(Decide(s, LetterCommand::kRekey, By(LetterActor::kSystem)).value(), s);
  }
}

// The table of docs/domain.md §3, written again here independently of the machine.
const std::set<std::pair<LetterStatus, LetterCommand>> kAllowed = {
    {LetterStatus::kNone, LetterCommand::kApply},
    {LetterStatus::kReturned, LetterCommand::kReapply},
    {LetterStatus::kApplied, LetterCommand::kApprove},
    {LetterStatus::kApplied, LetterCommand::kReturn},
    {LetterStatus::kApproved, LetterCommand::kReturn},
    {LetterStatus::kApplied, LetterCommand::kWithdraw},
    {LetterStatus::kReturned, LetterCommand::kWithdraw},
    {LetterStatus::kApproved, LetterCommand::kWithdraw},
    {LetterStatus::kApproved, LetterCommand::kActivate},
    {LetterStatus::kApproved, LetterCommand::kOpen},
    {LetterStatus::kApproved, LetterCommand::kUnionLeave},
    {LetterStatus::kInContract, LetterCommand::kRequestSecession},
    {LetterStatus::kInContract, LetterCommand::kHelpdeskSecession},
    {LetterStatus::kSecessionScheduled, LetterCommand::kSecede},
    {LetterStatus::kApproved, LetterCommand::kSecedeBySystem},
    {LetterStatus::kInContract, LetterCommand::kSecedeBySystem},
    {LetterStatus::kSecessionScheduled, LetterCommand::kSecedeBySystem},
    {LetterStatus::kApproved, LetterCommand::kTerminate},
    {LetterStatus::kInContract, LetterCommand::kTerminate},
    {LetterStatus::kSecessionScheduled, LetterCommand::kTerminate},
    {LetterStatus::kApplied, LetterCommand::kRekey},
    {LetterStatus::kReturned, LetterCommand::kRekey},
    {LetterStatus::kApproved, LetterCommand::kRekey},
    {LetterStatus::kInContract, LetterCommand::kRekey},
    {LetterStatus::kSecessionScheduled, LetterCommand::kRekey},
};

TEST_CASE("domain §3: every transition outside the table is refused naming status and command") {
  constexpr LetterCommand kCommands[] = {LetterCommand::kApply,
                                         LetterCommand::kReapply,
                                         LetterCommand::kApprove,
                                         LetterCommand::kReturn,
                                         LetterCommand::kWithdraw,
                                         LetterCommand::kActivate,
                                         LetterCommand::kOpen,
                                         LetterCommand::kUnionLeave,
                                         LetterCommand::kRequestSecession,
                                         LetterCommand::kHelpdeskSecession,
                                         LetterCommand::kSecede,
                                         LetterCommand::kSecedeBySystem,
                                         LetterCommand::kTerminate,
                                         LetterCommand::kRekey};
  // Facts that satisfy every guard, so only the table decides.
  int refused = 0;
  for (const auto& row : LetterStatuses()) {
    for (LetterCommand c : kCommands) {
      CAPTURE(row.code);
      CAPTURE(CodeName(c));
      auto r = Decide(row.value, c, By(LetterActor::kOther, "理由"));
      if (kAllowed.count({row.value, c}) == 0) {
        REQUIRE_FALSE(r.ok());
        CHECK_EQ(r.status().code(), StatusCode::kFailedPrecondition);
        CHECK_NE(r.status().message().find(std::string(JapaneseName(row.value))),
                 std::string::npos);
        CHECK_NE(r.status().message().find(std::string(CodeName(c))), std::string::npos);
        ++refused;
      } else {
        // In the table: refused only by a guard (the actor here is nobody in particular).
        CHECK_EQ(r.status().code(), StatusCode::kPermissionDenied);
      }
    }
  }
  CHECK_EQ(refused, 9 * 14 - static_cast<int>(kAllowed.size()));
}

TEST_CASE("domain §3: terminal statuses never change") {
  for (LetterStatus s :
       {LetterStatus::kWithdrawn, LetterStatus::kSeceded, LetterStatus::kTerminated}) {
    CHECK(IsTerminal(s));
    LetterFacts f = By(LetterActor::kSystem, "理由");
    f.date = kToday;
    f.contract_date = kToday;
    f.institution_letter = true;
    for (LetterCommand c :
         {LetterCommand::kRekey, LetterCommand::kSecedeBySystem, LetterCommand::kActivate,
          LetterCommand::kReapply, LetterCommand::kWithdraw}) {
      CHECK_EQ(Decide(s, c, f).status().code(), StatusCode::kFailedPrecondition);
    }
  }
  CHECK_EQ(CodeName(LetterStatus::kInContract), "in_contract");
  CHECK_EQ(JapaneseName(LetterStatus::kInContract), "集合契約中");
}

}  // namespace
}  // namespace shugo::core
