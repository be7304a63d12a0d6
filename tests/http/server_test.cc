// The HTTP server on 127.0.0.1 answered by a real client.
#include "http/server.h"

#include <doctest/doctest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "tests/testing/http_client.h"
#include "tests/testing/store_fixture.h"

namespace shugo::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

bhttp::response<bhttp::string_body> Get(uint16_t port, bhttp::verb verb, const std::string& target,
                                        std::string body = {}) {
  return testing::HttpCall(port, verb, target, std::move(body));
}

struct ServerFixture : testing::StoreFixture {
  ServerFixture() {
    ServerOptions o;
    o.port = 0;
    o.io_threads = 1;
    auto s = Server::Start(o, *store);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    server = std::move(s).value();
  }
  std::unique_ptr<Server> server;
};

TEST_CASE_FIXTURE(ServerFixture, "http: /api/health answers the log head") {
  REQUIRE(Append(testing::OneStream("a", "s", events::ExpectedVersion::Any(), 3)).ok());
  auto res = Get(server->port(), bhttp::verb::get, "/api/health");
  CHECK_EQ(res.result(), bhttp::status::ok);
  CHECK_EQ(res[bhttp::field::content_type], "application/json; charset=utf-8");
  auto body = boost::json::parse(res.body()).as_object();
  CHECK_EQ(body.at("head").as_int64(), 3);
  CHECK(body.at("projections").is_object());
}

TEST_CASE_FIXTURE(ServerFixture,
                  "http: unknown route and wrong method answer a JSON error in Japanese") {
  auto missing = Get(server->port(), bhttp::verb::get, "/api/nothing");
  CHECK_EQ(missing.result(), bhttp::status::not_found);
  auto err = boost::json::parse(missing.body()).as_object().at("error").as_object();
  CHECK_EQ(err.at("code").as_string(), "not_found");
  CHECK_EQ(err.at("message").as_string(), "指定されたURLは存在しません");
  auto post = Get(server->port(), bhttp::verb::post, "/api/health");
  CHECK_EQ(post.result(), bhttp::status::method_not_allowed);
}

TEST_CASE_FIXTURE(ServerFixture,
                  "http: a body over the limit is refused with 413 and the server keeps serving") {
  auto big = Get(server->port(), bhttp::verb::post, "/api/health", std::string((1 << 20) + 1, 'x'));
  CHECK_EQ(big.result(), bhttp::status::payload_too_large);
  CHECK_EQ(Get(server->port(), bhttp::verb::get, "/api/health").result(), bhttp::status::ok);
  CHECK_EQ(store->head(), 0u);
}

TEST_CASE("http: --listen is ADDR:PORT") {
  auto ok = ParseListen("127.0.0.1:8080", "--listen");
  REQUIRE(ok.ok());
  CHECK_EQ(ok->first, "127.0.0.1");
  CHECK_EQ(ok->second, 8080);
  CHECK_EQ(ParseListen("8080", "--listen").status().field(), "--listen");
  CHECK_EQ(ParseListen("127.0.0.1:99999", "--listen").status().code(),
           StatusCode::kInvalidArgument);
  CHECK_EQ(ParseListen("127.0.0.1:", "--listen").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace shugo::http
