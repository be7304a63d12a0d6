// F-10 temporary vaccination (docs/domain.md §4.7) against a real event store: a campaign from its
// declaration (F-10-1) through the letters (F-10-2), their approval (F-10-3) and the helpdesk
// secession to its end (F-10-4), with the exact events appended; then the refusals, the
// prefecture as 実施主体, the reminder query and a rebuild from the log.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/campaigns.h"
#include "tests/core/round_trip.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

constexpr ContractType kTemp = ContractType::kTemporary;
constexpr CampaignImplementer kByMunicipalities = CampaignImplementer::kMunicipalities;
constexpr CampaignImplementer kByPrefecture = CampaignImplementer::kPrefecture;

// A campaign in 東京都 (13) run by its municipalities: starts on day 10, applications until day
// 20, approvals until day 25, two vaccines.
DeclareCampaign TokyoCampaign(CampaignImplementer implementer = kByMunicipalities) {
  DeclareCampaign r;
  r.name = "新型コロナウイルス感染症臨時接種";
  r.start_date = Day(10);
  r.implementer = implementer;
  r.prefectures = {13};
  r.fees = {{"covid_spikevax", 3960}, {"covid_comirnaty", 3960}};
  r.application_deadline = Day(20);
  r.approval_deadline = Day(25);
  return r;
}

CampaignDeclared Declared(CampaignId id, OrgId by, CampaignImplementer implementer) {
  return CampaignDeclared{id,
                          by,
                          "新型コロナウイルス感染症臨時接種",
                          Day(10),
                          implementer,
                          false,
                          {13},
                          {{"covid_comirnaty", 3960}, {"covid_spikevax", 3960}},
                          Day(20),
                          Day(25)};
}

CampaignId Declare(World& w, const std::string& by, DeclareCampaign r) {
  Outcome o = w.Ok(As(by), std::move(r));
  REQUIRE_EQ(o.created.size(), 1u);
  return o.created[0];
}

LetterId ApplyTemp(World& w, OrgId delegator, CampaignId campaign) {
  Outcome o = w.Ok(As(w.Code(delegator)), ApplyLetter{kTemp, campaign, true});
  REQUIRE_EQ(o.created.size(), 1u);
  return o.created[0];
}

DomainEvent TempApplied(LetterId id, OrgId from, OrgId to, CampaignId campaign) {
  return LetterApplied{id, from, to, kTemp, campaign, true};
}
DomainEvent TempCreated(LetterId id, OrgId from, OrgId to, CampaignId campaign, LetterId under,
                        JapanDate contract_date, LetterId upper) {
  return RedelegationCreated{id, from, to, kTemp, campaign, under, contract_date, upper};
}
DomainEvent EndSecede(LetterId id, JapanDate date, const char* reason = kCampaignEndReason) {
  return Moved(id, LC::kSecedeBySystem, LS::kSeceded, std::nullopt, date, reason);
}

Campaign CampaignOf(const World& w, CampaignId id) {
  return w.proc->Read([id](const State& s) {
    const Campaign* c = s.FindCampaign(id);
    REQUIRE(c != nullptr);
    return *c;
  });
}

TEST_CASE("F-10 temporary vaccination from declaration to end") {
  World w;
  // A routine letter of the same institution: the campaign's chain is its own, and its end
  // leaves the routine letter in force.
  const LetterId routine = w.ApplyApproved(w.inst_member);
  w.RegisterPaymentConsignment(w.chiyoda);

  // F-10-1: MHLW declares; the vaccines are stored by id, the 発令エリア ascending.
  Position h = w.Head();
  const CampaignId c = Declare(w, World::kMhlw, TokyoCampaign());
  CHECK_EQ(c, 1u);
  w.ExpectAppended(h, {{Declared(c, w.mhlw, kByMunicipalities), std::nullopt}});
  Campaign campaign = CampaignOf(w, c);
  CHECK_EQ(campaign.fees.at("covid_comirnaty"), 3960);
  CHECK(campaign.InArea(13));
  CHECK_FALSE(campaign.InArea(14));
  CHECK_EQ(DateText(campaign.end_date), "-");

  // Fee change (CO-99-003): the complete list in, the validated diff recorded.
  h = w.Head();
  w.Ok(As(World::kMhlw),
       ChangeCampaignFees{
           c, {{"covid_comirnaty", 4000}, {"covid_spikevax", 3960}, {"covid_nuvaxovid", 4200}}});
  w.ExpectAppended(
      h, {{CampaignFeesChanged{
               c, 0, {{"covid_comirnaty", 3960, 4000}, {"covid_nuvaxovid", std::nullopt, 4200}}},
           std::nullopt}});
  CHECK_EQ(CampaignOf(w, c).fees.size(), 3u);

  // 加算委託料 by a municipality of the 発令エリア.
  h = w.Head();
  w.Ok(As(World::kChiyoda), SetAdditionalFees{c, {{"covid_comirnaty", 500}}});
  w.ExpectAppended(h, {{CampaignFeesChanged{c, w.chiyoda, {{"covid_comirnaty", std::nullopt, 500}}},
                        std::nullopt}});
  CHECK_EQ(CampaignOf(w, c).additional_fees.at(w.chiyoda).at("covid_comirnaty"), 500);

  // F-10-2: the municipality → its prefecture. The reminder query lists the others.
  h = w.Head();
  const LetterId muni = ApplyTemp(w, w.chiyoda, c);
  w.ExpectAppended(h, {{TempApplied(muni, w.chiyoda, w.tokyo, c), std::nullopt}});
  const std::vector<OrgId> not_applied =
      w.proc->Read([c](const State& s) { return CampaignNonApplicants(s, c); });
  CHECK_EQ(not_applied,
           std::vector<OrgId>{w.chuo, w.minato, w.hachioji, w.tachikawa, w.wide_union});

  // F-10-3: the prefecture approves; the re-delegation to 全国知事会 is created for the campaign.
  // 契約日 is the next day, before the campaign's start date (§3 Time).
  h = w.Head();
  Outcome approved = w.Approve({muni});
  REQUIRE_EQ(approved.created.size(), 1u);
  const LetterId muni_up = approved.created[0];
  w.ExpectAppended(h,
                   {{TempCreated(muni_up, w.tokyo, w.chijikai, c, muni, Day(1), 0), std::nullopt},
                    {Moved(muni, LC::kApprove, LS::kApproved, Day(1), std::nullopt, "", muni_up),
                     std::nullopt}});

  // Institutions by their usual chains, type 臨時: a chain apart from the routine one.
  h = w.Head();
  const LetterId inst = ApplyTemp(w, w.inst_member, c);
  approved = w.Approve({inst});
  REQUIRE_EQ(approved.created.size(), 2u);
  const LetterId inst_top = approved.created[0], inst_low = approved.created[1];
  CHECK_NE(inst_low, w.L(routine).upper);
  w.ExpectAppended(
      h,
      {{TempApplied(inst, w.inst_member, w.chiyoda_ma, c), std::nullopt},
       {TempCreated(inst_top, w.tokyo_ma, w.jma, c, inst, Day(1), 0), std::nullopt},
       {TempCreated(inst_low, w.chiyoda_ma, w.tokyo_ma, c, inst, Day(1), inst_top), std::nullopt},
       {Moved(inst, LC::kApprove, LS::kApproved, Day(1), std::nullopt, "", inst_low),
        std::nullopt}});
  const LetterId agg = ApplyTemp(w, w.inst_aggregated, c);
  approved = w.Approve({agg});
  REQUIRE_EQ(approved.created.size(), 1u);
  const LetterId agg_up = approved.created[0];
  CHECK_EQ(w.L(agg).delegate, w.aggregator);
  CHECK_EQ(w.L(agg_up).delegate, w.jma);

  // The day job puts them into force on their 契約日, each with its chain.
  h = w.Head();
  w.RunTo(Day(1));
  const LetterId routine_low = w.L(routine).upper;
  const LetterId routine_top = w.L(routine_low).upper;
  w.ExpectAppended(h, {{Moved(routine, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(routine_low, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(routine_top, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(muni, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(muni_up, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(inst, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(inst_low, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(inst_top, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(agg, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(agg_up, LC::kActivate, LS::kInContract), Day(1)},
                       {Closed(Day(1)), Day(1)}});

  // F-10-4: no self-secession; the helpdesk (国保中央会) registers one a month ahead.
  Status self =
      w.Refusal(As(w.Code(w.inst_aggregated)), RequestSecession{agg, Day(9), "閉院のため"},
                StatusCode::kFailedPrecondition);
  CHECK(Contains(self.message(), "臨時接種"));
  Status soon = w.Refusal(As(World::kChuokai), RequestSecession{agg, Day(9), "相談の結果"},
                          StatusCode::kInvalidArgument);
  CHECK_EQ(soon.field(), "date");
  const JapanDate month = Day(1).AddMonths(1);
  h = w.Head();
  w.Ok(As(World::kChuokai), RequestSecession{agg, month, "相談の結果"});
  w.ExpectAppended(h, {{Moved(agg, LC::kHelpdeskSecession, LS::kSecessionScheduled, std::nullopt,
                              month, "相談の結果"),
                        std::nullopt}});

  // The end: MHLW enters the minister's end date as the 脱退日, before the helpdesk's date.
  w.RunTo(Day(2));
  Status past =
      w.Refusal(As(World::kMhlw), RegisterCampaignEnd{c, Day(2)}, StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "end_date");
  h = w.Head();
  w.Ok(As(World::kMhlw), RegisterCampaignEnd{c, Day(15)});
  w.ExpectAppended(h, {{CampaignEndRegistered{c, Day(15)}, std::nullopt}});
  CHECK_EQ(DateText(CampaignOf(w, c).end_date), Day(15).ToString());

  // Nothing happens before the 脱退日; on it, one command per letter of the campaign, each
  // re-delegation ending with the last letter under it, then the campaign ends.
  h = w.Head();
  w.RunTo(Day(14));
  for (const Logged& l : w.Since(h)) CHECK_EQ(EventTypeName(l.event), "day_closed");
  h = w.Head();
  const DayReport report = w.RunTo(Day(15));
  CHECK_EQ(report.commands, 4u);
  auto got = w.ExpectAppended(h, {{EndSecede(muni, Day(15)), Day(15)},
                                  {EndSecede(muni_up, Day(15), kNoneBelow), Day(15)},
                                  {EndSecede(inst, Day(15)), Day(15)},
                                  {EndSecede(inst_low, Day(15), kNoneBelow), Day(15)},
                                  {EndSecede(inst_top, Day(15), kNoneBelow), Day(15)},
                                  {EndSecede(agg, Day(15)), Day(15)},
                                  {EndSecede(agg_up, Day(15), kNoneBelow), Day(15)},
                                  {CampaignEnded{c, Day(15)}, Day(15)},
                                  {Closed(Day(15)), Day(15)}});
  REQUIRE_EQ(got.size(), 9u);
  CHECK_EQ(got[0].command_id, "day-20250416-campaign_secede-" + std::to_string(muni));
  CHECK_EQ(got[7].command_id, "day-20250416-campaign_ended-1");
  CHECK_EQ(got[7].stream, "campaign-1");
  for (LetterId l : {muni, muni_up, inst, inst_low, inst_top, agg, agg_up}) {
    CAPTURE(l);
    CHECK_EQ(w.StatusOf(l), "seceded");
    CHECK_EQ(DateText(w.L(l).date), Day(15).ToString());
  }
  CHECK_EQ(w.L(agg).reason, kCampaignEndReason);
  CHECK(CampaignOf(w, c).ended);
  for (LetterId l : {routine, routine_low, routine_top}) CHECK_EQ(w.StatusOf(l), "in_contract");
  // Idempotent: the same day again and the days after append only their closings.
  h = w.Head();
  w.RunTo(Day(16));
  w.ExpectAppended(h, {{Closed(Day(16)), Day(16)}});

  // After the end: no application, no fee change, no second end.
  Status after =
      w.Refusal(As(World::kChuo), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
  CHECK(Contains(after.message(), "終了"));
  w.Refused(As(World::kMhlw), ChangeCampaignFees{c, {{"covid_comirnaty", 1}}},
            StatusCode::kFailedPrecondition);
  w.Refused(As(World::kMhlw), RegisterCampaignEnd{c, Day(30)}, StatusCode::kFailedPrecondition);
  CHECK(w.proc->Read([c](const State& s) { return CampaignNonApplicants(s, c); }).empty());
}

TEST_CASE("F-10-1 declaration and fee refusals name the field and append nothing") {
  World w;
  // Who: MHLW, or a prefecture for its own area only.
  w.Refused(As(World::kChiyoda), TokyoCampaign(), StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuokai), TokyoCampaign(), StatusCode::kPermissionDenied);
  w.Refused(Actor::System(), TokyoCampaign(), StatusCode::kPermissionDenied);
  DeclareCampaign other_area = TokyoCampaign();
  other_area.prefectures = {14};
  CHECK_EQ(w.Refusal(As(World::kTokyo), other_area, StatusCode::kInvalidArgument).field(),
           "prefectures");
  DeclareCampaign national = TokyoCampaign();
  national.prefectures.clear();
  national.national = true;
  CHECK_EQ(w.Refusal(As(World::kTokyo), national, StatusCode::kInvalidArgument).field(),
           "national");
  // The 発令エリア: national or real prefectures.
  DeclareCampaign no_area = TokyoCampaign();
  no_area.prefectures.clear();
  CHECK_EQ(w.Refusal(As(World::kMhlw), no_area, StatusCode::kInvalidArgument).field(),
           "prefectures");
  DeclareCampaign bad_area = TokyoCampaign();
  bad_area.prefectures = {13, 48};
  CHECK_EQ(w.Refusal(As(World::kMhlw), bad_area, StatusCode::kInvalidArgument).field(),
           "prefectures");
  // Vaccines: at least one, each in the 疾病・ワクチン master, once; amounts in yen.
  DeclareCampaign no_vaccine = TokyoCampaign();
  no_vaccine.fees.clear();
  CHECK_EQ(w.Refusal(As(World::kMhlw), no_vaccine, StatusCode::kInvalidArgument).field(), "fees");
  DeclareCampaign unknown = TokyoCampaign();
  unknown.fees.push_back({"covid_unknown", 3000});
  Status unknown_vaccine = w.Refusal(As(World::kMhlw), unknown, StatusCode::kInvalidArgument);
  CHECK_EQ(unknown_vaccine.field(), "fees");
  CHECK(Contains(unknown_vaccine.message(), "covid_unknown"));
  DeclareCampaign twice = TokyoCampaign();
  twice.fees.push_back({"covid_spikevax", 1});
  CHECK_EQ(w.Refusal(As(World::kMhlw), twice, StatusCode::kInvalidArgument).field(), "fees");
  DeclareCampaign negative = TokyoCampaign();
  negative.fees[0].yen = -1;
  CHECK_EQ(w.Refusal(As(World::kMhlw), negative, StatusCode::kInvalidArgument).field(), "fees");
  // Name and deadlines.
  DeclareCampaign no_name = TokyoCampaign();
  no_name.name.clear();
  CHECK_EQ(w.Refusal(As(World::kMhlw), no_name, StatusCode::kInvalidArgument).field(), "name");
  DeclareCampaign late = TokyoCampaign();
  late.application_deadline = Day(-1);
  CHECK_EQ(w.Refusal(As(World::kMhlw), late, StatusCode::kInvalidArgument).field(),
           "application_deadline");
  DeclareCampaign order = TokyoCampaign();
  order.approval_deadline = Day(19);
  CHECK_EQ(w.Refusal(As(World::kMhlw), order, StatusCode::kInvalidArgument).field(),
           "approval_deadline");

  const CampaignId c = Declare(w, World::kMhlw, TokyoCampaign());
  // Fees: the declarer only, a real change, known vaccines.
  w.Refused(As(World::kTokyo), ChangeCampaignFees{c, {{"covid_comirnaty", 1}}},
            StatusCode::kPermissionDenied);
  w.Refused(As(World::kMhlw), ChangeCampaignFees{99, {{"covid_comirnaty", 1}}},
            StatusCode::kNotFound);
  CHECK_EQ(w.Refusal(As(World::kMhlw),
                     ChangeCampaignFees{c, {{"covid_comirnaty", 3960}, {"covid_spikevax", 3960}}},
                     StatusCode::kInvalidArgument)
               .field(),
           "fees");
  CHECK_EQ(
      w.Refusal(As(World::kMhlw), ChangeCampaignFees{c, {}}, StatusCode::kInvalidArgument).field(),
      "fees");
  CHECK_EQ(w.Refusal(As(World::kMhlw), ChangeCampaignFees{c, {{"nope", 1}}},
                     StatusCode::kInvalidArgument)
               .field(),
           "fees");
  // A stale version is a conflict.
  CHECK_EQ(
      w.Run(As(World::kMhlw), ChangeCampaignFees{c, {{"covid_comirnaty", 1}}}, 7).status().code(),
      StatusCode::kAborted);

  // 加算委託料: a municipality of the 発令エリア, campaign vaccines only.
  const OrgId yokohama = w.RegisterLocalGov("141003");
  const Position h = w.Head();
  Status outside = w.Refusal(As(w.Code(yokohama)), SetAdditionalFees{c, {{"covid_comirnaty", 1}}},
                             StatusCode::kFailedPrecondition);
  CHECK(Contains(outside.message(), "発令エリア外"));
  w.Refused(As(World::kTokyo), SetAdditionalFees{c, {{"covid_comirnaty", 1}}},
            StatusCode::kPermissionDenied);
  w.Refused(As(w.Code(w.inst_member)), SetAdditionalFees{c, {{"covid_comirnaty", 1}}},
            StatusCode::kPermissionDenied);
  Status not_campaign = w.Refusal(As(World::kChuo), SetAdditionalFees{c, {{"bcg", 100}}},
                                  StatusCode::kInvalidArgument);
  CHECK_EQ(not_campaign.field(), "fees");
  CHECK_EQ(
      w.Refusal(As(World::kChuo), SetAdditionalFees{c, {}}, StatusCode::kInvalidArgument).field(),
      "fees");
  CHECK_EQ(w.Head(), h);
  // A vaccine with a 加算委託料 cannot be dropped from the campaign.
  w.Ok(As(World::kChuo), SetAdditionalFees{c, {{"covid_spikevax", 300}}});
  Status dropped = w.Refusal(As(World::kMhlw), ChangeCampaignFees{c, {{"covid_comirnaty", 3960}}},
                             StatusCode::kInvalidArgument);
  CHECK(Contains(dropped.message(), "加算委託料"));
  // Cleared by the municipality (an empty list), then it can.
  Position h2 = w.Head();
  w.Ok(As(World::kChuo), SetAdditionalFees{c, {}});
  w.ExpectAppended(h2, {{CampaignFeesChanged{c, w.chuo, {{"covid_spikevax", 300, std::nullopt}}},
                         std::nullopt}});
  CHECK_FALSE(CampaignOf(w, c).additional_fees.contains(w.chuo));
  h2 = w.Head();
  w.Ok(As(World::kMhlw), ChangeCampaignFees{c, {{"covid_comirnaty", 3960}}});
  w.ExpectAppended(
      h2, {{CampaignFeesChanged{c, 0, {{"covid_spikevax", 3960, std::nullopt}}}, std::nullopt}});

  // The end: MHLW or the declarer, a future date after the start.
  w.Refused(As(World::kTokyo), RegisterCampaignEnd{c, Day(30)}, StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuokai), RegisterCampaignEnd{c, Day(30)}, StatusCode::kPermissionDenied);
  CHECK_EQ(w.Refusal(As(World::kMhlw), RegisterCampaignEnd{c, Day(0)}, StatusCode::kInvalidArgument)
               .field(),
           "end_date");
  CHECK_EQ(
      w.Refusal(As(World::kMhlw), RegisterCampaignEnd{c, Day(10)}, StatusCode::kInvalidArgument)
          .field(),
      "end_date");
  w.Refused(As(World::kMhlw), RegisterCampaignEnd{42, Day(30)}, StatusCode::kNotFound);
}

TEST_CASE("F-10-2 temporary applications need a campaign open to the delegator") {
  World w;
  const CampaignId c = Declare(w, World::kMhlw, TokyoCampaign());
  const OrgId yokohama = w.RegisterLocalGov("141003");
  const std::string chuo = World::kChuo;

  // No campaign, an unknown one, a campaign named on another type.
  CHECK_EQ(w.Refusal(As(chuo), ApplyLetter{kTemp, 0, true}, StatusCode::kInvalidArgument).field(),
           "campaign");
  CHECK_EQ(w.Refusal(As(chuo), ApplyLetter{kTemp, 9, true}, StatusCode::kInvalidArgument).field(),
           "campaign");
  CHECK_EQ(w.Refusal(As(chuo), ApplyLetter{ContractType::kRoutine, c, true},
                     StatusCode::kInvalidArgument)
               .field(),
           "campaign");
  // Outside the 発令エリア.
  Status outside =
      w.Refusal(As(w.Code(yokohama)), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
  CHECK(Contains(outside.message(), "発令エリア外"));
  // Municipalities are the 実施主体: the prefecture does not delegate itself.
  Status prefecture =
      w.Refusal(As(World::kTokyo), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
  CHECK(Contains(prefecture.message(), "実施主体"));
  // The contract document is still confirmed first (F-3).
  CHECK_EQ(w.Refusal(As(chuo), ApplyLetter{kTemp, c, false}, StatusCode::kInvalidArgument).field(),
           "document_confirmed");

  // One open letter per (delegator, type, campaign); a second campaign is another letter.
  const LetterId first = ApplyTemp(w, w.chuo, c);
  w.Refused(As(chuo), ApplyLetter{kTemp, c, true}, StatusCode::kAlreadyExists);
  const CampaignId c2 = Declare(w, World::kMhlw, TokyoCampaign());
  const LetterId second = ApplyTemp(w, w.chuo, c2);
  CHECK_NE(first, second);
  CHECK_EQ(w.L(second).campaign, c2);

  // A returned letter is re-applied until the application deadline, a letter approved until the
  // approval deadline.
  w.Ok(As(World::kTokyo), ReturnLetter{first, "記載誤り"});
  const LetterId pending = ApplyTemp(w, w.inst_member, c);
  w.clock.SetDate(Day(21));
  Status late =
      w.Refusal(As(World::kMinato), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
  CHECK(Contains(late.message(), "申請期限"));
  Status reapply = w.Refusal(As(chuo), ReapplyLetter{first}, StatusCode::kFailedPrecondition);
  CHECK(Contains(reapply.message(), "申請期限"));
  // Who may re-apply is still the machine's first answer.
  w.Refused(As(World::kTokyo), ReapplyLetter{first}, StatusCode::kPermissionDenied);
  w.Ok(As(World::kTokyo), ApproveLetters{{second}});  // within the approval deadline (day 25)
  CHECK_EQ(w.StatusOf(second), "approved");

  w.clock.SetDate(Day(26));
  Status approve_late =
      w.Refusal(As(World::kChiyodaMa), ApproveLetters{{pending}}, StatusCode::kFailedPrecondition);
  CHECK(Contains(approve_late.message(), "承認期限"));
  // The delegate is still asked first.
  w.Refused(As(World::kChuoMa), ApproveLetters{{pending}}, StatusCode::kPermissionDenied);
  // The letter can still be withdrawn by its delegator.
  w.Ok(As(w.Code(w.inst_member)), WithdrawLetter{pending, "期限切れ"});
  CHECK_EQ(w.StatusOf(pending), "withdrawn");
}

TEST_CASE("F-10 prefecture as 実施主体 delegates to 全国知事会 by hand") {
  World w;
  // 予防接種法第6条第1項: the prefecture declares for its own area (the area may be left empty).
  DeclareCampaign r = TokyoCampaign(kByPrefecture);
  r.prefectures.clear();
  Position h = w.Head();
  const CampaignId c = Declare(w, World::kTokyo, r);
  w.ExpectAppended(h, {{Declared(c, w.tokyo, kByPrefecture), std::nullopt}});

  // The chain row ※2: 都道府県 → 全国知事会 by hand, no re-delegation; temporary letters only.
  Result<const ChainRule*> rule =
      FindChainRule(K::kPrefecture, Affiliation::kNone, ContractType::kTemporary);
  REQUIRE(rule.ok());
  CHECK_EQ((*rule)->delegate.kind, K::kGovernorsAssociation);
  CHECK((*rule)->redelegations.empty());

  // Municipalities neither apply nor add a 加算委託料.
  Status muni =
      w.Refusal(As(World::kChuo), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
  CHECK(Contains(muni.message(), "実施主体"));
  w.Refused(As(World::kChuo), SetAdditionalFees{c, {{"covid_comirnaty", 100}}},
            StatusCode::kFailedPrecondition);
  // The reminder query names the prefecture until it applies.
  CHECK_EQ(w.proc->Read([c](const State& s) { return CampaignNonApplicants(s, c); }),
           std::vector<OrgId>{w.tokyo});

  h = w.Head();
  const LetterId l = ApplyTemp(w, w.tokyo, c);
  w.ExpectAppended(h, {{TempApplied(l, w.tokyo, w.chijikai, c), std::nullopt}});
  CHECK(w.proc->Read([c](const State& s) { return CampaignNonApplicants(s, c); }).empty());
  // F-10-3: 全国知事会 approves, nobody else; no re-delegation.
  w.Refused(As(World::kMhlw), ApproveLetters{{l}}, StatusCode::kPermissionDenied);
  h = w.Head();
  Outcome o = w.Ok(As(World::kChijikai), ApproveLetters{{l}});
  CHECK(o.created.empty());
  w.ExpectAppended(h, {{Moved(l, LC::kApprove, LS::kApproved, Day(1)), std::nullopt}});
  // Institutions still apply by their chains; a prefecture's own site → the prefecture.
  const LetterId site = ApplyTemp(w, w.site_prefectural, c);
  CHECK_EQ(w.L(site).delegate, w.tokyo);
  w.Approve({site});

  h = w.Head();
  w.RunTo(Day(1));
  w.ExpectAppended(h, {{Moved(l, LC::kActivate, LS::kInContract), Day(1)},
                       {Moved(site, LC::kActivate, LS::kInContract), Day(1)},
                       {Closed(Day(1)), Day(1)}});
  // The declaring prefecture registers the end; the day job ends everything on it.
  w.Ok(As(World::kTokyo), RegisterCampaignEnd{c, Day(12)});
  w.Ok(As(World::kTokyo), RegisterCampaignEnd{c, Day(11)});  // entered again, earlier
  h = w.Head();
  w.RunTo(Day(11));
  std::vector<Want> want;
  for (int d = 2; d <= 10; ++d) want.push_back({Closed(Day(d)), Day(d)});
  want.push_back({EndSecede(l, Day(11)), Day(11)});
  want.push_back({EndSecede(site, Day(11)), Day(11)});
  want.push_back({CampaignEnded{c, Day(11)}, Day(11)});
  want.push_back({Closed(Day(11)), Day(11)});
  w.ExpectAppended(h, want);
  CHECK_EQ(w.StatusOf(l), "seceded");
  w.Refused(As(World::kTokyo), ApplyLetter{kTemp, c, true}, StatusCode::kFailedPrecondition);
}

TEST_CASE("F-10 a rebuild from the log gives the same campaigns and letters") {
  World w;
  w.RegisterPaymentConsignment(w.chiyoda);
  const CampaignId c = Declare(w, World::kMhlw, TokyoCampaign());
  w.Ok(As(World::kChiyoda), SetAdditionalFees{c, {{"covid_comirnaty", 500}}});
  const LetterId muni = ApplyTemp(w, w.chiyoda, c);
  w.Approve({muni});
  const LetterId inst = ApplyTemp(w, w.inst_member, c);
  w.Approve({inst});
  ApplyTemp(w, w.chuo, c);  // still applied when the campaign ends
  const CampaignId c2 = Declare(w, World::kTokyo, TokyoCampaign(kByPrefecture));
  ApplyTemp(w, w.tokyo, c2);
  w.RunTo(Day(1));
  w.Ok(As(World::kMhlw), RegisterCampaignEnd{c, Day(12)});
  w.Ok(As(World::kTokyo), RegisterCampaignEnd{c2, Day(40)});
  w.RunTo(Day(12));

  auto snapshot = [](const Processor& p) {
    return p.Read([](const State& s) {
      std::vector<std::vector<LetterId>> of_campaign;
      std::vector<std::set<LetterId>> live;
      for (const Campaign& each : s.campaigns()) {
        of_campaign.push_back(s.LettersOfCampaign(each.id));
        live.push_back(s.LiveLettersOfCampaign(each.id));
      }
      return std::make_tuple(s.campaigns(), s.letters(), of_campaign, live, s.campaign_ends());
    });
  };
  const auto before = snapshot(*w.proc);
  CHECK(std::get<0>(before)[0].ended);
  CHECK_FALSE(std::get<0>(before)[1].ended);
  CHECK(std::get<3>(before)[0].empty());
  CHECK_EQ(std::get<4>(before).size(), 1u);
  CHECK_EQ(std::get<2>(before)[0].size(), 6u);  // 3 letters, 3 re-delegations
  w.OpenProcessor();                            // reopened on the same store: rebuilt from the log
  CHECK(snapshot(*w.proc) == before);
}

TEST_CASE("F-10 campaign events survive an encode and decode round trip") {
  const std::vector<DomainEvent> all = {
      CampaignDeclared{
          7, 1, "全国臨時接種", Day(3), kByPrefecture, true, {}, {{"bcg", 0}}, Day(5), Day(6)},
      Declared(8, 2, kByMunicipalities),
      CampaignFeesChanged{7, 0, {{"bcg", 0, 9'999'999'999}, {"covid_comirnaty", std::nullopt, 1}}},
      CampaignFeesChanged{7, 12, {{"bcg", 5, std::nullopt}}},
      CampaignEndRegistered{7, Day(40)},
      CampaignEnded{7, Day(40)}};
  for (const DomainEvent& e : all) {
    CAPTURE(Show(e));
    CHECK(StreamOf(e).starts_with("campaign-"));
    Result<DomainEvent> back = test::RoundTrip(e);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK_EQ(Show(*back), Show(e));
    CHECK(*back == e);
  }
}

TEST_CASE("F-10 order of checks: the fees and the end date before a campaign that is over") {
  World w;
  const CampaignId c = Declare(w, World::kMhlw, TokyoCampaign());
  w.Ok(As(World::kMhlw), RegisterCampaignEnd{c, Day(12)});
  w.RunTo(Day(12));
  REQUIRE(CampaignOf(w, c).ended);
  // Over (409), and the request's own fields wrong (422): the field is named.
  CHECK_EQ(
      w.Refusal(As(World::kMhlw), ChangeCampaignFees{c, {}}, StatusCode::kInvalidArgument).field(),
      "fees");
  CHECK_EQ(
      w.Refusal(As(World::kMhlw), RegisterCampaignEnd{c, Day(11)}, StatusCode::kInvalidArgument)
          .field(),
      "end_date");
  CHECK_EQ(w.Refusal(As(World::kChiyoda), SetAdditionalFees{c, {{"mumps_unknown", 100}}},
                     StatusCode::kInvalidArgument)
               .field(),
           "fees");
  w.Refused(As(World::kMhlw), RegisterCampaignEnd{c, Day(20)}, StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace shugo::core
