// The command processor against a real event store, one test per flow of docs/domain.md §3–§4
// (F-3 … F-7, F-1-8, F-1-9, F-5-2, the day job): statuses, dates, reasons and the exact events
// appended; then every (status, command) pair outside the machine's table, generated; then random
// commands over random days (letters, organisation dates, code changes and mergers, campaigns and
// their temporary letters, fees), after which the log rebuilds the same state and every letter's
// history is a path through the machine.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "tests/core/random_run.h"
#include "tests/core/same_state.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

// 三鷹市 (a real code of municipalities.csv), registered by MHLW to open on `opening` (F-1-8-1).
OrgId RegisterMitaka(World& w, JapanDate opening) {
  RegisterOrganisation r;
  r.kind = K::kMunicipality;
  r.code = "132047";
  r.name = ReferenceRow("municipalities.csv", "132047")[3];
  r.opening_date = opening;
  return w.Register(As(World::kMhlw), r);
}

TEST_CASE("F-3 apply needs the confirmed contract document and one open letter per type") {
  World w;
  const Position h0 = w.Head();
  Status unconfirmed =
      w.Refusal(As(w.Code(w.inst_member)), ApplyLetter{ContractType::kRoutine, 0, false},
                StatusCode::kInvalidArgument);
  CHECK_EQ(unconfirmed.field(), "document_confirmed");
  CHECK(Contains(unconfirmed.message(), "委託契約書"));
  w.Refused(Actor::System(), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kPermissionDenied);
  // The chain table routes the letter: a client naming another delegate is refused, naming the
  // routed one (F-3).
  Status elsewhere = w.Refusal(As(w.Code(w.inst_member)),
                               ApplyLetter{ContractType::kRoutine, 0, true, World::kTokyo},
                               StatusCode::kInvalidArgument);
  CHECK_EQ(elsewhere.field(), "delegate");
  CHECK(Contains(elsewhere.message(), w.Code(w.chiyoda_ma)));
  CHECK_EQ(w.Head(), h0);

  Outcome applied = w.Ok(As(w.Code(w.inst_member)),
                         ApplyLetter{ContractType::kRoutine, 0, true, w.Code(w.chiyoda_ma)});
  REQUIRE_EQ(applied.created.size(), 1u);
  const LetterId l1 = applied.created[0];
  CHECK_EQ(applied.append.first_position, h0 + 1);
  auto got = w.ExpectAppended(h0, {{Applied(l1, w.inst_member, w.chiyoda_ma), std::nullopt}});
  REQUIRE_EQ(got.size(), 1u);
  CHECK_EQ(got[0].version, 1u);
  // A retried command id is answered with its first result and appends nothing (invariant 5).
  CommandRequest retry;
  retry.id = got[0].command_id;
  retry.actor = As(w.Code(w.inst_member));
  retry.request = ApplyLetter{ContractType::kRoutine, 0, true};
  Result<Outcome> retried = w.proc->Execute(retry);
  REQUIRE(retried.ok());
  CHECK(retried->append.duplicate);
  CHECK_EQ(retried->append.first_position, h0 + 1);
  CHECK_EQ(retried->created, applied.created);  // what it created, read back from the log
  CHECK_EQ(w.Head(), h0 + 1);
  const Letter letter = w.L(l1);
  CHECK_EQ(w.StatusOf(l1), "applied");
  CHECK_EQ(letter.delegator, w.inst_member);
  CHECK_EQ(letter.delegate, w.chiyoda_ma);
  CHECK_FALSE(letter.redelegation);
  CHECK_EQ(DateText(letter.contract_date), "-");

  // project: one non-terminal original letter per (delegator, type).
  const Position h1 = w.Head();
  Status twice = w.Refusal(As(w.Code(w.inst_member)), ApplyLetter{ContractType::kRoutine, 0, true},
                           StatusCode::kAlreadyExists);
  CHECK(Contains(twice.message(), "申請中"));
  CHECK(Contains(twice.message(), "定期"));
  // Another contract type is another letter.
  const LetterId l2 = w.Apply(w.inst_member, ContractType::kVoluntaryConsignment);
  w.ExpectAppended(h1,
                   {{Applied(l2, w.inst_member, w.chiyoda_ma, ContractType::kVoluntaryConsignment),
                     std::nullopt}});
  // Temporary letters only within a declared campaign (F-10): one named is the request's field.
  Status no_campaign =
      w.Refusal(As(w.Code(w.inst_member)), ApplyLetter{ContractType::kTemporary, 0, true},
                StatusCode::kInvalidArgument);
  CHECK_EQ(no_campaign.field(), "campaign");
}

TEST_CASE("F-3 the request's fields and its routing are refused before a live letter of the type") {
  World w;
  const LetterId live = w.Apply(w.chiyoda);  // 千代田区's routine letter, applied to 東京都
  const Actor chiyoda = As(World::kChiyoda);
  // A delegate code with a wrong check digit (東京都 is 130001): the field, not the live letter.
  Status malformed = w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 0, true, "130002"},
                               StatusCode::kInvalidArgument);
  CHECK_EQ(malformed.field(), "delegate");
  CHECK(Contains(malformed.message(), "検査"));
  // A code that names no organisation.
  CHECK_EQ(w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 0, true, "9999"},
                     StatusCode::kInvalidArgument)
               .field(),
           "delegate");
  // A delegate the chain table does not route a municipality to (a 郡市区医師会): the routed one
  // is named.
  Status unrouted =
      w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 0, true, World::kChiyodaMa},
                StatusCode::kInvalidArgument);
  CHECK_EQ(unrouted.field(), "delegate");
  CHECK(Contains(unrouted.message(), World::kTokyo));
  // A temporary letter without a campaign, and a campaign on a routine letter.
  CHECK_EQ(w.Refusal(chiyoda, ApplyLetter{ContractType::kTemporary, 0, true},
                     StatusCode::kInvalidArgument)
               .field(),
           "campaign");
  CHECK_EQ(w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 7, true, World::kTokyo},
                     StatusCode::kInvalidArgument)
               .field(),
           "campaign");
  // The contract document, before everything else.
  CHECK_EQ(w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 0, false, "130002"},
                     StatusCode::kInvalidArgument)
               .field(),
           "document_confirmed");
  // A well-formed request routed right meets the state: the live letter (409).
  Status twice = w.Refusal(chiyoda, ApplyLetter{ContractType::kRoutine, 0, true, World::kTokyo},
                           StatusCode::kAlreadyExists);
  CHECK(Contains(twice.message(), "申請中"));

  // Every command: a missing reason is refused before a stale version or a status that has no
  // such transition, and who acts before the status.
  CHECK_EQ(w.Refusal(chiyoda, WithdrawLetter{live, ""}, StatusCode::kInvalidArgument, 99).field(),
           "reason");
  w.Ok(chiyoda, WithdrawLetter{live, "記載誤り"});
  CHECK_EQ(w.Refusal(chiyoda, WithdrawLetter{live, ""}, StatusCode::kInvalidArgument).field(),
           "reason");
  w.Refused(As(World::kTokyo), WithdrawLetter{live, "記載誤り"}, StatusCode::kPermissionDenied);
  w.Refused(chiyoda, WithdrawLetter{live, "記載誤り"}, StatusCode::kFailedPrecondition);
  w.Refusal(chiyoda, WithdrawLetter{live, "記載誤り"}, StatusCode::kAborted, 99).IgnoreError();
  // A date the rule refuses, before the status (an applied letter cannot secede: 409 otherwise).
  const LetterId again = w.Apply(w.chiyoda);
  CHECK_EQ(
      w.Refusal(chiyoda, RequestSecession{again, w.Today(), "移転"}, StatusCode::kInvalidArgument)
          .field(),
      "date");
  w.Refused(chiyoda, RequestSecession{again, w.Today().AddDays(1), "移転"},
            StatusCode::kFailedPrecondition);
  // F-1-8: a past 開設日 is the field's fault, before who may enter it.
  CHECK_EQ(
      w.Refusal(chiyoda, EnterOrganisationDate{World::kChuo, DK::kOpeningScheduled, w.Today(), ""},
                StatusCode::kInvalidArgument, 99)
          .field(),
      "date");
}

TEST_CASE(
    "F-3 a command id sent again with another request digest is refused and appends nothing") {
  World w;
  CommandRequest c;
  c.id = "http:7:apply-1";
  c.actor = As(w.Code(w.inst_member));
  c.request = ApplyLetter{ContractType::kRoutine, 0, true};
  c.request_digest = "digest-of-the-routine-application";
  Result<Outcome> first = w.proc->Execute(c);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  const Position head = w.Head();
  // The same id with the same digest: the first result, as often as it is sent.
  for (int again = 0; again < 2; ++again) {
    Result<Outcome> retry = w.proc->Execute(c);
    REQUIRE(retry.ok());
    CHECK(retry->append.duplicate);
    CHECK_EQ(retry->created, first->created);
  }
  // Another request under the same id: refused naming the key, nothing appended.
  CommandRequest other = c;
  other.request = ApplyLetter{ContractType::kVoluntarySubsidy, 0, true};
  other.request_digest = "digest-of-another-application";
  Result<Outcome> reused = w.proc->Execute(other);
  REQUIRE_FALSE(reused.ok());
  CHECK_EQ(reused.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(reused.status().field(), "idempotency_key");
  CHECK(Contains(reused.status().message(), "Idempotency-Key"));
  CHECK_EQ(w.Head(), head);
  // The digest is kept with the record; commands without one are not compared.
  CHECK_EQ(w.store->ReadRange(head, 1)->front().event().request_digest()->str(),
           "digest-of-the-routine-application");
  CommandRequest plain = c;
  plain.request_digest.clear();
  CHECK(w.proc->Execute(plain)->append.duplicate);
}

TEST_CASE(
    "F-3 a 広域連合 member applies only once its union 脱退日 or the union 廃止日 is entered") {
  World w;
  // F-1-9-1: both join the union on day 2.
  for (OrgId m : {w.hachioji, w.tachikawa}) {
    w.Ok(As(World::kMhlw),
         EnterOrganisationDate{w.Code(m), DK::kUnionJoinScheduled, Day(2), World::kUnion});
  }
  w.RunTo(Day(2));
  CHECK(w.Org(w.hachioji).in_union);
  Status member = w.Refusal(As(World::kHachioji), ApplyLetter{ContractType::kRoutine, 0, true},
                            StatusCode::kFailedPrecondition);
  CHECK(Contains(member.message(), "広域連合"));
  CHECK(Contains(member.message(), "F-1-9-2"));
  w.Refused(As(World::kTachikawa), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kFailedPrecondition);

  // The member's union 脱退日 entered: it may apply (its letter takes effect after it).
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(10), ""});
  const Position h = w.Head();
  const LetterId l = w.Apply(w.hachioji);
  w.ExpectAppended(h, {{Applied(l, w.hachioji, w.tokyo), std::nullopt}});

  // The union's 廃止日 entered: every member may apply.
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kUnion, DK::kAbolitionScheduled, Day(20), ""});
  const LetterId t = w.Apply(w.tachikawa);
  CHECK_EQ(w.StatusOf(t), "applied");
}

TEST_CASE("F-3 reapply after return and a return of an approved letter ends its re-delegations") {
  World w;
  const LetterId l = w.Apply(w.inst_member);
  const std::string delegate = World::kChiyodaMa;
  const std::string delegator = w.Code(w.inst_member);

  Status no_reason = w.Refusal(As(delegate), ReturnLetter{l, ""}, StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.field(), "reason");
  w.Refused(As(delegator), ReturnLetter{l, "記載誤り"}, StatusCode::kPermissionDenied);
  Position h = w.Head();
  w.Ok(As(delegate), ReturnLetter{l, "記載誤り"});
  auto got = w.ExpectAppended(
      h, {{Moved(l, LC::kReturn, LS::kReturned, std::nullopt, std::nullopt, "記載誤り"),
           std::nullopt}});
  REQUIRE_EQ(got.size(), 1u);
  CHECK_EQ(got[0].version, 2u);
  CHECK_EQ(w.StatusOf(l), "returned");
  CHECK_EQ(w.L(l).reason, "記載誤り");

  // Only the delegator re-applies; a returned letter is still open (no second application).
  w.Refused(As(delegate), ReapplyLetter{l}, StatusCode::kPermissionDenied);
  w.Refused(As(delegator), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kAlreadyExists);
  h = w.Head();
  w.Ok(As(delegator), ReapplyLetter{l});
  w.ExpectAppended(h, {{Moved(l, LC::kReapply, LS::kApplied), std::nullopt}});
  CHECK_EQ(w.StatusOf(l), "applied");
  CHECK_EQ(w.L(l).version, 3u);
  w.Refused(As(delegator), ReapplyLetter{l}, StatusCode::kFailedPrecondition);

  // Approved, then returned before it takes effect: the re-delegations it created end unused.
  Outcome approved = w.Approve({l});
  REQUIRE_EQ(approved.created.size(), 2u);
  const LetterId top = approved.created[0], low = approved.created[1];
  h = w.Head();
  w.Ok(As(delegate), ReturnLetter{l, "添付漏れ"});
  w.ExpectAppended(
      h,
      {{Moved(l, LC::kReturn, LS::kReturned, std::nullopt, std::nullopt, "添付漏れ"), std::nullopt},
       {Moved(low, LC::kEndRedelegation, LS::kWithdrawn, std::nullopt, std::nullopt, kNoneBelow),
        std::nullopt},
       {Moved(top, LC::kEndRedelegation, LS::kWithdrawn, std::nullopt, std::nullopt, kNoneBelow),
        std::nullopt}});
  // Re-applied and approved again: new re-delegations, the ended ones stay ended.
  w.Ok(As(delegator), ReapplyLetter{l});
  Outcome again = w.Approve({l});
  REQUIRE_EQ(again.created.size(), 2u);
  CHECK_GT(again.created[0], low);
  CHECK_EQ(w.StatusOf(top), "withdrawn");
  CHECK_EQ(w.L(l).upper, again.created[1]);
}

// ---- F-3-4 取下げ

TEST_CASE(
    "F-3-4 withdraw from applied or returned or approved needs a reason and not once in force") {
  World w;
  const std::string delegator = w.Code(w.inst_member);
  const std::string delegate = World::kChiyodaMa;

  // From applied.
  LetterId l = w.Apply(w.inst_member);
  Status no_reason = w.Refusal(As(delegator), WithdrawLetter{l, ""}, StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.field(), "reason");
  w.Refused(As(delegate), WithdrawLetter{l, "誤申請"}, StatusCode::kPermissionDenied);
  Position h = w.Head();
  w.Ok(As(delegator), WithdrawLetter{l, "誤申請"});
  w.ExpectAppended(h,
                   {{Moved(l, LC::kWithdraw, LS::kWithdrawn, std::nullopt, std::nullopt, "誤申請"),
                     std::nullopt}});
  CHECK_EQ(w.L(l).reason, "誤申請");
  Status again =
      w.Refusal(As(delegator), WithdrawLetter{l, "誤申請"}, StatusCode::kFailedPrecondition);
  CHECK(Contains(again.message(), "取下げ"));

  // From returned (a new application is possible once the old letter is withdrawn).
  l = w.Apply(w.inst_member);
  w.Ok(As(delegate), ReturnLetter{l, "記載誤り"});
  h = w.Head();
  w.Ok(As(delegator), WithdrawLetter{l, "申請不要"});
  w.ExpectAppended(
      h, {{Moved(l, LC::kWithdraw, LS::kWithdrawn, std::nullopt, std::nullopt, "申請不要"),
           std::nullopt}});

  // From approved, before its 契約日: the re-delegations end with it.
  l = w.Apply(w.inst_member);
  Outcome approved = w.Approve({l});
  REQUIRE_EQ(approved.created.size(), 2u);
  h = w.Head();
  w.Ok(As(delegator), WithdrawLetter{l, "接種体制の変更"});
  w.ExpectAppended(
      h, {{Moved(l, LC::kWithdraw, LS::kWithdrawn, std::nullopt, std::nullopt, "接種体制の変更"),
           std::nullopt},
          {Moved(approved.created[1], LC::kEndRedelegation, LS::kWithdrawn, std::nullopt,
                 std::nullopt, kNoneBelow),
           std::nullopt},
          {Moved(approved.created[0], LC::kEndRedelegation, LS::kWithdrawn, std::nullopt,
                 std::nullopt, kNoneBelow),
           std::nullopt}});

  // Approved and its 契約日 has come (the day job has not run yet): too late.
  l = w.ApplyApproved(w.inst_member);
  w.clock.SetDate(Day(1));
  Status in_force = w.Refusal(As(delegator), WithdrawLetter{l, "遅すぎる取下げ"},
                              StatusCode::kFailedPrecondition);
  CHECK(Contains(in_force.message(), "契約日"));
  // In contract: no row for 取下げ.
  w.RunTo(Day(1));
  CHECK_EQ(w.StatusOf(l), "in_contract");
  Status in_contract = w.Refusal(As(delegator), WithdrawLetter{l, "遅すぎる取下げ"},
                                 StatusCode::kFailedPrecondition);
  CHECK(Contains(in_contract.message(), "集合契約中"));
  CHECK(Contains(in_contract.message(), "取下げ"));
}

// ---- F-4 承認

TEST_CASE("F-4 approval creates the re-delegation chain of each routing row") {
  World w;
  std::set<const ChainRule*> covered;
  auto row_of = [&](OrgId delegator) {
    const Organisation o = w.Org(delegator);
    Result<const ChainRule*> rule = FindChainRule(o.kind, o.affiliation, ContractType::kRoutine);
    REQUIRE(rule.ok());
    covered.insert(*rule);
  };
  const JapanDate contract = Day(1);  // 効力発生日は翌日

  // Member of a 郡市区医師会 → it; 郡市区医師会 → 都道府県医師会 (再委任状) → 日本医師会
  // (再々委任状).
  row_of(w.inst_member);
  const LetterId member = w.Apply(w.inst_member);
  CHECK_EQ(w.L(member).delegate, w.chiyoda_ma);
  w.Refused(As(World::kTokyoMa), ApproveLetters{{member}}, StatusCode::kPermissionDenied);
  w.Refused(As(w.Code(w.inst_member)), ApproveLetters{{member}}, StatusCode::kPermissionDenied);
  w.Refused(Actor::System(), ApproveLetters{{member}}, StatusCode::kPermissionDenied);
  Position h = w.Head();
  Outcome o = w.Approve({member});
  REQUIRE_EQ(o.created.size(), 2u);
  const LetterId jma_hop = o.created[0], pref_hop = o.created[1];
  w.ExpectAppended(
      h, {{Created(jma_hop, w.tokyo_ma, w.jma, member, contract, 0), std::nullopt},
          {Created(pref_hop, w.chiyoda_ma, w.tokyo_ma, member, contract, jma_hop), std::nullopt},
          {Moved(member, LC::kApprove, LS::kApproved, contract, std::nullopt, "", pref_hop),
           std::nullopt}});
  CHECK_EQ(w.StatusOf(member), "approved");
  CHECK_EQ(DateText(w.L(member).contract_date), contract.ToString());
  for (LetterId r : {jma_hop, pref_hop}) {
    const Letter re = w.L(r);
    CHECK(re.redelegation);
    CHECK_EQ(w.StatusOf(r), "approved");  // 再委任状ステータス "承認済"
    CHECK_EQ(re.under, member);
    CHECK_EQ(DateText(re.contract_date), contract.ToString());
    CHECK_EQ(re.live_below, 1u);
  }

  // A second institution under the same association reuses the live re-delegations.
  const LetterId member2 = w.Apply(w.inst_member2);
  h = w.Head();
  o = w.Approve({member2});
  CHECK(o.created.empty());
  w.ExpectAppended(
      h, {{Moved(member2, LC::kApprove, LS::kApproved, contract, std::nullopt, "", pref_hop),
           std::nullopt}});
  CHECK_EQ(w.L(pref_hop).live_below, 2u);
  CHECK_EQ(w.L(jma_hop).live_below, 1u);

  // Member of none (project): the 郡市区医師会 of its area; its own hop to 東京都医師会, the
  // live one above reused.
  row_of(w.inst_nonmember);
  const LetterId nonmember = w.Apply(w.inst_nonmember);
  CHECK_EQ(w.L(nonmember).delegate, w.chuo_ma);
  h = w.Head();
  o = w.Approve({nonmember});
  REQUIRE_EQ(o.created.size(), 1u);
  w.ExpectAppended(
      h,
      {{Created(o.created[0], w.chuo_ma, w.tokyo_ma, nonmember, contract, jma_hop), std::nullopt},
       {Moved(nonmember, LC::kApprove, LS::kApproved, contract, std::nullopt, "", o.created[0]),
        std::nullopt}});
  CHECK_EQ(w.L(jma_hop).live_below, 2u);
  // Where no 郡市区医師会 sits, the first of the prefecture (project).
  const OrgId elsewhere = w.RegisterInstitution("1315822838");  // 港区, member of none
  CHECK_EQ(w.L(w.Apply(elsewhere)).delegate, w.chiyoda_ma);

  // Member of another 取りまとめ団体 → it → 日本医師会.
  row_of(w.inst_aggregated);
  const LetterId aggregated = w.Apply(w.inst_aggregated);
  CHECK_EQ(w.L(aggregated).delegate, w.aggregator);
  h = w.Head();
  o = w.Approve({aggregated});
  REQUIRE_EQ(o.created.size(), 1u);
  w.ExpectAppended(
      h, {{Created(o.created[0], w.aggregator, w.jma, aggregated, contract, 0), std::nullopt},
          {Moved(aggregated, LC::kApprove, LS::kApproved, contract, std::nullopt, "", o.created[0]),
           std::nullopt}});

  // A site set up by a municipality → that municipality, no re-delegation (project).
  row_of(w.site_municipal);
  const LetterId municipal_site = w.Apply(w.site_municipal);
  CHECK_EQ(w.L(municipal_site).delegate, w.chiyoda);
  h = w.Head();
  o = w.Approve({municipal_site});
  CHECK(o.created.empty());
  w.ExpectAppended(h,
                   {{Moved(municipal_site, LC::kApprove, LS::kApproved, contract), std::nullopt}});

  // A site set up by a prefecture → that prefecture, no re-delegation
  // (再委任状の自動作成は行わない).
  row_of(w.site_prefectural);
  const LetterId prefectural_site = w.Apply(w.site_prefectural);
  CHECK_EQ(w.L(prefectural_site).delegate, w.tokyo);
  h = w.Head();
  o = w.Approve({prefectural_site});
  CHECK(o.created.empty());
  w.ExpectAppended(
      h, {{Moved(prefectural_site, LC::kApprove, LS::kApproved, contract), std::nullopt}});

  // 市区町村 → its 都道府県 → 全国知事会; a 広域連合 the same, reusing the prefecture's hop.
  row_of(w.chiyoda);
  const LetterId municipal = w.Apply(w.chiyoda);
  CHECK_EQ(w.L(municipal).delegate, w.tokyo);
  h = w.Head();
  o = w.Approve({municipal});
  REQUIRE_EQ(o.created.size(), 1u);
  const LetterId governors_hop = o.created[0];
  w.ExpectAppended(
      h, {{Created(governors_hop, w.tokyo, w.chijikai, municipal, contract, 0), std::nullopt},
          {Moved(municipal, LC::kApprove, LS::kApproved, contract, std::nullopt, "", governors_hop),
           std::nullopt}});
  row_of(w.wide_union);
  const LetterId union_letter = w.Apply(w.wide_union);
  CHECK_EQ(w.L(union_letter).delegate, w.tokyo);
  h = w.Head();
  o = w.Approve({union_letter});
  CHECK(o.created.empty());
  w.ExpectAppended(
      h,
      {{Moved(union_letter, LC::kApprove, LS::kApproved, contract, std::nullopt, "", governors_hop),
        std::nullopt}});

  // A prefecture delegates only for temporary vaccination (F-10 ※2).
  w.Refused(As(World::kTokyo), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kFailedPrecondition);

  // Every row of the table but the temporary one was driven.
  for (const ChainRule& rule : ChainRules()) {
    CAPTURE(rule.flow);
    CHECK_EQ(covered.contains(&rule), !rule.temporary_only);
  }
}

TEST_CASE("F-4 a re-delegation reused by a letter with an earlier 契約日 moves its 契約日 to it") {
  World w;
  const OrgId opening = RegisterMitaka(w, Day(9));
  const LetterId first = w.ApplyApproved(opening);
  const LetterId hop = w.L(first).upper;  // 東京都 → 全国知事会, 契約日 = 開設日
  REQUIRE_EQ(DateText(w.L(hop).contract_date), Day(9).ToString());
  w.RegisterPaymentConsignment(w.chiyoda);
  const LetterId second = w.ApplyApproved(w.chiyoda);  // 契約日 day 1, under the same hop
  REQUIRE_EQ(w.L(second).upper, hop);
  w.RunTo(Day(1));
  CHECK_EQ(w.StatusOf(second), "in_contract");
  CHECK_EQ(w.StatusOf(hop), "in_contract");
  CHECK_EQ(DateText(w.L(hop).contract_date), Day(1).ToString());
}

TEST_CASE("F-4 bulk approval is all or none and shares the re-delegations it creates") {
  World w;
  const LetterId a = w.Apply(w.inst_member);
  const LetterId b = w.Apply(w.inst_member2);
  const LetterId other = w.Apply(w.inst_nonmember);  // delegated to 中央区医師会
  const Actor approver = As(World::kChiyodaMa);

  w.Refused(approver, ApproveLetters{{a, b, 999}}, StatusCode::kNotFound);
  w.Refused(approver, ApproveLetters{{a, other}}, StatusCode::kPermissionDenied);
  w.Refused(approver, ApproveLetters{{a, b, a}}, StatusCode::kInvalidArgument);
  w.Refused(approver, ApproveLetters{{}}, StatusCode::kInvalidArgument);
  w.Ok(As(w.Code(w.inst_member2)), WithdrawLetter{b, "誤申請"});
  const LetterId b2 = w.Apply(w.inst_member2);
  Status withdrawn = w.Refusal(approver, ApproveLetters{{a, b2, b}},
                               StatusCode::kFailedPrecondition);  // b was withdrawn
  CHECK(Contains(withdrawn.message(), "取下げ"));
  for (LetterId id : {a, b2, other}) CHECK_EQ(w.StatusOf(id), "applied");

  const Position h = w.Head();
  Outcome o = w.Ok(approver, ApproveLetters{{a, b2}});
  REQUIRE_EQ(o.created.size(), 2u);
  const LetterId top = o.created[0], low = o.created[1];
  w.ExpectAppended(
      h, {{Created(top, w.tokyo_ma, w.jma, a, Day(1), 0), std::nullopt},
          {Created(low, w.chiyoda_ma, w.tokyo_ma, a, Day(1), top), std::nullopt},
          {Moved(a, LC::kApprove, LS::kApproved, Day(1), std::nullopt, "", low), std::nullopt},
          {Moved(b2, LC::kApprove, LS::kApproved, Day(1), std::nullopt, "", low), std::nullopt}});
  CHECK_EQ(w.L(low).live_below, 2u);
  CHECK_EQ(w.L(top).live_below, 1u);
}

TEST_CASE("F-4 a refused bulk approval names every letter it is about and appends nothing") {
  World w;
  const LetterId a = w.Apply(w.inst_member);
  const LetterId b = w.Apply(w.inst_member2);
  const LetterId other = w.Apply(w.inst_nonmember);  // applied, but to 中央区医師会
  const Actor approver = As(World::kChiyodaMa);
  w.Ok(As(w.Code(w.inst_member2)), WithdrawLetter{b, "誤申請"});
  const LetterId b2 = w.Apply(w.inst_member2);
  // The bulk is refused on its first bad letter; the core names each whose approval alone it
  // refuses — withdrawn, another delegate's (applied: a status cannot tell), unknown — and the one
  // named twice, in the order given.
  const std::vector<LetterId> bulk{a, b, other, 999, b2, a};
  const Position h = w.Head();
  w.Refused(approver, ApproveLetters{bulk}, StatusCode::kFailedPrecondition);
  CHECK_EQ(w.proc->RefusedApprovals(approver, bulk), (std::vector<LetterId>{b, other, 999, a}));
  CHECK_EQ(w.Head(), h);
  // Another organisation is refused every one of them; an approvable set names none.
  CHECK_EQ(w.proc->RefusedApprovals(As(World::kChuoMa), {a, other}), std::vector<LetterId>{a});
  CHECK(w.proc->RefusedApprovals(approver, {a, b2}).empty());
  CHECK_EQ(w.Head(), h);
  w.Ok(approver, ApproveLetters{{a, b2}});
  CHECK_EQ(w.proc->RefusedApprovals(approver, {a}), std::vector<LetterId>{a});  // approved now
}

// ---- the day job (F_バッチ_3-1)

TEST_CASE(
    "day job: the first run starts on the earliest date due so each transition has its date") {
  World w;
  const LetterId inst = w.Apply(w.inst_member);
  Outcome o = w.Approve({inst});
  REQUIRE_EQ(o.created.size(), 2u);
  const LetterId top = o.created[0], low = o.created[1];
  REQUIRE_EQ(DateText(w.L(inst).contract_date), Day(1).ToString());
  // No day was ever closed; the first run is on day 4: the activation is carried out on its
  // 契約日 (day 1), and every day from it is closed.
  w.clock.SetDate(Day(4));
  Position h = w.Head();
  DayReport r = w.RunTo(Day(4));
  w.ExpectAppended(h, {{Moved(inst, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(low, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(top, LC::kActivate, LS::kInContract), Day(1)},
                       {Closed(Day(1)), Day(1)},
                       {Closed(Day(2)), Day(2)},
                       {Closed(Day(3)), Day(3)},
                       {Closed(Day(4)), Day(4)}});
  CHECK_EQ(DateText(r.first), Day(1).ToString());
  CHECK_EQ(r.commands, 1u);
}

TEST_CASE("day job activates approved letters on their 契約日 with their re-delegations") {
  World w;
  const LetterId inst = w.Apply(w.inst_member);
  Outcome o = w.Approve({inst});
  REQUIRE_EQ(o.created.size(), 2u);
  const LetterId top = o.created[0], low = o.created[1];
  const LetterId municipal = w.Apply(w.chiyoda);
  Outcome om = w.Approve({municipal});
  REQUIRE_EQ(om.created.size(), 1u);
  const LetterId governors_hop = om.created[0];

  // Day 0: nothing is due; the day is closed.
  Position h = w.Head();
  DayReport r = w.RunTo(Day(0));
  w.ExpectAppended(h, {{Closed(Day(0)), Day(0)}});
  CHECK_EQ(r.commands, 0u);
  CHECK_EQ(DateText(r.first), Day(0).ToString());
  // Never a day in the future.
  Result<DayReport> future = w.proc->RunDays(Day(1));
  CHECK_EQ(future.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(w.Head(), h + 1);

  // Day 1, the 契約日: the institution's letter takes effect with its chain; the municipal one
  // waits for payment consignment (F-5-2).
  h = w.Head();
  r = w.RunTo(Day(1));
  auto got = w.ExpectAppended(h, {{Moved(inst, LC::kActivate, LS::kInContract), Day(1)},
                                  {Moved(low, LC::kActivate, LS::kInContract), Day(1)},
                                  {Moved(top, LC::kActivate, LS::kInContract), Day(1)},
                                  {Closed(Day(1)), Day(1)}});
  CHECK_EQ(r.commands, 1u);
  REQUIRE_EQ(got.size(), 4u);
  CHECK_EQ(got[0].command_id, "day-20250402-activate-" + std::to_string(inst));
  CHECK_EQ(got[0].command_id, got[2].command_id);  // one command
  for (LetterId id : {inst, low, top}) CHECK_EQ(w.StatusOf(id), "in_contract");
  CHECK_EQ(w.StatusOf(municipal), "approved");
  CHECK_EQ(w.StatusOf(governors_hop), "approved");

  // Idempotent: the same day again appends nothing.
  h = w.Head();
  r = w.RunTo(Day(1));
  CHECK_EQ(w.Head(), h);
  CHECK_EQ(r.commands, 0u);
  CHECK_FALSE(r.first.has_value());

  // F-5-2 締結日, by the 国保連合会 only.
  w.Refused(As(World::kMhlw),
            EnterOrganisationDate{World::kChiyoda, DK::kPaymentConsignmentRegistered, Day(1), ""},
            StatusCode::kPermissionDenied);
  w.Refused(As(World::kFederation),
            EnterOrganisationDate{World::kChiyoda, DK::kPaymentConsignmentRegistered, Day(2), ""},
            StatusCode::kInvalidArgument);
  h = w.Head();
  w.RegisterPaymentConsignment(w.chiyoda);
  w.ExpectAppended(h,
                   {{Dated(w.chiyoda, DK::kPaymentConsignmentRegistered, Day(1)), std::nullopt}});
  CHECK(w.Org(w.chiyoda).payment_consignment);
  w.Refused(As(World::kFederation),
            EnterOrganisationDate{World::kChiyoda, DK::kPaymentConsignmentRegistered, Day(1), ""},
            StatusCode::kAlreadyExists);

  // Catching up three days in order: the municipal letter on the first, one DayClosed per day.
  h = w.Head();
  r = w.RunTo(Day(4));
  w.ExpectAppended(h, {{Moved(municipal, LC::kActivate, LS::kInContract), Day(2)},
                       {Moved(governors_hop, LC::kActivate, LS::kInContract), Day(2)},
                       {Closed(Day(2)), Day(2)},
                       {Closed(Day(3)), Day(3)},
                       {Closed(Day(4)), Day(4)}});
  CHECK_EQ(DateText(r.first), Day(2).ToString());
  CHECK_EQ(DateText(r.last), Day(4).ToString());
  CHECK_EQ(r.commands, 1u);
  CHECK_EQ(DateText(w.proc->Read([](const State& s) { return s.last_closed_day(); })),
           Day(4).ToString());

  // A letter approved under a chain already in force reuses it and activates alone.
  const LetterId later = w.Apply(w.inst_member2);
  h = w.Head();
  o = w.Approve({later});
  CHECK(o.created.empty());
  w.ExpectAppended(h, {{Moved(later, LC::kApprove, LS::kApproved, Day(5), std::nullopt, "", low),
                        std::nullopt}});
  h = w.Head();
  w.RunTo(Day(5));
  w.ExpectAppended(
      h, {{Moved(later, LC::kActivate, LS::kInContract), Day(5)}, {Closed(Day(5)), Day(5)}});

  // The same state comes back from the log.
  auto reopened = Processor::Open(w.store.get(), &w.clock);
  REQUIRE(reopened.ok());
  CHECK(w.proc->Read([](const State& s) { return s.letters(); }) ==
        (*reopened)->Read([](const State& s) { return s.letters(); }));
}

// ---- F-5-2 支払事務委託の解除

TEST_CASE("F-5-2 payment consignment cancellation secedes the municipality's letters on 解除日") {
  World w;
  w.RegisterPaymentConsignment(w.chiyoda);
  w.RegisterPaymentConsignment(w.chuo);
  const LetterId routine = w.ApplyApproved(w.chiyoda);
  const LetterId consignment = w.ApplyApproved(w.chiyoda, ContractType::kVoluntaryConsignment);
  const LetterId neighbour = w.ApplyApproved(w.chuo);  // keeps the routine hop alive
  const LetterId routine_hop = w.L(routine).upper;
  const LetterId consignment_hop = w.L(consignment).upper;
  CHECK_EQ(w.L(neighbour).upper, routine_hop);
  CHECK_NE(routine_hop, consignment_hop);
  w.RunTo(Day(1));
  for (LetterId id : {routine, consignment, neighbour, routine_hop, consignment_hop}) {
    CHECK_EQ(w.StatusOf(id), "in_contract");
  }

  w.clock.SetDate(Day(2));
  Status past = w.Refusal(
      As(World::kFederation),
      EnterOrganisationDate{World::kChiyoda, DK::kPaymentConsignmentCancelScheduled, Day(1), ""},
      StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "date");
  Position h = w.Head();
  w.Ok(As(World::kFederation),
       EnterOrganisationDate{World::kChiyoda, DK::kPaymentConsignmentCancelScheduled, Day(9), ""});
  w.ExpectAppended(
      h, {{Dated(w.chiyoda, DK::kPaymentConsignmentCancelScheduled, Day(9)), std::nullopt}});

  h = w.Head();
  w.RunTo(Day(8));
  CHECK_EQ(w.Since(h).size(), 7u);  // DayClosed 2 … 8 only
  for (const Logged& l : w.Since(h)) CHECK_EQ(EventTypeName(l.event), "day_closed");

  h = w.Head();
  w.RunTo(Day(9));
  const std::string cause = "支払事務委託の解除（F-5-2）";
  w.ExpectAppended(
      h,
      {{Dated(w.chiyoda, DK::kPaymentConsignmentCancelled, Day(9)), Day(9)},
       {Moved(routine, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), cause), Day(9)},
       {Moved(consignment, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), cause), Day(9)},
       {Moved(consignment_hop, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), kNoneBelow),
        Day(9)},
       {Closed(Day(9)), Day(9)}});
  CHECK_FALSE(w.Org(w.chiyoda).payment_consignment);
  CHECK_EQ(DateText(w.L(routine).date), Day(9).ToString());
  CHECK_EQ(w.StatusOf(routine_hop), "in_contract");
  CHECK_EQ(w.L(routine_hop).live_below, 1u);
  CHECK_EQ(w.StatusOf(neighbour), "in_contract");
}

// ---- F-6 脱退

TEST_CASE(
    "F-6 secession request then the day job secedes on 脱退日 and the last letter ends the chain") {
  World w;
  const LetterId a = w.ApplyApproved(w.inst_member);
  const LetterId b = w.ApplyApproved(w.inst_member2);
  const LetterId low = w.L(a).upper;
  const LetterId top = w.L(low).upper;
  w.RunTo(Day(1));
  w.clock.SetDate(Day(2));
  const Actor a_by = As(w.Code(w.inst_member));

  Status today =
      w.Refusal(a_by, RequestSecession{a, Day(2), "閉院のため"}, StatusCode::kInvalidArgument);
  CHECK_EQ(today.field(), "date");
  Status no_reason = w.Refusal(a_by, RequestSecession{a, Day(9), ""}, StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.field(), "reason");
  w.Refused(As(World::kChiyodaMa), RequestSecession{a, Day(9), "閉院のため"},
            StatusCode::kPermissionDenied);
  Status redelegation =
      w.Refusal(As(World::kChiyodaMa), RequestSecession{low, Day(9), "閉院のため"},
                StatusCode::kFailedPrecondition);
  CHECK(Contains(redelegation.message(), "再委任状"));  // re-delegations belong to the system

  Position h = w.Head();
  w.Ok(a_by, RequestSecession{a, Day(9), "閉院のため"});
  w.ExpectAppended(h, {{Moved(a, LC::kRequestSecession, LS::kSecessionScheduled, std::nullopt,
                              Day(9), "閉院のため"),
                        std::nullopt}});
  CHECK_EQ(w.StatusOf(a), "secession_scheduled");
  CHECK_EQ(DateText(w.L(a).date), Day(9).ToString());
  w.Refused(a_by, RequestSecession{a, Day(10), "閉院のため"}, StatusCode::kFailedPrecondition);
  w.Ok(As(w.Code(w.inst_member2)), RequestSecession{b, Day(11), "移転のため"});

  h = w.Head();
  w.RunTo(Day(8));
  for (const Logged& l : w.Since(h)) CHECK_EQ(EventTypeName(l.event), "day_closed");
  CHECK_EQ(w.StatusOf(a), "secession_scheduled");

  // 脱退日 of the first: it secedes; the chain stays for the second.
  h = w.Head();
  w.RunTo(Day(9));
  w.ExpectAppended(h, {{Moved(a, LC::kSecede, LS::kSeceded, std::nullopt, Day(9)), Day(9)},
                       {Closed(Day(9)), Day(9)}});
  CHECK_EQ(w.StatusOf(a), "seceded");
  CHECK_EQ(w.L(a).reason, "閉院のため");
  CHECK_EQ(w.StatusOf(low), "in_contract");

  // 脱退日 of the last one under the chain: the re-delegations secede on the same date.
  h = w.Head();
  w.RunTo(Day(11));
  w.ExpectAppended(
      h,
      {{Closed(Day(10)), Day(10)},
       {Moved(b, LC::kSecede, LS::kSeceded, std::nullopt, Day(11)), Day(11)},
       {Moved(low, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(11), kNoneBelow), Day(11)},
       {Moved(top, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(11), kNoneBelow), Day(11)},
       {Closed(Day(11)), Day(11)}});
  Status seceded =
      w.Refusal(a_by, RequestSecession{a, Day(20), "閉院のため"}, StatusCode::kFailedPrecondition);
  CHECK(Contains(seceded.message(), "脱退済み"));
  // A new application starts a new chain.
  const LetterId c = w.ApplyApproved(w.inst_member);
  CHECK_GT(w.L(c).upper, top);
}

// ---- F-7 解除

TEST_CASE("F-7 terminate by the locating municipality and refused for others") {
  World w;
  const LetterId a = w.ApplyApproved(w.inst_member);  // in 千代田区
  const LetterId b = w.ApplyApproved(w.inst_member2);
  const LetterId low = w.L(a).upper;
  const LetterId municipal_site = w.ApplyApproved(w.site_municipal);
  const LetterId prefectural_site = w.ApplyApproved(w.site_prefectural);
  w.RegisterPaymentConsignment(w.chiyoda);
  const LetterId municipal = w.ApplyApproved(w.chiyoda);
  w.RunTo(Day(1));
  w.clock.SetDate(Day(2));
  // A 解除日 of today acts at once (a later one is scheduled: the test below).
  const TerminateLetter terminate{a, Day(2), "接種誤りの多発"};

  for (const std::string& other : {std::string(World::kChuo), std::string(World::kChiyodaMa),
                                   std::string(World::kTokyo), w.Code(w.inst_member)}) {
    CAPTURE(other);
    w.Refused(As(other), terminate, StatusCode::kPermissionDenied);
  }
  Status no_reason =
      w.Refusal(As(World::kChiyoda), TerminateLetter{a, Day(4), ""}, StatusCode::kInvalidArgument);
  CHECK_EQ(no_reason.field(), "reason");
  Status past = w.Refusal(As(World::kChiyoda), TerminateLetter{a, Day(1), "接種誤りの多発"},
                          StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "date");

  Position h = w.Head();
  w.Ok(As(World::kChiyoda), terminate);
  w.ExpectAppended(
      h, {{Moved(a, LC::kTerminate, LS::kTerminated, std::nullopt, Day(2), "接種誤りの多発"),
           Day(2)}});
  CHECK_EQ(w.StatusOf(a), "terminated");
  CHECK_EQ(w.StatusOf(low), "in_contract");  // b is still under it
  CHECK_EQ(w.L(low).live_below, 1u);

  // The last letter under the chain: it ends on the 解除日.
  h = w.Head();
  w.Ok(As(World::kChiyoda), TerminateLetter{b, Day(2), "不正接種の確認"});
  auto got = w.Since(h);
  REQUIRE_EQ(got.size(), 3u);
  CHECK_EQ(Show(got[0].event),
           Show(Moved(b, LC::kTerminate, LS::kTerminated, std::nullopt, Day(2), "不正接種の確認")));
  CHECK_EQ(Show(got[1].event),
           Show(Moved(low, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(2), kNoneBelow)));
  CHECK_EQ(DateText(got[1].effective), Day(2).ToString());

  // A non-insured site: its prefecture, not the municipality that set it up.
  w.Refused(As(World::kChiyoda), TerminateLetter{municipal_site, Day(2), "不正接種の確認"},
            StatusCode::kPermissionDenied);
  w.Ok(As(World::kTokyo), TerminateLetter{municipal_site, Day(2), "不正接種の確認"});
  w.Ok(As(World::kTokyo), TerminateLetter{prefectural_site, Day(2), "不正接種の確認"});
  CHECK_EQ(w.StatusOf(municipal_site), "terminated");
  CHECK_EQ(w.StatusOf(prefectural_site), "terminated");
  // Only institution letters are terminated.
  w.Refused(As(World::kTokyo), TerminateLetter{municipal, Day(2), "不正接種の確認"},
            StatusCode::kPermissionDenied);
  CHECK_EQ(w.StatusOf(municipal), "in_contract");
}

TEST_CASE("F-7 a future 解除日 is scheduled and the day job terminates the letter on that date") {
  World w;
  const LetterId a = w.ApplyApproved(w.inst_member);  // in 千代田区
  const LetterId b = w.ApplyApproved(w.inst_member2);
  const LetterId c = w.ApplyApproved(w.inst_nonmember);  // in 中央区
  const LetterId low = w.L(a).upper;
  w.RunTo(Day(1));
  w.clock.SetDate(Day(2));

  // A 解除日 in the future: recorded with its date and reason, the letter stays in contract.
  Position h = w.Head();
  w.Ok(As(World::kChiyoda), TerminateLetter{a, Day(5), "接種誤りの多発"});
  std::vector<Logged> got = w.Since(h);
  REQUIRE_EQ(got.size(), 1u);
  const auto* scheduled = std::get_if<LetterTransitioned>(&got[0].event);
  REQUIRE(scheduled != nullptr);
  CHECK_EQ(CodeName(scheduled->command), "schedule_termination");
  CHECK_EQ(CodeName(scheduled->status), "in_contract");
  CHECK_EQ(DateText(scheduled->date), Day(5).ToString());
  CHECK_EQ(scheduled->reason, "接種誤りの多発");
  CHECK_EQ(DateText(got[0].effective), "-");
  CHECK_EQ(w.StatusOf(a), "in_contract");
  CHECK_EQ(DateText(w.L(a).termination_date), Day(5).ToString());
  CHECK_EQ(DateText(w.L(a).date), "-");
  CHECK_EQ(w.StatusOf(low), "in_contract");

  // A 脱退日 already scheduled comes first: a 解除日 on or after it is refused naming the date.
  w.Ok(As(w.Code(w.inst_nonmember)), RequestSecession{c, Day(6), "閉院のため"});
  CHECK_EQ(w.Refusal(As(World::kChuo), TerminateLetter{c, Day(6), "不正接種の確認"},
                     StatusCode::kInvalidArgument)
               .field(),
           "date");
  w.Ok(As(World::kChuo), TerminateLetter{c, Day(4), "不正接種の確認"});
  CHECK_EQ(w.StatusOf(c), "secession_scheduled");

  // The schedule is in the log: a processor rebuilt from it carries it out.
  w.OpenProcessor();
  w.RunTo(Day(3));
  CHECK_EQ(w.StatusOf(a), "in_contract");
  CHECK_EQ(w.StatusOf(c), "secession_scheduled");
  // What the day job appends on `day`: first the termination of `id` on it.
  const auto terminated_on = [&w](LetterId id, int day, const char* reason) {
    const Position before = w.Head();
    w.RunTo(Day(day));
    std::vector<Logged> out = w.Since(before);
    REQUIRE_GE(out.size(), 2u);
    CHECK_EQ(Show(out[0].event),
             Show(Moved(id, LC::kTerminate, LS::kTerminated, std::nullopt, Day(day), reason)));
    CHECK_EQ(DateText(out[0].effective), Day(day).ToString());
    return out;
  };
  terminated_on(c, 4, "不正接種の確認");
  CHECK_EQ(w.StatusOf(c), "terminated");
  CHECK_EQ(w.StatusOf(a), "in_contract");  // the day before its 解除日

  // On the 解除日 the day job terminates it; its chain stays for b.
  got = terminated_on(a, 5, "接種誤りの多発");
  REQUIRE_EQ(got.size(), 2u);
  CHECK_EQ(got[0].command_id, "day-20250406-terminate-" + std::to_string(a));
  CHECK_EQ(Show(got[1].event), Show(Closed(Day(5))));
  CHECK_EQ(w.StatusOf(a), "terminated");
  CHECK_EQ(DateText(w.L(a).date), Day(5).ToString());
  CHECK_EQ(DateText(w.L(a).termination_date), "-");
  CHECK_EQ(w.StatusOf(low), "in_contract");

  // A schedule brought forward to today acts at once; the day job then has nothing left of it.
  w.Ok(As(World::kChiyoda), TerminateLetter{b, Day(9), "接種誤りの多発"});
  w.Ok(As(World::kChiyoda), TerminateLetter{b, Day(5), "不正接種の確認"});
  CHECK_EQ(w.StatusOf(b), "terminated");
  CHECK_EQ(w.StatusOf(low), "seceded");
  h = w.Head();
  w.RunTo(Day(9));
  for (const Logged& l : w.Since(h)) CHECK(std::holds_alternative<DayClosed>(l.event));
}

// ---- F-1-8 開設・廃止

TEST_CASE("F-1-8-1 opening gives 契約日 = 開設日 and the letter takes effect on 開設日") {
  World w;
  RegisterOrganisation r;
  r.kind = K::kMunicipality;
  r.code = "132039";
  r.name = ReferenceRow("municipalities.csv", "132039")[3];  // 武蔵野市
  r.opening_date = Day(0);
  Status past = w.Refusal(As(World::kMhlw), r, StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "opening_date");
  r.opening_date = Day(9);
  const OrgId opening = w.Register(As(World::kMhlw), r);
  CHECK_EQ(DateText(w.Org(opening).opening_date), Day(9).ToString());

  const LetterId l = w.Apply(opening);  // allowed before it opens
  Position h = w.Head();
  Outcome o = w.Approve({l});
  REQUIRE_EQ(o.created.size(), 1u);
  const LetterId hop = o.created[0];
  w.ExpectAppended(
      h, {{Created(hop, w.tokyo, w.chijikai, l, Day(9), 0), std::nullopt},
          {Moved(l, LC::kApprove, LS::kApproved, Day(9), std::nullopt, "", hop), std::nullopt}});
  w.RegisterPaymentConsignment(opening);

  h = w.Head();
  w.RunTo(Day(8));
  for (const Logged& e : w.Since(h)) CHECK_EQ(EventTypeName(e.event), "day_closed");
  CHECK_EQ(w.StatusOf(l), "approved");

  h = w.Head();
  w.RunTo(Day(9));
  w.ExpectAppended(h, {{Dated(opening, DK::kOpened, Day(9)), Day(9)},
                       {Moved(l, LC::kActivate, LS::kInContract), Day(9)},
                       {Moved(hop, LC::kActivate, LS::kInContract), Day(9)},
                       {Closed(Day(9)), Day(9)}});
  CHECK_FALSE(w.Org(opening).opening_date.has_value());
  CHECK_EQ(w.StatusOf(l), "in_contract");
}

// F-1-8-1: 三鷹市 registered to open on `first`, a letter of it approved (契約日 := `first`), the
// 開設日 then moved to `moved`: the day before it the letter waits; on it the municipality opens,
// and the letter and its re-delegation come into force with 契約日 := `moved`. `hop_moved`: the
// date the re-delegation's move records (none when its 契約日 stays, for a later opening).
void ExpectOpeningMoved(JapanDate first, JapanDate moved, std::optional<JapanDate> hop_moved) {
  World w;
  const OrgId opening = RegisterMitaka(w, first);
  const LetterId l = w.ApplyApproved(opening);
  const LetterId hop = w.L(l).upper;
  REQUIRE_EQ(DateText(w.L(l).contract_date), first.ToString());
  w.RegisterPaymentConsignment(opening);
  Position h = w.Head();
  w.Ok(As(World::kMhlw), EnterOrganisationDate{"132047", DK::kOpeningScheduled, moved, ""});
  w.ExpectAppended(h, {{Dated(opening, DK::kOpeningScheduled, moved), std::nullopt}});

  w.RunTo(moved.AddDays(-1));
  CHECK_EQ(w.StatusOf(l), "approved");  // whether its 契約日 has come or not: not open yet
  h = w.Head();
  w.RunTo(moved);
  w.ExpectAppended(h, {{Dated(opening, DK::kOpened, moved), moved},
                       {Moved(l, LC::kOpen, LS::kInContract, moved), moved},
                       {Moved(hop, LC::kActivate, LS::kInContract, hop_moved), moved},
                       {Closed(moved), moved}});
  CHECK_EQ(DateText(w.L(l).contract_date), moved.ToString());
  CHECK_EQ(w.StatusOf(hop), "in_contract");
  CHECK_EQ(DateText(w.L(hop).contract_date), (hop_moved ? *hop_moved : first).ToString());
}

TEST_CASE("F-1-8-1 a 開設日 moved later puts the letter and its chain into force on the new date") {
  ExpectOpeningMoved(Day(5), Day(9), std::nullopt);
}

TEST_CASE("F-1-8-1 a 開設日 moved earlier puts the letter into force on the new date") {
  ExpectOpeningMoved(Day(9), Day(5), Day(5));
}

TEST_CASE(
    "F-1-8-2 a letter left applied or returned by an abolished municipality never takes effect") {
  World w;
  w.RegisterPaymentConsignment(w.chiyoda);
  const LetterId applied = w.Apply(w.chiyoda);
  const LetterId returned = w.Apply(w.chiyoda, ContractType::kVoluntaryConsignment);
  w.Ok(As(World::kTokyo), ReturnLetter{returned, "記入漏れ"});
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(3), ""});
  // While the abolition is only scheduled, a returned letter is not re-applied (as a new one).
  CHECK(Contains(
      w.Refusal(As(World::kChiyoda), ReapplyLetter{returned}, StatusCode::kFailedPrecondition)
          .message(),
      "廃止"));
  w.RunTo(Day(3));
  CHECK(w.Org(w.chiyoda).abolished);
  // After it: neither is approved, nor re-applied; the delegate may still return or the
  // delegator withdraw (the seed is silent, docs/todo.md).
  CHECK(Contains(
      w.Refusal(As(World::kTokyo), ApproveLetters{{applied}}, StatusCode::kFailedPrecondition)
          .message(),
      "廃止"));
  w.Refused(As(World::kChiyoda), ReapplyLetter{returned}, StatusCode::kFailedPrecondition);
  w.Ok(As(World::kTokyo), ReturnLetter{applied, "自治体の廃止のため"});
  CHECK_EQ(w.StatusOf(applied), "returned");
}

TEST_CASE("F-1-9-1 a member's letter left applied is not approved once it is in the union") {
  World w;
  const LetterId applied = w.Apply(w.hachioji);
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(2), World::kUnion});
  w.RunTo(Day(2));
  REQUIRE(w.Org(w.hachioji).in_union);
  CHECK(Contains(
      w.Refusal(As(World::kTokyo), ApproveLetters{{applied}}, StatusCode::kFailedPrecondition)
          .message(),
      "広域連合"));
}

TEST_CASE("F-1-8-2 abolition secedes the letters with 脱退日 = 廃止日") {
  World w;
  w.RegisterPaymentConsignment(w.chiyoda);
  const LetterId routine = w.ApplyApproved(w.chiyoda);
  const LetterId routine_hop = w.L(routine).upper;
  w.RunTo(Day(1));
  const LetterId subsidy = w.Apply(w.chiyoda, ContractType::kVoluntarySubsidy);  // stays applied
  const LetterId consignment = w.Apply(w.chiyoda, ContractType::kVoluntaryConsignment);

  w.clock.SetDate(Day(2));
  Status past = w.Refusal(
      As(World::kMhlw), EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(2), ""},
      StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "date");
  w.Refused(As(World::kTokyo),
            EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(9), ""},
            StatusCode::kPermissionDenied);
  Position h = w.Head();
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(9), ""});
  w.ExpectAppended(h, {{Dated(w.chiyoda, DK::kAbolitionScheduled, Day(9)), std::nullopt}});
  w.Ok(As(World::kChiyoda), WithdrawLetter{subsidy, "廃止のため"});
  Status abolishing =
      w.Refusal(As(World::kChiyoda), ApplyLetter{ContractType::kVoluntarySubsidy, 0, true},
                StatusCode::kFailedPrecondition);
  CHECK(Contains(abolishing.message(), "廃止"));

  // Approved the day before 廃止日: seceded on it before it could take effect.
  w.RunTo(Day(8));
  w.Approve({consignment});
  const LetterId consignment_hop = w.L(consignment).upper;
  CHECK_EQ(DateText(w.L(consignment).contract_date), Day(9).ToString());

  h = w.Head();
  w.RunTo(Day(9));
  const std::string cause = "自治体の廃止（F-1-8-2）";
  w.ExpectAppended(
      h,
      {{Dated(w.chiyoda, DK::kAbolished, Day(9)), Day(9)},
       {Moved(routine, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), cause), Day(9)},
       {Moved(routine_hop, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), kNoneBelow),
        Day(9)},
       {Moved(consignment, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(9), cause), Day(9)},
       {Moved(consignment_hop, LC::kEndRedelegation, LS::kWithdrawn, std::nullopt, std::nullopt,
              kNoneBelow),
        std::nullopt},
       {Closed(Day(9)), Day(9)}});
  CHECK(w.Org(w.chiyoda).abolished);
  CHECK_EQ(w.StatusOf(subsidy), "withdrawn");
  CHECK_EQ(DateText(w.L(routine).date), Day(9).ToString());
}

TEST_CASE("F-1-2 abolition of a 郡市区医師会 secedes the letters addressed to it on 廃止日") {
  World w;
  const LetterId l1 = w.ApplyApproved(w.inst_member);
  const LetterId l2 = w.ApplyApproved(w.inst_member2);
  const LetterId other = w.ApplyApproved(w.inst_nonmember);  // to 中央区医師会
  const LetterId hop = w.L(l1).upper;
  REQUIRE_EQ(w.L(l2).upper, hop);
  REQUIRE_EQ(w.L(hop).delegator, w.chiyoda_ma);
  w.RunTo(Day(1));
  const LetterId pending = w.Apply(w.inst_member, ContractType::kVoluntaryConsignment);

  // The 医師会 master's keeper enters it (F-1-2), a future date, for a 郡市区医師会 or 団体.
  const EnterOrganisationDate abolish{World::kChiyodaMa, DK::kAbolitionScheduled, Day(5), ""};
  CHECK_EQ(w.Refusal(As(World::kChuokai),
                     EnterOrganisationDate{World::kChiyodaMa, DK::kAbolitionScheduled, Day(1), ""},
                     StatusCode::kInvalidArgument)
               .field(),
           "date");
  w.Refused(As(World::kMhlw), abolish, StatusCode::kPermissionDenied);
  w.Refused(As(World::kChiyoda), abolish, StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuokai),
            EnterOrganisationDate{World::kTokyoMa, DK::kAbolitionScheduled, Day(5), ""},
            StatusCode::kFailedPrecondition);  // 都道府県医師会: the top of its chains
  Position h = w.Head();
  w.Ok(As(World::kChuokai), abolish);
  w.ExpectAppended(h, {{Dated(w.chiyoda_ma, DK::kAbolitionScheduled, Day(5)), std::nullopt}});

  // Meanwhile nobody applies to it, and no institution joins it.
  CHECK(Contains(
      w.Refusal(As(w.Code(w.inst_member)), ApplyLetter{ContractType::kVoluntarySubsidy, 0, true},
                StatusCode::kFailedPrecondition)
          .message(),
      "廃止"));
  ChangeOrganisation join;
  join.code = w.Code(w.inst_nonmember);
  join.member_of_code = World::kChiyodaMa;
  CHECK_EQ(w.Refusal(As(World::kChuo), join, StatusCode::kInvalidArgument).field(),
           "member_of_code");

  w.RunTo(Day(5));
  CHECK(w.Org(w.chiyoda_ma).abolished);
  for (LetterId id : {l1, l2}) {
    CAPTURE(id);
    CHECK_EQ(w.StatusOf(id), "seceded");
    CHECK_EQ(DateText(w.L(id).date), Day(5).ToString());
    CHECK_EQ(w.L(id).reason, "委任先（千代田区医師会）の廃止");
  }
  CHECK_EQ(w.StatusOf(hop), "seceded");  // no letter is left under it
  CHECK_EQ(w.StatusOf(other), "in_contract");
  // A letter left applied stays: it is never approved, and its delegator withdraws it.
  CHECK(Contains(
      w.Refusal(As(World::kChiyodaMa), ApproveLetters{{pending}}, StatusCode::kFailedPrecondition)
          .message(),
      "廃止"));
  w.Ok(As(w.Code(w.inst_member)), WithdrawLetter{pending, "医師会の廃止のため"});
  // Moved to another 郡市区医師会 by its keeper, the institution applies there.
  ChangeOrganisation move;
  move.code = w.Code(w.inst_member);
  move.member_of_code = World::kChuoMa;
  w.Ok(As(World::kChiyoda), move);
  const LetterId again = w.Apply(w.inst_member);
  CHECK_EQ(w.L(again).delegate, w.chuo_ma);
}

TEST_CASE("F-1-3 abolition of a 取りまとめ団体 by MHLW secedes its members' letters") {
  World w;
  const LetterId l = w.ApplyApproved(w.inst_aggregated);
  w.RunTo(Day(1));
  const EnterOrganisationDate abolish{w.Code(w.aggregator), DK::kAbolitionScheduled, Day(3), ""};
  w.Refused(As(World::kChuokai), abolish, StatusCode::kPermissionDenied);
  w.Ok(As(World::kMhlw), abolish);
  w.RunTo(Day(3));
  CHECK_EQ(w.StatusOf(l), "seceded");
  CHECK_EQ(DateText(w.L(l).date), Day(3).ToString());
}

TEST_CASE("F-1-8-2 abolition of a municipality secedes its sites' letters addressed to it") {
  World w;
  w.RegisterPaymentConsignment(w.chiyoda);
  const LetterId site = w.ApplyApproved(w.site_municipal);
  REQUIRE_EQ(w.L(site).delegate, w.chiyoda);
  w.RunTo(Day(1));
  CHECK_EQ(w.StatusOf(site), "in_contract");
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(4), ""});
  w.RunTo(Day(4));
  CHECK_EQ(w.StatusOf(site), "seceded");
  CHECK_EQ(DateText(w.L(site).date), Day(4).ToString());
  CHECK_EQ(w.L(site).reason, "委任先（千代田区）の廃止");
}

TEST_CASE("F-1-8-2 a union's abolition ends its members' membership on 廃止日") {
  World w;
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(2), World::kUnion});
  w.RunTo(Day(2));
  REQUIRE(w.Org(w.hachioji).in_union);
  w.Ok(As(World::kMhlw), EnterOrganisationDate{World::kUnion, DK::kAbolitionScheduled, Day(5), ""});
  // Nobody joins a union about to be abolished.
  w.Refused(
      As(World::kMhlw),
      EnterOrganisationDate{World::kTachikawa, DK::kUnionJoinScheduled, Day(7), World::kUnion},
      StatusCode::kFailedPrecondition);
  // The member may apply once the 廃止日 is entered (F-1-9-2); its letter takes effect on it.
  w.RegisterPaymentConsignment(w.hachioji);
  const LetterId l = w.ApplyApproved(w.hachioji);
  CHECK_EQ(DateText(w.L(l).contract_date), Day(5).ToString());
  Position h = w.Head();
  w.RunTo(Day(5));
  bool left = false;
  for (const Logged& e : w.Since(h)) {
    if (const auto* d = std::get_if<OrganisationDated>(&e.event);
        d != nullptr && d->id == w.hachioji) {
      CHECK_EQ(CodeName(d->kind), CodeName(DK::kUnionLeft));
      CHECK_EQ(d->date.ToString(), Day(4).ToString());
      CHECK_EQ(d->other, w.wide_union);
      CHECK_EQ(DateText(e.effective), Day(5).ToString());
      left = true;
    }
  }
  CHECK(left);
  CHECK(w.Org(w.wide_union).abolished);
  CHECK_FALSE(w.Org(w.hachioji).in_union);
  CHECK_EQ(w.StatusOf(l), "in_contract");
}

// ---- F-1-9 広域連合

TEST_CASE(
    "F-1-9-1 union join secedes the member's letters with 脱退日 = 加入日 − 1 effective 加入日") {
  World w;
  w.RegisterPaymentConsignment(w.hachioji);
  const LetterId l = w.ApplyApproved(w.hachioji);
  const LetterId hop = w.L(l).upper;
  w.RunTo(Day(1));
  CHECK_EQ(w.StatusOf(l), "in_contract");

  w.Refused(As(World::kTokyo),
            EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(9), World::kUnion},
            StatusCode::kPermissionDenied);
  w.Refused(
      As(World::kMhlw),
      EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(9), World::kChiyoda},
      StatusCode::kInvalidArgument);  // not a union
  Position h = w.Head();
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(9), World::kUnion});
  w.ExpectAppended(
      h, {{Dated(w.hachioji, DK::kUnionJoinScheduled, Day(9), w.wide_union), std::nullopt}});

  h = w.Head();
  w.RunTo(Day(9));
  const std::string cause = "広域連合への加入（F-1-9-1）";
  w.ExpectAppended(
      h, {{Closed(Day(2)), Day(2)},
          {Closed(Day(3)), Day(3)},
          {Closed(Day(4)), Day(4)},
          {Closed(Day(5)), Day(5)},
          {Closed(Day(6)), Day(6)},
          {Closed(Day(7)), Day(7)},
          {Closed(Day(8)), Day(8)},
          {Dated(w.hachioji, DK::kUnionJoined, Day(9), w.wide_union), Day(9)},
          {Moved(l, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(8), cause), Day(9)},
          // The chain above ends on the same date and, like the letter, from 加入日.
          {Moved(hop, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(8), kNoneBelow), Day(9)},
          {Closed(Day(9)), Day(9)}});
  CHECK(w.Org(w.hachioji).in_union);
  CHECK_EQ(DateText(w.L(l).date), Day(8).ToString());
  w.Refused(As(World::kHachioji), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kFailedPrecondition);
}

TEST_CASE("F-1-9-2 union leave sets 契約日 := 脱退日 + 1") {
  World w;
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(1), World::kUnion});
  w.RunTo(Day(1));
  w.RegisterPaymentConsignment(w.hachioji);
  w.Refused(As(World::kHachioji), ApplyLetter{ContractType::kRoutine, 0, true},
            StatusCode::kFailedPrecondition);
  w.Refused(As(World::kMhlw),
            EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(1), ""},
            StatusCode::kInvalidArgument);  // a future date
  Position h = w.Head();
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(9), ""});
  w.ExpectAppended(
      h, {{Dated(w.hachioji, DK::kUnionLeaveScheduled, Day(9), w.wide_union), std::nullopt}});

  // Approved on day 1: 契約日 is the day after the union 脱退日, not the next day.
  const LetterId l = w.Apply(w.hachioji);
  Outcome o = w.Approve({l});
  REQUIRE_EQ(o.created.size(), 1u);
  const LetterId hop = o.created[0];
  CHECK_EQ(DateText(w.L(l).contract_date), Day(10).ToString());

  // The 脱退日 moved later: the approved letter's 契約日 follows (F-1-9-2), it stays approved.
  h = w.Head();
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(14), ""});
  w.ExpectAppended(
      h, {{Dated(w.hachioji, DK::kUnionLeaveScheduled, Day(14), w.wide_union), std::nullopt},
          {Moved(l, LC::kUnionLeave, LS::kApproved, Day(15), std::nullopt,
                 "広域連合からの脱退（F-1-9-2）"),
           std::nullopt}});
  CHECK_EQ(w.StatusOf(l), "approved");
  CHECK_EQ(DateText(w.L(l).contract_date), Day(15).ToString());

  w.RunTo(Day(14));
  CHECK_EQ(w.StatusOf(l), "approved");
  CHECK(w.Org(w.hachioji).in_union);
  h = w.Head();
  w.RunTo(Day(15));
  w.ExpectAppended(h, {{Dated(w.hachioji, DK::kUnionLeft, Day(14), w.wide_union), Day(15)},
                       {Moved(l, LC::kActivate, LS::kInContract), Day(15)},
                       {Moved(hop, LC::kActivate, LS::kInContract), Day(15)},
                       {Closed(Day(15)), Day(15)}});
  CHECK_FALSE(w.Org(w.hachioji).in_union);
}

TEST_CASE("F-1-9 a union join waits until a pending union leave is carried out") {
  World w;
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(1), World::kUnion});
  w.RunTo(Day(1));
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(4), ""});
  // One membership at a time: no new 加入日 while the member is in or its leave is pending.
  Status pending = w.Refusal(
      As(World::kMhlw),
      EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(8), World::kUnion},
      StatusCode::kFailedPrecondition);
  CHECK(Contains(pending.message(), "広域連合"));
  CHECK_EQ(DateText(w.Org(w.hachioji).union_leave_date), Day(4).ToString());

  // The leave is carried out the day after its 脱退日; then a join may be entered, and the day
  // job carries it out without stalling.
  Position h = w.Head();
  w.RunTo(Day(5));
  w.ExpectAppended(h, {{Closed(Day(2)), Day(2)},
                       {Closed(Day(3)), Day(3)},
                       {Closed(Day(4)), Day(4)},
                       {Dated(w.hachioji, DK::kUnionLeft, Day(4), w.wide_union), Day(5)},
                       {Closed(Day(5)), Day(5)}});
  CHECK_FALSE(w.Org(w.hachioji).in_union);
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(8), World::kUnion});
  h = w.Head();
  w.RunTo(Day(8));
  w.ExpectAppended(h, {{Closed(Day(6)), Day(6)},
                       {Closed(Day(7)), Day(7)},
                       {Dated(w.hachioji, DK::kUnionJoined, Day(8), w.wide_union), Day(8)},
                       {Closed(Day(8)), Day(8)}});
  CHECK(w.Org(w.hachioji).in_union);
  CHECK(w.proc->Read([](const State& s) { return s.pending().empty(); }));
  auto rebuilt = Processor::Open(w.store.get(), &w.clock);
  REQUIRE(rebuilt.ok());
  CHECK((*rebuilt)->Read([](const State& s) { return s.organisations(); }) ==
        w.proc->Read([](const State& s) { return s.organisations(); }));
  CHECK((*rebuilt)->Read([](const State& s) { return s.pending(); }) ==
        w.proc->Read([](const State& s) { return s.pending(); }));
}

// ---- the table, generated

// How a user drives `command` on a letter: who, and with which fields. nullopt for the commands
// only the system issues (and 申請, which creates a letter rather than acting on one).
struct UserCommand {
  LetterActor actor;
  Request request;
};
std::optional<UserCommand> UserCommandFor(LC command, LetterId id, JapanDate today) {
  switch (command) {
    case LC::kReapply:
      return UserCommand{LetterActor::kDelegator, ReapplyLetter{id}};
    case LC::kApprove:
      return UserCommand{LetterActor::kDelegate, ApproveLetters{{id}}};
    case LC::kReturn:
      return UserCommand{LetterActor::kDelegate, ReturnLetter{id, "記載誤り"}};
    case LC::kWithdraw:
      return UserCommand{LetterActor::kDelegator, WithdrawLetter{id, "誤申請"}};
    case LC::kRequestSecession:
      return UserCommand{LetterActor::kDelegator,
                         RequestSecession{id, today.AddDays(7), "閉院のため"}};
    case LC::kTerminate:  // F-7: a 解除日 of today acts at once
      return UserCommand{LetterActor::kLocatingAuthority,
                         TerminateLetter{id, today, "接種誤りの多発"}};
    case LC::kScheduleTermination:  // F-7: a later one is scheduled (before any 脱退日)
      return UserCommand{LetterActor::kLocatingAuthority,
                         TerminateLetter{id, today.AddDays(2), "接種誤りの多発"}};
    default:
      return std::nullopt;
  }
}

// The institution letter of `w.inst_member` (in 千代田区, under 千代田区医師会), brought into
// `status` through the processor.
LetterId BringTo(World& w, LS status) {
  const std::string delegator = w.Code(w.inst_member);
  const LetterId l = w.Apply(w.inst_member);
  auto in_contract = [&] {
    w.Approve({l});
    w.RunTo(Day(1));
  };
  switch (status) {
    case LS::kApplied:
      break;
    case LS::kReturned:
      w.Ok(As(World::kChiyodaMa), ReturnLetter{l, "記載誤り"});
      break;
    case LS::kApproved:
      w.Approve({l});
      break;
    case LS::kInContract:
      in_contract();
      break;
    case LS::kSecessionScheduled:
      in_contract();
      w.Ok(As(delegator), RequestSecession{l, Day(5), "閉院のため"});
      break;
    case LS::kWithdrawn:
      w.Ok(As(delegator), WithdrawLetter{l, "誤申請"});
      break;
    case LS::kSeceded:
      in_contract();
      w.Ok(As(delegator), RequestSecession{l, Day(2), "閉院のため"});
      w.RunTo(Day(2));
      break;
    case LS::kTerminated:
      in_contract();
      w.Ok(As(World::kChiyoda), TerminateLetter{l, Day(1), "接種誤りの多発"});
      break;
    case LS::kNone:
      FAIL("no letter is stored without a status");
  }
  REQUIRE_EQ(w.StatusOf(l), std::string(CodeName(status)));
  return l;
}

std::string ActorCode(const World& w, const Letter& l, LetterActor actor) {
  switch (actor) {
    case LetterActor::kDelegator:
      return w.Code(l.delegator);
    case LetterActor::kDelegate:
      return w.Code(l.delegate);
    case LetterActor::kLocatingAuthority:
      return World::kChiyoda;  // where inst_member is
    default:
      FAIL("no such user");
      return "";
  }
}

TEST_CASE("F-1 a preview decides a change with every rule and appends nothing") {
  World w;
  const events::Position head = w.Head();
  ChangeOrganisation c;
  c.code = w.Code(w.chiyoda);
  c.name = "千代田区（新）";
  CommandRequest ok{"preview-1", As(World::kMhlw), std::nullopt, c};
  auto events = w.proc->Preview(ok);
  REQUIRE_MESSAGE(events.ok(), events.status().ToString());
  CHECK_EQ(events->size(), 1u);
  CHECK_EQ(w.Head(), head);
  CHECK_EQ(w.Org(w.chiyoda).name, "千代田区");
  // The refusals are Execute's: another municipality may not change it, nor the municipality
  // itself (it reports to MHLW, F-1-1); an empty name is refused.
  for (const char* who : {World::kChuo, World::kChiyoda}) {
    CommandRequest other{"preview-2", As(who), std::nullopt, c};
    CHECK_EQ(w.proc->Preview(other).status().code(), w.proc->Execute(other).status().code());
  }
  c.name = "";
  CommandRequest empty{"preview-3", As(World::kMhlw), std::nullopt, c};
  CHECK_EQ(w.proc->Preview(empty).status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(w.Head(), head);
  // Then the confirmation appends what the preview showed.
  c.name = "千代田区（新）";
  CHECK(w.proc->Execute(CommandRequest{"confirm", As(World::kMhlw), std::nullopt, c}).ok());
  CHECK_EQ(w.Org(w.chiyoda).name, "千代田区（新）");
}

TEST_CASE("every (status and command) pair outside the table is refused and appends nothing") {
  int accepted = 0, refused = 0;
  for (const Named<LS>& status : LetterStatuses()) {
    if (status.value == LS::kNone) continue;  // before the application: no letter to act on
    CAPTURE(status.code);
    World w;
    const LetterId l = BringTo(w, status.value);
    const Letter letter = w.L(l);
    for (const Named<LC>& command : LetterCommands()) {
      std::optional<UserCommand> user = UserCommandFor(command.value, l, w.Today());
      if (!user) continue;
      CAPTURE(command.code);
      // What the machine says, given the facts the processor will read and a valid request.
      LetterFacts facts(user->actor, w.Today(), letter.contract_type, K::kInsuredInstitution);
      facts.contract_date = letter.contract_date;
      std::visit(
          [&facts](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, ReturnLetter> || std::is_same_v<T, WithdrawLetter>) {
              facts.reason = r.reason;
            } else if constexpr (std::is_same_v<T, RequestSecession> ||
                                 std::is_same_v<T, TerminateLetter>) {
              facts.reason = r.reason;
              facts.date = r.date;
            }
          },
          user->request);
      Result<LS> machine = DecideTransition(status.value, command.value, facts);
      const Actor actor = As(ActorCode(w, letter, user->actor));
      if (machine.ok()) {
        // In the table: the processor carries it out (on a letter of its own).
        ++accepted;
        World fresh;
        const LetterId same = BringTo(fresh, status.value);
        REQUIRE_EQ(same, l);
        Result<Outcome> r = fresh.Run(actor, user->request);
        CHECK_MESSAGE(r.ok(), r.status().ToString());
        CHECK_EQ(fresh.StatusOf(same), std::string(CodeName(*machine)));
        continue;
      }
      ++refused;
      const Position before = w.Head();
      Result<Outcome> r = w.Run(actor, user->request);
      REQUIRE_FALSE(r.ok());
      CHECK_EQ(w.Head(), before);
      CHECK_EQ(r.status().code(), machine.status().code());
      CHECK_EQ(r.status().message(), machine.status().message());
      // The machine has no row: the error names the status and the command.
      CHECK_EQ(r.status().code(), StatusCode::kFailedPrecondition);
      CHECK(Contains(r.status().message(), JapaneseName(status.value)));
      CHECK(Contains(r.status().message(), JapaneseName(command.value)));
    }
    CHECK_EQ(w.StatusOf(l), std::string(status.code));
    CHECK(w.L(l) == letter);

    // People never act on a re-delegation, whatever its status.
    if (letter.upper != 0) {
      const Letter re = w.L(letter.upper);
      for (const Named<LC>& command : LetterCommands()) {
        std::optional<UserCommand> user = UserCommandFor(command.value, re.id, w.Today());
        if (!user) continue;
        CAPTURE(command.code);
        const std::string code = user->actor == LetterActor::kDelegate ? w.Code(re.delegate)
                                 : user->actor == LetterActor::kDelegator
                                     ? w.Code(re.delegator)
                                     : std::string(World::kChiyoda);
        const Position before = w.Head();
        Result<Outcome> r = w.Run(As(code), user->request);
        CHECK_FALSE(r.ok());
        CHECK_EQ(w.Head(), before);
      }
      CHECK(w.L(letter.upper) == re);
    }
  }
  // domain.md §3: reapply; approve, return ×2, withdraw ×3; request secession; terminate ×3;
  // schedule a termination ×3.
  CHECK_EQ(accepted, 14);
  CHECK_EQ(refused, 8 * 7 - 14);
}

// ---- random commands (the run itself: tests/core/random_run.h)

// Facts under which the machine allows `command` if its table has the row: the right actor, a
// reason, dates that pass, the letter's own kind, type and re-delegation flag.
LetterFacts PassingFacts(LC command, const Letter& l, K delegator_kind) {
  const JapanDate today(2030, 1, 1);
  LetterActor actor = LetterActor::kSystem;
  switch (command) {
    case LC::kApply:
    case LC::kReapply:
    case LC::kWithdraw:
    case LC::kRequestSecession:
      actor = LetterActor::kDelegator;
      break;
    case LC::kApprove:
    case LC::kReturn:
      actor = LetterActor::kDelegate;
      break;
    case LC::kTerminate:
    case LC::kScheduleTermination:
      actor = LetterActor::kLocatingAuthority;
      break;
    case LC::kHelpdeskSecession:
      actor = LetterActor::kCentralFederation;
      break;
    default:
      break;
  }
  LetterFacts f(actor, today, l.contract_type, delegator_kind);
  f.redelegation = l.redelegation;
  f.reason = "理由";
  f.payment_consignment = true;
  f.underlying_in_force = true;
  switch (command) {
    case LC::kReturn:
    case LC::kWithdraw:
      f.contract_date = today.AddDays(1);  // not yet in effect
      break;
    case LC::kActivate:
      f.contract_date = today;
      break;
    case LC::kOpen:
      f.contract_date = today.AddDays(-1);
      f.opening_date = today;
      break;
    case LC::kRequestSecession:
      f.date = today.AddDays(1);
      break;
    case LC::kHelpdeskSecession:
      f.date = today.AddMonths(1);
      break;
    case LC::kSecede:
    case LC::kTerminate:
      f.date = today;
      break;
    case LC::kScheduleTermination:
      f.date = today.AddDays(1);
      break;
    default:
      break;
  }
  return f;
}

bool HasCode(const Organisation& o, const std::string& code) {
  return o.code == code ||
         std::find(o.old_codes.begin(), o.old_codes.end(), code) != o.old_codes.end();
}

TEST_CASE("random commands over random days rebuild the same state and follow the machine") {
  World w;
  RandomRun run = RunRandomCommands(w);

  // A second processor rebuilt from the log has the same state, field by field.
  auto rebuilt = Processor::Open(w.store.get(), &w.clock, w.options);
  REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.status().ToString());
  auto snapshot = [](const Processor& p) {
    return p.Read([](const State& s) {
      return std::make_tuple(s.organisations(), s.letters(), s.approved_by_date(),
                             s.secessions_by_date(), s.pending(), s.last_closed_day(),
                             s.day_version());
    });
  };
  const auto live = snapshot(*w.proc);
  const auto again = snapshot(**rebuilt);
  REQUIRE_EQ(std::get<0>(live).size(), std::get<0>(again).size());
  for (size_t i = 0; i < std::get<0>(live).size(); ++i) {
    CAPTURE(i);
    CHECK(std::get<0>(live)[i] == std::get<0>(again)[i]);
  }
  REQUIRE_EQ(std::get<1>(live).size(), std::get<1>(again).size());
  for (size_t i = 0; i < std::get<1>(live).size(); ++i) {
    CAPTURE(i);
    CHECK(std::get<1>(live)[i] == std::get<1>(again)[i]);
  }
  CHECK(std::get<2>(live) == std::get<2>(again));
  CHECK(std::get<3>(live) == std::get<3>(again));
  CHECK(std::get<4>(live) == std::get<4>(again));
  CHECK(std::get<5>(live) == std::get<5>(again));
  CHECK(std::get<6>(live) == std::get<6>(again));
  // Campaigns, fees, indexes by delegator, code and campaign, the master, the contract.
  const auto exposed = Exposed(*w.proc, run.sample);
  CheckSame(exposed, Exposed(**rebuilt, run.sample),
            std::make_index_sequence<std::tuple_size_v<std::decay_t<decltype(exposed)>>>{});
  for (const Processor* p : {w.proc.get(), rebuilt->get()}) {
    p->Read([&run](const State& s) {
      CheckChains(s, run.applied_kind);
      CheckIndexes(s);
      return 0;
    });
  }

  // Every letter's history is a path through the machine, and nothing follows a terminal status:
  // a re-key (F-1-4-3) keeps the status and moves the letter from a code of its delegator to one
  // of the new delegator.
  std::set<LS> reached;
  std::map<std::string, int> seen;  // what the run covered
  const auto& letters = std::get<1>(live);
  const auto& orgs = std::get<0>(live);
  for (const Letter& letter : letters) {
    CAPTURE(letter.id);
    const K kind = orgs[letter.delegator - 1].kind;
    auto stream = w.store->ReadStream("letter-" + std::to_string(letter.id));
    REQUIRE(stream.ok());
    CHECK_EQ(stream->size(), letter.version);
    LS at = LS::kNone;
    OrgId delegator = 0;
    for (const events::RecordedEvent& rec : *stream) {
      Result<DomainEvent> e = Decode(rec.event());
      REQUIRE(e.ok());
      CAPTURE(Show(*e));
      CHECK_FALSE(IsTerminal(at));
      LC command = LC::kApply;
      LS to = LS::kNone;
      if (const auto* applied = std::get_if<LetterApplied>(&*e)) {
        to = LS::kApplied;
        CHECK(applied->document_confirmed);
        delegator = applied->delegator;
      } else if (const auto* created = std::get_if<RedelegationCreated>(&*e)) {
        command = LC::kCreateRedelegation;
        to = LS::kApproved;
        delegator = created->delegator;
      } else if (const auto* rekeyed = std::get_if<LetterRekeyed>(&*e)) {
        command = LC::kRekey;
        to = at;
        CHECK_FALSE(letter.redelegation);
        CHECK(HasCode(orgs[delegator - 1], rekeyed->old_code));
        CHECK(HasCode(orgs[rekeyed->delegator - 1], rekeyed->code));
        ++seen[rekeyed->delegator == delegator ? "re-key (code change)" : "re-key (merger)"];
        delegator = rekeyed->delegator;
      } else {
        const auto& t = std::get<LetterTransitioned>(*e);
        command = t.command;
        to = t.status;
        if (letter.contract_type == ContractType::kTemporary) {
          ++seen["temporary " + std::string(CodeName(command))];
        }
      }
      Result<LS> machine = DecideTransition(at, command, PassingFacts(command, letter, kind));
      CHECK_MESSAGE(machine.ok(), machine.status().ToString());
      if (machine.ok()) CHECK_EQ(CodeName(*machine), CodeName(to));
      at = to;
      reached.insert(at);
    }
    CHECK_EQ(CodeName(at), CodeName(letter.status));
    CHECK_EQ(delegator, letter.delegator);
  }
  for (const Named<LS>& s : LetterStatuses()) {
    if (s.value != LS::kNone) CHECK_MESSAGE(reached.contains(s.value), s.code);
  }

  // Terminal letters never changed after (not even their delegator).
  for (const auto& [id, then] : run.terminal) {
    CAPTURE(id);
    CHECK(letters[id - 1] == then);
  }

  // What the run covered, from the log: the new commands were carried out, not only refused (by
  // the default seed; another one may miss a rare case, which is only reported).
  for (const Logged& l : w.Since(0)) {
    if (const auto* d = std::get_if<CodeChangeDecided>(&l.event)) {
      ++seen[!d->approved                           ? "code change returned"
             : d->survivor != 0                     ? "merger"
             : d->kind == K::kNonInsuredInstitution ? "to non-insured"
                                                    : "code change"];
    } else {
      ++seen[std::string(EventTypeName(l.event))];
    }
  }
  std::string covered;
  for (const auto& [what, n] : seen) covered += " " + what + "=" + std::to_string(n);
  MESSAGE("covered:" << covered);
  for (const char* what :
       {"code change", "code change returned", "merger", "to non-insured", "re-key (code change)",
        "re-key (merger)", "campaign_declared", "campaign_fees_changed", "campaign_end_registered",
        "campaign_ended", "temporary activate", "temporary helpdesk_secession",
        "temporary secede_by_system", "municipal_vaccine_set", "institution_contract_set",
        "institution_vaccine_set", "fee_floor_set", "collective_contract_signed"}) {
    if (run.seed == kDefaultSeed) {
      CHECK_MESSAGE(seen[what] > 0, std::string(what));
    } else if (seen[what] == 0) {
      WARN_MESSAGE(false, "seed " << run.seed << " did not cover " << what);
    }
  }
}

}  // namespace
}  // namespace shugo::core
