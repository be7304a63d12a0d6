// The organisation command routes over real HTTP (issue 6), the F-1 masters and their dates:
// registering (F-1-1 … F-1-5), the change with its diff preview ("変更内容の表示 → 確認"), the
// F-1-8/9 and F-5-2 dates; and what every command route shares: 401 without a session, unknown
// members named, If-Match refused where the target has no version. The F-2 routes are in
// organisation_commands_fees_test.cc, F-1-4-3, F-5-1, F-10 and F-1-5 in
// organisation_commands_flows_test.cc.
#include "tests/http/organisation_commands.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

constexpr const char* kShinjuku = "131041";  // 新宿区: not registered in the test world

json::object NewMunicipality() {
  return {
      {"kind", "municipality"}, {"code", kShinjuku}, {"name", "新宿区"}, {"kana", "シンジュクク"}};
}

TEST_CASE("organisation commands: every route answers 401 without a session and appends nothing") {
  Served w;
  Browser nobody = w.NewBrowser();
  const std::string inst = w.Code(w.inst_member);
  const std::vector<std::string> paths = {"/api/organisations",
                                          "/api/organisations/131016/changes/preview",
                                          "/api/organisations/131016/changes",
                                          "/api/organisations/131016/dates",
                                          "/api/organisations/131016/vaccines",
                                          "/api/organisations/131016/vaccines/end",
                                          "/api/organisations/138029/vaccine-setting-unit",
                                          "/api/organisations/" + inst + "/contract-municipalities",
                                          "/api/organisations/" + inst + "/handled-vaccines",
                                          "/api/organisations/" + inst + "/fee-floor",
                                          "/api/code-changes",
                                          "/api/code-changes/" + inst + "/1/review",
                                          "/api/collective-contract",
                                          "/api/campaigns",
                                          "/api/campaigns/1/fees",
                                          "/api/campaigns/1/additional-fees",
                                          "/api/campaigns/1/end",
                                          "/api/non-insured/links",
                                          "/api/non-insured/1/review"};
  for (const std::string& path : paths) {
    ExpectRefused(w, nobody, path, {}, bhttp::status::unauthorized);
  }
}

TEST_CASE("organisation commands: an unknown member of any route is a 400 that names it") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  Browser union_ = w.SignedIn(w.wide_union);
  Browser inst = w.SignedIn(w.inst_member);
  const std::string own = "/api/organisations/" + w.Code(w.inst_member);
  const std::vector<std::pair<Browser*, std::string>> routes = {
      {&mhlw, "/api/organisations"},
      {&mhlw, "/api/organisations/131016/changes/preview"},
      {&mhlw, "/api/organisations/131016/changes"},
      {&mhlw, "/api/organisations/131016/dates"},
      {&mhlw, "/api/organisations/131016/vaccines"},
      {&mhlw, "/api/organisations/131016/vaccines/end"},
      {&union_, "/api/organisations/138029/vaccine-setting-unit"},
      {&inst, own + "/contract-municipalities"},
      {&inst, own + "/handled-vaccines"},
      {&inst, own + "/fee-floor"},
      {&inst, "/api/code-changes"},
      {&mhlw, "/api/code-changes/" + w.Code(w.inst_member) + "/1/review"},
      {&mhlw, "/api/collective-contract"},
      {&mhlw, "/api/campaigns"},
      {&mhlw, "/api/campaigns/1/fees"},
      {&mhlw, "/api/campaigns/1/additional-fees"},
      {&mhlw, "/api/campaigns/1/end"},
      {&mhlw, "/api/non-insured/links"},
      {&mhlw, "/api/non-insured/1/review"},
  };
  for (const auto& [browser, path] : routes) {
    ExpectRefused(w, *browser, path, {{"acting_organisation", "mhlw"}}, bhttp::status::bad_request,
                  "acting_organisation");
  }
}

TEST_CASE("organisation commands: routes that create their record refuse If-Match") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  Browser inst = w.SignedIn(w.inst_member);
  Browser tokyo = w.SignedIn(w.tokyo);
  for (const auto& [browser, path] : std::vector<std::pair<Browser*, std::string>>{
           {&mhlw, "/api/organisations"},
           {&mhlw, "/api/organisations/131016/changes/preview"},
           {&mhlw, "/api/campaigns"},
           {&mhlw, "/api/non-insured/links"}}) {
    ExpectRefused(w, *browser, path, {}, bhttp::status::bad_request, "If-Match", IfMatch(1));
  }
  // With bodies that would be taken without If-Match (the core refuses a version for these
  // commands too, tests/core/code_change_test.cc).
  ExpectRefused(w, mhlw, "/api/organisations", NewMunicipality(), bhttp::status::bad_request,
                "If-Match", IfMatch(0));
  ExpectRefused(w, tokyo, "/api/non-insured/links", {{"expires", "2025-05-01"}},
                bhttp::status::bad_request, "If-Match", IfMatch(0));
  // F-3: an application creates its letter (the letter routes take If-Match for the others).
  ExpectRefused(w, inst, "/api/letters",
                {{"contract_type", "routine"}, {"document_confirmed", true}},
                bhttp::status::bad_request, "If-Match", IfMatch(0));
  Res applied = Command(w, inst, "/api/letters",
                        {{"contract_type", "routine"}, {"document_confirmed", true}});
  CHECK_MESSAGE(applied.result() == bhttp::status::created, applied.body());
  // A malformed If-Match where one is taken.
  ExpectRefused(w, mhlw, "/api/organisations/131016/changes", {{"name", "千代田区"}},
                bhttp::status::bad_request, "If-Match", {{"If-Match", "\"one\""}});
}

TEST_CASE(
    "organisation commands: F-1-1 MHLW registers a municipality and a retry appends nothing") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  const json::object answer =
      ExpectIdempotent(w, mhlw, "/api/organisations", NewMunicipality(), bhttp::status::created);
  CHECK_EQ(answer.at("code").as_string(), kShinjuku);
  CHECK_EQ(answer.at("kind").as_string(), "municipality");
  CHECK_EQ(Number(answer, "version"), 1u);
  REQUIRE_EQ(answer.at("created").as_array().size(), 1u);
  const core::Organisation o = w.Org(answer.at("created").as_array()[0].to_number<uint64_t>());
  CHECK_EQ(o.code, kShinjuku);
  CHECK_EQ(o.name, "新宿区");
  CHECK_EQ(o.kana, "シンジュクク");
  CHECK_EQ(o.prefecture, 13);
  // The same code again: 409, and nothing appended.
  ExpectRefused(w, mhlw, "/api/organisations", With(NewMunicipality(), "name", "新宿区2"),
                bhttp::status::conflict);
}

TEST_CASE("organisation commands: F-1 registration checks its members and the registrar") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  const json::object good = NewMunicipality();
  ExpectBadMembers(w, mhlw, "/api/organisations",
                   {{Without(good, "kind"), "kind"},
                    {With(good, "kind", "village"), "kind"},
                    {With(good, "kind", 7), "kind"},
                    {Without(good, "name"), "name"},
                    {With(good, "name", 5), "name"},
                    {With(good, "code", json::array{}), "code"},
                    {With(good, "prefecture", "13"), "prefecture"},
                    {With(good, "prefecture", 13.5), "prefecture"},
                    {With(good, "opening_date", "2025/06/01"), "opening_date"},
                    {With(good, "opening_date", "2025-02-30"), "opening_date"},
                    {With(good, "member_of_code", false), "member_of_code"}});
  // Rules of the domain: 422 naming the member.
  ExpectRefused(w, mhlw, "/api/organisations", With(good, "code", "131042"),
                bhttp::status::unprocessable_entity, "code");
  ExpectRefused(w, mhlw, "/api/organisations", With(good, "opening_date", "2025-04-01"),
                bhttp::status::unprocessable_entity, "opening_date");
  // F-1-1 is MHLW's: an institution, a municipality or 国保中央会 may not register a municipality.
  Browser chuokai = w.SignedIn(w.chuokai);
  for (const Browser& who : {w.SignedIn(w.inst_member), w.SignedIn(w.chiyoda), chuokai}) {
    ExpectRefused(w, who, "/api/organisations", good, bhttp::status::forbidden);
  }
  // F-1-2: 国保中央会 registers a 郡市区医師会.
  Res r = Command(w, chuokai, "/api/organisations",
                  {{"kind", "local_medical_association"},
                   {"code", "1303"},
                   {"name", "港区医師会"},
                   {"prefecture", 13},
                   {"municipality_code", World::kMinato},
                   {"parent_code", World::kTokyoMa}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  CHECK_EQ(w.Org(Number(Body(r), "id")).parent, w.tokyo_ma);
}

TEST_CASE("organisation commands: F-1 the change preview shows the diff and appends nothing") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  const std::string path = "/api/organisations/" + std::string(World::kMinato) + "/changes";
  const json::object change{{"name", "港区役所"}, {"address", "東京都港区芝公園1-5-25"}};
  const auto before = w.Head();
  Res preview = Command(w, mhlw, path + "/preview", change);
  REQUIRE_MESSAGE(preview.result() == bhttp::status::ok, preview.body());
  CHECK_EQ(w.Head(), before);
  const json::object shown = Body(preview);
  const uint64_t version = Number(shown, "version");
  CHECK_EQ(std::string(preview[bhttp::field::etag]), "\"" + std::to_string(version) + "\"");
  const json::array want{json::object{{"field", "name"}, {"before", "港区"}, {"after", "港区役所"}},
                         json::object{{"field", "address"},
                                      {"before", w.Org(w.minato).address},
                                      {"after", "東京都港区芝公園1-5-25"}}};
  CHECK_EQ(shown.at("changes").as_array(), want);
  CHECK_EQ(w.Org(w.minato).name, "港区");

  // Confirmed at the previewed version: the same diff is recorded.
  const json::object done =
      ExpectIdempotent(w, mhlw, path, change, bhttp::status::ok, IfMatch(version));
  CHECK_EQ(done.at("changes").as_array(), want);
  CHECK_EQ(Number(done, "version"), version + 1);
  CHECK_EQ(w.Org(w.minato).name, "港区役所");
  // The preview now shows nothing to change, and the old version is stale.
  preview = Command(w, mhlw, path + "/preview", change);
  CHECK(Body(preview).at("changes").as_array().empty());
  ExpectRefused(w, mhlw, path, {{"name", "港区"}}, bhttp::status::conflict, "If-Match",
                IfMatch(version));
  // Nothing to change is a rule refusal on confirm.
  ExpectRefused(w, mhlw, path, change, bhttp::status::unprocessable_entity);
}

TEST_CASE("organisation commands: F-1 preview and change refuse bad members and other keepers") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  Browser inst = w.SignedIn(w.inst_nonmember);
  for (const std::string& suffix : std::vector<std::string>{"/changes", "/changes/preview"}) {
    const std::string path = "/api/organisations/" + std::string(World::kChuo) + suffix;
    ExpectBadMembers(w, mhlw, path,
                     {{{{"name", 1}}, "name"},
                      {{{"kana", true}}, "kana"},
                      {{{"address", json::array{"港区"}}}, "address"},
                      {{{"member_of_code", 1302}}, "member_of_code"},
                      {{{"code", "131024"}}, "code"}});
    // Another kind's master (F-1-1 is MHLW's): 403.
    ExpectRefused(w, inst, path, {{"name", "中央区役所"}}, bhttp::status::forbidden);
    // An unknown organisation: 404.
    ExpectRefused(w, mhlw, "/api/organisations/999999" + suffix, {{"name", "x"}},
                  bhttp::status::not_found);
  }
  // F-1-4-2: the municipality keeps its institutions' master, membership included.
  Browser chuo = w.SignedIn(w.chuo);
  const std::string path = "/api/organisations/" + w.Code(w.inst_nonmember) + "/changes";
  Res preview = Command(w, chuo, path + "/preview", {{"member_of_code", World::kChuoMa}});
  REQUIRE_MESSAGE(preview.result() == bhttp::status::ok, preview.body());
  CHECK_EQ(Body(preview).at("changes").as_array(),
           (json::array{json::object{{"field", "member_of"}, {"before", ""}, {"after", "1302"}}}));
  Res r = Command(w, chuo, path, {{"member_of_code", World::kChuoMa}},
                  IfMatch(Number(Body(preview), "version")));
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(w.Org(w.inst_nonmember).member_of, w.chuo_ma);
  // A membership the master does not know is a rule refusal (422 naming it).
  ExpectRefused(w, chuo, path, {{"member_of_code", "9999"}}, bhttp::status::unprocessable_entity,
                "member_of_code");
}

TEST_CASE(
    "organisation commands: F-1-1 a new municipality names its （旧）コード and the record shows "
    "both sides") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  const json::object mitaka{{"kind", "municipality"},
                            {"code", "132047"},
                            {"name", "三鷹市"},
                            {"former_codes", json::array{World::kChiyoda}}};
  ExpectBadMembers(w, mhlw, "/api/organisations",
                   {{With(mitaka, "former_codes", World::kChiyoda), "former_codes"},
                    {With(mitaka, "former_codes", json::array{131016}), "former_codes"}});
  ExpectRefused(w, mhlw, "/api/organisations", With(mitaka, "former_codes", json::array{"132063"}),
                bhttp::status::unprocessable_entity, "former_codes");
  // A caller of the right kind for another master, in the wrong place: 403.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  ExpectRefused(w, chiyoda, "/api/organisations", mitaka, bhttp::status::forbidden);
  Res r = Command(w, mhlw, "/api/organisations", mitaka);
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  const core::OrgId id = Number(Body(r), "id");
  CHECK_EQ(w.Org(id).predecessors, std::vector<core::OrgId>{w.chiyoda});
  const std::string position = std::to_string(Number(Body(r), "position"));

  Res successor = mhlw.Get("/api/organisations/132047?min_position=" + position);
  REQUIRE_MESSAGE(successor.result() == bhttp::status::ok, successor.body());
  const json::array former = Body(successor).at("former").as_array();
  REQUIRE_EQ(former.size(), 1u);
  CHECK_EQ(former[0].as_object().at("code").as_string(), World::kChiyoda);
  Res old = mhlw.Get(std::string("/api/organisations/") + World::kChiyoda);
  const json::array successors = Body(old).at("successors").as_array();
  REQUIRE_EQ(successors.size(), 1u);
  CHECK_EQ(successors[0].as_object().at("code").as_string(), "132047");
  CHECK(Body(old).at("former").as_array().empty());
}

TEST_CASE(
    "organisation commands: F-1-4-2 the keeper moves an institution and the preview shows it") {
  Served w;
  const std::string path = "/api/organisations/" + w.Code(w.inst_member) + "/changes";
  Browser chiyoda = w.SignedIn(w.chiyoda);
  Browser chuo = w.SignedIn(w.chuo);
  ExpectBadMembers(w, chiyoda, path, {{{{"municipality_code", 131024}}, "municipality_code"}});
  // A municipality of the right kind in the wrong area: 403, on the preview and on confirm.
  ExpectRefused(w, chuo, path + "/preview", {{"municipality_code", World::kChuo}},
                bhttp::status::forbidden);
  ExpectRefused(w, chuo, path, {{"municipality_code", World::kChuo}}, bhttp::status::forbidden);
  ExpectRefused(w, chiyoda, path, {{"municipality_code", World::kUnion}},
                bhttp::status::unprocessable_entity, "municipality_code");
  Res preview = Command(w, chiyoda, path + "/preview", {{"municipality_code", World::kChuo}});
  REQUIRE_MESSAGE(preview.result() == bhttp::status::ok, preview.body());
  CHECK_EQ(
      Body(preview).at("changes").as_array(),
      (json::array{json::object{
          {"field", "municipality_code"}, {"before", World::kChiyoda}, {"after", World::kChuo}}}));
  Res r = Command(w, chiyoda, path, {{"municipality_code", World::kChuo}},
                  IfMatch(Number(Body(preview), "version")));
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chuo);
  // Now 中央区's: its record says where it is, and 千代田区 no longer keeps it.
  const std::string position = std::to_string(Number(Body(r), "position"));
  Res record =
      chuo.Get("/api/organisations/" + w.Code(w.inst_member) + "?min_position=" + position);
  REQUIRE_MESSAGE(record.result() == bhttp::status::ok, record.body());
  CHECK_EQ(Body(record).at("municipality").as_object().at("code").as_string(), World::kChuo);
  ExpectRefused(w, chiyoda, path, {{"name", "移転後の名称"}}, bhttp::status::forbidden);
}

TEST_CASE("organisation commands: F-5-2 the federation registers payment consignment by date") {
  Served w;
  Browser federation = w.SignedIn(w.federation);
  const std::string path = "/api/organisations/" + std::string(World::kChiyoda) + "/dates";
  const json::object good{{"kind", "payment_consignment_registered"}, {"date", "2025-04-01"}};
  const uint64_t version = w.Org(w.chiyoda).version;
  ExpectRefused(w, federation, path, good, bhttp::status::conflict, "If-Match",
                IfMatch(version + 5));
  const json::object done =
      ExpectIdempotent(w, federation, path, good, bhttp::status::ok, IfMatch(version));
  CHECK_EQ(done.at("date_kind").as_string(), "payment_consignment_registered");
  CHECK_EQ(done.at("date").as_string(), "2025-04-01");
  CHECK_EQ(Number(done, "version"), version + 1);
  CHECK(w.Org(w.chiyoda).payment_consignment);
  // Registered already: a conflict with the state.
  ExpectRefused(w, federation, path, good, bhttp::status::conflict);
  // F-5-2 is the 国保連合会's: MHLW and the municipality itself may not.
  for (core::OrgId who : {w.mhlw, w.chuo}) {
    ExpectRefused(w, w.SignedIn(who), "/api/organisations/131024/dates", good,
                  bhttp::status::forbidden);
  }
  ExpectRefused(w, federation, "/api/organisations/131999/dates", good, bhttp::status::not_found);
}

TEST_CASE(
    "organisation commands: F-1-9-1 MHLW enters a union join date and the members are checked") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  const std::string path = "/api/organisations/" + std::string(World::kHachioji) + "/dates";
  const json::object good{
      {"kind", "union_join_scheduled"}, {"date", "2025-05-01"}, {"union_code", World::kUnion}};
  ExpectBadMembers(
      w, mhlw, path,
      {{Without(good, "kind"), "kind"},
       {With(good, "kind", "union_joined"), "kind"},
       {With(good, "kind", "opened"), "kind"},
       {Without(good, "date"), "date"},
       {With(good, "date", 20250501), "date"},
       {With(good, "date", "2025-5-1"), "date"},
       {Without(good, "union_code"), "union_code"},
       {With(good, "union_code", 138029), "union_code"},
       {{{"kind", "opening_scheduled"}, {"date", "2025-05-01"}, {"union_code", "138029"}},
        "union_code"}});
  // 加入日 must be in the future (a rule: 422).
  ExpectRefused(w, mhlw, path, With(good, "date", "2025-04-01"),
                bhttp::status::unprocessable_entity, "date");
  ExpectRefused(w, w.SignedIn(w.hachioji), path, good, bhttp::status::forbidden);
  const json::object done = ExpectIdempotent(w, mhlw, path, good, bhttp::status::ok);
  CHECK_EQ(done.at("code").as_string(), World::kHachioji);
  CHECK_EQ(w.Org(w.hachioji).union_id, w.wide_union);
}

TEST_CASE(
    "organisation commands: F-1-2 国保中央会 enters a 郡市区医師会's 廃止日 and applications to it "
    "stop") {
  Served w;
  Browser chuokai = w.SignedIn(w.chuokai);
  const std::string path = "/api/organisations/" + std::string(World::kChiyodaMa) + "/dates";
  const json::object good{{"kind", "abolition_scheduled"}, {"date", "2025-05-01"}};
  // The keeper of the 医師会 master only: not MHLW, nor another 医師会 of the same prefecture.
  ExpectRefused(w, w.SignedIn(w.mhlw), path, good, bhttp::status::forbidden);
  ExpectRefused(w, w.SignedIn(w.chuo_ma), path, good, bhttp::status::forbidden);
  // A 都道府県医師会 is not abolished here (the top of its prefecture's chains).
  ExpectRefused(w, chuokai, "/api/organisations/" + std::string(World::kTokyoMa) + "/dates", good,
                bhttp::status::conflict);
  const json::object done = ExpectIdempotent(w, chuokai, path, good, bhttp::status::ok);
  CHECK_EQ(done.at("date_kind").as_string(), "abolition_scheduled");
  CHECK(w.Org(w.chiyoda_ma).abolition_date.has_value());
  // Its members apply no more until they move (409 in Japanese).
  Res r = w.SignedIn(w.inst_member)
              .Post("/api/letters", {{"contract_type", "routine"}, {"document_confirmed", true}});
  CHECK_EQ(r.result(), bhttp::status::conflict);
  CHECK_MESSAGE(r.body().find("廃止") != std::string::npos, r.body());
}

// The keeper by area (issue 23): the municipality where an insured institution is located, the
// prefecture where a non-insured site is (docs/core.md "The keeper of a master record").
constexpr const char* kSapporo = "011002";   // 札幌市
constexpr const char* kHokkaido = "010006";  // 北海道

TEST_CASE(
    "organisation commands: F-1-4-2 the keeper by area: 札幌市 may not change a 千代田区 clinic") {
  Served w;
  Browser sapporo = w.SignedIn(w.RegisterLocalGov(kSapporo));
  const std::string path = "/api/organisations/" + w.Code(w.inst_member) + "/changes";
  const json::object rename{{"name", "札幌の紀尾井町クリニック"}};
  // The preview and the change: 403 naming the record, and nothing appended.
  for (const std::string& suffix : std::vector<std::string>{"/preview", ""}) {
    ExpectRefused(w, sapporo, path + suffix, rename, bhttp::status::forbidden, "code");
  }
  Res r = Command(w, sapporo, path, rename);
  CHECK_EQ(ErrorCode(r), "permission_denied");
  CHECK_EQ(std::string(Body(r).at("error").as_object().at("message").as_string()),
           "札幌市は千代田区に所在する紀尾井町クリニックを変更できません"
           "（所在地の市区町村またはその広域連合が行います、F-1-4-2）");
  // Another municipality of the same prefecture neither.
  Browser chuo = w.SignedIn(w.chuo);
  ExpectRefused(w, chuo, path, rename, bhttp::status::forbidden, "code");
  CHECK_EQ(w.Org(w.inst_member).name, "紀尾井町クリニック");
  // The municipality where it is located changes it.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  Res preview = Command(w, chiyoda, path + "/preview", rename);
  REQUIRE_MESSAGE(preview.result() == bhttp::status::ok, preview.body());
  r = Command(w, chiyoda, path, rename, IfMatch(Number(Body(preview), "version")));
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(w.Org(w.inst_member).name, "札幌の紀尾井町クリニック");

  // Registering: 札幌市 may not register a clinic of 中央区; 中央区 does.
  const json::object clinic{{"kind", "insured_institution"},
                            {"code", "1310237487"},
                            {"name", "ＧＩＮＺＡ Ｂｅａｕｔｙ Ａｎｇｅｌ クリニック"},
                            {"municipality_code", World::kChuo}};
  ExpectRefused(w, sapporo, "/api/organisations", clinic, bhttp::status::forbidden,
                "municipality_code");
  ExpectRefused(w, chiyoda, "/api/organisations", clinic, bhttp::status::forbidden,
                "municipality_code");
  r = Command(w, chuo, "/api/organisations", clinic);
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  CHECK_EQ(w.Org(Number(Body(r), "id")).municipality, w.chuo);
}

TEST_CASE("organisation commands: F-1-5 the keeper by area: only the site's prefecture keeps it") {
  Served w;
  Browser hokkaido = w.SignedIn(w.RegisterLocalGov(kHokkaido, core::OrganisationKind::kPrefecture));
  const std::string path = "/api/organisations/" + w.Code(w.site_municipal) + "/changes";
  const json::object rename{{"name", "千代田区第二集団接種会場"}};
  for (const std::string& suffix : std::vector<std::string>{"/preview", ""}) {
    ExpectRefused(w, hokkaido, path + suffix, rename, bhttp::status::forbidden, "code");
  }
  // The municipality that set it up reports changes to the prefecture (F-1-5).
  ExpectRefused(w, w.SignedIn(w.chiyoda), path, rename, bhttp::status::forbidden, "code");
  Browser tokyo = w.SignedIn(w.tokyo);
  Res r = Command(w, tokyo, path, rename);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(w.Org(w.site_municipal).name, "千代田区第二集団接種会場");
  // Registering a site of 東京都: not 北海道, nor the municipality where it is; 東京都 does.
  const json::object site{{"kind", "non_insured_institution"},
                          {"name", "港区集団接種会場"},
                          {"prefecture", 13},
                          {"municipality_code", World::kMinato},
                          {"parent_code", World::kMinato}};
  ExpectRefused(w, hokkaido, "/api/organisations", site, bhttp::status::forbidden, "prefecture");
  ExpectRefused(w, w.SignedIn(w.minato), "/api/organisations", site, bhttp::status::forbidden,
                "kind");
  r = Command(w, tokyo, "/api/organisations", site);
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  CHECK_EQ(w.Org(Number(Body(r), "id")).parent, w.minato);
}

}  // namespace
}  // namespace shugo::http
