// The server under malformed, oversized, truncated and slow requests (issue 6 "robustness"), and
// over TLS: every bad request gets a 4xx or a closed connection, the server keeps answering, and
// nothing is appended to the log.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>

#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Sends `bytes` on a fresh connection (then half-closes when `finish`) and returns everything the
// server sends back until it closes. A server that neither answers nor closes within 20 s fails
// the test (the socket's receive deadline), it does not hang it.
std::string Raw(uint16_t port, const std::string& bytes, bool finish = false) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  struct timeval deadline {
    20, 0
  };
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
  if (finish) socket.shutdown(tcp::socket::shutdown_send, ec);
  std::string got;
  std::array<char, 4096> chunk{};
  for (;;) {
    const size_t n = socket.read_some(asio::buffer(chunk), ec);
    got.append(chunk.data(), n);
    if (ec) break;
  }
  const std::string why = "the server neither answered nor closed: " + ec.message();
  REQUIRE_MESSAGE((ec == asio::error::eof || ec == asio::error::connection_reset), why);
  return got;
}

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

TEST_CASE("robustness: an oversized body or header answers 413 without reading it") {
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
  CHECK_EQ(StatusOf(header), 413);
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
