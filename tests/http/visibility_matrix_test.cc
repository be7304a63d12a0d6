// The visibility matrix (F-8, issue 6 item 6): every letter and organisation route over real HTTP
// × every organisation of a test world that has every organisation kind, in two prefectures. What
// each may read is decided by the domain's reading of the rule (core::MaySeeLetter,
// core::MaySeeOrganisationRecord, core/visibility.h) and must be exactly what the routes answer
// (which read the projections' SQL reading); what it may not see answers 404 with the body of an
// unknown id, and no refusal appends anything. A user of one prefecture never sees another
// prefecture's letters.
#include <map>
#include <set>

#include "core/visibility.h"
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::LetterId;
using core::OrgId;
using core::test::As;
using core::test::Day;
using K = core::OrganisationKind;

constexpr const char* kKanagawa = "140007";
constexpr const char* kYokosuka = "142018";
constexpr const char* kKanagawaMa = "1400";
constexpr const char* kYokosukaMa = "1401";

// The test world (tests/core/world.h, all in 東京都) with letters in every status — applied,
// returned, approved, in_contract, withdrawn, secession_scheduled (F-6 and F-10-4), seceded (F-6
// and a campaign's end, F-10-4) and terminated (F-7) — temporary letters of two campaigns (F-10:
// municipalities as 実施主体 with their chains up to 全国知事会 and 日本医師会, and 東京都 as
// 実施主体 delegating to 全国知事会 by hand), a 広域連合 with a member and an institution in its
// area, and a second prefecture (神奈川県) with its own 国保連合会, 医師会, municipality,
// institution and letters (a terminated and a temporary one among them) — all through core
// commands. Every organisation has a signed-in browser on demand.
//
// domain.md §5 (F-8) states who sees what by the parties and the area only: "an institution its
// own letters; a delegate the letters addressed to it and the chains above them; a
// municipality/prefecture its own letters and the institutions in its area; a 国保連合会 its
// prefecture; 国保中央会 and MHLW everything". It names no status and no contract type, so a
// temporary letter and a letter that has ended (seceded, terminated) or is about to
// (secession_scheduled) are seen by exactly the same rule as any other — an ended letter stays
// visible to the same organisations for the audit its statuses are kept for (§3 "kept for
// audit").
struct Matrix : Served {
  Matrix() {
    // 東京都 (SomeLetters of tests/projections, and more).
    const LetterId a = Apply(inst_member);
    Approve({a});
    const LetterId b = Apply(inst_nonmember);
    Ok(As(Code(chuo_ma)), core::ReturnLetter{b, "書類不備"});
    ApplyApproved(chiyoda);
    Apply(inst_aggregated);
    Apply(site_municipal);
    Apply(site_prefectural);
    Apply(wide_union);
    const LetterId c = Apply(inst_member2);
    Ok(As(Code(inst_member2)), core::WithdrawLetter{c, "申請内容を見直すため"});
    // Voluntary letters in force from day 1, to end later: F-6 secession scheduled, F-6 seceded,
    // F-7 terminated.
    scheduled = ApplyApproved(inst_member2, core::ContractType::kVoluntarySubsidy);
    seceded = ApplyApproved(inst_nonmember, core::ContractType::kVoluntarySubsidy);
    terminated = ApplyApproved(inst_aggregated, core::ContractType::kVoluntaryConsignment);
    RegisterPaymentConsignment(chiyoda);
    // 八王子市 joins the union (F-1-9-1): an institution there is in the union's area.
    Ok(As(kMhlw),
       core::EnterOrganisationDate{kHachioji, core::test::DK::kUnionJoinScheduled, Day(5), kUnion});
    clock.SetMicros(Day(6).StartUnixMicros());
    RunTo(Day(6));
    hachioji_inst = RegisterInstitution("1312929628");
    Apply(hachioji_inst);
    // 神奈川県: the same chains in another prefecture.
    kanagawa = RegisterLocalGov(kKanagawa, K::kPrefecture);
    yokosuka = RegisterLocalGov(kYokosuka);
    {
      core::RegisterOrganisation r;
      r.kind = K::kPrefecturalFederation;
      r.code = "14";
      r.name = "神奈川県国民健康保険団体連合会";
      r.prefecture = 14;
      kanagawa_federation = Register(core::Actor::System("operator"), r);
    }
    {
      core::RegisterOrganisation r;
      r.kind = K::kPrefecturalMedicalAssociation;
      r.code = kKanagawaMa;
      r.name = core::test::ReferenceRow("medical_associations.csv", "14")[3];  // 神奈川県医師会
      r.prefecture = 14;
      kanagawa_ma = Register(As(kChuokai), r);
      r.kind = K::kLocalMedicalAssociation;
      r.code = kYokosukaMa;
      r.name = "横須賀市医師会";
      r.municipality_code = kYokosuka;
      r.parent_code = kKanagawaMa;
      yokosuka_ma = Register(As(kChuokai), r);
    }
    yokosuka_inst = RegisterInstitution("1411905728", kYokosukaMa);  // くどう小児科クリニック
    ApplyApproved(yokosuka_inst);
    Apply(yokosuka);
    // Day 6: the voluntary letters end (F-6 by the institution, F-7 by the municipality where it
    // is located), in both prefectures.
    Ok(As(Code(inst_member2)), core::RequestSecession{scheduled, Day(30), "移転のため"});
    Ok(As(Code(inst_nonmember)), core::RequestSecession{seceded, Day(7), "廃止のため"});
    Ok(As(kMinato), core::TerminateLetter{terminated, Day(6), "不正接種の確認"});
    terminated_14 = ApplyApproved(yokosuka_inst, core::ContractType::kVoluntarySubsidy);
    Ok(As(kYokosuka), core::TerminateLetter{terminated_14, Day(6), "接種誤りの多発"});
    // F-10-1: MHLW declares a campaign in both prefectures run by the municipalities, 東京都 one
    // of its own run by itself (予防接種法第6条第1項).
    const core::CampaignId by_municipalities =
        Declare(kMhlw, core::CampaignImplementer::kMunicipalities, {13, 14});
    const core::CampaignId by_prefecture =
        Declare(kTokyo, core::CampaignImplementer::kPrefecture, {13});
    // F-10-2/3: a municipality → 東京都 (→ 全国知事会), an institution → its 医師会 (→ 日本医師会),
    // 東京都 → 全国知事会 by hand, approved; 横須賀市 → 神奈川県, applied.
    temporary_municipal = ApplyTemporary(chiyoda, by_municipalities);
    Approve({temporary_municipal});
    temporary_institution = ApplyTemporary(inst_member, by_municipalities);
    Approve({temporary_institution});
    temporary_prefecture = ApplyTemporary(tokyo, by_prefecture);
    Approve({temporary_prefecture});
    temporary_14 = ApplyTemporary(yokosuka, by_municipalities);
    // F-10-4: 東京都's campaign ends on day 8; the helpdesk secedes the institution's letter.
    Ok(As(kTokyo), core::RegisterCampaignEnd{by_prefecture, Day(8)});
    RunTo(Day(7));
    Ok(As(kChuokai), core::RequestSecession{temporary_institution, Day(7).AddMonths(1),
                                            "相談の結果、脱退を認めるため"});
    RunTo(Day(8));
    // Approved on day 8, in force from day 9: an approved letter (the day job moved the others).
    ApplyApproved(inst_member2);
    proc->Read([&](const core::State& s) {
      orgs = s.organisations();
      letters = s.letters();
      return 0;
    });
  }

  core::LetterId ApplyTemporary(OrgId delegator, core::CampaignId campaign) {
    const core::Outcome o =
        Ok(As(Code(delegator)), core::ApplyLetter{core::ContractType::kTemporary, campaign, true});
    REQUIRE_EQ(o.created.size(), 1u);
    return o.created[0];
  }
  core::CampaignId Declare(const char* by, core::CampaignImplementer implementer,
                           std::vector<int> prefectures) {
    core::DeclareCampaign r;
    r.name = std::string("臨時接種（") + std::string(core::CodeName(implementer)) + "）";
    r.start_date = Today();
    r.implementer = implementer;
    r.prefectures = std::move(prefectures);
    r.fees = {{"covid_spikevax", 3960}};
    r.application_deadline = Day(20);
    r.approval_deadline = Day(25);
    const core::Outcome o = Ok(As(by), r);
    REQUIRE_EQ(o.created.size(), 1u);
    return o.created[0];
  }

  // A browser signed in as a ready admin of `org`, once per organisation.
  Browser& Browse(OrgId org) {
    auto it = browsers.find(org);
    if (it == browsers.end()) it = browsers.emplace(org, SignedIn(org)).first;
    return it->second;
  }
  // The projections have read the whole log (sign-ins append their users too).
  void Settle() {
    const Status s = projection->WaitFor(Head(), std::chrono::seconds(30));
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  bool Sees(OrgId viewer, LetterId letter) const {
    return proc->Read([&](const core::State& s) { return core::MaySeeLetter(s, viewer, letter); });
  }
  bool SeesRecord(OrgId viewer, OrgId org) const {
    return proc->Read(
        [&](const core::State& s) { return core::MaySeeOrganisationRecord(s, viewer, org); });
  }
  // The ids of GET /api/letters`query` for `b`, paged through 7 at a time.
  std::set<LetterId> Listed(Browser& b, const std::string& query = "") {
    std::set<LetterId> ids;
    int64_t total = -1;
    for (int page = 1; page < 100; ++page) {
      Res r = b.Get("/api/letters?per_page=7&page=" + std::to_string(page) + query);
      REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
      const json::object body = Body(r);
      total = body.at("total").to_number<int64_t>();
      CHECK_FALSE(body.at("more").as_bool());
      const json::array& items = body.at("items").as_array();
      for (const json::value& item : items) {
        CHECK_MESSAGE(ids.insert(item.as_object().at("id").to_number<LetterId>()).second,
                      "listed twice");
      }
      if (items.size() < 7) break;
    }
    CHECK_EQ(total, static_cast<int64_t>(ids.size()));
    return ids;
  }

  OrgId hachioji_inst = 0, kanagawa = 0, yokosuka = 0, kanagawa_federation = 0, kanagawa_ma = 0,
        yokosuka_ma = 0, yokosuka_inst = 0;
  LetterId scheduled = 0, seceded = 0, terminated = 0, terminated_14 = 0;
  LetterId temporary_municipal = 0, temporary_institution = 0, temporary_prefecture = 0,
           temporary_14 = 0;
  std::vector<core::Organisation> orgs;
  std::vector<core::Letter> letters;
  std::map<OrgId, Browser> browsers;
};

// Every kind of organisation is in the matrix, each in its own row.
void ExpectEveryKind(const Matrix& w) {
  std::set<K> kinds;
  for (const core::Organisation& o : w.orgs) kinds.insert(o.kind);
  CHECK_EQ(kinds.size(), core::OrganisationKinds().size());
}

// `text` percent-encoded for a query string.
std::string Percent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

constexpr const char* kUnknownLetter = "/api/letters/987654321";
constexpr const char* kUnknownOrg = "/api/organisations/9999999999";

TEST_CASE("visibility matrix: one letter and its history answer exactly what the rule lets see") {
  Matrix w;
  ExpectEveryKind(w);
  REQUIRE_GE(w.letters.size(), 15u);
  for (const core::Organisation& viewer : w.orgs) w.Browse(viewer.id);
  w.Settle();
  std::map<K, int> seen_by_kind;
  for (const core::Organisation& viewer : w.orgs) {
    CAPTURE(viewer.code);
    Browser& b = w.Browse(viewer.id);
    const Res unknown = b.Get(kUnknownLetter);
    REQUIRE_EQ(unknown.result(), bhttp::status::not_found);
    const Res unknown_history = b.Get(std::string(kUnknownLetter) + "/history");
    REQUIRE_EQ(unknown_history.result(), bhttp::status::not_found);
    for (const core::Letter& l : w.letters) {
      CAPTURE(l.id);
      const std::string path = "/api/letters/" + std::to_string(l.id);
      const bool sees = w.Sees(viewer.id, l.id);
      seen_by_kind[viewer.kind] += sees;
      const Res one = b.Get(path);
      const Res history = b.Get(path + "/history");
      if (sees) {
        REQUIRE_MESSAGE(one.result() == bhttp::status::ok, one.body());
        CHECK_EQ(Body(one).at("id").to_number<LetterId>(), l.id);
        REQUIRE_MESSAGE(history.result() == bhttp::status::ok, history.body());
        CHECK_FALSE(Body(history).at("items").as_array().empty());
      } else {
        CHECK_EQ(one.result(), bhttp::status::not_found);
        CHECK_EQ(one.body(), unknown.body());
        CHECK_EQ(history.result(), bhttp::status::not_found);
        CHECK_EQ(history.body(), unknown_history.body());
      }
    }
  }
  // The matrix is not trivially empty or full: the national supervisors see every letter, and
  // every kind sees at least its own.
  CHECK_EQ(seen_by_kind[K::kMhlw], static_cast<int>(w.letters.size()));
  CHECK_EQ(seen_by_kind[K::kCentralFederation], static_cast<int>(w.letters.size()));
  for (const auto& [kind, n] : seen_by_kind) {
    CAPTURE(core::CodeName(kind));
    CHECK_GT(n, 0);
  }
}

TEST_CASE(
    "visibility matrix: temporary letters and letters that ended are seen by the parties and areas "
    "of domain.md §5 like any other") {
  Matrix w;
  // The world has every status, temporary letters of both 実施主体 and in both prefectures.
  std::set<std::string> statuses, temporary;
  for (const core::Letter& l : w.letters) {
    statuses.insert(std::string(core::CodeName(l.status)));
    if (l.contract_type == core::ContractType::kTemporary) {
      temporary.insert(std::string(core::CodeName(l.status)));
    }
  }
  // As text, so that a mismatch shows both.
  const auto joined = [](const std::set<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += n + " ";
    return out;
  };
  CHECK_EQ(
      joined(statuses),
      "applied approved in_contract returned seceded secession_scheduled terminated withdrawn ");
  CHECK_EQ(joined(temporary), "applied in_contract seceded secession_scheduled ");
  CHECK_EQ(w.L(w.scheduled).status, core::LetterStatus::kSecessionScheduled);              // F-6
  CHECK_EQ(w.L(w.seceded).status, core::LetterStatus::kSeceded);                           // F-6
  CHECK_EQ(w.L(w.terminated).status, core::LetterStatus::kTerminated);                     // F-7
  CHECK_EQ(w.L(w.terminated_14).status, core::LetterStatus::kTerminated);                  // F-7
  CHECK_EQ(w.L(w.temporary_institution).status, core::LetterStatus::kSecessionScheduled);  // F-10-4
  CHECK_EQ(w.L(w.temporary_prefecture).status, core::LetterStatus::kSeceded);  // F-10-4 end
  // The re-delegation above the municipality's temporary letter (東京都 → 全国知事会, F-10-2).
  LetterId above = 0;
  for (const core::Letter& l : w.letters) {
    if (l.redelegation && l.under == w.temporary_municipal) above = l.id;
  }
  REQUIRE_NE(above, 0u);
  CHECK_EQ(w.L(above).delegate, w.chijikai);

  // Who sees each, read off the rule's wording: the parties; the municipality and the prefecture
  // of an institution's area; the 国保連合会 of the delegator's prefecture; MHLW and 国保中央会.
  const std::vector<std::pair<LetterId, std::set<OrgId>>> expected{
      // 東京都 → 全国知事会 (seceded at the campaign's end): a prefecture's own letter is not an
      // institution's, so no municipality sees it.
      {w.temporary_prefecture, {w.tokyo, w.chijikai, w.federation, w.mhlw, w.chuokai}},
      // 千代田区 → 東京都 (in force) and 東京都 → 全国知事会 above it.
      {w.temporary_municipal, {w.chiyoda, w.tokyo, w.federation, w.mhlw, w.chuokai}},
      {above, {w.tokyo, w.chijikai, w.federation, w.mhlw, w.chuokai}},
      // An institution's temporary letter (secession scheduled by the helpdesk): its 医師会, its
      // municipality and prefecture; not the 医師会 above (only the re-delegations reach them).
      {w.temporary_institution,
       {w.inst_member, w.chiyoda_ma, w.chiyoda, w.tokyo, w.federation, w.mhlw, w.chuokai}},
      // F-7 terminated by 港区, where the institution is located; its 取りまとめ団体.
      {w.terminated,
       {w.inst_aggregated, w.aggregator, w.minato, w.tokyo, w.federation, w.mhlw, w.chuokai}},
      // 神奈川県: terminated by 横須賀市, and a temporary letter only applied.
      {w.terminated_14,
       {w.yokosuka_inst, w.yokosuka_ma, w.yokosuka, w.kanagawa, w.kanagawa_federation, w.mhlw,
        w.chuokai}},
      {w.temporary_14, {w.yokosuka, w.kanagawa, w.kanagawa_federation, w.mhlw, w.chuokai}},
  };
  for (const auto& [letter, viewers] : expected) {
    CAPTURE(letter);
    for (const core::Organisation& viewer : w.orgs) {
      CAPTURE(viewer.code);
      CHECK_EQ(w.Sees(viewer.id, letter), viewers.contains(viewer.id));
    }
  }
  // Over HTTP (the SQL reading) for a few of them, the rest in the matrix below.
  for (const OrgId viewer : {w.tokyo, w.chijikai, w.jma, w.chiyoda, w.kanagawa_federation})
    w.Browse(viewer);
  w.Settle();
  for (const OrgId viewer : {w.tokyo, w.chijikai, w.jma, w.chiyoda, w.kanagawa_federation}) {
    CAPTURE(w.Code(viewer));
    for (const auto& [letter, viewers] : expected) {
      CAPTURE(letter);
      const Res r = w.Browse(viewer).Get("/api/letters/" + std::to_string(letter));
      CHECK_EQ(r.result(), viewers.contains(viewer) ? bhttp::status::ok : bhttp::status::not_found);
    }
  }
}

TEST_CASE("visibility matrix: the letter list pages through exactly the visible set") {
  Matrix w;
  for (const core::Organisation& viewer : w.orgs) w.Browse(viewer.id);
  w.Settle();
  for (const core::Organisation& viewer : w.orgs) {
    CAPTURE(viewer.code);
    std::set<LetterId> want;
    for (const core::Letter& l : w.letters) {
      if (w.Sees(viewer.id, l.id)) want.insert(l.id);
    }
    CHECK(w.Listed(w.Browse(viewer.id)) == want);
    // A filter naming someone else's letters never widens the set.
    for (const OrgId other : {w.inst_member, w.yokosuka_inst, w.tokyo, w.kanagawa}) {
      const std::set<LetterId> got = w.Listed(w.Browse(viewer.id), "&delegator=" + w.Code(other));
      for (const LetterId id : got) {
        CAPTURE(id);
        CHECK(want.contains(id));
        CHECK_EQ(w.L(id).delegator, other);
      }
    }
  }
}

TEST_CASE(
    "visibility matrix: letter commands answer 404 for what the caller may not see and never act "
    "for an organisation that may not") {
  Matrix w;
  for (const core::Organisation& viewer : w.orgs) w.Browse(viewer.id);
  w.Settle();
  const std::string later = Day(60).ToString();
  const std::map<std::string, json::object> actions{
      {"approve", {}},
      {"reapply", {}},
      {"return", {{"reason", "確認のため"}}},
      {"withdraw", {{"reason", "確認のため"}}},
      {"secede", {{"date", later}, {"reason", "移転のため"}}},
      {"terminate", {{"date", later}, {"reason", "不正接種の確認"}}},
  };
  for (const core::Organisation& viewer : w.orgs) {
    CAPTURE(viewer.code);
    Browser& b = w.Browse(viewer.id);
    // Who might lawfully act on some letter by some command (domain.md §3): its parties, the
    // authorities that terminate (F-7) and the helpdesk (F-10-4). Their commands carry a stale
    // If-Match so that nothing is appended; everyone else's is refused by the rules alone.
    const bool authority = viewer.kind == K::kMunicipality || viewer.kind == K::kWideAreaUnion ||
                           viewer.kind == K::kPrefecture || viewer.kind == K::kCentralFederation;
    for (const auto& [action, body] : actions) {
      CAPTURE(action);
      const std::string suffix = "/" + action;
      testing::HttpHeaders h{{"Content-Type", "application/json"},
                             {"Cookie", "shugo_session=" + b.cookie},
                             {"X-CSRF-Token", b.csrf}};
      const Res unknown = testing::HttpCall(w.server->port(), bhttp::verb::post,
                                            kUnknownLetter + suffix, json::serialize(body), h);
      REQUIRE_EQ(unknown.result(), bhttp::status::not_found);
      for (const core::Letter& l : w.letters) {
        CAPTURE(l.id);
        const bool sees = w.Sees(viewer.id, l.id);
        const bool might_act = l.delegator == viewer.id || l.delegate == viewer.id || authority;
        testing::HttpHeaders with = h;
        if (might_act) with.emplace_back("If-Match", "\"999999\"");
        const auto before = w.Head();
        const Res r = testing::HttpCall(w.server->port(), bhttp::verb::post,
                                        "/api/letters/" + std::to_string(l.id) + suffix,
                                        json::serialize(body), with);
        CHECK_MESSAGE(r.result_int() >= 400, r.body());
        CHECK_EQ(w.Head(), before);
        if (!sees) {
          CHECK_EQ(r.result(), bhttp::status::not_found);
          CHECK_EQ(r.body(), unknown.body());
        } else {
          CHECK_MESSAGE(r.result() != bhttp::status::not_found, r.body());
          if (!might_act) CHECK_MESSAGE(r.result_int() != 500, r.body());
        }
      }
    }
  }
  // Every letter is as it was.
  for (const core::Letter& l : w.letters) {
    CAPTURE(l.id);
    CHECK_EQ(w.L(l.id).status, l.status);
    CHECK_EQ(w.L(l.id).version, l.version);
  }
}

TEST_CASE(
    "visibility matrix: an organisation shows its whole record and history exactly when the rule "
    "says so and its public facts otherwise") {
  Matrix w;
  ExpectEveryKind(w);
  for (const core::Organisation& viewer : w.orgs) w.Browse(viewer.id);
  w.Settle();
  int full = 0, partial = 0;
  for (const core::Organisation& viewer : w.orgs) {
    CAPTURE(viewer.code);
    Browser& b = w.Browse(viewer.id);
    const Res unknown_history = b.Get(std::string(kUnknownOrg) + "/history");
    REQUIRE_EQ(unknown_history.result(), bhttp::status::not_found);
    for (const core::Organisation& o : w.orgs) {
      CAPTURE(o.code);
      const std::string path = "/api/organisations/" + o.code;
      const Res one = b.Get(path);
      REQUIRE_MESSAGE(one.result() == bhttp::status::ok, one.body());
      const json::object record = Body(one);
      CHECK_EQ(record.at("code").as_string(), o.code);
      CHECK_EQ(record.at("name").as_string(), o.name);
      const bool sees = w.SeesRecord(viewer.id, o.id);
      (sees ? full : partial)++;
      // The domain's reading (core) and the projections' (SQL, behind the route) agree.
      CHECK_EQ(record.at("scope").as_string(), sees ? "full" : "public");
      for (const char* key : {"affiliation", "member_of", "collective_contract"}) {
        CAPTURE(key);
        CHECK_EQ(record.contains(key), record.at("scope").as_string() == "full");
      }
      const Res history = b.Get(path + "/history");
      if (record.at("scope").as_string() == "full") {
        CHECK_MESSAGE(history.result() == bhttp::status::ok, history.body());
      } else {
        CHECK_EQ(history.result(), bhttp::status::not_found);
        CHECK_EQ(history.body(), unknown_history.body());
      }
    }
  }
  CHECK_GT(full, 0);
  CHECK_GT(partial, 0);
}

TEST_CASE(
    "visibility matrix: a user of a prefecture or of its municipality never sees another "
    "prefecture's letters") {
  Matrix w;
  const std::map<OrgId, int> viewers{{w.tokyo, 13},      {w.chiyoda, 13},
                                     {w.federation, 13}, {w.kanagawa, 14},
                                     {w.yokosuka, 14},   {w.kanagawa_federation, 14}};
  for (const auto& [viewer, prefecture] : viewers) w.Browse(viewer);
  w.Settle();
  for (const auto& [viewer, prefecture] : viewers) {
    CAPTURE(w.Code(viewer));
    Browser& b = w.Browse(viewer);
    // The letters whose delegator is in the other prefecture (the viewer is party to none).
    std::set<LetterId> foreign;
    for (const core::Letter& l : w.letters) {
      const core::Organisation from = w.Org(l.delegator);
      if (from.prefecture == 0 || from.prefecture == prefecture) continue;
      REQUIRE_NE(l.delegate, viewer);
      foreign.insert(l.id);
    }
    REQUIRE_GE(foreign.size(), 3u);
    for (const LetterId id : foreign) {
      CAPTURE(id);
      const std::string path = "/api/letters/" + std::to_string(id);
      CHECK_EQ(b.Get(path).result(), bhttp::status::not_found);
      CHECK_EQ(b.Get(path + "/history").result(), bhttp::status::not_found);
    }
    const std::set<LetterId> listed = w.Listed(b);
    CHECK_FALSE(listed.empty());
    // Searching by the names of the other prefecture's parties finds none of their letters.
    for (const char* q : {"", "横須賀", "くどう小児科", "神奈川", "千代田", "紀尾井町", "東京",
                          "クリニック", "医師会"}) {
      CAPTURE(q);
      const std::string query = *q == 0 ? "" : "&q=" + Percent(q);
      for (const LetterId id : w.Listed(b, query)) {
        CAPTURE(id);
        CHECK_FALSE(foreign.contains(id));
        CHECK(listed.contains(id));
      }
    }
  }
}

}  // namespace
}  // namespace shugo::http
