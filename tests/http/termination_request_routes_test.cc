// F-7 解除依頼 over real HTTP (docs/api.md "Termination requests"): a municipality with a
// voluntary contract relation asks, the locating municipality lists what it received and
// terminates or declines with If-Match and Idempotency-Key, callers of the right kind in the wrong
// area are refused (403), and a third municipality sees nothing of it (404, empty lists).
#include "core/termination_requests.h"
#include "projections/queries.h"
#include "tests/core/termination_setup.h"
#include "tests/http/organisation_commands.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::test::Day;
using core::test::InForceLetters;
using core::test::SetUpVoluntaryRelation;

constexpr const char* kPath = "/api/termination-requests";

std::string Pos(const json::object& o) {
  return std::to_string(o.at("position").to_number<uint64_t>());
}

// 中央区 asks about 紀尾井町クリニック (千代田区): the answer of its request.
json::object Ask(Served& w, Browser& chuo) {
  Res r = Command(w, chuo, kPath, {{"code", w.Code(w.inst_member)}, {"reason", "接種誤りの多発"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  return Body(r);
}

// The requests `b` lists with `query`, once the projections show `answer`.
json::array Listed(Browser& b, const json::object& answer, const std::string& query = "") {
  Res r = b.Get(std::string(kPath) + "?min_position=" + Pos(answer) + query);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  return Body(r).at("items").as_array();
}

TEST_CASE("termination requests: F-7 a municipality asks and the addressee terminates") {
  Served w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  Browser chuo = w.SignedIn(w.chuo);
  const json::object good{{"code", w.Code(w.inst_member)}, {"reason", "接種誤りの多発"}};
  ExpectBadMembers(w, chuo, kPath,
                   {{Without(good, "code"), "code"},
                    {Without(good, "reason"), "reason"},
                    {With(good, "date", "2025/04/09"), "date"},
                    {With(good, "letters", 1), "letters"}});
  ExpectRefused(w, chuo, kPath, With(good, "date", "2025-04-01"),
                bhttp::status::unprocessable_entity, "date");
  ExpectRefused(w, chuo, kPath, good, bhttp::status::bad_request, "If-Match", IfMatch(0));

  const json::object asked = ExpectIdempotent(w, chuo, kPath, good, bhttp::status::created);
  const uint64_t id = Number(asked, "id");
  CHECK_EQ(asked.at("status").as_string(), "open");
  CHECK_EQ(asked.at("addressee").as_object().at("code").as_string(), World::kChiyoda);
  CHECK_EQ(Number(asked, "version"), 1u);
  ExpectRefused(w, chuo, kPath, good, bhttp::status::conflict);  // one open request at a time

  // Listed for the addressee (received) and the requester (sent).
  Browser chiyoda = w.SignedIn(w.chiyoda);
  const json::array received = Listed(chiyoda, asked, "&box=received");
  REQUIRE_EQ(received.size(), 1u);
  const json::object& item = received[0].as_object();
  CHECK_EQ(item.at("institution").as_object().at("code").as_string(), w.Code(w.inst_member));
  CHECK_EQ(item.at("requester").as_object().at("code").as_string(), World::kChuo);
  CHECK_EQ(item.at("status_name").as_string(), "判断待ち");
  CHECK_EQ(item.at("contract_types").as_array().at(0).as_string(), "voluntary_consignment");
  CHECK(Listed(chiyoda, asked, "&box=sent").empty());
  CHECK_EQ(Listed(chuo, asked, "&box=sent").size(), 1u);
  CHECK(Listed(chuo, asked, "&box=received").empty());
  Res one = chiyoda.Get(std::string(kPath) + "/" + std::to_string(id));
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  CHECK_EQ(std::string(one[bhttp::field::etag]), "\"1\"");
  CHECK_EQ(chiyoda.Get(std::string(kPath) + "?box=all").result(), bhttp::status::bad_request);

  // The addressee terminates, at the version it saw.
  const std::string decide = std::string(kPath) + "/" + std::to_string(id) + "/decision";
  const json::object terminate{
      {"decision", "terminate"}, {"reason", "不正接種の確認"}, {"date", Day(1).ToString()}};
  ExpectBadMembers(w, chiyoda, decide,
                   {{Without(terminate, "decision"), "decision"},
                    {With(terminate, "decision", "approve"), "decision"},
                    {Without(terminate, "reason"), "reason"}});
  ExpectRefused(w, chiyoda, decide, Without(terminate, "date"), bhttp::status::unprocessable_entity,
                "date");
  ExpectRefused(w, chuo, decide, terminate, bhttp::status::forbidden);  // not the requester
  ExpectRefused(w, chiyoda, decide, terminate, bhttp::status::conflict, "If-Match", IfMatch(2));
  const json::object decided =
      ExpectIdempotent(w, chiyoda, decide, terminate, bhttp::status::ok, IfMatch(1));
  CHECK_EQ(decided.at("status").as_string(), "terminated");
  CHECK_EQ(Number(decided, "version"), 2u);
  CHECK_EQ(decided.at("letters").as_array().size(), 2u);
  CHECK_EQ(w.StatusOf(l.routine), "terminated");
  CHECK_EQ(w.StatusOf(l.voluntary), "terminated");
  const json::array after = Listed(chuo, decided, "&status=terminated");
  REQUIRE_EQ(after.size(), 1u);
  CHECK_EQ(after[0].as_object().at("decision_reason").as_string(), "不正接種の確認");
  CHECK_EQ(after[0].as_object().at("decision_date").as_string(), Day(1).ToString());
  ExpectRefused(w, chiyoda, decide, terminate, bhttp::status::conflict);  // closed
}

TEST_CASE("termination requests: F-7 the addressee declines and the letters stay") {
  Served w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  Browser chuo = w.SignedIn(w.chuo);
  const json::object asked = Ask(w, chuo);
  const std::string decide =
      std::string(kPath) + "/" + std::to_string(Number(asked, "id")) + "/decision";
  Browser chiyoda = w.SignedIn(w.chiyoda);
  ExpectRefused(w, chiyoda, decide,
                {{"decision", "decline"}, {"reason", "様子見"}, {"date", Day(2).ToString()}},
                bhttp::status::unprocessable_entity, "date");
  Res r =
      Command(w, chiyoda, decide, {{"decision", "decline"}, {"reason", "事実を確認できません"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(Body(r).at("status").as_string(), "declined");
  CHECK_EQ(Body(r).at("status_name").as_string(), "見送り");
  CHECK_EQ(w.StatusOf(l.routine), "in_contract");
  CHECK_EQ(w.StatusOf(l.voluntary), "in_contract");
  const json::array sent = Listed(chuo, Body(r), "&box=sent&status=declined");
  REQUIRE_EQ(sent.size(), 1u);
  CHECK_EQ(sent[0].as_object().at("decision_reason").as_string(), "事実を確認できません");
}

TEST_CASE("termination requests: F-7 callers in the wrong area are refused and see nothing") {
  Served w;
  SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const json::object good{{"code", w.Code(w.inst_member)}, {"reason", "接種誤りの多発"}};
  // The locating municipality terminates directly; a municipality with no voluntary relation
  // and one of another prefecture may not ask; nor may an institution.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  ExpectRefused(w, chiyoda, kPath, good, bhttp::status::forbidden, "code");
  Browser minato = w.SignedIn(w.minato);
  ExpectRefused(w, minato, kPath, good, bhttp::status::forbidden, "code");
  Browser sapporo = w.SignedIn(w.RegisterLocalGov("011002"));
  ExpectRefused(w, sapporo, kPath, good, bhttp::status::forbidden, "code");
  ExpectRefused(w, w.SignedIn(w.inst_member2), kPath, good, bhttp::status::forbidden);
  // Field errors first, whoever asks.
  ExpectRefused(w, minato, kPath, With(good, "code", "13101"), bhttp::status::unprocessable_entity,
                "code");

  // A third municipality does not see the request: not listed, 404 to read or decide it.
  Browser chuo = w.SignedIn(w.chuo);
  const json::object asked = Ask(w, chuo);
  const std::string one = std::string(kPath) + "/" + std::to_string(Number(asked, "id"));
  CHECK(Listed(minato, asked).empty());
  CHECK(Listed(minato, asked, "&box=received").empty());
  CHECK_EQ(minato.Get(one).result(), bhttp::status::not_found);
  ExpectRefused(w, minato, one + "/decision", {{"decision", "decline"}, {"reason", "x"}},
                bhttp::status::not_found);
  CHECK_EQ(Listed(chuo, asked).size(), 1u);
  Browser mhlw = w.SignedIn(w.mhlw);
  CHECK_EQ(Listed(mhlw, asked).size(), 1u);  // MHLW sees everything (§5)
  CHECK_EQ(w.SignedIn(w.inst_member).Get(one).result(), bhttp::status::not_found);

  // The projection's SQL and the core's rule agree for every organisation of the world.
  REQUIRE(w.projection->WaitFor(w.Head(), std::chrono::seconds(10)).ok());
  const auto orgs = w.proc->Read([](const core::State& s) { return s.organisations(); });
  for (const core::Organisation& o : orgs) {
    CAPTURE(o.code);
    const bool core_sees = w.proc->Read([&](const core::State& s) {
      return core::MaySeeTerminationRequest(s, o.id, Number(asked, "id"));
    });
    auto listed = w.projection->Read([&](const projections::Reader& r) {
      return projections::ListTerminationRequests(r, {o.id, o.kind, o.prefecture}, {});
    });
    REQUIRE(listed.ok());
    CHECK_EQ(listed->items.size(), core_sees ? 1u : 0u);
  }
}

}  // namespace
}  // namespace shugo::http
