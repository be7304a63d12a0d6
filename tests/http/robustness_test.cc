// The server under malformed, oversized, truncated and slow requests (issue 6 "robustness"), and
// over TLS: every bad request gets a 4xx or a closed connection, the server keeps answering, and
// nothing is appended to the log.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <filesystem>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
// The sanitizer runtime's count of live heap bytes (GCC ships no header for it).
extern "C" size_t
__sanitizer_get_current_allocated_bytes();  // NOLINT(bugprone-reserved-identifier)
#else
#include <malloc.h>
#endif

#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The status code of the first answer in `text` (0 when there is none).
int StatusOf(const std::string& text) {
  if (text.size() < 12 || text.compare(0, 5, "HTTP/") != 0) return 0;
  return std::stoi(text.substr(9, 3));
}

// The server still answers and the log did not move.
void Alive(Served& w, events::Position head) {
  Res r = testing::HttpCall(w.server->port(), bhttp::verb::get, "/api/health");
  CHECK_EQ(r.result(), bhttp::status::ok);
  CHECK_EQ(w.store->head(), head);
}

TEST_CASE("robustness: garbage and broken request lines get 400 and a closed connection") {
  Served w;
  const events::Position head = w.store->head();
  for (const std::string& bytes :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("GET /api/health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("POST /api/session HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST /api/session HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\n")}) {
    CAPTURE(bytes);
    const std::string got = Raw(w.server->port(), bytes, true);
    const int status = StatusOf(got);
    CHECK((status == 0 || status == 400));
  }
  Alive(w, head);
}

TEST_CASE("robustness: a truncated body is never handled") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  const events::Position head = w.store->head();
  const std::string got = Raw(w.server->port(),
                              "POST /api/letters HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Type: application/json\r\nCookie: shugo_session=" +
                                  b.cookie + "\r\nX-CSRF-Token: " + b.csrf +
                                  "\r\nContent-Length: 100\r\n\r\n{\"contract_type\":\"rou",
                              true);
  // The peer ended before the announced length: 400 (a partial message) or a closed connection.
  CHECK((StatusOf(got) == 0 || StatusOf(got) == 400));
  Alive(w, head);
}

TEST_CASE("robustness: an oversized body answers 413 and an oversized header 431 without reading") {
  Served w;
  const events::Position head = w.store->head();
  const std::string body =
      Raw(w.server->port(),
          "POST /api/session HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
          "Content-Length: 5000000\r\n\r\n{");
  CHECK_EQ(StatusOf(body), 413);
  const std::string header =
      Raw(w.server->port(),
          "GET /api/health HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(40'000, 'x') + "\r\n\r\n");
  CHECK_EQ(StatusOf(header), 431);
  Alive(w, head);
}

// Found by sending mutated requests at a demo server: a chunked body whose trailer carried a field
// over 64 KiB made Beast's field container throw out of the connection's handler, and the process
// ended. A trailer is held in the connection's bounded buffer like a header.
TEST_CASE("robustness: a chunked trailer over the limit answers 431 and the server lives on") {
  Served w;
  const events::Position head = w.store->head();
  for (const size_t size : {size_t{100'000}, size_t{70'000}, size_t{30'000}}) {
    CAPTURE(size);
    const std::string got =
        Raw(w.server->port(),
            "GET /api/public/institutions HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            "\r\n1\r\na\r\n0\r\nX-H: " +
                std::string(size, 'x') + "\r\n\r\n",
            true);
    CHECK_EQ(StatusOf(got), 431);
  }
  // Many small trailer fields together are bounded the same way.
  std::string fields;
  for (int i = 0; i < 2'000; ++i) fields += "X-T" + std::to_string(i) + ": vvvvvvvvvvvv\r\n";
  CHECK_EQ(StatusOf(Raw(w.server->port(),
                        "POST /api/session HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                        "\r\n1\r\na\r\n0\r\n" +
                            fields + "\r\n",
                        true)),
           431);
  Alive(w, head);
}

// The bytes the allocator holds for live objects (without ASan's quarantine of freed ones).
size_t LiveHeapBytes() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

// A request of `seeds` changed in one to four places by `rng`: bytes flipped, tokens that parsers
// trip on inserted, ranges dropped or repeated, the end cut off.
std::string Mutated(std::mt19937& rng, const std::vector<std::string>& seeds) {
  static const std::vector<std::string> tokens = {
      "\r\n",
      "\r\n\r\n",
      ":",
      " ",
      "\0",
      "\xff\xfe",
      "%00",
      "%",
      "?a=%zz&&=",
      "Transfer-Encoding: chunked\r\n",
      "Content-Length: 18446744073709551616\r\n",
      "Content-Length: 3\r\nContent-Length: 4\r\n",
      "Expect: 100-continue\r\n",
      "0\r\nX-T: " + std::string(70'000, 't') + "\r\n\r\n",
      std::string(20'000, 'A'),
      "ffffffffffffffff\r\n",
      "1;ext=\"\x01\"\r\n",
      "{\"a\":[[[[[[[[[[",
      "\"\\ud800\"",
      "Cookie: shugo_session=" + std::string(64, 'f') + "\r\n",
      "/../../etc/passwd",
      "HTTP/1.0"};
  std::string r = seeds[rng() % seeds.size()];
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !r.empty(); ++e) {
    const size_t at = rng() % r.size();
    switch (rng() % 5) {
      case 0:
        r[at] = static_cast<char>(rng() % 256);
        break;
      case 1:
        r.insert(at, tokens[rng() % tokens.size()]);
        break;
      case 2:
        r.erase(at, rng() % 16);
        break;
      case 3:
        r.insert(at, r.substr(at, rng() % 64));
        break;
      default:
        r.resize(at);
        break;
    }
  }
  return r;
}

TEST_CASE("robustness: thousands of mutated requests leave the server answering with flat memory") {
  Served w;
  const events::Position head = w.store->head();
  const std::string json = "Content-Type: application/json\r\n";
  const std::vector<std::string> seeds = {
      "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      "GET /api/public/institutions?municipality=131016&disease=ippan HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /api/public/institutions.csv?location=13 HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /api/letters?status=applied&page=2 HTTP/1.1\r\nHost: a\r\nCookie: "
      "shugo_session=00\r\n\r\n",
      "POST /api/letters HTTP/1.1\r\nHost: a\r\n" + json +
          "X-CSRF-Token: 00\r\nIdempotency-Key: k1\r\nContent-Length: 52\r\n\r\n"
          "{\"contract_type\":\"routine\",\"document_confirmed\":1}",
      "POST /api/letters/5/approve HTTP/1.1\r\nHost: a\r\nIf-Match: \"3\"\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: 1\r\n\r\n",
      "GET /api/input-links/0123456789abcdef HTTP/1.1\r\nHost: a\r\n\r\n",
      "PATCH /api/organisations/131016 HTTP/1.1\r\nHost: a\r\n" + json +
          "Content-Length: 2\r\n\r\n{}",
  };
  std::mt19937 rng(20261205);  // the same requests every run
  auto send = [&](int n) {
    int answered = 0;
    for (int i = 0; i < n; ++i) {
      const std::string got = Raw(w.server->port(), Mutated(rng, seeds), true);
      if (StatusOf(got) != 0) ++answered;
      CHECK(StatusOf(got) < 500);
    }
    return answered;
  };
  CHECK(send(500) > 100);  // warm: the server's caches and pools take their size
  const size_t before = LiveHeapBytes();
  CHECK(send(2'500) > 500);
  const size_t after = LiveHeapBytes();
  CAPTURE(before);
  CAPTURE(after);
  CHECK(after < before + (size_t{4} << 20));
  Alive(w, head);
}

TEST_CASE("robustness: bad JSON and bad UTF-8 and wrong types and unknown fields append nothing") {
  Served w;
  Browser b = w.SignedIn(w.chiyoda);
  const events::Position head = w.store->head();
  struct Case {
    std::string body, code, field;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"contract_type\":", "invalid_json", ""},
           {"[1,2]", "invalid_json", ""},
           {"{\"contract_type\":\"\xff\xfe\"}", "invalid_json", ""},
           {"{\"contract_type\":42,\"document_confirmed\":true}", "invalid_argument",
            "contract_type"},
           {"{\"contract_type\":\"routine\",\"document_confirmed\":true,\"delegator\":\"131016\"}",
            "invalid_argument", "delegator"},
       }) {
    CAPTURE(c.body);
    Res r = b.Send(bhttp::verb::post, "/api/letters", c.body);
    CHECK_EQ(r.result(), bhttp::status::bad_request);
    CHECK_EQ(ErrorCode(r), c.code);
    if (!c.field.empty()) {
      CHECK_EQ(Body(r).at("error").as_object().at("field").as_string(), c.field);
    }
  }
  Alive(w, head);
}

TEST_CASE("robustness: a client that sends its request too slowly is closed at the deadline") {
  Served w([](ServerOptions& o) {
    o.timeouts = ServerTimeouts{std::chrono::seconds(1), std::chrono::seconds(1)};
  });
  const events::Position head = w.store->head();
  // Half a header, then nothing: closed once the idle deadline passes, without an answer.
  CHECK_EQ(StatusOf(Raw(w.server->port(), "GET /api/health HTTP/1.1\r\nHost: 12")), 0);
  // A whole header but half of the body it announced: closed at the read deadline.
  CHECK_EQ(StatusOf(Raw(w.server->port(),
                        "POST /api/session HTTP/1.1\r\nHost: a\r\nContent-Type: application/json"
                        "\r\nContent-Length: 40\r\n\r\n{\"login_id\":")),
           0);
  Alive(w, head);
}

TEST_CASE("robustness: a read waiting for min_position holds up neither other reads nor sign-in") {
  // Once armed, the projections hold every batch until the gate opens.
  auto armed = std::make_shared<std::atomic<bool>>(false);
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_future<void> open = gate->get_future().share();
  projections::ServiceOptions po;
  po.before_commit = [armed, open](events::Position) {
    if (armed->load()) open.wait();
  };
  // One thread of each kind: a wait on any of the others' would show.
  Served w(
      [](ServerOptions& o) {
        o.io_threads = 1;
        o.workers = 1;
        o.waiters = 1;
      },
      po);
  w.Admin(w.chiyoda, "chiyoda-admin", "admin@city.chiyoda.example.jp");
  REQUIRE(w.projection->WaitFor(w.store->head(), std::chrono::seconds(30)).ok());
  armed->store(true);
  w.Admin(w.chiyoda, "chiyoda-clerk", "clerk@city.chiyoda.example.jp");  // held by the gate
  const events::Position target = w.store->head();
  std::atomic<bool> done{false};
  int waited = 0;
  std::thread reader([&] {
    waited = testing::HttpCall(w.server->port(), bhttp::verb::get,
                               "/api/public/institutions?municipality=131016&min_position=" +
                                   std::to_string(target))
                 .result_int();
    done.store(true);
  });
  for (long spin = 0; w.projection->waiting() == 0 && !done.load(); ++spin) {
    REQUIRE(spin < 2'000'000'000);
    std::this_thread::yield();
  }
  // While it waits: a read on the only I/O thread, a sign-in on the only worker.
  CHECK_EQ(testing::HttpCall(w.server->port(), bhttp::verb::get, "/api/health").result(),
           bhttp::status::ok);
  Browser b = w.NewBrowser();
  CHECK_EQ(b.Post("/api/session", {{"login_id", "chiyoda-admin"}, {"password", kAdminPassword}})
               .result(),
           bhttp::status::ok);
  CHECK_FALSE(done.load());
  gate->set_value();
  reader.join();
  CHECK_EQ(waited, 200);
}

// A self-signed certificate for 127.0.0.1 and its key, as PEM files in `dir`.
std::pair<std::string, std::string> SelfSigned(const std::filesystem::path& dir) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key != nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  const std::string cert_file = (dir / "server.crt").string();
  const std::string key_file = (dir / "server.key").string();
  FILE* out = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
  return {cert_file, key_file};
}

// One request over TLS, trusting only `cert_file`.
Res TlsCall(uint16_t port, const std::string& cert_file, bhttp::verb verb,
            const std::string& target, const std::string& body = {},
            const testing::HttpHeaders& headers = {}) {
  asio::io_context ioc;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(cert_file);
  tls.set_verify_mode(asio::ssl::verify_peer);
  boost::beast::ssl_stream<tcp::socket> stream(ioc, tls);
  stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.handshake(asio::ssl::stream_base::client);
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [n, v] : headers) req.set(n, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  boost::beast::flat_buffer buffer;
  Res res;
  bhttp::read(stream, buffer, res);
  return res;
}

TEST_CASE("robustness: over TLS the API answers and the session cookie is Secure") {
  testing::TempDir certs;
  const auto [cert, key] = SelfSigned(certs.path());
  Served w([&](ServerOptions& o) {
    o.tls_certificate = cert;
    o.tls_key = key;
  });
  Res health = TlsCall(w.server->port(), cert, bhttp::verb::get, "/api/health");
  CHECK_EQ(health.result(), bhttp::status::ok);
  w.Admin(w.chiyoda, "tls-admin", "tls-admin@example.jp");
  Res login = TlsCall(
      w.server->port(), cert, bhttp::verb::post, "/api/session",
      json::serialize(json::object{{"login_id", "tls-admin"}, {"password", kAdminPassword}}),
      {{"Content-Type", "application/json"}});
  CHECK_EQ(login.result(), bhttp::status::ok);
  const std::string set_cookie(login[bhttp::field::set_cookie]);
  CHECK_NE(set_cookie.find("; Secure"), std::string::npos);
  CHECK_NE(set_cookie.find("HttpOnly"), std::string::npos);
  // Plain HTTP on the TLS port: no answer, a closed connection, a living server.
  CHECK_EQ(StatusOf(Raw(w.server->port(), "GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n", true)), 0);
  CHECK_EQ(TlsCall(w.server->port(), cert, bhttp::verb::get, "/api/health").result(),
           bhttp::status::ok);
}

TEST_CASE("robustness: a certificate without its key or an unreadable file refuses to start") {
  testing::TempDir certs;
  const auto [cert, key] = SelfSigned(certs.path());
  Served w;
  for (const auto& [c, k] : std::vector<std::pair<std::string, std::string>>{
           {cert, ""}, {"", key}, {cert, (certs.path() / "missing.key").string()}}) {
    ServerOptions o;
    o.port = 0;
    o.tls_certificate = c;
    o.tls_key = k;
    auto s = Server::Start(o, *w.store);
    CHECK_FALSE(s.ok());
    if (!s.ok()) CHECK_EQ(s.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace shugo::http
