// The letter routes over real HTTP (F-3 … F-8, issue 6): apply, list, read, history and every
// command, with read-your-writes positions, versions and If-Match, Idempotency-Key retries,
// 404 for what the caller may not see and 403 for what it may not do, bulk approval all or
// nothing, and refusals that name their field and append nothing.
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

json::object Apply(Browser& b, const std::string& type = "routine") {
  Res r = b.Post("/api/letters", {{"contract_type", type}, {"document_confirmed", true}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  return Body(r);
}

std::string Id(const json::object& o) { return std::to_string(o.at("id").to_number<uint64_t>()); }
std::string Pos(const json::object& o) {
  return std::to_string(o.at("position").to_number<uint64_t>());
}

// GET /api/letters/{id} of the letter a command answered, at least at that answer's position.
Res GetAnswered(Browser& b, const json::object& answer) {
  return b.Get("/api/letters/" + Id(answer) + "?min_position=" + Pos(answer));
}

// The letter's delegate (委任先), signed in.
Browser DelegateOf(Served& w, const json::object& letter) {
  return w.SignedIn(letter.at("delegate").as_object().at("id").to_number<uint64_t>());
}

TEST_CASE(
    "letters: F-3 F-4 an institution applies and its delegate approves over HTTP with positions "
    "and versions") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const json::object applied = Apply(inst);
  CHECK_EQ(applied.at("status").as_string(), "applied");
  CHECK_EQ(applied.at("version").to_number<uint64_t>(), 1u);
  const std::string id = Id(applied);

  // Read-your-writes: with min_position the new letter is there at once.
  Res one = GetAnswered(inst, applied);
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  CHECK_EQ(std::string(one[bhttp::field::etag]), "\"1\"");
  const json::object letter = Body(one);
  CHECK_EQ(letter.at("delegator").as_object().at("code").as_string(), w.Code(w.inst_member));
  CHECK_EQ(letter.at("status_name").as_string(), "申請中");

  Browser ma = DelegateOf(w, letter);
  Res list = ma.Get("/api/letters?status=applied&min_position=" + Pos(applied));
  REQUIRE_EQ(list.result(), bhttp::status::ok);
  bool listed = false;
  const json::object page = Body(list);
  for (const auto& item : page.at("items").as_array()) {
    listed |= Id(item.as_object()) == id;
  }
  CHECK(listed);

  // A stale If-Match is a conflict and appends nothing; the right one approves.
  testing::HttpHeaders stale{{"Content-Type", "application/json"},
                             {"Cookie", "shugo_session=" + ma.cookie},
                             {"X-CSRF-Token", ma.csrf},
                             {"If-Match", "\"7\""}};
  const auto before = w.Head();
  Res r = testing::HttpCall(w.server->port(), bhttp::verb::post, "/api/letters/" + id + "/approve",
                            "{}", stale);
  CHECK_EQ(r.result(), bhttp::status::conflict);
  CHECK_EQ(ErrorCode(r), "version_conflict");
  CHECK_EQ(w.Head(), before);
  stale.back().second = "\"1\"";
  r = testing::HttpCall(w.server->port(), bhttp::verb::post, "/api/letters/" + id + "/approve",
                        "{}", stale);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(Body(r).at("status").as_string(), "approved");
  CHECK(Body(r).contains("contract_date"));

  Res history = inst.Get("/api/letters/" + id + "/history?min_position=" + Pos(Body(r)));
  REQUIRE_EQ(history.result(), bhttp::status::ok);
  const auto items = Body(history).at("items").as_array();
  REQUIRE_GE(items.size(), 2u);
  CHECK_EQ(items[0].as_object().at("type").as_string(), "letter_applied");
  CHECK_EQ(items[1].as_object().at("status").as_string(), "approved");
}

TEST_CASE(
    "letters: F-4 F-1-1 a page answered again shows each letter as it stands after a transition "
    "and a rename") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const json::object applied = Apply(inst);
  const std::string id = Id(applied);
  Res one = GetAnswered(inst, applied);
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  Browser ma = DelegateOf(w, Body(one));
  // The item of `id` on the delegate's first page, answered at least at `position`.
  auto item = [&](const std::string& position) {
    Res list = ma.Get("/api/letters?min_position=" + position);
    REQUIRE_EQ(list.result(), bhttp::status::ok);
    const json::object page = Body(list);
    for (const auto& it : page.at("items").as_array()) {
      if (Id(it.as_object()) == id) return it.as_object();
    }
    FAIL("letter " << id << " not listed");
    return json::object();
  };
  for (int twice = 0; twice < 2; ++twice) {  // the second answer may come from the letter cache
    const json::object first = item(Pos(applied));
    CHECK_EQ(first.at("status").as_string(), "applied");
    CHECK_EQ(first.at("delegator").as_object().at("name").as_string(), "紀尾井町クリニック");
  }
  Res approved = ma.Post("/api/letters/" + id + "/approve");
  REQUIRE_MESSAGE(approved.result() == bhttp::status::ok, approved.body());
  json::object now = item(Pos(Body(approved)));
  CHECK_EQ(now.at("status").as_string(), "approved");
  CHECK_EQ(now.at("version").to_number<uint64_t>(), 2u);
  // A new name of the delegator (F-1-1, by its municipality) changes none of the letter's own
  // fields, yet its item shows it.
  core::ChangeOrganisation rename;
  rename.code = w.Code(w.inst_member);
  rename.name = "紀尾井町こどもクリニック";
  w.Ok(core::test::As(World::kChiyoda), rename);
  now = item(std::to_string(w.Head()));
  CHECK_EQ(now.at("delegator").as_object().at("name").as_string(), "紀尾井町こどもクリニック");
  CHECK_EQ(now.at("status").as_string(), "approved");
}

// POST /api/letters with `body` and headers `h`.
Res PostLetter(Served& w, const std::string& body, const testing::HttpHeaders& h) {
  return testing::HttpCall(w.server->port(), bhttp::verb::post, "/api/letters", body, h);
}

// The headers of a JSON command of `b` under Idempotency-Key `key` (the key last, so that a test
// may change it).
testing::HttpHeaders Keyed(const Browser& b, const std::string& key) {
  return {{"Content-Type", "application/json"},
          {"Cookie", "shugo_session=" + b.cookie},
          {"X-CSRF-Token", b.csrf},
          {"Idempotency-Key", key}};
}

// A clinic's routine application, sent under Idempotency-Key `key` and created.
struct KeyedApplication {
  static constexpr const char* kBody = R"({"contract_type":"routine","document_confirmed":true})";
  explicit KeyedApplication(const std::string& key)
      : inst(w.SignedIn(w.inst_member)), h(Keyed(inst, key)), first(PostLetter(w, kBody, h)) {
    REQUIRE_EQ(first.result(), bhttp::status::created);
    head = w.Head();
  }
  Served w;
  Browser inst;
  testing::HttpHeaders h;
  Res first;
  uint64_t head = 0;
};

TEST_CASE("letters: an Idempotency-Key retry answers the first result and appends nothing") {
  KeyedApplication a("apply-2025-04-01-001");
  auto& [w, inst, h, first, head] = a;
  Res again = PostLetter(w, KeyedApplication::kBody, h);
  REQUIRE_EQ(again.result(), bhttp::status::created);
  CHECK_EQ(w.Head(), head);
  CHECK_EQ(Id(Body(again)), Id(Body(first)));
  CHECK_EQ(Body(again).at("position"), Body(first).at("position"));
  CHECK(Body(again).at("duplicate").as_bool());
  // The same key on another route is refused (422 idempotency_key_reused), not run as a new
  // command; a new key runs it.
  const std::string id = Id(Body(first));
  Res withdraw =
      testing::HttpCall(w.server->port(), bhttp::verb::post, "/api/letters/" + id + "/withdraw",
                        R"({"reason":"申請内容を見直すため"})", h);
  CHECK_EQ(withdraw.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(ErrorCode(withdraw), "idempotency_key_reused");
  CHECK_EQ(w.Head(), head);
  h.back().second = "withdraw-2025-04-01-001";
  withdraw =
      testing::HttpCall(w.server->port(), bhttp::verb::post, "/api/letters/" + id + "/withdraw",
                        R"({"reason":"申請内容を見直すため"})", h);
  REQUIRE_EQ(withdraw.result(), bhttp::status::ok);
  CHECK_FALSE(Body(withdraw).at("duplicate").as_bool());
  CHECK_EQ(Body(withdraw).at("status").as_string(), "withdrawn");
  CHECK_EQ(w.Head(), head + 1);
}

TEST_CASE(
    "letters: F-3 an Idempotency-Key reused with a different body is 422 idempotency_key_reused "
    "and appends nothing") {
  KeyedApplication a("apply-routine");
  auto& [w, inst, h, first, head] = a;
  const std::string routine = KeyedApplication::kBody;
  // Another body under the same key: refused, in Japanese, naming the header; nothing appended.
  Res other =
      PostLetter(w, R"({"contract_type":"voluntary_subsidy","document_confirmed":true})", h);
  CHECK_EQ(other.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(ErrorCode(other), "idempotency_key_reused");
  const json::object error = Body(other).at("error").as_object();
  CHECK_EQ(error.at("field").as_string(), "Idempotency-Key");
  CHECK_NE(std::string(error.at("message").as_string()).find("Idempotency-Key"), std::string::npos);
  CHECK_NE(std::string(error.at("message").as_string()).find("別の内容"), std::string::npos);
  CHECK_EQ(w.Head(), head);
  // The same key with the first body keeps answering the first result.
  for (int again = 0; again < 2; ++again) {
    Res retry = PostLetter(w, routine, h);
    REQUIRE_EQ(retry.result(), bhttp::status::created);
    CHECK(Body(retry).at("duplicate").as_bool());
    CHECK_EQ(Id(Body(retry)), Id(Body(first)));
    CHECK_EQ(Body(retry).at("position"), Body(first).at("position"));
  }
  CHECK_EQ(w.Head(), head);
  // Another user's same key is that user's own command.
  Browser other_inst = w.SignedIn(w.inst_member2);
  h[1].second = "shugo_session=" + other_inst.cookie;
  h[2].second = other_inst.csrf;
  Res theirs = PostLetter(w, routine, h);
  REQUIRE_EQ(theirs.result(), bhttp::status::created);
  CHECK_FALSE(Body(theirs).at("duplicate").as_bool());
}

TEST_CASE(
    "letters: F-8 a letter the caller may not see answers 404 and an action it may not take "
    "answers 403") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const std::string id = Id(Apply(inst));
  w.projection->WaitFor(w.Head(), std::chrono::seconds(10)).IgnoreError();

  // Another institution sees neither the letter nor its history, and cannot act on it.
  Browser other = w.SignedIn(w.inst_nonmember);
  CHECK_EQ(other.Get("/api/letters/" + id).result(), bhttp::status::not_found);
  CHECK_EQ(other.Get("/api/letters/" + id + "/history").result(), bhttp::status::not_found);
  CHECK_EQ(other.Post("/api/letters/" + id + "/approve").result(), bhttp::status::not_found);
  CHECK_EQ(other.Get("/api/letters/99999").result(), bhttp::status::not_found);
  // The institution sees its own letter but may not approve it.
  const auto before = w.Head();
  Res r = inst.Post("/api/letters/" + id + "/approve");
  CHECK_EQ(r.result(), bhttp::status::forbidden);
  CHECK_EQ(w.Head(), before);
  // MHLW sees everything, even with a filter naming someone else.
  Browser mhlw = w.SignedIn(w.mhlw);
  CHECK_EQ(mhlw.Get("/api/letters/" + id).result(), bhttp::status::ok);
}

TEST_CASE(
    "letters: return and withdraw need a reason and refusals name their field and append nothing") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const std::string id = Id(Apply(inst));
  const auto before = w.Head();
  Res r = inst.Post("/api/letters/" + id + "/withdraw");
  CHECK_EQ(r.result(), bhttp::status::bad_request);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "reason");
  r = inst.Post("/api/letters/" + id + "/withdraw", {{"reason", "x"}, {"extra", 1}});
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "extra");
  r = inst.Post("/api/letters/" + id + "/secede", {{"date", "2025-13-01"}, {"reason", "移転"}});
  CHECK_EQ(r.result(), bhttp::status::bad_request);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "date");
  // A rule of the domain: F-3 asks to confirm the contract document first (422).
  r = inst.Post("/api/letters", {{"contract_type", "voluntary_subsidy"}});
  CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "document_confirmed");
  // The delegate is the chain table's; naming another is refused before anything is appended.
  r = inst.Post("/api/letters", {{"contract_type", "voluntary_subsidy"},
                                 {"document_confirmed", true},
                                 {"delegate", World::kTokyo}});
  CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "delegate");
  r = inst.Post("/api/letters", {{"contract_type", "weekly"}, {"document_confirmed", true}});
  CHECK_EQ(r.result(), bhttp::status::bad_request);
  CHECK_EQ(w.Head(), before);
  r = inst.Post("/api/letters/" + id + "/withdraw", {{"reason", "記載誤りのため"}});
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CHECK_EQ(Body(r).at("status").as_string(), "withdrawn");
  // A status that does not allow it: 409.
  r = inst.Post("/api/letters/" + id + "/withdraw", {{"reason", "もう一度"}});
  CHECK_EQ(r.result(), bhttp::status::conflict);
}

TEST_CASE(
    "letters: F-3 F-10 a malformed or unrouted delegate and a temporary letter without a campaign "
    "are 422 while a live letter of the type exists") {
  Served w;
  Browser chiyoda = w.SignedIn(w.chiyoda);
  Apply(chiyoda);  // 千代田区's routine letter to 東京都
  const auto before = w.Head();
  // A wrong check digit (東京都 is 130001), and a 郡市区医師会 the chain table does not route a
  // municipality to: the field, not the live letter.
  for (const std::string& code : {std::string("130002"), std::string(World::kChiyodaMa)}) {
    CAPTURE(code);
    Res r = chiyoda.Post(
        "/api/letters",
        {{"contract_type", "routine"}, {"document_confirmed", true}, {"delegate", code}});
    CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
    CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "delegate");
  }
  // A temporary letter names its campaign.
  Res r =
      chiyoda.Post("/api/letters", {{"contract_type", "temporary"}, {"document_confirmed", true}});
  CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "campaign");
  // Well formed and routed right: the live letter (409).
  r = chiyoda.Post(
      "/api/letters",
      {{"contract_type", "routine"}, {"document_confirmed", true}, {"delegate", World::kTokyo}});
  CHECK_EQ(r.result(), bhttp::status::conflict);
  CHECK_EQ(w.Head(), before);
}

TEST_CASE(
    "letters: F-7 the locating municipality terminates today and schedules a future 解除日 that "
    "the day job carries out") {
  Served w;
  const core::LetterId now = w.ApplyApproved(w.inst_member);  // both in 千代田区
  const core::LetterId later = w.ApplyApproved(w.inst_member2);
  w.RunTo(core::test::Day(1));
  Browser chiyoda = w.SignedIn(w.chiyoda);
  const std::string today = w.Today().ToString();
  const std::string future = w.Today().AddDays(3).ToString();
  // A past 解除日 is refused naming the date, and nothing is appended.
  const auto before = w.Head();
  Res r = chiyoda.Post("/api/letters/" + std::to_string(now) + "/terminate",
                       {{"date", w.Today().AddDays(-1).ToString()}, {"reason", "接種誤りの多発"}});
  CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "date");
  CHECK_EQ(w.Head(), before);
  // Today: terminated at once.
  r = chiyoda.Post("/api/letters/" + std::to_string(now) + "/terminate",
                   {{"date", today}, {"reason", "接種誤りの多発"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(Body(r).at("status").as_string(), "terminated");
  CHECK_EQ(Body(r).at("end_date").as_string(), today);
  // A future date: scheduled; the letter stays in contract and shows its 解除日.
  r = chiyoda.Post("/api/letters/" + std::to_string(later) + "/terminate",
                   {{"date", future}, {"reason", "不正接種の確認"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const json::object scheduled = Body(r);
  CHECK_EQ(scheduled.at("status").as_string(), "in_contract");
  CHECK_EQ(scheduled.at("termination_date").as_string(), future);
  Res one = GetAnswered(chiyoda, scheduled);
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  CHECK_EQ(Body(one).at("status").as_string(), "in_contract");
  CHECK_EQ(Body(one).at("termination_date").as_string(), future);
  // On that date the day job terminates it (the session has expired meanwhile: sign in again).
  w.RunTo(w.Today().AddDays(3));
  const std::string login = "admin-" + w.Code(w.chiyoda);
  w.SignIn(chiyoda, login, login + "@example.jp");
  one = chiyoda.Get("/api/letters/" + std::to_string(later) +
                    "?min_position=" + std::to_string(w.Head()));
  REQUIRE_EQ(one.result(), bhttp::status::ok);
  CHECK_EQ(Body(one).at("status").as_string(), "terminated");
  CHECK_EQ(Body(one).at("end_date").as_string(), future);
  CHECK_FALSE(Body(one).contains("termination_date"));
}

TEST_CASE("letters: bulk approval is all or nothing and names the failing ids") {
  Served w;
  Browser a = w.SignedIn(w.inst_member);
  Browser b = w.SignedIn(w.inst_member2);
  const json::object first = Apply(a);
  const json::object second = Apply(b);
  const uint64_t delegate = w.proc->Read([&](const core::State& s) {
    return s.FindLetter(first.at("id").to_number<uint64_t>())->delegate;
  });
  Browser ma = w.SignedIn(delegate);
  // One of them withdrawn: the whole batch is refused and names it.
  REQUIRE_EQ(b.Post("/api/letters/" + Id(second) + "/withdraw", {{"reason", "取下げ"}}).result(),
             bhttp::status::ok);
  const auto before = w.Head();
  Res r = ma.Post("/api/letters/approve", {{"ids", json::array{first.at("id"), second.at("id")}}});
  CHECK_EQ(r.result(), bhttp::status::conflict);
  REQUIRE(Body(r).at("error").as_object().contains("ids"));
  CHECK_EQ(Body(r).at("error").as_object().at("ids").as_array(), json::array{second.at("id")});
  CHECK_EQ(w.Head(), before);
  // Unknown ids are named as missing.
  r = ma.Post("/api/letters/approve", {{"ids", json::array{first.at("id"), 424242}}});
  CHECK_EQ(r.result(), bhttp::status::not_found);
  CHECK_EQ(Body(r).at("error").as_object().at("ids").as_array(), json::array{424242});
  r = ma.Post("/api/letters/approve", {{"ids", json::array{first.at("id")}}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_EQ(Body(r).at("items").as_array()[0].as_object().at("status").as_string(), "approved");
}

TEST_CASE(
    "letters: a refused bulk approval names the letters the core refuses even when they are "
    "applied") {
  Served w;
  // 東京都 sees both (its own delegate's letter and an institution's in its area, F-8) and both
  // are applied, but only 千代田区's is addressed to it (F-4: the delegate approves).
  const core::LetterId municipal = w.Apply(w.chiyoda);
  const core::LetterId institution = w.Apply(w.inst_member);
  Browser tokyo = w.SignedIn(w.tokyo);
  const auto before = w.Head();
  Res r = tokyo.Post("/api/letters/approve", {{"ids", json::array{municipal, institution}}});
  CHECK_EQ(r.result(), bhttp::status::forbidden);
  CHECK_EQ(Body(r).at("error").as_object().at("ids").as_array(), json::array{institution});
  // Named twice: the request as a whole, the letter named.
  r = tokyo.Post("/api/letters/approve", {{"ids", json::array{municipal, municipal}}});
  CHECK_EQ(r.result(), bhttp::status::unprocessable_entity);
  CHECK_EQ(Body(r).at("error").as_object().at("ids").as_array(), json::array{municipal});
  CHECK_EQ(w.Head(), before);
  CHECK_EQ(w.L(municipal).status, core::LetterStatus::kApplied);
  r = tokyo.Post("/api/letters/approve", {{"ids", json::array{municipal}}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
}

TEST_CASE("letters: a list's total follows every new letter while totals are kept per position") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  Browser inst = w.SignedIn(w.inst_member);
  const std::string list = "/api/letters?status=applied&min_position=";
  const auto total = [&](const std::string& position) {
    Res r = mhlw.Get(list + position);
    REQUIRE_EQ(r.result(), bhttp::status::ok);
    return Body(r).at("total").to_number<int64_t>();
  };
  const int64_t before = total(std::to_string(w.Head()));
  CHECK_EQ(total(std::to_string(w.Head())), before);  // the kept total, unchanged
  const json::object applied = Apply(inst);
  CHECK_EQ(total(Pos(applied)), before + 1);
  CHECK_EQ(total(Pos(applied)), before + 1);
}

TEST_CASE("letters: list filters are checked and a signed-out caller gets 401") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  CHECK_EQ(inst.Get("/api/letters?status=happy").result(), bhttp::status::bad_request);
  CHECK_EQ(inst.Get("/api/letters?per_page=0").result(), bhttp::status::bad_request);
  CHECK_EQ(inst.Get("/api/letters?delegator=000").result(), bhttp::status::bad_request);
  Res r = inst.Get("/api/letters?sort=id");
  CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), "sort");
  r = inst.Get("/api/letters?min_position=999999999");
  CHECK_EQ(r.result(), bhttp::status::bad_request);
  Browser nobody = w.NewBrowser();
  CHECK_EQ(nobody.Get("/api/letters").result(), bhttp::status::unauthorized);
  CHECK_EQ(nobody.Post("/api/letters", {{"contract_type", "routine"}}).result(),
           bhttp::status::unauthorized);
}

}  // namespace
}  // namespace shugo::http
