// The organisation queries over real HTTP (domain.md §2, §5 F-8; issue 6): the search by name in
// any width or kana, one organisation's master with what each kind of organisation may see of it,
// its history, read-your-writes after an organisation command, and the F-21 CSV download.
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <map>
#include <set>

#include "projections/queries.h"
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::test::As;
using core::test::Day;

// A query value percent-encoded (UTF-8), for names in Japanese.
std::string Enc(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string Field(const Res& r) {
  return std::string(Body(r).at("error").as_object().at("field").as_string());
}
std::string Pos(const core::Outcome& o) { return std::to_string(o.append.last_position); }

// The names of a search's items.
std::set<std::string> Names(Browser& b, const std::string& query) {
  Res r = b.Get("/api/organisations?" + query);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const json::object page = Body(r);
  std::set<std::string> names;
  for (const auto& item : page.at("items").as_array()) {
    names.emplace(item.as_object().at("name").as_string());
  }
  return names;
}

// Every organisation of the search with its scope ("full" or "public"), by id.
std::map<core::OrgId, std::string> Scopes(Browser& b, const std::string& min_position = "") {
  Res r = b.Get("/api/organisations?per_page=500&min_position=" + min_position);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const json::object page = Body(r);
  std::map<core::OrgId, std::string> out;
  for (const auto& item : page.at("items").as_array()) {
    const auto& o = item.as_object();
    out[o.at("id").to_number<core::OrgId>()] = std::string(o.at("scope").as_string());
  }
  CHECK_EQ(static_cast<int64_t>(out.size()), page.at("total").as_int64());
  return out;
}

// The caller sees the public facts of every organisation, and the whole record of exactly
// `full`: both in the search and in GET one organisation, and the history only of those.
void ExpectFull(Served& w, Browser& b, const std::set<core::OrgId>& full) {
  const auto scopes = Scopes(b, std::to_string(w.Head()));
  const size_t organisations =
      w.proc->Read([](const core::State& s) { return s.organisations().size(); });
  CHECK_EQ(scopes.size(), organisations);
  for (const auto& [id, scope] : scopes) {
    CAPTURE(w.Org(id).name);
    const bool want = full.contains(id);
    CHECK_EQ(scope, want ? "full" : "public");
    Res one = b.Get("/api/organisations/" + w.Code(id));
    REQUIRE_EQ(one.result(), bhttp::status::ok);
    CHECK_EQ(Body(one).at("scope").as_string(), want ? "full" : "public");
    CHECK_EQ(Body(one).contains("collective_contract"), want);
    CHECK_EQ(Body(one).contains("member_of"), want);
    CHECK_EQ(b.Get("/api/organisations/" + w.Code(id) + "/history").result(),
             want ? bhttp::status::ok : bhttp::status::not_found);
  }
}

TEST_CASE("organisations: search finds names by half-width or full-width katakana and by kanji") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  const std::set<std::string> clinics{
      "紀尾井町クリニック", "医療法人社団 ＡＳＡＣ 内山九段クリニック", "勝どきみなみクリニック"};
  CHECK_EQ(Names(b, "q=" + Enc("ｸﾘﾆｯｸ")), clinics);
  CHECK_EQ(Names(b, "q=" + Enc("クリニック")), clinics);
  CHECK_EQ(Names(b, "q=" + Enc("くりにっく")), clinics);
  CHECK_EQ(Names(b, "q=" + Enc("紀尾井")), std::set<std::string>{"紀尾井町クリニック"});
  CHECK_EQ(Names(b, "q=" + Enc("九段")),
           std::set<std::string>{"医療法人社団 ＡＳＡＣ 内山九段クリニック"});
  CHECK_EQ(Names(b, "q=" + Enc("ASAC")),
           std::set<std::string>{"医療法人社団 ＡＳＡＣ 内山九段クリニック"});
  CHECK(Names(b, "q=" + Enc("存在しない名前")).empty());
  // The start of a code, the kind and the prefecture narrow the search.
  CHECK_EQ(Names(b, "q=131016"), std::set<std::string>{"千代田区"});
  const std::set<std::string> wards = Names(b, "kind=municipality&prefecture=13&q=" + Enc("区"));
  CHECK_EQ(wards, std::set<std::string>{"千代田区", "中央区", "港区"});
  CHECK(Names(b, "kind=municipality&prefecture=1").empty());

  Res r = b.Get("/api/organisations?kind=insured_institution&per_page=2&page=2");
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  const json::object page = Body(r);
  CHECK_EQ(page.at("total").as_int64(), 4);
  CHECK_FALSE(page.at("more").as_bool());
  CHECK_EQ(page.at("page").as_int64(), 2);
  CHECK_EQ(page.at("items").as_array().size(), 2u);
  CHECK_GE(page.at("position").to_number<uint64_t>(), 1u);
  const json::object item = page.at("items").as_array()[0].as_object();
  CHECK_EQ(item.at("kind").as_string(), "insured_institution");
  CHECK_EQ(item.at("kind_name").as_string(), "保険医療機関");
  CHECK(item.contains("address"));
}

TEST_CASE("organisations: search parameters are checked and each error names its field") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  struct Bad {
    std::string query, field;
  };
  for (const Bad& bad :
       {Bad{"kind=hospital", "kind"}, Bad{"prefecture=48", "prefecture"},
        Bad{"prefecture=0", "prefecture"}, Bad{"prefecture=tokyo", "prefecture"},
        Bad{"per_page=0", "per_page"}, Bad{"per_page=501", "per_page"}, Bad{"page=0", "page"},
        Bad{"page=-1", "page"}, Bad{"q=" + std::string(201, 'a'), "q"}, Bad{"sort=name", "sort"},
        Bad{"min_position=999999999", "min_position"}}) {
    CAPTURE(bad.query);
    Res r = b.Get("/api/organisations?" + bad.query);
    CHECK_EQ(r.result(), bhttp::status::bad_request);
    CHECK_EQ(ErrorCode(r), "invalid_argument");
    CHECK_EQ(Field(r), bad.field);
  }
  Res r = b.Get("/api/organisations?kind=hospital");
  const std::string message(Body(r).at("error").as_object().at("message").as_string());
  CHECK_NE(message.find("組織種別"), std::string::npos);
  CHECK_EQ(Field(b.Get("/api/organisations/131016?page=1")), "page");
  CHECK_EQ(Field(b.Get("/api/organisations/131016/history?q=1")), "q");
}

TEST_CASE("organisations: every route answers 401 without a session") {
  Served w;
  Browser nobody = w.NewBrowser();
  for (const std::string target :
       {"/api/organisations", "/api/organisations?q=1", "/api/organisations/131016",
        "/api/organisations/131016/history"}) {
    CAPTURE(target);
    Res r = nobody.Get(target);
    CHECK_EQ(r.result(), bhttp::status::unauthorized);
    CHECK_EQ(ErrorCode(r), "unauthenticated");
  }
}

TEST_CASE("organisations: F-8 a municipality sees its own record and the institutions in it") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  // Institutions located in 千代田区 and the site it set up; not the 医師会 located there, not the
  // institutions of 中央区 or 港区, not the prefecture it has no letter with yet.
  ExpectFull(w, b, {w.chiyoda, w.inst_member, w.inst_member2, w.site_municipal});
  // Its letter to 東京都 makes the prefecture a party it deals with.
  w.Apply(w.chiyoda);
  const auto scopes = Scopes(b, std::to_string(w.Head()));
  CHECK_EQ(scopes.at(w.tokyo), "full");
  CHECK_EQ(scopes.at(w.chuo), "public");
}

TEST_CASE("organisations: F-8 a prefecture sees its municipalities and the institutions in it") {
  Served w;
  Browser b = w.SignedIn(w.tokyo);
  ExpectFull(
      w, b,
      {w.tokyo, w.chiyoda, w.chuo, w.minato, w.hachioji, w.tachikawa, w.wide_union, w.inst_member,
       w.inst_member2, w.inst_nonmember, w.inst_aggregated, w.site_municipal, w.site_prefectural});
}

TEST_CASE("organisations: F-8 an institution sees its own record and the delegate it applied to") {
  Served w;
  Browser b = w.SignedIn(w.inst_member);
  ExpectFull(w, b, {w.inst_member});
  Res r = b.Post("/api/letters", {{"contract_type", "routine"}, {"document_confirmed", true}});
  REQUIRE_EQ(r.result(), bhttp::status::created);
  const std::string position = std::to_string(Body(r).at("position").to_number<uint64_t>());
  const auto scopes = Scopes(b, position);
  CHECK_EQ(scopes.at(w.chiyoda_ma), "full");
  CHECK_EQ(scopes.at(w.inst_member2), "public");
  CHECK_EQ(scopes.at(w.chiyoda), "public");
  // Its own record lists the letter; the other institution's history stays hidden.
  Res own = b.Get("/api/organisations/" + w.Code(w.inst_member));
  const auto contract = Body(own).at("collective_contract").as_array();
  REQUIRE_EQ(contract.size(), 1u);
  CHECK_EQ(contract[0].as_object().at("status").as_string(), "applied");
  CHECK_EQ(contract[0].as_object().at("status_name").as_string(), "申請中");
  CHECK_FALSE(contract[0].as_object().at("in_contract").as_bool());
  CHECK_EQ(contract[0].as_object().at("delegate").as_object().at("code").as_string(),
           World::kChiyodaMa);
  CHECK_EQ(b.Get("/api/organisations/" + w.Code(w.inst_member2) + "/history").result(),
           bhttp::status::not_found);
}

TEST_CASE("organisations: F-8 the central federation sees every record and a federation its own") {
  Served w;
  std::set<core::OrgId> all, tokyo_area;
  w.proc->Read([&](const core::State& s) {
    for (const core::Organisation& o : s.organisations()) {
      all.insert(o.id);
      if (o.prefecture == 13) tokyo_area.insert(o.id);
    }
    return 0;
  });
  Browser chuokai = w.SignedIn(w.chuokai);
  ExpectFull(w, chuokai, all);
  // A 国保連合会 sees its prefecture; the national bodies only in public.
  Browser federation = w.SignedIn(w.federation);
  CHECK_FALSE(tokyo_area.contains(w.mhlw));
  CHECK(tokyo_area.contains(w.chiyoda_ma));
  ExpectFull(w, federation, tokyo_area);
  // 日本医師会: the 都道府県医師会 and 取りまとめ団体 the chain table routes to it.
  Browser jma = w.SignedIn(w.jma);
  ExpectFull(w, jma, {w.jma, w.tokyo_ma, w.aggregator});
}

TEST_CASE("organisations: 404 for an unknown code and for a history the caller may not see") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  Res unknown = b.Get("/api/organisations/9999999999");
  CHECK_EQ(unknown.result(), bhttp::status::not_found);
  Res unknown_history = b.Get("/api/organisations/9999999999/history");
  Res hidden = b.Get("/api/organisations/" + w.Code(w.inst_nonmember) + "/history");
  CHECK_EQ(hidden.result(), bhttp::status::not_found);
  CHECK_EQ(unknown_history.result(), bhttp::status::not_found);
  // The same answer both ways: nothing tells a hidden record from a missing one.
  CHECK_EQ(hidden.body(), unknown_history.body());
  CHECK_EQ(hidden.body(), unknown.body());
  CHECK_EQ(b.Get("/api/organisations/" + std::string(80, '1')).result(), bhttp::status::not_found);
}

TEST_CASE("organisations: GET one organisation shows its master fields with its version as ETag") {
  Served w;
  Browser b = w.SignedIn(w.chuokai);
  Res r = b.Get("/api/organisations/" + std::string(World::kChiyoda));
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  json::object o = Body(r);
  CHECK_EQ(o.at("code").as_string(), World::kChiyoda);
  CHECK_EQ(o.at("kind").as_string(), "municipality");
  CHECK_EQ(o.at("kind_name").as_string(), "市区町村");
  CHECK_EQ(o.at("name").as_string(), "千代田区");
  CHECK_EQ(o.at("kana").as_string(), "ちよだく");
  CHECK_EQ(o.at("prefecture").as_int64(), 13);
  CHECK_EQ(o.at("prefecture_name").as_string(), "東京都");
  CHECK_EQ(o.at("scope").as_string(), "full");
  CHECK_FALSE(o.at("payment_consignment").as_object().at("registered").as_bool());
  CHECK(o.at("collective_contract").as_array().empty());
  CHECK(o.at("member_of").is_null());
  CHECK_EQ(std::string(r[bhttp::field::etag]),
           "\"" + std::to_string(o.at("version").to_number<uint64_t>()) + "\"");

  // F-5-2 and F-3 through the core: read-your-writes with the command's position.
  w.RegisterPaymentConsignment(w.chiyoda);
  const core::LetterId letter = w.ApplyApproved(w.chiyoda);
  r = b.Get("/api/organisations/131016?min_position=" + std::to_string(w.Head()));
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  o = Body(r);
  const json::object pc = o.at("payment_consignment").as_object();
  CHECK(pc.at("registered").as_bool());
  CHECK_EQ(pc.at("date").as_string(), Day(0).ToString());
  const auto contract = o.at("collective_contract").as_array();
  REQUIRE_EQ(contract.size(), 1u);
  CHECK_EQ(contract[0].as_object().at("letter").to_number<uint64_t>(), letter);
  CHECK_EQ(contract[0].as_object().at("status").as_string(), "approved");
  CHECK_EQ(contract[0].as_object().at("contract_date").as_string(), Day(1).ToString());
  CHECK_EQ(contract[0].as_object().at("delegate").as_object().at("code").as_string(),
           World::kTokyo);

  // An institution: where it is and whom it belongs to; a 郡市区医師会: its 委任先医師会.
  o = Body(b.Get("/api/organisations/" + w.Code(w.inst_member)));
  CHECK_EQ(o.at("municipality").as_object().at("code").as_string(), World::kChiyoda);
  CHECK_EQ(o.at("municipality").as_object().at("name").as_string(), "千代田区");
  CHECK_EQ(o.at("member_of").as_object().at("code").as_string(), World::kChiyodaMa);
  CHECK_EQ(o.at("affiliation").as_string(), "medical_association");
  CHECK_FALSE(o.contains("payment_consignment"));
  o = Body(b.Get("/api/organisations/" + std::string(World::kChiyodaMa)));
  CHECK_EQ(o.at("parent").as_object().at("code").as_string(), World::kTokyoMa);
  o = Body(b.Get("/api/organisations/" + w.Code(w.site_municipal)));
  CHECK_EQ(o.at("parent").as_object().at("code").as_string(), World::kChiyoda);
  CHECK_EQ(o.at("affiliation").as_string(), "municipal_site");
  o = Body(b.Get("/api/organisations/" + std::string(World::kUnion)));
  CHECK(o.at("members").as_array().empty());
  // The public view of the same municipality for an institution: no private member at all.
  Browser inst = w.SignedIn(w.inst_nonmember);
  o = Body(inst.Get("/api/organisations/131016"));
  CHECK_EQ(o.at("scope").as_string(), "public");
  CHECK_EQ(o.at("name").as_string(), "千代田区");
  for (const char* hidden : {"payment_consignment", "collective_contract", "member_of",
                             "affiliation", "union", "pending_code"}) {
    CAPTURE(hidden);
    CHECK_FALSE(o.contains(hidden));
  }
}

TEST_CASE("organisations: an old code resolves to the organisation and names the current code") {
  Served w;
  const std::string old_code = w.Code(w.inst_member);
  core::RequestCodeChange change;
  change.new_code = "1310237487";  // 中央区
  change.reason = "移転";
  change.consent = true;
  w.Ok(As(old_code), change);
  Browser chiyoda = w.SignedIn(w.chiyoda);
  Res r =
      chiyoda.Get("/api/organisations/" + old_code + "?min_position=" + std::to_string(w.Head()));
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CHECK_EQ(Body(r).at("pending_code").as_string(), "1310237487");

  w.Ok(As(World::kChuo), core::ReviewCodeChange{old_code, 1, true, ""});
  Browser chuo = w.SignedIn(w.chuo);
  r = chuo.Get("/api/organisations/" + old_code + "?min_position=" + std::to_string(w.Head()));
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  const json::object o = Body(r);
  CHECK_EQ(o.at("code").as_string(), "1310237487");
  CHECK_EQ(o.at("resolved_from").as_string(), old_code);
  CHECK_EQ(o.at("old_codes").as_array(), json::array{json::value(old_code)});
  CHECK_EQ(o.at("municipality").as_object().at("code").as_string(), World::kChuo);
  CHECK_EQ(o.at("scope").as_string(), "full");
  CHECK_FALSE(o.contains("pending_code"));
  r = chuo.Get("/api/organisations/1310237487");
  CHECK_FALSE(Body(r).contains("resolved_from"));
  // The old code's search finds it too.
  CHECK_EQ(Names(chuo, "q=" + old_code).size(), 1u);

  // Its history: who, when, what and why, in log order.
  r = chuo.Get("/api/organisations/" + old_code + "/history");
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CHECK_EQ(Body(r).at("organisation").as_string(), "1310237487");
  const auto items = Body(r).at("items").as_array();
  REQUIRE_GE(items.size(), 3u);
  const json::object first = items[0].as_object();
  CHECK_EQ(first.at("type").as_string(), "organisation_registered");
  CHECK_EQ(first.at("actor_org").as_string(), World::kChiyoda);
  CHECK_EQ(first.at("actor_org_name").as_string(), "千代田区");
  CHECK(first.at("recorded_at").as_string().ends_with("+09:00"));
  CHECK_EQ(first.at("detail").as_object().at("code").as_string(), old_code);
  bool requested = false, decided = false;
  uint64_t last = 0;
  for (const auto& item : items) {
    const json::object& h = item.as_object();
    CHECK_GT(h.at("position").to_number<uint64_t>(), last);
    last = h.at("position").to_number<uint64_t>();
    if (h.at("type").as_string() == "code_change_requested") {
      requested = true;
      CHECK_EQ(h.at("reason").as_string(), "移転");
      CHECK_EQ(h.at("actor_org").as_string(), old_code);
    }
    if (h.at("type").as_string() == "code_change_decided") {
      decided = true;
      CHECK_EQ(h.at("actor_org").as_string(), World::kChuo);
    }
  }
  CHECK(requested);
  CHECK(decided);
}

TEST_CASE("organisations: min_position shows an organisation command appended through the core") {
  Served w;
  Browser b = w.SignedIn(w.inst_member2);
  const std::string code = w.Code(w.inst_member2);
  const uint64_t before =
      Body(b.Get("/api/organisations/" + code)).at("version").to_number<uint64_t>();
  core::ChangeOrganisation change;
  change.code = code;
  change.name = "九段坂下ワクチンクリニック";
  change.kana = "クダンザカシタワクチンクリニック";
  const core::Outcome done = w.Ok(As(World::kChiyoda), change);  // its municipality (F-1-4-2)
  // Read-your-writes: with the command's position the search and the record show the change.
  CHECK_EQ(Names(b, "q=" + Enc("ｻﾞｶｼﾀ") + "&min_position=" + Pos(done)),
           std::set<std::string>{"九段坂下ワクチンクリニック"});
  Res r = b.Get("/api/organisations/" + code + "?min_position=" + Pos(done));
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CHECK_EQ(Body(r).at("name").as_string(), "九段坂下ワクチンクリニック");
  CHECK_EQ(Body(r).at("version").to_number<uint64_t>(), before + 1);
  CHECK_EQ(std::string(r[bhttp::field::etag]), "\"" + std::to_string(before + 1) + "\"");
  r = b.Get("/api/organisations/" + code + "/history?min_position=" + Pos(done));
  const auto items = Body(r).at("items").as_array();
  REQUIRE_FALSE(items.empty());
  const json::object last = items.back().as_object();
  CHECK_EQ(last.at("type").as_string(), "organisation_changed");
  CHECK_EQ(last.at("position").to_number<uint64_t>(), done.append.last_position);
}

// ---- F-21 CSV

// A CSV body (RFC 4180) as rows of fields; every line must end with CRLF.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      REQUIRE(field.empty());
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r') {
      REQUIRE_EQ(text.substr(i, 2), "\r\n");
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      REQUIRE_NE(c, '\n');  // a bare LF outside quotes
      field += c;
    }
  }
  REQUIRE(field.empty());
  REQUIRE(rows.back().empty());  // the last line ended with CRLF
  rows.pop_back();
  return rows;
}

TEST_CASE("organisations: F-21 CSV has a BOM and a Japanese header with the JSON search's rows") {
  Served w;
  const std::string first = w.Code(w.inst_member);
  const std::string second = w.Code(w.inst_member2);
  core::ChangeOrganisation quote;
  quote.code = first;
  quote.name = "紀尾井町クリニック, \"本院\"";
  w.Ok(As(World::kChiyoda), quote);  // both are in 千代田区, which keeps them (F-1-4-2)
  core::ChangeOrganisation formula;
  formula.code = second;
  formula.name = "=1+1 九段クリニック";
  w.Ok(As(World::kChiyoda), formula);
  w.ApplyApproved(w.inst_member);
  w.ApplyApproved(w.inst_member2);
  w.ApplyApproved(w.inst_nonmember);
  w.RunTo(Day(3));
  const std::string at = "min_position=" + std::to_string(w.Head());

  Res json_res =
      testing::HttpCall(w.server->port(), bhttp::verb::get, "/api/public/institutions?" + at);
  REQUIRE_EQ(json_res.result(), bhttp::status::ok);
  const auto items = Body(json_res).at("items").as_array();
  REQUIRE_EQ(items.size(), 3u);
  Res csv =
      testing::HttpCall(w.server->port(), bhttp::verb::get, "/api/public/institutions.csv?" + at);
  REQUIRE_MESSAGE(csv.result() == bhttp::status::ok, csv.body());
  CHECK(std::string(csv[bhttp::field::content_type]).starts_with("text/csv; charset=utf-8"));
  const std::string disposition(csv[bhttp::field::content_disposition]);
  CHECK(disposition.starts_with("attachment; filename=\"institutions-2025-04-04.csv\""));
  CHECK_NE(disposition.find("filename*=UTF-8''%E5%8C%BB%E7%99%82"), std::string::npos);
  const std::string& body = csv.body();
  REQUIRE(body.starts_with("\xEF\xBB\xBF"));
  // The quoting of RFC 4180, and Excel's formulas disarmed.
  CHECK_NE(body.find(",\"紀尾井町クリニック, \"\"本院\"\"\","), std::string::npos);
  CHECK_NE(body.find(",'=1+1 九段クリニック,"), std::string::npos);
  const auto rows = ParseCsv(std::string_view(body).substr(3));
  REQUIRE_EQ(rows.size(), items.size() + 1);
  CHECK_EQ(rows[0], std::vector<std::string>{"医療機関コード", "医療機関名", "都道府県", "市区町村",
                                             "所在地", "電話番号", "疾病名", "ワクチン種別",
                                             "デジタル予診票"});
  for (size_t i = 0; i < items.size(); ++i) {
    CAPTURE(i);
    const json::object& it = items[i].as_object();
    const std::vector<std::string>& row = rows[i + 1];
    REQUIRE_EQ(row.size(), 9u);
    CHECK_EQ(row[0], it.at("code").as_string());
    const std::string name(it.at("name").as_string());
    CHECK_EQ(row[1], name.starts_with("=") ? "'" + name : name);
    CHECK_EQ(row[2], it.at("prefecture").as_string());
    CHECK_EQ(row[3], it.at("municipality").as_string());
    CHECK_EQ(row[4], it.at("address").as_string());
    CHECK_EQ(row[8], "");
  }
  // The same filters narrow both alike; pages belong to the JSON search only.
  Res one = testing::HttpCall(w.server->port(), bhttp::verb::get,
                              "/api/public/institutions.csv?q=" + Enc("勝どき"));
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  const auto narrowed = ParseCsv(std::string_view(one.body()).substr(3));
  REQUIRE_EQ(narrowed.size(), 2u);
  CHECK_EQ(narrowed[1][0], w.Code(w.inst_nonmember));
  for (const std::string bad : {"page=2", "per_page=10", "prefecture=48", "contract_type=weekly"}) {
    CAPTURE(bad);
    Res r = testing::HttpCall(w.server->port(), bhttp::verb::get,
                              "/api/public/institutions.csv?" + bad);
    CHECK_EQ(r.result(), bhttp::status::bad_request);
    CHECK_EQ(Field(r), bad.substr(0, bad.find('=')));
  }
  // Beyond the bound the export gives no rows (the route answers 400 too_many_rows).
  projections::PublicFilter f;
  f.today = w.Today();
  auto bounded = w.projection->Read(
      [&](const projections::Reader& r) { return projections::PublicSearchAll(r, f, 2); });
  REQUIRE(bounded.ok());
  CHECK(bounded->more);
  CHECK(bounded->items.empty());
  CHECK_EQ(bounded->total, 3);
}

}  // namespace
}  // namespace shugo::http
