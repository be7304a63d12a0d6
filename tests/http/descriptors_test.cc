// Out of file descriptors (issue 23, item 7): the acceptor backs off instead of looping hot, logs
// once, keeps serving the open connections and accepts again once descriptors are free. Its own
// binary, since it runs the process out of descriptors (in a child).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>

#include "tests/http/served.h"
#include "tests/testing/log_capture.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The child of the EMFILE test: 0 when the server backed off, logged once, kept serving its open
// connection and accepted again once descriptors were free; otherwise the number of the check that
// failed (the child's doctest counters never reach the parent).
int OutOfDescriptorsChild() {
  testing::LogCapture log(spdlog::default_logger());
  Served w;
  const uint16_t port = w.server->port();
  asio::io_context ioc;
  tcp::socket held(ioc);
  held.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  auto ask = [&](tcp::socket& socket) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/api/health", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(socket, req);
    boost::beast::flat_buffer buffer;
    Res res;
    bhttp::read(socket, buffer, res);
    return res.result_int();
  };
  // UBSan's vptr check probes memory through a pipe on a miss of its type cache: with no
  // descriptor free it would report a false error. The paths used while out of descriptors (an
  // answer on an open connection, a formatted log line) fill that cache first.
  for (int i = 0; i < 3; ++i) {
    if (ask(held) != 200) return 1;
  }
  spdlog::error("warm-up {}: {}", std::string("a"), boost::system::error_code().message());
  // A few descriptors left, then the client takes them all: the server's accepts meet EMFILE.
  const auto open_now = static_cast<rlim_t>(std::distance(
      std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator()));
  // Only the soft limit is lowered, so that it can be raised again without privilege.
  rlimit before{};
  if (getrlimit(RLIMIT_NOFILE, &before) != 0) return 2;
  const rlimit low{open_now + 24, before.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &low) != 0) return 2;
  std::vector<tcp::socket> flood;
  for (int i = 0; i < 1'000; ++i) {
    tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) break;  // the client is out of descriptors too
    flood.push_back(std::move(s));
  }
  if (flood.size() >= 1'000) return 3;
  // The connections in the listen backlog make the acceptor try, and fail, at least once.
  for (int spin = 0; w.server->accept_failures() == 0; ++spin) {
    if (spin > 20'000'000) return 4;
    std::this_thread::yield();
  }
  const auto start = std::chrono::steady_clock::now();
  const uint64_t failures_before = w.server->accept_failures();
  for (int i = 0; i < 20; ++i) {
    if (ask(held) != 200) return 5;  // the open connection is still served
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Backing off from 50 ms to 1 s: a handful of tries a second, never a hot loop.
  if (static_cast<double>(w.server->accept_failures() - failures_before) > 8 + 2 * seconds)
    return 6;
  const std::string text = log.text();
  size_t logged = 0;
  for (size_t at = text.find("cannot accept"); at != std::string::npos;
       at = text.find("cannot accept", at + 1)) {
    ++logged;
  }
  if (logged != 1) return 7;
  // Descriptors free again: a new connection waits in the backlog until the next try accepts it.
  // The limit is raised before the flood closes, so the server closes those connections (a path
  // the warm-up did not take) with descriptors to spare for UBSan's probe.
  if (setrlimit(RLIMIT_NOFILE, &before) != 0) return 8;
  flood.clear();
  tcp::socket later(ioc);
  later.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (ask(later) != 200) return 9;
  return 0;
}

TEST_CASE("descriptors: out of file descriptors the server backs off and keeps serving") {
  // In a child: its lowered open-file limit must not reach the other tests.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 100;
    try {
      code = OutOfDescriptorsChild();
    } catch (...) {
      code = 101;
    }
    _exit(code);
  }
  int status = 0;
  REQUIRE_EQ(waitpid(child, &status, 0), child);
  REQUIRE(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace shugo::http
