#include "http/server.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "http/internal/limiter.h"
#include "http/internal/routes.h"

namespace shugo::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr size_t kHeaderLimit = 16 * 1024;
constexpr size_t kBodyLimit = 1 << 20;

// The access log: JSON lines on stderr, off until a server asks for it.
spdlog::logger& AccessLogger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("access");
    l->set_pattern("%v");
    l->set_level(spdlog::level::off);
    return l;
  }();
  return *logger;
}

// One connection: read a request, answer it, keep alive until the peer closes or idles out.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const internal::Context& ctx)
      : stream_(std::move(socket)), ctx_(ctx) {}
  void Run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Connection::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }
  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      return Send(internal::ErrorResponse(bhttp::status::payload_too_large, 11, "payload_too_large",
                                          "リクエストが大きすぎます", ""),
                  false);
    }
    if (ec)
      return Send(internal::ErrorResponse(bhttp::status::bad_request, 11, "bad_request",
                                          "リクエストを解釈できません", ""),
                  false);
    auto req = parser_->release();
    const bool keep = req.keep_alive();
    const auto start = std::chrono::steady_clock::now();
    beast::error_code peer_ec;
    const auto peer = stream_.socket().remote_endpoint(peer_ec);
    internal::Peer from;
    if (!peer_ec) {
      from.address = peer.address().to_string();
      from.loopback = peer.address().is_loopback();
    }
    internal::LogFields log;
    auto res = internal::Handle(ctx_, req, from, &log);
    AccessLog(req, res, from, log, start);
    Send(std::move(res), keep);
  }
  // One JSON line per request: never a query string, body, cookie or token.
  static void AccessLog(const internal::Request& req, const internal::Response& res,
                        const internal::Peer& from, const internal::LogFields& log,
                        std::chrono::steady_clock::time_point start) {
    spdlog::logger& logger = AccessLogger();
    if (!logger.should_log(spdlog::level::info)) return;
    const std::string_view target = req.target();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    boost::json::object line{{"method", std::string(req.method_string())},
                             {"path", target.substr(0, target.find('?'))},
                             {"status", res.result_int()},
                             {"us", us},
                             {"peer", from.address}};
    if (!log.org.empty()) line["org"] = log.org;
    if (log.user != 0) line["user"] = log.user;
    logger.info(boost::json::serialize(line));
  }
  void Send(bhttp::response<bhttp::string_body> res, bool keep_alive) {
    res.keep_alive(keep_alive);
    res.prepare_payload();
    auto sp = std::make_shared<bhttp::response<bhttp::string_body>>(std::move(res));
    bhttp::async_write(stream_, *sp,
                       [self = shared_from_this(), sp, keep_alive](beast::error_code ec, size_t) {
                         if (ec || !keep_alive) return self->Close();
                         self->Read();
                       });
  }
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const internal::Context& ctx_;
};

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& o, events::EventStore& store)
      : ioc(o.io_threads),
        limiter(20, int64_t{10} * 60'000'000),
        acceptor(ioc),
        ctx{&store,     o.demo,  o.processor, o.business_clock, &business_date_mu, o.projections,
            o.accounts, o.clock, false,       &limiter} {}
  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Connection>(std::move(socket), ctx)->Run();
      Accept();
    });
  }
  std::mutex business_date_mu;
  asio::io_context ioc;
  internal::LoginLimiter limiter;
  tcp::acceptor acceptor;
  internal::Context ctx;
  std::vector<std::thread> threads;
  std::mutex mu;
  bool stopped = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                              events::EventStore& store) {
  if (options.accounts != nullptr && options.clock == nullptr) {
    return Status::InvalidArgument("clock", "the account routes need a clock");
  }
  if (options.access_log) AccessLogger().set_level(spdlog::level::info);
  auto impl = std::make_unique<Impl>(options, store);
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return Status::InvalidArgument("listen", "not an IP address: " + options.address);
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + options.address + ":" +
                               std::to_string(options.port) + ": " + ec.message());
  }
  impl->Accept();
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Stop() {
  std::lock_guard lk(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& text,
                                                     const std::string& field) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument(field, "expected ADDR:PORT, got '" + text + "'");
  }
  unsigned port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(begin, end, port);
  if (err != std::errc() || ptr != end || port > 65535) {
    return Status::InvalidArgument(field, "not a port number in '" + text + "'");
  }
  return std::make_pair(text.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace shugo::http
