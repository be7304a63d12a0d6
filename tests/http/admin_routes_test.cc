// The operator's routes over real HTTP (docs/api.md "Admin"): only an admin of 国保中央会 may move
// a demo server's business date, run the day job or rebuild the projections online.
#include <future>

#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

TEST_CASE("admin: only an admin of the central federation may use the operator routes") {
  Served w;
  Browser none = w.NewBrowser();
  CHECK_EQ(none.Post("/api/admin/day").result(), bhttp::status::unauthorized);
  CHECK_EQ(none.Get("/api/admin/rebuild").result(), bhttp::status::unauthorized);
  const events::Position head = w.store->head();
  for (core::OrgId org : {w.chiyoda, w.tokyo, w.mhlw, w.jma}) {
    CAPTURE(w.Code(org));
    Browser b = w.SignedIn(org);
    const events::Position before = w.store->head();
    for (const std::string route : {"/api/admin/day", "/api/admin/rebuild", "/api/admin/clock"}) {
      Res r =
          b.Post(route, route == "/api/admin/clock" ? json::object{{"date", w.Today().ToString()}}
                                                    : json::object{});
      CHECK_EQ(r.result(), bhttp::status::forbidden);
    }
    CHECK_EQ(b.Get("/api/admin/rebuild").result(), bhttp::status::forbidden);
    CHECK_EQ(w.store->head(), before);
  }
  // A user (not an admin) of 国保中央会 neither.
  accounts::NewUser n;
  n.login_id = "chuokai-user";
  n.org = w.chuokai;
  n.org_code = w.Code(w.chuokai);
  n.name = "中央 花子";
  n.email = "chuokai-user@example.jp";
  n.phone = "03-1234-5678";
  n.password = kAdminPassword;
  REQUIRE(w.accounts->CreateUser(n).ok());
  Browser user = w.NewBrowser();
  w.SignIn(user, "chuokai-user", "chuokai-user@example.jp");
  CHECK_EQ(user.Post("/api/admin/day").result(), bhttp::status::forbidden);
  CHECK_GT(w.store->head(), head);  // only the users' creation was recorded
}

TEST_CASE("admin: a production server refuses to move its business date") {
  Served w;
  Browser op = w.SignedIn(w.chuokai);
  Res refused = op.Post("/api/admin/clock", {{"date", "2026-04-02"}});
  CHECK_EQ(refused.result(), bhttp::status::forbidden);
  CHECK_EQ(ErrorCode(refused), "demo_only");
}

TEST_CASE("admin: POST /api/admin/clock closes every day up to the new date and never goes back") {
  Served w;
  // The processor's clock is the business clock (serve --demo has one of its own for sessions;
  // here both are one, so a move past a day ends the session and the operator signs in again).
  w.server.reset();
  ServerOptions o;
  o.port = 0;
  o.processor = w.proc.get();
  o.accounts = w.accounts.get();
  o.projections = w.projection.get();
  o.clock = &w.clock;
  o.demo = true;  // a demo/test server: its business date may be moved
  o.business_clock = &w.clock;
  auto started = Server::Start(o, *w.store);
  REQUIRE(started.ok());
  w.server = std::move(started).value();
  Browser op = w.SignedIn(w.chuokai);
  const std::string login = "admin-" + w.Code(w.chuokai), email = login + "@example.jp";
  const JapanDate today = w.Today();
  const events::Position head = w.store->head();
  for (const json::object& bad :
       {json::object{}, json::object{{"date", "2026-13-01"}}, json::object{{"date", 20260402}},
        json::object{{"date", "2026-04-02"}, {"extra", 1}}}) {
    CAPTURE(json::serialize(bad));
    Res r = op.Post("/api/admin/clock", bad);
    CHECK_EQ(r.result(), bhttp::status::bad_request);
  }
  CHECK_EQ(w.store->head(), head);
  const JapanDate target = today.AddDays(2);
  Res moved = op.Post("/api/admin/clock", {{"date", target.ToString()}});
  REQUIRE_EQ(moved.result(), bhttp::status::ok);
  CHECK_EQ(Body(moved).at("business_date").as_string(), target.ToString());
  CHECK_EQ(Body(moved).at("closed_to").as_string(), target.ToString());
  CHECK_EQ(w.Today(), target);
  w.SignIn(op, login, email);
  Res back = op.Post("/api/admin/clock", {{"date", today.AddDays(1).ToString()}});
  CHECK_EQ(back.result(), bhttp::status::bad_request);
  CHECK_EQ(Body(back).at("error").as_object().at("field").as_string(), "date");
  // The day job again on the same date: nothing left to close, nothing appended.
  const events::Position after = w.store->head();
  Res day = op.Post("/api/admin/day");
  REQUIRE_EQ(day.result(), bhttp::status::ok);
  CHECK_EQ(Body(day).at("transitions").to_number<int64_t>(), 0);
  CHECK_FALSE(Body(day).contains("closed_from"));
  CHECK_EQ(w.store->head(), after);
}

TEST_CASE("admin: POST /api/admin/rebuild swaps in a new file and refuses a second one meanwhile") {
  std::promise<void> reached, release;
  std::shared_future<void> released = release.get_future().share();
  projections::ServiceOptions po;
  po.before_swap = [&] {
    reached.set_value();
    released.wait();
  };
  Served w({}, po);
  Browser op = w.SignedIn(w.chuokai);
  REQUIRE(w.projection->WaitFor(w.store->head(), std::chrono::seconds(30)).ok());
  const std::string before = w.projection->current_file();
  Res started = op.Post("/api/admin/rebuild", {{"projections", json::array{"letters", "history"}}});
  REQUIRE_EQ(started.result(), bhttp::status::accepted);  // else the hook below never runs
  reached.get_future().wait();
  Res second = op.Post("/api/admin/rebuild");
  CHECK_EQ(second.result(), bhttp::status::conflict);
  CHECK_EQ(ErrorCode(second), "rebuild_running");
  CHECK(Body(op.Get("/api/admin/rebuild")).at("rebuild").as_object().at("running").as_bool());
  release.set_value();
  REQUIRE(w.projection->WaitRebuild().ok());
  CHECK_NE(w.projection->current_file(), before);
  const json::object after = Body(op.Get("/api/admin/rebuild")).at("rebuild").as_object();
  CHECK_FALSE(after.at("running").as_bool());
  CHECK_EQ(after.at("last").as_object().at("file").as_string(), w.projection->current_file());

  Res unknown = op.Post("/api/admin/rebuild", {{"projections", json::array{"nope"}}});
  CHECK_EQ(unknown.result(), bhttp::status::bad_request);
  CHECK_EQ(Body(unknown).at("error").as_object().at("field").as_string(), "projections");
  Res malformed = op.Post("/api/admin/rebuild", {{"projections", "letters"}});
  CHECK_EQ(malformed.result(), bhttp::status::bad_request);
  op.send_csrf = false;
  CHECK_EQ(op.Post("/api/admin/rebuild").result(), bhttp::status::forbidden);
}

}  // namespace
}  // namespace shugo::http
