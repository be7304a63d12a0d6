// libFuzzer target (built with -DSHUGO_FUZZ=ON and clang; run by scripts/test.sh for a bounded
// time under ASan + UBSan): a request's bytes go through the parser as a connection reads them
// (http/internal/request_reader.h) and, when they make a whole request, through the route table
// over the HTTP tests' world — sessions, a letter and a public search included. Any exception, a
// sanitizer report or a 500 answer is a finding. Seeds: tests/http/request_corpus/.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "http/internal/limiter.h"
#include "http/internal/request_reader.h"
#include "tests/http/served.h"

namespace shugo::http {
namespace {

// The world's fixtures use doctest's assertions: outside a test case a failed one ends the run.
void AbortOnAssert(const doctest::AssertData& a) {
  if (!a.m_failed) return;
  std::fprintf(stderr, "fuzz fixture: %s:%d %s\n", a.m_file, a.m_line, a.m_decomp.c_str());
  std::abort();
}

struct Fixture {
  Fixture() : limiter(20, int64_t{10} * 60'000'000) {
    doctest_context.setAsDefaultForAssertsOutOfTestCases();
    doctest_context.setAssertHandler(AbortOnAssert);
    world = std::make_unique<test::Served>();
    // A signed-in municipality, so that the session's routes are reached with its cookie
    // (the corpus's cookie is rewritten to this one).
    test::Browser b = world->SignedIn(world->chiyoda);
    cookie = b.cookie;
    csrf = b.csrf;
    ctx = internal::Context{world->store.get(),
                            false,
                            world->proc.get(),
                            nullptr,
                            &business_date_mu,
                            world->projection.get(),
                            world->accounts.get(),
                            &world->clock,
                            false,
                            &limiter,
                            nullptr};
  }
  doctest::Context doctest_context;
  std::unique_ptr<test::Served> world;
  std::string cookie, csrf;
  std::mutex business_date_mu;
  internal::LoginLimiter limiter;
  internal::Context ctx{};
};

// The corpus names the session "SESSION" and the CSRF token "CSRFTOKEN": the live ones replace
// them, so that the seeds reach the routes behind a session.
void Substitute(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace
}  // namespace shugo::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shugo::http;  // NOLINT(google-build-using-namespace): the harness's one function
  static Fixture* fixture = new Fixture();  // NOLINT(cppcoreguidelines-owning-memory): process-long
  std::string bytes(reinterpret_cast<const char*>(data), size);
  Substitute(bytes, "SESSION", fixture->cookie);
  Substitute(bytes, "CSRFTOKEN", fixture->csrf);
  internal::RequestParser parser;
  internal::LimitParser(parser);
  const boost::beast::error_code ec = internal::ParseBytes(parser, bytes);
  if (ec) {
    if (auto answer = internal::ReadFailure(ec); answer && answer->result_int() >= 500)
      std::abort();
    return 0;
  }
  internal::Request req = parser.release();
  // Position waits and sign-in hashing would only slow the run: their parsing is still reached.
  if (req.target().find("min_position") != std::string_view::npos) return 0;
  internal::LogFields log;
  const internal::Response res = internal::Handle(fixture->ctx, req, {"127.0.0.1"}, &log);
  if (res.result_int() == 500) {
    std::fprintf(stderr, "500 answer: %s\n", res.body().c_str());
    std::abort();
  }
  return 0;
}
