// F-10 campaigns and the histories of campaigns, F-1-5 entries and users over real HTTP
// (issue 24): who is concerned by a campaign sees it, the non-applicants each caller may see, and
// every history only for its parties — a caller of the right kind in the wrong area included.
#include <set>

#include "core/campaigns.h"
#include "core/non_insured.h"
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::test::As;
using core::test::Day;

// A campaign of 東京都 declared by MHLW, carried out by its municipalities.
core::CampaignId DeclareTokyo(Served& w) {
  core::DeclareCampaign r;
  r.name = "新型コロナウイルス感染症臨時接種";
  r.start_date = Day(10);
  r.implementer = core::CampaignImplementer::kMunicipalities;
  r.prefectures = {13};
  r.fees = {{"covid_spikevax", 3960}};
  r.application_deadline = Day(20);
  r.approval_deadline = Day(25);
  core::Outcome o = w.Ok(As(World::kMhlw), r);
  REQUIRE_EQ(o.created.size(), 1u);
  return o.created[0];
}

json::object Get(Browser& b, const std::string& target) {
  Res r = b.Get(target);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  return Body(r);
}

std::set<std::string> Codes(const json::array& items) {
  std::set<std::string> out;
  for (const json::value& v : items) out.emplace(v.as_object().at("code").as_string());
  return out;
}

TEST_CASE("campaigns: F-10 a campaign is listed and read by those it concerns") {
  Served w;
  const core::CampaignId c = DeclareTokyo(w);
  const std::string one = "/api/campaigns/" + std::to_string(c);
  w.Ok(As(World::kChiyoda), core::ApplyLetter{core::ContractType::kTemporary, c, true});

  Browser city = w.SignedIn(w.chiyoda);
  const json::array listed = Get(city, "/api/campaigns").at("items").as_array();
  REQUIRE_EQ(listed.size(), 1u);
  CHECK_EQ(listed[0].as_object().at("name").as_string(), "新型コロナウイルス感染症臨時接種");
  const json::object record = Get(city, one);
  CHECK_EQ(record.at("fees").as_array()[0].as_object().at("yen").to_number<int64_t>(), 3960);
  CHECK_EQ(record.at("letters").to_number<int64_t>(), 1);
  CHECK_EQ(record.at("declared_by").as_object().at("code").as_string(), World::kMhlw);

  // F-10 申請状況: the municipalities (and the union) of 東京都 that have not applied.
  Browser tokyo = w.SignedIn(w.tokyo);
  const json::object waiting = Get(tokyo, one + "/non-applicants");
  const std::set<std::string> codes = Codes(waiting.at("items").as_array());
  CHECK_FALSE(codes.contains(World::kChiyoda));
  CHECK(codes.contains(World::kChuo));
  CHECK(codes.contains(World::kUnion));
  // A municipality sees only itself among them: 中央区 its own entry, 千代田区 none.
  Browser chuo = w.SignedIn(w.chuo);
  CHECK_EQ(Codes(Get(chuo, one + "/non-applicants").at("items").as_array()),
           std::set<std::string>{World::kChuo});
  CHECK(Get(city, one + "/non-applicants").at("items").as_array().empty());

  // Another prefecture's municipality (the right kind, the wrong area) is not concerned: 404.
  const core::OrgId sapporo = w.RegisterLocalGov("011002");
  Browser away = w.SignedIn(sapporo);
  CHECK(Get(away, "/api/campaigns").at("items").as_array().empty());
  CHECK_EQ(away.Get(one).result(), bhttp::status::not_found);
  CHECK_EQ(away.Get(one + "/non-applicants").result(), bhttp::status::not_found);
  CHECK_EQ(away.Get(one + "/history").result(), bhttp::status::not_found);
  CHECK_EQ(city.Get("/api/campaigns/99").result(), bhttp::status::not_found);
  CHECK_EQ(city.Get("/api/campaigns/x1").result(), bhttp::status::not_found);

  // Its history: the declaration, for those it concerns.
  const json::array history = Get(city, one + "/history").at("items").as_array();
  REQUIRE_FALSE(history.empty());
  CHECK_EQ(history[0].as_object().at("type").as_string(), "campaign_declared");
}

TEST_CASE("histories: an F-1-5 entry's for its issuer and approver and a user's for its admins") {
  Served w;
  const core::Outcome issued = w.Ok(As(World::kChiyoda), core::IssueNonInsuredLink{Day(7)});
  const std::string entry = "/api/non-insured/" + std::to_string(issued.created.at(0)) + "/history";
  for (core::OrgId viewer : {w.chiyoda, w.tokyo}) {
    CAPTURE(viewer);
    Browser b = w.SignedIn(viewer);
    const json::array items = Get(b, entry).at("items").as_array();
    REQUIRE_EQ(items.size(), 1u);
    CHECK_EQ(items[0].as_object().at("type").as_string(), "non_insured_link_issued");
  }
  // Another municipality of the same prefecture (the right kind, the wrong area): 404.
  CHECK_EQ(w.SignedIn(w.chuo).Get(entry).result(), bhttp::status::not_found);

  // A user's history: the facts of its account, for the user itself and its organisation's
  // admins; not for another organisation's admin.
  Browser admin = w.SignedIn(w.chiyoda_ma);
  const json::object me = Get(admin, "/api/me");
  const std::string user =
      "/api/users/" + std::to_string(me.at("id").to_number<uint64_t>()) + "/history";
  const json::array facts = Get(admin, user).at("items").as_array();
  REQUIRE_FALSE(facts.empty());
  CHECK_EQ(facts[0].as_object().at("type").as_string(), "user_recorded");
  CHECK_EQ(w.SignedIn(w.chuo_ma).Get(user).result(), bhttp::status::not_found);
}

}  // namespace
}  // namespace shugo::http
