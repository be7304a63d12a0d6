// The queues awaiting the caller's decision and the summary of what needs its action, over real
// HTTP (issue 24): each lists what the caller's organisation is a party to and nothing of another
// area, a caller of the right kind in the wrong area included.
#include "core/non_insured.h"
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::test::As;
using core::test::Day;

constexpr const char* kNewCode = "1310237487";  // in the master (中央区), not registered

json::array Items(Browser& b, const std::string& target) {
  Res r = b.Get(target);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  return Body(r).at("items").as_array();
}

// The count of item `key` of GET /api/me/actions.
int64_t Count(Browser& b, std::string_view key) {
  for (const json::value& v : Items(b, "/api/me/actions")) {
    if (v.as_object().at("key").as_string() == key) {
      return v.as_object().at("count").to_number<int64_t>();
    }
  }
  FAIL("no item ", key);
  return -1;
}

TEST_CASE("queues: F_画面11-2-1 the code changes awaiting the approver and no one else") {
  Served w;
  core::RequestCodeChange change;
  change.new_code = kNewCode;
  change.reason = "移転";
  change.consent = true;
  w.Ok(As(w.Code(w.inst_member)), change);
  Browser chuo = w.SignedIn(w.chuo);
  const json::array items = Items(chuo, "/api/code-changes");
  REQUIRE_EQ(items.size(), 1u);
  const json::object& item = items[0].as_object();
  CHECK_EQ(item.at("institution").as_object().at("code").as_string(), w.Code(w.inst_member));
  CHECK_EQ(item.at("new_code").as_string(), kNewCode);
  CHECK_EQ(item.at("change").as_string(), "code_change");
  CHECK_EQ(item.at("review").as_string(),
           "/api/code-changes/" + w.Code(w.inst_member) + "/1/review");
  CHECK_EQ(Count(chuo, "code_changes"), 1);
  // A municipality of the right kind in the wrong area, and the institution itself: none.
  for (core::OrgId viewer : {w.chiyoda, w.minato, w.inst_member}) {
    CAPTURE(viewer);
    Browser b = w.SignedIn(viewer);
    CHECK(Items(b, "/api/code-changes").empty());
    CHECK_EQ(Count(b, "code_changes"), 0);
  }
  // MHLW sees every queue (F-8: every record).
  Browser mhlw = w.SignedIn(w.mhlw);
  CHECK_EQ(Items(mhlw, "/api/code-changes").size(), 1u);
  Res bad = chuo.Get("/api/code-changes?per_page=0");
  CHECK_EQ(bad.result(), bhttp::status::bad_request);
  CHECK_EQ(chuo.Get("/api/code-changes?status=open").result(), bhttp::status::bad_request);
}

TEST_CASE("queues: F_画面7-1-1 the F-1-5 entries awaiting their prefecture") {
  Served w;
  const core::Outcome issued = w.Ok(As(World::kChiyoda), core::IssueNonInsuredLink{Day(7)});
  const core::RegistrationId id = issued.created.at(0);
  Browser tokyo = w.SignedIn(w.tokyo);
  // Issued, not yet entered: nothing to decide.
  CHECK(Items(tokyo, "/api/non-insured").empty());
  w.Ok(core::Actor::System(core::kInputLinkUser), core::test::NonInsuredEntry(id));
  const json::array items = Items(tokyo, "/api/non-insured");
  REQUIRE_EQ(items.size(), 1u);
  CHECK_EQ(items[0].as_object().at("name").as_string(), "中央区職域接種センター");
  CHECK_EQ(items[0].as_object().at("issuer").as_object().at("code").as_string(), World::kChiyoda);
  CHECK_EQ(items[0].as_object().at("review").as_string(),
           "/api/non-insured/" + std::to_string(id) + "/review");
  CHECK_EQ(Count(tokyo, "non_insured"), 1);
  // The issuing municipality does not decide it; another prefecture sees nothing of it.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  CHECK(Items(chiyoda, "/api/non-insured").empty());
  const core::OrgId osaka = w.RegisterLocalGov("270008", core::OrganisationKind::kPrefecture);
  Browser other = w.SignedIn(osaka);
  CHECK(Items(other, "/api/non-insured").empty());
  CHECK_EQ(Count(other, "non_insured"), 0);
}

TEST_CASE("queues: what needs my action counts letters to approve and returned letters") {
  Served w;
  const core::LetterId first = w.Apply(w.inst_member);
  w.Apply(w.inst_member2);
  Browser ma = w.SignedIn(w.chiyoda_ma);
  CHECK_EQ(Count(ma, "letters_to_approve"), 2);
  Res r = ma.Get("/api/me/actions");
  const json::object body = Body(r);
  CHECK_EQ(body.at("organisation").as_object().at("code").as_string(), World::kChiyodaMa);
  // Each item names the list that opens it.
  const json::object list = body.at("items").as_array()[0].as_object().at("list").as_object();
  CHECK_EQ(list.at("route").as_string(), "/api/letters");
  CHECK_EQ(list.at("query").as_object().at("delegate").as_string(), World::kChiyodaMa);
  CHECK_EQ(list.at("query").as_object().at("status").as_string(), "applied");

  w.Ok(As(World::kChiyodaMa), core::ReturnLetter{first, "記入漏れ"});
  CHECK_EQ(Count(ma, "letters_to_approve"), 1);
  Browser clinic = w.SignedIn(w.inst_member);
  CHECK_EQ(Count(clinic, "letters_returned"), 1);
  CHECK_EQ(Count(clinic, "letters_to_approve"), 0);
  // Another 郡市区医師会 (the right kind, the wrong area) has nothing to do.
  Browser chuo_ma = w.SignedIn(w.chuo_ma);
  CHECK_EQ(Count(chuo_ma, "letters_to_approve"), 0);
  CHECK_EQ(Count(chuo_ma, "letters_returned"), 0);
  CHECK_EQ(ma.Get("/api/me/actions?page=1").result(), bhttp::status::bad_request);
}

}  // namespace
}  // namespace shugo::http
