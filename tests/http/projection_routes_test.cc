// The routes over the projections on a real server on 127.0.0.1: /api/health's positions and the
// public search (F-21) with read-your-writes.
#include <doctest/doctest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <future>

#include "http/server.h"
#include "projections/service.h"
#include "tests/core/world.h"
#include "tests/testing/http_client.h"

namespace shugo::http {
namespace {

namespace bhttp = boost::beast::http;
using core::ContractType;
using core::test::As;
using core::test::Day;
using core::test::World;
using tcp = boost::asio::ip::tcp;

bhttp::response<bhttp::string_body> Call(uint16_t port, bhttp::verb verb, const std::string& target,
                                         std::string body = {}) {
  return testing::HttpCall(port, verb, target, std::move(body));
}

boost::json::object Body(const bhttp::response<bhttp::string_body>& res) {
  return boost::json::parse(res.body()).as_object();
}

struct Served : World {
  explicit Served(projections::ServiceOptions po = {}) {
    po.catalog = options.vaccines;
    auto p = projections::ProjectionService::Open(*store, dir.path(), po);
    REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    projection = std::move(p).value();
    ServerOptions o;
    o.port = 0;
    o.io_threads = 2;
    o.processor = proc.get();
    o.projections = projection.get();
    auto s = Server::Start(o, *store);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    server = std::move(s).value();
  }
  ~Served() {
    server->Stop();
    projection->Stop();
  }
  std::unique_ptr<projections::ProjectionService> projection;
  std::unique_ptr<Server> server;
};

TEST_CASE("http: /api/health shows every projection's position") {
  Served w;
  REQUIRE(w.projection->WaitFor(w.Head(), std::chrono::seconds(30)).ok());
  auto body = Body(Call(w.server->port(), bhttp::verb::get, "/api/health"));
  const auto& p = body.at("projections").as_object();
  CHECK_EQ(p.at("position").to_number<uint64_t>(), w.Head());
  CHECK_EQ(p.at("behind").to_number<uint64_t>(), 0u);
  for (const std::string& name : projections::ProjectionNames()) {
    CAPTURE(name);
    CHECK_EQ(p.at("checkpoints").as_object().at(name).to_number<uint64_t>(), w.Head());
  }
}

TEST_CASE(
    "http: while the projections catch up after a start reads answer 503 and health says so") {
  // The catch-up is held at its first commit until the checks are done.
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_future<void> open = gate->get_future().share();
  projections::ServiceOptions po;
  po.before_commit = [open](events::Position) { open.wait(); };
  Served w(po);
  REQUIRE(w.projection->catching_up());
  auto search = Call(w.server->port(), bhttp::verb::get,
                     std::string("/api/public/institutions?municipality=") + World::kChiyoda);
  CHECK_EQ(search.result(), bhttp::status::service_unavailable);
  CHECK_EQ(search[bhttp::field::retry_after], "2");
  CHECK_EQ(Body(search).at("error").as_object().at("code").as_string(), "catching_up");
  auto health = Call(w.server->port(), bhttp::verb::get, "/api/health");
  CHECK_EQ(health.result(), bhttp::status::service_unavailable);
  CHECK_EQ(Body(health).at("status").as_string(), "catching_up");
  gate->set_value();
  REQUIRE(w.projection->WaitFor(w.Head(), std::chrono::seconds(30)).ok());
  health = Call(w.server->port(), bhttp::verb::get, "/api/health");
  CHECK_EQ(health.result(), bhttp::status::ok);
  CHECK_EQ(Body(health).at("status").as_string(), "ok");
  CHECK(Body(health).at("problems").as_array().empty());
  search = Call(w.server->port(), bhttp::verb::get,
                std::string("/api/public/institutions?municipality=") + World::kChiyoda);
  CHECK_EQ(search.result(), bhttp::status::ok);
}

TEST_CASE("http: F-21 public search answers after the command's position with its errors named") {
  Served w;
  const auto inst = As(w.Code(w.inst_member));
  w.ApplyApproved(w.inst_member);
  w.ApplyApproved(w.chiyoda);
  w.RegisterPaymentConsignment(w.chiyoda);
  w.Ok(inst, core::SetContractMunicipality{ContractType::kRoutine, World::kChiyoda, Day(0),
                                           std::nullopt});
  w.clock.SetMicros(Day(3).StartUnixMicros());
  w.RunTo(Day(3));
  const core::Outcome last =
      w.Ok(inst, core::SetInstitutionVaccine{"mr_mearubik", ContractType::kRoutine, "10000", Day(0),
                                             std::nullopt});
  // Read-your-writes: the answer includes the vaccine set by the last command.
  const std::string query =
      "/api/public/institutions?municipality=131016&disease=measles&min_position=" +
      std::to_string(last.append.last_position);
  auto res = Call(w.server->port(), bhttp::verb::get, query);
  REQUIRE_EQ(res.result(), bhttp::status::ok);
  auto body = Body(res);
  CHECK_GE(body.at("position").to_number<uint64_t>(), last.append.last_position);
  CHECK_EQ(body.at("total").as_int64(), 1);
  const auto& item = body.at("items").as_array().at(0).as_object();
  CHECK_EQ(item.at("name").as_string(), "紀尾井町クリニック");
  CHECK_EQ(item.at("municipality").as_string(), "千代田区");
  CHECK(item.at("digital_questionnaire").is_null());
  CHECK(body.at("note").as_string().size() > 0);

  struct Bad {
    const char* target;
    const char* field;
  };
  for (const Bad& bad : {Bad{"/api/public/institutions?color=red", "color"},
                         Bad{"/api/public/institutions?municipality=999999", "municipality"},
                         Bad{"/api/public/institutions?page=-1", "page"},
                         Bad{"/api/public/institutions?prefecture=48", "prefecture"},
                         Bad{"/api/public/institutions?contract_type=weekly", "contract_type"}}) {
    CAPTURE(bad.target);
    auto r = Call(w.server->port(), bhttp::verb::get, bad.target);
    CHECK_EQ(r.result(), bhttp::status::bad_request);
    CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), bad.field);
  }
  CHECK_EQ(Call(w.server->port(), bhttp::verb::post, "/api/public/institutions").result(),
           bhttp::status::method_not_allowed);
}

}  // namespace
}  // namespace shugo::http
