// Institution codes over time (docs/domain.md §4.5, §4.8): the オンライン資格確認 master
// (F-1-4-1, F-1-4-2), code change, merger and change to non-insured (F-1-4-3) with the
// transition-period relocation rule (F-11-3), and the collective contract's signing (F-5-1).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/draft.h"
#include "core/non_insured.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

// Codes of medical_institutions_sample.csv that the world has not registered.
constexpr const char* kHachiojiCode = "1312929628";  // てんじん内科外科クリニック, 八王子市
constexpr const char* kChuoCode = "1310237487";       // 中央区
constexpr const char* kTachikawaCode = "1313024593";  // 立川市

DomainEvent Requested(OrgId id, uint32_t request, CodeChangeKind change, std::string new_code,
                      std::string reason, OrgId approver) {
  return CodeChangeRequested{id,    request, change,  std::move(new_code), std::move(reason), true,
                             false, false,   approver};
}
DomainEvent Decided(OrgId id, uint32_t request, std::string code, K kind, OrgId municipality,
                    Affiliation affiliation, OrgId survivor = 0) {
  return CodeChangeDecided{id,   request,      true,        "",      std::move(code),
                           kind, municipality, affiliation, survivor};
}
DomainEvent Rekeyed(LetterId id, OrgId delegator, std::string code, std::string old_code) {
  return LetterRekeyed{id, delegator, std::move(code), std::move(old_code)};
}

RequestCodeChange Change(CodeChangeKind change, std::string new_code, std::string reason) {
  RequestCodeChange r;
  r.change = change;
  r.new_code = std::move(new_code);
  r.reason = std::move(reason);
  r.consent = true;
  return r;
}

// A letter of `inst` approved today and in force from tomorrow, which becomes today.
LetterId InForce(World& w, OrgId inst, ContractType type = ContractType::kRoutine) {
  const LetterId id = w.ApplyApproved(inst, type);
  w.RunTo(w.Today().AddDays(1));
  REQUIRE_EQ(w.StatusOf(id), "in_contract");
  return id;
}

TEST_CASE("F-1-4-1 the eligibility master is imported by the system and bad rows are refused") {
  World w;
  CHECK(w.proc->Read([](const State& s) { return s.eligibility_size(); }) > 1000u);
  ImportEligibilityMaster m;
  m.rows.push_back({kHachiojiCode, "新しい名称", "八王子市", "132012"});
  w.Refused(As(World::kChuokai), m, StatusCode::kPermissionDenied);
  ImportEligibilityMaster bad = m;
  bad.rows[0].code = "1312929629";  // check digit
  CHECK_EQ(w.Refusal(Actor::System(), bad, StatusCode::kInvalidArgument).field(), "rows[0].code");
  bad = m;
  bad.rows[0].municipality_code = "011002";  // 札幌市: another prefecture
  CHECK_EQ(w.Refusal(Actor::System(), bad, StatusCode::kInvalidArgument).field(),
           "rows[0].municipality_code");
  bad = m;
  bad.rows.push_back(m.rows[0]);
  CHECK_EQ(w.Refusal(Actor::System(), bad, StatusCode::kInvalidArgument).field(), "rows[1].code");
  bad = m;
  bad.rows[0].name.clear();
  CHECK_EQ(w.Refusal(Actor::System(), bad, StatusCode::kInvalidArgument).field(), "rows[0].name");
  w.Refused(Actor::System(), ImportEligibilityMaster{}, StatusCode::kInvalidArgument);
  // The real master has rows without a municipality: stored, but never an approver (F-1-4-3).
  ImportEligibilityMaster unknown_place;
  unknown_place.rows.push_back({kChuoCode, "所在不明の医療機関", "", ""});
  w.Ok(Actor::System(), unknown_place);
  w.Refused(As(w.Code(w.inst_nonmember)), Change(CodeChangeKind::kCodeChange, kChuoCode, "移転"),
            StatusCode::kFailedPrecondition);

  const Position h = w.Head();
  m.removed.push_back(kTachikawaCode);
  w.Ok(Actor::System(), m);
  auto got = w.ExpectAppended(h, {{EligibilityMasterImported{m.rows, m.removed}, w.Today()}});
  REQUIRE_EQ(got.size(), 1u);
  CHECK_EQ(got[0].stream, "master-eligibility");
  w.proc->Read([](const State& s) {
    REQUIRE(s.FindEligible(kHachiojiCode) != nullptr);
    CHECK_EQ(s.FindEligible(kHachiojiCode)->name, "新しい名称");
    CHECK(s.FindEligible(kTachikawaCode) == nullptr);
    return 0;
  });
}

TEST_CASE("F-1-4-2 an insured institution is registered only with a code of the master") {
  World w;
  RegisterOrganisation r;
  r.kind = K::kInsuredInstitution;
  r.code = "1312929610";  // a valid code (check digit) that the master does not hold
  r.municipality_code = World::kHachioji;
  Status s = w.Refusal(As(World::kHachioji), r, StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "code");
  CHECK(Contains(s.message(), "オンライン資格確認"));
  // Name and address left empty are filled from the master.
  r.code = kHachiojiCode;
  const OrgId id = w.Register(As(World::kHachioji), r);
  const Organisation o = w.Org(id);
  CHECK_EQ(o.name, "てんじん内科外科クリニック");
  CHECK(Contains(o.address, "八王子市小比企町"));
}

TEST_CASE(
    "F-1-4-3 code change approved by the new location moves every letter and keeps the old code") {
  World w;
  const LetterId routine = InForce(w, w.inst_member);
  const LetterId subsidy = w.Apply(w.inst_member, ContractType::kVoluntarySubsidy);  // applied
  const std::string old_code = w.Code(w.inst_member);

  // Refusals: not an institution, no consent, no reason, a code outside the master, a code in
  // use, the same code.
  w.Refused(As(World::kChiyoda), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"),
            StatusCode::kPermissionDenied);
  RequestCodeChange no_consent = Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転");
  no_consent.consent = false;
  CHECK_EQ(w.Refusal(As(old_code), no_consent, StatusCode::kInvalidArgument).field(), "consent");
  CHECK_EQ(w.Refusal(As(old_code), Change(CodeChangeKind::kCodeChange, kHachiojiCode, ""),
                     StatusCode::kInvalidArgument)
               .field(),
           "reason");
  CHECK_EQ(w.Refusal(As(old_code), Change(CodeChangeKind::kCodeChange, "1312929610", "移転"),
                     StatusCode::kInvalidArgument)
               .field(),
           "new_code");
  CHECK_EQ(
      w.Refusal(As(old_code), Change(CodeChangeKind::kCodeChange, w.Code(w.inst_member2), "移転"),
                StatusCode::kInvalidArgument)
          .field(),
      "new_code");
  w.Refused(As(old_code), Change(CodeChangeKind::kCodeChange, old_code, "移転"),
            StatusCode::kInvalidArgument);

  // F_画面11-2-1: requested; the approver is the new location's municipality (八王子市).
  Position h = w.Head();
  RequestCodeChange req = Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転");
  req.personal_data = true;
  w.Ok(As(old_code), req);
  w.ExpectAppended(h, {{CodeChangeRequested{w.inst_member, 1, CodeChangeKind::kCodeChange,
                                            kHachiojiCode, "移転", true, true, false, w.hachioji},
                        std::nullopt}});
  // One request at a time; the old location may not decide.
  w.Refused(As(old_code), Change(CodeChangeKind::kCodeChange, kChuoCode, "移転"),
            StatusCode::kFailedPrecondition);
  w.Refused(As(World::kChiyoda), ReviewCodeChange{old_code, 1, true, ""},
            StatusCode::kPermissionDenied);
  // A wrong request number names the member (issue 23, item 9).
  CHECK_EQ(w.Refusal(As(World::kHachioji), ReviewCodeChange{old_code, 2, true, ""},
                     StatusCode::kNotFound)
               .field(),
           "request");

  // F_画面11-2-2 + F_バッチ_1-1: approved; the letters move to the new code, statuses unchanged.
  w.RunTo(Day(3));
  h = w.Head();
  w.Ok(As(World::kHachioji), ReviewCodeChange{old_code, 1, true, ""});
  w.ExpectAppended(h, {{Decided(w.inst_member, 1, kHachiojiCode, K::kInsuredInstitution, w.hachioji,
                                Affiliation::kMedicalAssociation),
                        Day(3)},
                       {Rekeyed(routine, w.inst_member, kHachiojiCode, old_code), Day(3)},
                       {Rekeyed(subsidy, w.inst_member, kHachiojiCode, old_code), Day(3)}});
  const Organisation o = w.Org(w.inst_member);
  CHECK_EQ(o.code, kHachiojiCode);
  CHECK_EQ(o.old_codes, std::vector<std::string>{old_code});
  CHECK_EQ(o.municipality, w.hachioji);
  CHECK_FALSE(o.pending_code_change.has_value());
  CHECK_EQ(w.StatusOf(routine), "in_contract");
  CHECK_EQ(w.StatusOf(subsidy), "applied");
  // The old code still finds it (the account carries on); the new one acts.
  w.proc->Read([&](const State& s) {
    CHECK_EQ(s.FindOrgByCode(old_code)->id, w.inst_member);
    CHECK_EQ(s.FindOrgByCode(kHachiojiCode)->id, w.inst_member);
    return 0;
  });
  w.Ok(As(kHachiojiCode), WithdrawLetter{subsidy, "不要になったため"});
  CHECK_EQ(w.StatusOf(subsidy), "withdrawn");
  // Terminal letters are never re-keyed: a second change moves only the live one.
  w.Ok(As(kHachiojiCode), Change(CodeChangeKind::kCodeChange, kTachikawaCode, "組織変更"));
  h = w.Head();
  w.Ok(As(World::kTachikawa), ReviewCodeChange{kHachiojiCode, 2, true, ""});
  w.ExpectAppended(h, {{Decided(w.inst_member, 2, kTachikawaCode, K::kInsuredInstitution,
                                w.tachikawa, Affiliation::kMedicalAssociation),
                        Day(3)},
                       {Rekeyed(routine, w.inst_member, kTachikawaCode, kHachiojiCode), Day(3)}});
  CHECK_EQ(w.Org(w.inst_member).old_codes, (std::vector<std::string>{old_code, kHachiojiCode}));

  // Rebuilt from the log: the same organisation and letters.
  const Organisation live = w.Org(w.inst_member);
  const Letter live_letter = w.L(routine);
  w.OpenProcessor();
  CHECK(w.Org(w.inst_member) == live);
  CHECK(w.L(routine) == live_letter);
}

TEST_CASE(
    "F-1-4-3 a request checks the version of the institution whose code changes and its review "
    "that of the same institution") {
  World w;
  const std::string code = w.Code(w.inst_member);
  const std::string stream = "org-" + std::to_string(w.inst_member);
  const uint64_t seen = w.Org(w.inst_member).version;
  // F_画面11-2-1: the institution moved on since the screen was shown (a change of its master).
  w.Ok(As(World::kChiyoda), ChangeOrganisation{code, std::nullopt, "イリョウキカン", std::nullopt,
                                               std::nullopt, std::nullopt, std::nullopt});
  const uint64_t now = w.Org(w.inst_member).version;
  REQUIRE_EQ(now, seen + 1);
  const Status stale =
      w.Refusal(As(code), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"),
                StatusCode::kAborted, seen);
  CHECK_EQ(stale.field(), stream);
  CHECK_FALSE(w.Org(w.inst_member).pending_code_change.has_value());
  // The version it has now: requested.
  Position h = w.Head();
  REQUIRE(w.Run(As(code), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"), now).ok());
  w.ExpectAppended(
      h,
      {{Requested(w.inst_member, 1, CodeChangeKind::kCodeChange, kHachiojiCode, "移転", w.hachioji),
        std::nullopt}});
  const uint64_t requested = w.Org(w.inst_member).version;
  REQUIRE_EQ(requested, now + 1);
  // F_画面11-2-2: the review checks the same stream.
  CHECK_EQ(w.Refusal(As(World::kHachioji), ReviewCodeChange{code, 1, true, ""},
                     StatusCode::kAborted, now)
               .field(),
           stream);
  h = w.Head();
  REQUIRE(
      w.Run(As(World::kHachioji), ReviewCodeChange{code, 1, false, "書類不備"}, requested).ok());
  CHECK_EQ(w.Since(h).size(), 1u);
}

TEST_CASE(
    "F-1-4-3 a review of a request never made is not found and of one already decided a "
    "conflict") {
  World w;
  const std::string code = w.Code(w.inst_member);
  // No request at all yet: number 1 is unknown, as are 0 and any later number.
  for (const uint32_t request : {0u, 1u, 2u, 4294967295u}) {
    CAPTURE(request);
    w.Refused(As(World::kHachioji), ReviewCodeChange{code, request, true, ""},
              StatusCode::kNotFound);
  }
  // An unknown request is not found before any version is looked at.
  w.Refusal(As(World::kHachioji), ReviewCodeChange{code, 1, true, ""}, StatusCode::kNotFound, 999)
      .IgnoreError();
  w.Ok(As(code), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"));
  w.Refused(As(World::kHachioji), ReviewCodeChange{code, 2, true, ""}, StatusCode::kNotFound);
  w.Ok(As(World::kHachioji), ReviewCodeChange{code, 1, false, "書類不備"});
  // Request 1 exists but is no longer waiting: a conflict with its state, not unknown.
  w.Refused(As(World::kHachioji), ReviewCodeChange{code, 1, true, ""},
            StatusCode::kFailedPrecondition);
  w.Refused(As(World::kHachioji), ReviewCodeChange{code, 2, true, ""}, StatusCode::kNotFound);
}

TEST_CASE("F-1-4-3 a move to another prefecture moves the institution's prefecture too") {
  World w;
  RegisterOrganisation sapporo;  // the location of 0110112745 in the sample
  sapporo.kind = K::kMunicipality;
  sapporo.code = "011011";
  sapporo.name = "札幌市中央区";
  w.Register(As(World::kMhlw), sapporo);
  const std::string code = w.Code(w.inst_nonmember);
  w.Ok(As(code), Change(CodeChangeKind::kCodeChange, "0110112745", "移転"));
  w.Ok(As("011011"), ReviewCodeChange{code, 1, true, ""});
  CHECK_EQ(w.Org(w.inst_nonmember).prefecture, 1);
  // A change to non-insured now goes to 北海道 (not registered in this world), not to 東京都.
  CHECK(Contains(w.Refusal(As("0110112745"), Change(CodeChangeKind::kToNonInsured, "", "組織変更"),
                           StatusCode::kFailedPrecondition)
                     .message(),
                 "都道府県"));
}

TEST_CASE(
    "F-1-4-3 a merger never ends a letter in force for a survivor's letter not yet approved") {
  World w;
  const LetterId merged_letter = InForce(w, w.inst_member2);
  const LetterId survivor_letter = w.Apply(w.inst_member);  // applied only
  const std::string merged_code = w.Code(w.inst_member2);
  w.Ok(As(merged_code), Change(CodeChangeKind::kMerger, w.Code(w.inst_member), "合併"));
  Status s = w.Refusal(As(World::kChiyoda), ReviewCodeChange{merged_code, 1, true, ""},
                       StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "委任状" + std::to_string(survivor_letter)));
  CHECK_EQ(w.StatusOf(merged_letter), "in_contract");
  // Once the survivor's own letter is withdrawn, the merged one moves to it.
  w.Ok(As(w.Code(w.inst_member)), WithdrawLetter{survivor_letter, "合併先の委任状を引き継ぐため"});
  w.Ok(As(World::kChiyoda), ReviewCodeChange{merged_code, 1, true, ""});
  CHECK_EQ(w.L(merged_letter).delegator, w.inst_member);
  CHECK_EQ(w.StatusOf(merged_letter), "in_contract");
}

TEST_CASE("F-1-4-3 crossed merger requests are not approved as a code change") {
  World w;
  const std::string a = w.Code(w.inst_member), b = w.Code(w.inst_member2);
  w.Ok(As(a), Change(CodeChangeKind::kMerger, b, "合併"));      // A into B …
  w.Ok(As(b), Change(CodeChangeKind::kMerger, a, "合併"));      // … and B into A
  w.Ok(As(World::kChiyoda), ReviewCodeChange{b, 1, true, ""});  // B merges into A
  // A's request names B, whose code now finds A itself.
  w.Refused(As(World::kChiyoda), ReviewCodeChange{a, 1, true, ""}, StatusCode::kFailedPrecondition);
  CHECK_EQ(w.Code(w.inst_member), a);
  w.Ok(As(World::kChiyoda), ReviewCodeChange{a, 1, false, "合併先が合併済みのため"});
}

TEST_CASE("F-1-4-3 a returned code change names its reason and changes nothing") {
  World w;
  const std::string code = w.Code(w.inst_nonmember);
  w.Ok(As(code), Change(CodeChangeKind::kCodeChange, kChuoCode, "代表者変更"));
  CHECK_EQ(w.Refusal(As(World::kChuo), ReviewCodeChange{code, 1, false, ""},
                     StatusCode::kInvalidArgument)
               .field(),
           "reason");
  const Position h = w.Head();
  w.Ok(As(World::kChuo), ReviewCodeChange{code, 1, false, "指定通知の写しと内容が異なります"});
  CodeChangeDecided returned{w.inst_nonmember,
                             1,
                             false,
                             "指定通知の写しと内容が異なります",
                             code,
                             K::kInsuredInstitution,
                             w.chuo,
                             Affiliation::kNoMembership,
                             0};
  w.ExpectAppended(h, {{returned, w.Today()}});
  CHECK_EQ(w.Code(w.inst_nonmember), code);
  CHECK_FALSE(w.Org(w.inst_nonmember).pending_code_change.has_value());
  // A new request may follow; it is numbered 2.
  w.Ok(As(code), Change(CodeChangeKind::kCodeChange, kChuoCode, "代表者変更"));
  CHECK_EQ(w.Org(w.inst_nonmember).pending_code_change->request, 2u);
}

TEST_CASE("F-1-4-3 merger into an existing institution moves its letters or secedes duplicates") {
  World w;
  const LetterId survivor_routine = InForce(w, w.inst_member);
  const LetterId merged_routine = InForce(w, w.inst_member2);
  const LetterId merged_consignment =
      w.ApplyApproved(w.inst_member2, ContractType::kVoluntaryConsignment);
  const std::string survivor_code = w.Code(w.inst_member);
  const std::string merged_code = w.Code(w.inst_member2);

  Position h = w.Head();
  w.Ok(As(merged_code), Change(CodeChangeKind::kMerger, survivor_code, "合併"));
  w.ExpectAppended(
      h, {{Requested(w.inst_member2, 1, CodeChangeKind::kMerger, survivor_code, "合併", w.chiyoda),
           std::nullopt}});
  // A merger into itself or into a non-institution is refused.
  w.Refused(As(survivor_code), Change(CodeChangeKind::kMerger, survivor_code, "合併"),
            StatusCode::kInvalidArgument);

  w.RunTo(Day(2));
  h = w.Head();
  w.Ok(As(World::kChiyoda), ReviewCodeChange{merged_code, 1, true, ""});
  const std::string why =
      "医療機関の合併（F-1-4-3）：合併先の委任状" + std::to_string(survivor_routine) + "に統合";
  w.ExpectAppended(
      h,
      {{Decided(w.inst_member2, 1, survivor_code, K::kInsuredInstitution, w.chiyoda,
                Affiliation::kMedicalAssociation, w.inst_member),
        Day(2)},
       // The survivor's own stream records the merger (issue 23, item 9).
       {OrganisationChanged{w.inst_member, {{"merged_from", "", merged_code}}, 0, 0, {}}, Day(2)},
       {Moved(merged_routine, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(2), why),
        Day(2)},
       {Rekeyed(merged_consignment, w.inst_member, survivor_code, merged_code), Day(2)}});
  CHECK_EQ(w.StatusOf(merged_routine), "seceded");
  CHECK_EQ(w.L(merged_consignment).delegator, w.inst_member);
  CHECK_EQ(w.StatusOf(survivor_routine), "in_contract");
  // The merged code finds the survivor, which sees the merged institution.
  CHECK_EQ(w.Org(w.inst_member2).merged_into, w.inst_member);
  CHECK_EQ(w.Org(w.inst_member).merged_from, std::vector<OrgId>{w.inst_member2});
  w.proc->Read([&](const State& s) {
    CHECK_EQ(s.FindOrgByCode(merged_code)->id, w.inst_member);
    CHECK_EQ(s.OpenLetter(w.inst_member, ContractType::kVoluntaryConsignment, 0)->id,
             merged_consignment);
    return 0;
  });
  // The shared re-delegation (千代田区医師会 → 東京都医師会) stays: the survivor's letter is under
  // it.
  CHECK(w.L(w.L(survivor_routine).upper).live());
  // Rebuilt from the log: the same state.
  const Organisation a = w.Org(w.inst_member), b = w.Org(w.inst_member2);
  w.OpenProcessor();
  CHECK(w.Org(w.inst_member) == a);
  CHECK(w.Org(w.inst_member2) == b);
}

TEST_CASE("F-1-4-3 the codes of an institution merged into one that merges again find the last") {
  // Found by the random test of flows_test.cc: the first one's codes still found the second,
  // merged meanwhile, and a letter applied under them was open for a merged institution.
  World w;
  const std::string first = w.Code(w.inst_member2), second = w.Code(w.inst_member);
  const std::string last = w.Code(w.inst_nonmember);
  w.Ok(As(first), Change(CodeChangeKind::kMerger, second, "合併"));
  w.Ok(As(World::kChiyoda), ReviewCodeChange{first, 1, true, ""});
  w.Ok(As(second), Change(CodeChangeKind::kMerger, last, "合併"));
  w.Ok(As(World::kChuo), ReviewCodeChange{second, 1, true, ""});
  CHECK_EQ(w.Org(w.inst_member2).merged_into, w.inst_member);
  CHECK_EQ(w.Org(w.inst_member).merged_into, w.inst_nonmember);
  auto found = [&w](const std::string& code) {
    return w.proc->Read([&code](const State& s) { return s.FindOrgByCode(code)->id; });
  };
  CHECK_EQ(found(first), w.inst_nonmember);
  CHECK_EQ(found(second), w.inst_nonmember);
  const LetterId l = w.Apply(w.inst_member2);  // under the first one's code
  CHECK_EQ(w.L(l).delegator, w.inst_nonmember);
  w.OpenProcessor();  // rebuilt from the log
  CHECK_EQ(found(first), w.inst_nonmember);
}

TEST_CASE("F-1-4-3 a merger is refused while a duplicate letter of the merged one is applied") {
  World w;
  InForce(w, w.inst_member);
  const LetterId pending = w.Apply(w.inst_member2);
  const std::string merged_code = w.Code(w.inst_member2);
  w.Ok(As(merged_code), Change(CodeChangeKind::kMerger, w.Code(w.inst_member), "合併"));
  Status s = w.Refusal(As(World::kChiyoda), ReviewCodeChange{merged_code, 1, true, ""},
                       StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "委任状" + std::to_string(pending)));
  w.Ok(As(merged_code), WithdrawLetter{pending, "合併のため"});
  w.Ok(As(World::kChiyoda), ReviewCodeChange{merged_code, 1, true, ""});
  CHECK_EQ(w.Org(w.inst_member2).merged_into, w.inst_member);
}

TEST_CASE("F-1-4-3 new-code merger gives the first the new code and merges the next into it") {
  World w;
  const LetterId first = InForce(w, w.inst_nonmember);    // 中央区
  const LetterId second = InForce(w, w.inst_aggregated);  // 港区
  const std::string first_code = w.Code(w.inst_nonmember);
  const std::string second_code = w.Code(w.inst_aggregated);
  w.Ok(As(first_code), Change(CodeChangeKind::kMerger, kChuoCode, "合併"));
  w.Ok(As(second_code), Change(CodeChangeKind::kMerger, kChuoCode, "合併"));
  w.Ok(As(World::kChuo), ReviewCodeChange{first_code, 1, true, ""});
  CHECK_EQ(w.Code(w.inst_nonmember), kChuoCode);
  CHECK_EQ(w.L(first).delegator, w.inst_nonmember);
  // The second's request names the code the first now holds: a merger into it.
  const Position h = w.Head();
  w.Ok(As(World::kChuo), ReviewCodeChange{second_code, 1, true, ""});
  auto got = w.Since(h);
  // The decision, the survivor's record of it, the second's letter, its re-delegation.
  REQUIRE_EQ(got.size(), 4u);
  const auto& decided = std::get<CodeChangeDecided>(got[0].event);
  CHECK_EQ(decided.survivor, w.inst_nonmember);
  CHECK_EQ(decided.code, kChuoCode);
  CHECK_EQ(
      Show(got[1].event),
      Show(OrganisationChanged{w.inst_nonmember, {{"merged_from", "", second_code}}, 0, 0, {}}));
  CHECK_EQ(
      Show(got[2].event),
      Show(Moved(second, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, w.Today(),
                 "医療機関の合併（F-1-4-3）：合併先の委任状" + std::to_string(first) + "に統合")));
  CHECK_EQ(Show(got[3].event), Show(Moved(w.L(second).upper, LC::kSecedeBySystem, LS::kSeceded,
                                          std::nullopt, w.Today(), kNoneBelow)));
}

TEST_CASE("F-1-4-3 change to non-insured is approved by the prefecture with a numbered code") {
  World w;
  const LetterId letter = InForce(w, w.inst_aggregated);
  const std::string code = w.Code(w.inst_aggregated);
  w.Refused(As(code), Change(CodeChangeKind::kToNonInsured, kChuoCode, "組織変更"),
            StatusCode::kInvalidArgument);
  w.Ok(As(code), Change(CodeChangeKind::kToNonInsured, "", "組織変更"));
  CHECK_EQ(w.Org(w.inst_aggregated).pending_code_change->approver, w.tokyo);
  w.Refused(As(World::kMinato), ReviewCodeChange{code, 1, true, ""}, StatusCode::kPermissionDenied);
  const Position h = w.Head();
  w.Ok(As(World::kTokyo), ReviewCodeChange{code, 1, true, ""});
  const std::string numbered = NonInsuredCode(13, w.inst_aggregated);
  CHECK_EQ(numbered.substr(0, 3), "139");
  w.ExpectAppended(h, {{Decided(w.inst_aggregated, 1, numbered, K::kNonInsuredInstitution, w.minato,
                                Affiliation::kOtherAggregator),
                        w.Today()},
                       {Rekeyed(letter, w.inst_aggregated, numbered, code), w.Today()}});
  CHECK_EQ(w.Org(w.inst_aggregated).kind, K::kNonInsuredInstitution);
  // Its next letters route by the same row (an aggregator's member).
  w.Ok(As(numbered), ApplyLetter{ContractType::kVoluntarySubsidy, 0, true});
}

TEST_CASE(
    "F-11-3 relocation in the transition period to a municipality outside the contract secedes the "
    "letters") {
  World w;
  w.options.conformance_date = Day(365);
  w.OpenProcessor();
  const LetterId routine = InForce(w, w.inst_member);
  const LetterId consignment = w.ApplyApproved(w.inst_member, ContractType::kVoluntaryConsignment);
  const std::string old_code = w.Code(w.inst_member);
  w.RunTo(Day(4));
  REQUIRE_EQ(w.StatusOf(consignment), "in_contract");
  const LetterId low = w.L(routine).upper, top = w.L(low).upper;
  const LetterId c_low = w.L(consignment).upper, c_top = w.L(c_low).upper;
  // 八王子市 has no letter in force: the relocated institution leaves the contract, and the
  // re-delegations with nothing left under them end with it.
  w.Ok(As(old_code), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"));
  const Position h = w.Head();
  w.Ok(As(World::kHachioji), ReviewCodeChange{old_code, 1, true, ""});
  const std::string why = "移転先の市区町村（八王子市）が集合契約に参加していないため（F-11-3）";
  auto secede = [](LetterId id, const std::string& reason) {
    return Want{Moved(id, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, Day(4), reason), Day(4)};
  };
  w.ExpectAppended(h, {{Decided(w.inst_member, 1, kHachiojiCode, K::kInsuredInstitution, w.hachioji,
                                Affiliation::kMedicalAssociation),
                        Day(4)},
                       {Rekeyed(routine, w.inst_member, kHachiojiCode, old_code), Day(4)},
                       secede(routine, why),
                       secede(low, kNoneBelow),
                       secede(top, kNoneBelow),
                       {Rekeyed(consignment, w.inst_member, kHachiojiCode, old_code), Day(4)},
                       secede(consignment, why),
                       secede(c_low, kNoneBelow),
                       secede(c_top, kNoneBelow)});
  const Letter r = w.L(routine);
  CHECK_EQ(r.status, LS::kSeceded);
  CHECK_EQ(DateText(r.date), Day(4).ToString());
}

TEST_CASE("F-11-3 relocation to a participating municipality keeps the letters in force") {
  World w;
  w.options.conformance_date = Day(365);
  w.OpenProcessor();
  const LetterId routine = InForce(w, w.inst_member);
  // 立川市 takes part: its own letter is in force (payment consignment registered).
  w.RegisterPaymentConsignment(w.tachikawa);
  const LetterId municipal = w.ApplyApproved(w.tachikawa);
  w.RunTo(Day(2));
  REQUIRE_EQ(w.StatusOf(municipal), "in_contract");
  const std::string old_code = w.Code(w.inst_member);
  w.Ok(As(old_code), Change(CodeChangeKind::kCodeChange, kTachikawaCode, "移転"));
  w.Ok(As(World::kTachikawa), ReviewCodeChange{old_code, 1, true, ""});
  CHECK_EQ(w.StatusOf(routine), "in_contract");
  CHECK_EQ(w.Org(w.inst_member).municipality, w.tachikawa);
  // After 適合基準日 the rule no longer applies: a move to a non-participant keeps the letter.
  w.options.conformance_date = w.Today();
  w.OpenProcessor();
  w.Ok(As(kTachikawaCode), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "移転"));
  w.Ok(As(World::kHachioji), ReviewCodeChange{kTachikawaCode, 2, true, ""});
  CHECK_EQ(w.StatusOf(routine), "in_contract");
}

TEST_CASE(
    "F-1-4-3 a site given an insured code and made non-insured again gets its numbered code") {
  // Found by the random test of flows_test.cc: the state refused the numbered code the site had
  // held (one of its own old codes) as taken, and the processor stopped.
  World w;
  const LetterId letter = InForce(w, w.site_municipal);
  const std::string numbered = w.Code(w.site_municipal);
  CHECK_EQ(numbered, NonInsuredCode(13, w.site_municipal));
  w.Ok(As(numbered), Change(CodeChangeKind::kCodeChange, kHachiojiCode, "組織変更"));
  w.Ok(As(World::kHachioji), ReviewCodeChange{numbered, 1, true, ""});
  CHECK_EQ(w.Org(w.site_municipal).kind, K::kInsuredInstitution);
  w.Ok(As(kHachiojiCode), Change(CodeChangeKind::kToNonInsured, "", "組織変更"));
  const Position h = w.Head();
  w.Ok(As(World::kTokyo), ReviewCodeChange{kHachiojiCode, 2, true, ""});
  w.ExpectAppended(h, {{Decided(w.site_municipal, 2, numbered, K::kNonInsuredInstitution,
                                w.hachioji, Affiliation::kNoMembership),
                        w.Today()},
                       {Rekeyed(letter, w.site_municipal, numbered, kHachiojiCode), w.Today()}});
  const Organisation o = w.Org(w.site_municipal);
  CHECK_EQ(o.kind, K::kNonInsuredInstitution);
  CHECK_EQ(o.code, numbered);
  CHECK_EQ(o.old_codes, std::vector<std::string>{kHachiojiCode});
  w.proc->Read([&](const State& s) {
    CHECK_EQ(s.FindOrgByCode(numbered)->id, w.site_municipal);
    CHECK_EQ(s.FindOrgByCode(kHachiojiCode)->id, w.site_municipal);
    return 0;
  });
  // The processor carries on, and a rebuild from the log gives the same organisation.
  w.Ok(As(numbered), ApplyLetter{ContractType::kVoluntarySubsidy, 0, true});
  w.OpenProcessor();
  CHECK(w.Org(w.site_municipal) == o);
  CHECK_EQ(w.StatusOf(letter), "in_contract");
}

TEST_CASE("F-5-1 the collective contract is announced once by 国保中央会") {
  World w;
  w.Refused(As(World::kMhlw), AnnounceCollectiveContract{w.Today(), ""},
            StatusCode::kPermissionDenied);
  CHECK_EQ(w.Refusal(As(World::kChuokai), AnnounceCollectiveContract{w.Today().AddDays(1), ""},
                     StatusCode::kInvalidArgument)
               .field(),
           "date");
  const Position h = w.Head();
  w.Ok(As(World::kChuokai), AnnounceCollectiveContract{Day(-10), "集合契約を締結しました"});
  auto got = w.ExpectAppended(
      h, {{CollectiveContractSigned{Day(-10), "集合契約を締結しました"}, Day(-10)}});
  REQUIRE_EQ(got.size(), 1u);
  CHECK_EQ(got[0].stream, "contract");
  w.Refused(As(World::kChuokai), AnnounceCollectiveContract{w.Today(), ""},
            StatusCode::kAlreadyExists);
  CHECK_EQ(w.proc->Read([](const State& s) { return s.collective_contract()->date; }), Day(-10));
}

TEST_CASE("F-5-1 the announcement checks the version of the contract stream (0 until signed)") {
  World w;
  CHECK_EQ(w.Refusal(As(World::kChuokai), AnnounceCollectiveContract{Day(-10), ""},
                     StatusCode::kAborted, 1)
               .field(),
           "contract");
  CHECK_FALSE(w.proc->Read([](const State& s) { return s.collective_contract().has_value(); }));
  const Position h = w.Head();
  REQUIRE(w.Run(As(World::kChuokai), AnnounceCollectiveContract{Day(-10), "締結"}, 0).ok());
  CHECK_EQ(w.Since(h).size(), 1u);
  CHECK_EQ(w.proc->Read([](const State& s) { return s.contract_version(); }), 1u);
  // Someone signed meanwhile: the screen that showed "not signed" (version 0) is told so.
  CHECK_EQ(w.Refusal(As(World::kChuokai), AnnounceCollectiveContract{Day(-9), ""},
                     StatusCode::kAborted, 0)
               .field(),
           "contract");
  // Who may not announce is told so before any version.
  w.Refusal(As(World::kMhlw), AnnounceCollectiveContract{Day(-9), ""},
            StatusCode::kPermissionDenied, 0)
      .IgnoreError();
}

TEST_CASE(
    "commands that create their record or that no user saw refuse a version rather than ignore "
    "it") {
  World w;
  // Each would be decided without one (it is checked first, so nothing else matters here).
  RegisterOrganisation municipality;
  municipality.kind = K::kMunicipality;
  municipality.code = "131041";  // 新宿区
  municipality.name = "新宿区";
  DeclareCampaign campaign;
  campaign.name = "臨時接種";
  campaign.start_date = Day(10);
  campaign.prefectures = {13};
  campaign.fees = {{"covid_spikevax", 3960}};
  campaign.application_deadline = Day(20);
  campaign.approval_deadline = Day(25);
  const std::vector<std::pair<Actor, Request>> commands{
      {As(World::kMhlw), municipality},
      {As(w.Code(w.inst_member)), ApplyLetter{ContractType::kRoutine, 0, true}},
      {As(World::kMhlw), campaign},
      {As(World::kTokyo), IssueNonInsuredLink{Day(30)}},
      {Actor::System("eligibility-import"), ImportEligibilityMaster{{}, {"1310129668"}}},
      {Actor::System(std::string(kInputLinkUser)), SubmitNonInsuredRegistration{}},
  };
  for (const auto& [actor, request] : commands) {
    CAPTURE(request.index());
    for (const uint64_t version : {0u, 1u}) {
      CHECK_EQ(w.Refusal(actor, request, StatusCode::kInvalidArgument, version).field(),
               "expected_version");
    }
  }
  // Without one, the same commands are decided by their rules (two of them here).
  w.Ok(As(World::kMhlw), municipality);
  w.Ok(As(w.Code(w.inst_member)), ApplyLetter{ContractType::kRoutine, 0, true});
}

TEST_CASE("F-1-4-3 a non-insured site merges into another of the institution master") {
  World w;
  const std::string site = w.Code(w.site_municipal);     // 千代田区集団接種会場
  const std::string other = w.Code(w.site_prefectural);  // 東京都大規模接種会場
  // An insured institution does not merge into a non-insured one.
  CHECK_EQ(w.Refusal(As(w.Code(w.inst_member)), Change(CodeChangeKind::kMerger, other, "合併"),
                     StatusCode::kInvalidArgument)
               .field(),
           "new_code");
  w.Ok(As(site), Change(CodeChangeKind::kMerger, other, "会場の統合"));
  // The survivor's prefecture approves (F-1-4-3: 非保険医療機関は都道府県の承認).
  w.Refused(As(World::kChiyoda), ReviewCodeChange{site, 1, true, ""},
            StatusCode::kPermissionDenied);
  w.Ok(As(World::kTokyo), ReviewCodeChange{site, 1, true, ""});
  CHECK_EQ(w.Org(w.site_municipal).merged_into, w.site_prefectural);
  CHECK_EQ(w.Org(w.site_prefectural).merged_from, std::vector<OrgId>{w.site_municipal});
}

}  // namespace
}  // namespace shugo::core
