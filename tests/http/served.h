// A real server on 127.0.0.1 over a test world (tests/core/world.h) with projections, the account
// store and a mail folder, and a browser that keeps its session cookie and CSRF token.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "accounts/accounts.h"
#include "http/server.h"
#include "projections/service.h"
#include "tests/core/world.h"
#include "tests/testing/http_client.h"

namespace shugo::http::test {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using core::test::World;
using Res = bhttp::response<bhttp::string_body>;

constexpr const char* kAdminPassword = "Kanri-Pass-2025";

// A browser: keeps the session cookie, the trusted-device cookie and the CSRF token it was given.
struct Browser {
  uint16_t port = 0;
  std::string cookie, csrf;
  std::string device;         // shugo_device: passed the second factor
  std::string forwarded_for;  // sent as X-Forwarded-For (a proxy's client)
  bool send_csrf = true;
  testing::HttpHeaders extra;  // sent with every request (over the others: Host too)

  Res Send(bhttp::verb verb, const std::string& target, const std::string& body = {}) {
    testing::HttpHeaders h;
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    std::string cookies;
    if (!cookie.empty()) cookies = "shugo_session=" + cookie;
    if (!device.empty()) cookies += (cookies.empty() ? "" : "; ") + ("shugo_device=" + device);
    if (!cookies.empty()) h.emplace_back("Cookie", cookies);
    if (send_csrf && !csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
    if (!forwarded_for.empty()) h.emplace_back("X-Forwarded-For", forwarded_for);
    h.insert(h.end(), extra.begin(), extra.end());
    Res res = testing::HttpCall(port, verb, target, body, h);
    const auto [first, end] = res.equal_range(bhttp::field::set_cookie);
    for (auto it = first; it != end; ++it) {
      const std::string v(it->value());
      const size_t eq = v.find('=');
      const std::string value = v.substr(eq + 1, v.find(';') - eq - 1);
      (v.starts_with("shugo_device=") ? device : cookie) = value;
    }
    if (res.result() == bhttp::status::ok &&
        res[bhttp::field::content_type].starts_with("application/json")) {
      json::value parsed = json::parse(res.body());
      if (parsed.is_object()) {
        if (const auto* t = parsed.as_object().if_contains("csrf_token"); t && t->is_string()) {
          csrf = std::string(t->as_string());
        }
      }
    }
    return res;
  }
  Res Post(const std::string& target, const json::object& body = {}) {
    return Send(bhttp::verb::post, target, json::serialize(body));
  }
  Res Get(const std::string& target) { return Send(bhttp::verb::get, target); }
};

// Sends `bytes` on a fresh connection (then half-closes when `finish`) and returns everything the
// server sends back until it closes. A server that neither answers nor closes within 20 s fails
// the test (the socket's receive deadline), it does not hang it.
inline std::string Raw(uint16_t port, const std::string& bytes, bool finish = false) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  struct timeval deadline {
    20, 0
  };
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  boost::system::error_code ec;
  boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  if (finish) socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  std::string got;
  std::array<char, 4096> chunk{};
  for (;;) {
    const size_t n = socket.read_some(boost::asio::buffer(chunk), ec);
    got.append(chunk.data(), n);
    if (ec) break;
  }
  const std::string why = "the server neither answered nor closed: " + ec.message();
  REQUIRE_MESSAGE((ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset),
                  why);
  return got;
}

inline json::object Body(const Res& res) { return json::parse(res.body()).as_object(); }
inline std::string ErrorCode(const Res& res) {
  return std::string(Body(res).at("error").as_object().at("code").as_string());
}

struct Served : World {
  // `tune`: server options of a test (deadlines, TLS) over the defaults.
  explicit Served(const std::function<void(ServerOptions&)>& tune = {},
                  projections::ServiceOptions po = {}) {
    po.catalog = options.vaccines;
    auto p = projections::ProjectionService::Open(*store, dir.path(), po);
    REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    projection = std::move(p).value();
    // The server answers reads once the projections have caught up with the world (503 before).
    REQUIRE(projection->WaitFor(store->head(), std::chrono::seconds(60)).ok());
    mail_dir = dir.path() / "mail";
    accounts::AccountOptions ao;
    ao.file = dir.path() / "accounts.sqlite";
    ao.mail_dir = mail_dir;
    ao.clock = &clock;
    ao.hash_ops = 1;  // argon2id at its minimum cost: tests check the flow, not the cost
    ao.hash_memory = 8192;
    auto a = accounts::AccountStore::Open(ao, accounts::RecordInLog(*proc));
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    accounts = std::move(a).value();
    ServerOptions o;
    o.port = 0;
    o.processor = proc.get();
    o.accounts = accounts.get();
    o.projections = projection.get();
    o.clock = &clock;
    if (tune) tune(o);
    auto s = Server::Start(o, *store);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    server = std::move(s).value();
  }
  ~Served() {
    server->Stop();
    projection->Stop();
  }

  // A ready admin of `org` (the demo's way: a known password, no change at first login).
  accounts::User Admin(core::OrgId org, const std::string& login_id, const std::string& email) {
    accounts::NewUser n;
    n.login_id = login_id;
    n.org = org;
    n.org_code = Code(org);
    n.role = accounts::Role::kAdmin;
    n.name = "管理 太郎";
    n.email = email;
    n.phone = "03-1234-5678";
    n.password = kAdminPassword;
    auto u = accounts->CreateUser(n);
    REQUIRE_MESSAGE(u.ok(), u.status().ToString());
    return *u;
  }

  Browser NewBrowser() {
    Browser b;
    b.port = server->port();
    return b;
  }

  // The text of the newest mail to `to` with `purpose`, from the mail folder.
  std::string LastMail(const std::string& to, const std::string& purpose) {
    std::string newest_name, newest;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir)) {
      const std::string name = entry.path().filename().string();
      if (name.find(purpose + ".eml") == std::string::npos) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find("To: <" + to + ">") == std::string::npos) continue;
      if (name > newest_name) {
        newest_name = name;
        newest = text.str();
      }
    }
    REQUIRE_MESSAGE(!newest.empty(), std::string("no " + purpose + " mail to " + to));
    return newest;
  }
  // The word after `label` in a mail (up to a space or the line's end).
  static std::string After(const std::string& mail, const std::string& label) {
    const size_t at = mail.find(label);
    REQUIRE_MESSAGE(at != std::string::npos, label);
    const size_t begin = at + label.size();
    return mail.substr(begin, mail.find_first_of(" \r\n", begin) - begin);
  }
  std::string Code2fa(const std::string& email) {
    const std::string code = After(LastMail(email, "second_factor"), "認証コード: ");
    REQUIRE_EQ(code.size(), 6u);
    return code;
  }
  // Signs `b` in as a ready admin (password, then the mailed code).
  void SignIn(Browser& b, const std::string& login_id, const std::string& email,
              const std::string& password = kAdminPassword) {
    Res r = b.Post("/api/session", {{"login_id", login_id}, {"password", password}});
    REQUIRE_EQ(r.result(), bhttp::status::ok);
    if (Body(r).contains("need")) {
      REQUIRE_EQ(Body(r).at("need").as_string(), "second_factor");
      r = b.Post("/api/session/second-factor", {{"code", Code2fa(email)}});
      REQUIRE_EQ(r.result(), bhttp::status::ok);
    }
    if (Body(r).contains("need") && Body(r).at("need").as_string() == "institution_code") {
      auto user = accounts->FindByLogin(login_id);
      REQUIRE((user.ok() && *user));
      r = b.Post("/api/session/institution-code", {{"code", Code((**user).org)}});
      REQUIRE_EQ(r.result(), bhttp::status::ok);
    }
    REQUIRE(Body(r).contains("user"));
  }

  // A ready admin of `org` signed in on a new browser.
  Browser SignedIn(core::OrgId org) {
    const std::string login_id = "admin-" + Code(org);
    const std::string email = login_id + "@example.jp";
    Admin(org, login_id, email);
    Browser b = NewBrowser();
    SignIn(b, login_id, email);
    return b;
  }

  std::unique_ptr<projections::ProjectionService> projection;
  std::filesystem::path mail_dir;
  std::unique_ptr<accounts::AccountStore> accounts;
  std::unique_ptr<Server> server;
};

}  // namespace shugo::http::test
