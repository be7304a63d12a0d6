// The web layer against OWASP ASVS level 2 (issue 23 "Security of the web layer",
// docs/security.md): the headers of every answer, what the access log may hold, where mail links
// point, what a 500 tells, and how many connections one client may hold.
#include <boost/asio.hpp>

#include "http/internal/routes.h"
#include "tests/http/served.h"
#include "tests/testing/log_capture.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

using testing::LogCapture;

void CheckHardened(const Res& r, bool https) {
  CAPTURE(r.result_int());
  CHECK_EQ(r["X-Content-Type-Options"], "nosniff");
  CHECK_EQ(r["Referrer-Policy"], "no-referrer");
  CHECK_EQ(r["X-Frame-Options"], "DENY");
  CHECK(r["Content-Security-Policy"].find("frame-ancestors 'none'") != std::string_view::npos);
  CHECK_EQ(r[bhttp::field::cache_control], "no-store");
  CHECK_EQ(r.count(bhttp::field::strict_transport_security), https ? 1u : 0u);
}

TEST_CASE("security: every answer carries nosniff and no-referrer and no framing and no-store") {
  Served w;
  Browser b = w.NewBrowser();
  CheckHardened(b.Get("/api/health"), false);
  CheckHardened(b.Get("/"), false);
  CheckHardened(b.Get("/api/public/institutions.csv?location=13"), false);
  CheckHardened(b.Get("/api/nowhere"), false);                           // 404
  CheckHardened(b.Get("/api/letters"), false);                           // 401
  CheckHardened(b.Send(bhttp::verb::post, "/api/session", "{"), false);  // 400
  // An answer written before any request was read: a header over its limit.
  const std::string big =
      Raw(w.server->port(),
          "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(40'000, 'x') + "\r\n\r\n");
  CHECK(big.starts_with("HTTP/1.1 431"));
  CHECK(big.find("X-Content-Type-Options: nosniff") != std::string::npos);
}

TEST_CASE(
    "security: behind the trusted proxy that says https cookies are Secure and HSTS is sent") {
  Served w([](ServerOptions& o) { o.trusted_proxy = "127.0.0.1"; });
  w.Admin(w.chiyoda, "chiyoda-admin", "admin@city.chiyoda.example.jp");
  Browser b = w.NewBrowser();
  b.forwarded_for = "203.0.113.7";
  b.extra = {{"X-Forwarded-Proto", "https"}};
  Res r = b.Post("/api/session", {{"login_id", "chiyoda-admin"}, {"password", kAdminPassword}});
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CheckHardened(r, true);
  CHECK(std::string(r[bhttp::field::set_cookie]).find("; Secure") != std::string::npos);
  // The same server asked over plain HTTP by the proxy: no HSTS, no Secure.
  b.extra = {{"X-Forwarded-Proto", "http"}};
  Browser plain = b;
  plain.cookie.clear();
  r = plain.Post("/api/session", {{"login_id", "chiyoda-admin"}, {"password", kAdminPassword}});
  REQUIRE_EQ(r.result(), bhttp::status::ok);
  CheckHardened(r, false);
  CHECK(std::string(r[bhttp::field::set_cookie]).find("Secure") == std::string::npos);
}

TEST_CASE("security: the access log names the route pattern and never an input link's token") {
  Served w([](ServerOptions& o) { o.access_log = true; });
  LogCapture log(spdlog::get("access"));
  Browser b = w.NewBrowser();
  const std::string token = "7f3e9c2a5b1d4e6f8a0b2c4d6e8f0a1b";
  b.Get("/api/input-links/" + token);
  b.Get("/api/organisations/131016/history?token=" + token);
  b.Get("/api/no-such-route/" + token);
  const std::string text = log.text();
  CAPTURE(text);
  CHECK(text.find("\"route\":\"/api/input-links/{}\"") != std::string::npos);
  CHECK(text.find("\"route\":\"/api/organisations/{}/history\"") != std::string::npos);
  CHECK(text.find("\"route\":\"-\"") != std::string::npos);
  CHECK(text.find(token) == std::string::npos);
  CHECK(text.find("131016") == std::string::npos);
}

TEST_CASE("security: a mail's link is built from the public base URL and never from Host") {
  Served w([](ServerOptions& o) { o.public_base_url = "https://shugo.example.jp"; });
  w.Admin(w.chiyoda, "chiyoda-admin", "admin@city.chiyoda.example.jp");
  Browser b = w.NewBrowser();
  w.SignIn(b, "chiyoda-admin", "admin@city.chiyoda.example.jp");
  b.extra = {{"Host", "evil.example"}};
  Res r = b.Post("/api/me/email",
                 {{"email", "new@city.chiyoda.example.jp"}, {"password", kAdminPassword}});
  REQUIRE_EQ(r.result(), bhttp::status::accepted);
  const std::string mail = w.LastMail("new@city.chiyoda.example.jp", "email_change");
  CHECK(mail.find("https://shugo.example.jp/email/confirm?token=") != std::string::npos);
  CHECK(mail.find("evil.example") == std::string::npos);
}

TEST_CASE("security: a 500 answer names an error id that the log has with the details") {
  LogCapture log(spdlog::default_logger());
  const internal::Response r = internal::ServerFailure(
      11, "sqlite: SQLITE_CORRUPT database disk image is malformed (SELECT * FROM letters)");
  CHECK_EQ(r.result(), bhttp::status::internal_server_error);
  const json::object error = json::parse(r.body()).as_object().at("error").as_object();
  const std::string id(error.at("error_id").as_string());
  CHECK_EQ(id.size(), 16u);
  CHECK(r.body().find("SQLITE") == std::string::npos);
  CHECK(r.body().find("SELECT") == std::string::npos);
  CHECK(std::string(error.at("message").as_string()).find(id) != std::string::npos);
  const std::string text = log.text();
  CHECK(text.find(id) != std::string::npos);
  CHECK(text.find("SQLITE_CORRUPT database disk image is malformed") != std::string::npos);
  // A failure a user may retry: 503 with Retry-After, the same id rule.
  const internal::Response u =
      internal::ServerFailure(11, "IO error: No space left on device", true);
  CHECK_EQ(u.result(), bhttp::status::service_unavailable);
  CHECK_EQ(u[bhttp::field::retry_after], "5");
  CHECK(u.body().find("No space") == std::string::npos);
}

TEST_CASE("security: one client address holds at most its share of connections") {
  Served w([](ServerOptions& o) { o.max_connections_per_address = 3; });
  asio::io_context ioc;
  std::vector<tcp::socket> held;
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), w.server->port());
  // Three idle connections that answer: the first request of each is served.
  for (int i = 0; i < 3; ++i) {
    held.emplace_back(ioc);
    held.back().connect(server);
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/api/health", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(held.back(), req);
    boost::beast::flat_buffer buffer;
    Res res;
    bhttp::read(held.back(), buffer, res);
    CHECK_EQ(res.result(), bhttp::status::ok);
  }
  // A fourth is closed without an answer.
  CHECK_EQ(Raw(w.server->port(), "GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n", true), "");
  // Once one of the three is gone, the address may connect again (the server notices the close
  // when it reads the end of the stream, so a new connection may be refused a few times first).
  held.front().close();
  bool answered = false;
  for (int attempt = 0; attempt < 1'000 && !answered; ++attempt) {
    answered = Raw(w.server->port(), "GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n", true)
                   .starts_with("HTTP/1.1 200");
  }
  CHECK(answered);
}

}  // namespace
}  // namespace shugo::http
