#include "http/server.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/internal/letter_cache.h"
#include "http/internal/limiter.h"
#include "http/internal/routes.h"

namespace shugo::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
// Each I/O thread runs its own io_context and owns the connections accepted onto it, so a
// connection's handlers never run on two threads and need no strand; the concrete executor type
// spares the type-erased one.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

namespace {

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

// One JSON line per request: never a query string, body, cookie or token.
void AccessLog(const internal::Request& req, const internal::Response& res,
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

// Whether a request is answered on the I/O thread that read it: reads that never wait. Commands
// (they wait for the log's sync), sign-in steps (argon2id takes tens of ms) and reads that wait
// for a position go to the workers, so that they never hold up the other connections of the
// thread.
bool AnswerInline(const internal::Request& req) {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) return false;
  const std::string_view target = req.target();
  return target.find("min_position=") == std::string_view::npos;
}

struct Shared {
  const internal::Context& ctx;
  const ServerTimeouts& timeouts;
  asio::thread_pool& workers;
  std::atomic<int64_t>& connections;
  const std::optional<asio::ip::address>& trusted_proxy;
};

// An IPv4-mapped IPv6 address as its IPv4 address (a dual-stack socket reports those).
asio::ip::address Plain(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

// The client a request came from: the socket's peer, or — when the peer is the trusted proxy —
// the last hop of X-Forwarded-For, which that proxy appended (earlier hops are the client's own
// word and are ignored). A last hop that is not an address leaves the peer.
std::string ClientAddress(const asio::ip::address& peer, const internal::Request& req,
                          const std::optional<asio::ip::address>& trusted_proxy) {
  const asio::ip::address from = Plain(peer);
  if (!trusted_proxy || from != *trusted_proxy) return from.to_string();
  std::string_view last;
  const auto [first, end] = req.equal_range("X-Forwarded-For");
  for (auto it = first; it != end; ++it) {
    last = std::string_view(it->value().data(), it->value().size());
  }
  if (const size_t comma = last.rfind(','); comma != std::string_view::npos) {
    last.remove_prefix(comma + 1);
  }
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  beast::error_code ec;
  const asio::ip::address hop = asio::ip::make_address(std::string(last), ec);
  if (ec) return from.to_string();
  return Plain(hop).to_string();
}

// One connection over a plain or TLS stream: read a request, answer it (inline or on a worker),
// keep alive until the peer closes, idles out, or is too slow to send a request.
template <typename Derived>
class Connection {
 public:
  explicit Connection(const Shared& shared) : shared_(shared) { ++shared_.connections; }
  ~Connection() { --shared_.connections; }

 protected:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    // Waiting for the next request and receiving its header share the idle deadline; the body
    // then has the read deadline. A client that trickles bytes is closed at either.
    Layer().expires_after(shared_.timeouts.idle);
    bhttp::async_read_header(Self().stream(), buffer_, *parser_,
                             beast::bind_front_handler(&Connection::OnHeader, Self().shared()));
  }

 private:
  Derived& Self() { return static_cast<Derived&>(*this); }
  Stream& Layer() { return beast::get_lowest_layer(Self().stream()); }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnRead(ec, 0);
    if (parser_->is_done()) return OnRead(ec, 0);
    Layer().expires_after(shared_.timeouts.read);
    bhttp::async_read(Self().stream(), buffer_, *parser_,
                      beast::bind_front_handler(&Connection::OnRead, Self().shared()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::ssl::error::stream_truncated) {
      return Self().Close();
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      return Send(internal::ErrorResponse(bhttp::status::payload_too_large, 11, "payload_too_large",
                                          "リクエストが大きすぎます", ""),
                  false);
    }
    if (ec) {
      return Send(internal::ErrorResponse(bhttp::status::bad_request, 11, "bad_request",
                                          "リクエストを解釈できません", ""),
                  false);
    }
    Layer().expires_never();
    auto job = std::make_shared<Job>();
    job->req = parser_->release();
    job->start = std::chrono::steady_clock::now();
    if (!peer_) {  // once per connection (a system call)
      beast::error_code peer_ec;
      const auto peer = Layer().socket().remote_endpoint(peer_ec);
      if (!peer_ec) peer_ = peer.address();
    }
    if (peer_) job->from.address = ClientAddress(*peer_, job->req, shared_.trusted_proxy);
    if (AnswerInline(job->req)) return Answer(*job);
    asio::post(shared_.workers, [self = Self().shared(), job] {
      job->res = internal::Handle(self->shared_.ctx, job->req, job->from, &job->log);
      asio::dispatch(self->stream().get_executor(), [self, job] { self->Finish(*job); });
    });
  }

  struct Job {
    internal::Request req;
    internal::Response res;
    internal::Peer from;
    internal::LogFields log;
    std::chrono::steady_clock::time_point start;
  };

  void Answer(Job& job) {
    job.res = internal::Handle(shared_.ctx, job.req, job.from, &job.log);
    Finish(job);
  }
  void Finish(Job& job) {
    AccessLog(job.req, job.res, job.from, job.log, job.start);
    Send(std::move(job.res), job.req.keep_alive());
  }

  void Send(internal::Response res, bool keep_alive) {
    res.keep_alive(keep_alive);
    res.prepare_payload();
    auto sp = std::make_shared<internal::Response>(std::move(res));
    // A client that does not read its answer is closed at the read deadline as well.
    Layer().expires_after(shared_.timeouts.read);
    bhttp::async_write(Self().stream(), *sp,
                       [self = Self().shared(), sp, keep_alive](beast::error_code ec, size_t) {
                         if (ec || !keep_alive) return self->Close();
                         self->Read();
                       });
  }

  const Shared& shared_;
  std::optional<asio::ip::address> peer_;  // the client's (or its proxy's) address
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

class PlainConnection : public Connection<PlainConnection>,
                        public std::enable_shared_from_this<PlainConnection> {
 public:
  PlainConnection(Socket socket, const Shared& shared)
      : Connection(shared), stream_(std::move(socket)) {}
  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }
  Stream& stream() { return stream_; }
  std::shared_ptr<PlainConnection> shared() { return shared_from_this(); }
  // A lingering close: no more bytes are sent, and what the peer still sends (the rest of a body
  // refused before it was read) is read and dropped until it closes or the deadline set for the
  // last answer passes. Closed at once, the kernel would reset the connection, and a peer still
  // writing would lose the answer it has not read yet (a 413).
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    drain_ = std::make_unique<std::array<char, 4096>>();
    Drain();
  }

 private:
  void Drain() {
    stream_.async_read_some(asio::buffer(*drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Drain();
                            });
  }

  Stream stream_;
  std::unique_ptr<std::array<char, 4096>> drain_;
};

class TlsConnection : public Connection<TlsConnection>,
                      public std::enable_shared_from_this<TlsConnection> {
 public:
  TlsConnection(Socket socket, asio::ssl::context& tls, const Shared& shared,
                std::chrono::seconds handshake_timeout)
      : Connection(shared), stream_(std::move(socket), tls), handshake_(handshake_timeout) {}
  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->handshake_);
      self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return;  // not TLS, or too slow: dropped
        self->Read();
      });
    });
  }
  beast::ssl_stream<Stream>& stream() { return stream_; }
  std::shared_ptr<TlsConnection> shared() { return shared_from_this(); }
  void Close() {
    beast::get_lowest_layer(stream_).expires_after(handshake_);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    });
  }

 private:
  beast::ssl_stream<Stream> stream_;
  std::chrono::seconds handshake_;
};

Result<std::unique_ptr<asio::ssl::context>> TlsContext(const ServerOptions& o) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  beast::error_code ec;
  tls->use_certificate_chain_file(o.tls_certificate, ec);
  if (ec) {
    return Status::InvalidArgument(
        "tls-cert", "cannot read the certificate chain " + o.tls_certificate + ": " + ec.message());
  }
  tls->use_private_key_file(o.tls_key, asio::ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument(
        "tls-key", "cannot read the private key " + o.tls_key + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    return Status::InvalidArgument("tls-key", "the private key " + o.tls_key +
                                                  " does not belong to the certificate " +
                                                  o.tls_certificate);
  }
  return tls;
}

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& o, events::EventStore& store)
      : options(o),
        limiter(20, int64_t{10} * 60'000'000),
        letter_cache(o.letter_cache_bytes),
        ctx{&store,
            o.demo,
            o.processor,
            o.business_clock,
            &business_date_mu,
            o.projections,
            o.accounts,
            o.clock,
            !o.tls_certificate.empty(),
            &limiter,
            o.letter_cache_bytes > 0 ? &letter_cache : nullptr},
        shared{ctx, options.timeouts, workers, connections, trusted_proxy},
        workers(static_cast<size_t>(std::max(1, o.workers))),
        contexts(MakeContexts(o.io_threads)),
        acceptor(*contexts.front()) {}
  void Accept() {
    asio::io_context& next = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(next, [this](beast::error_code ec, Socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (connections.load() >= options.max_connections) {
          // Over the limit: closed at once rather than starving the others.
          socket.close(ec);
        } else if (tls) {
          std::make_shared<TlsConnection>(std::move(socket), *tls, shared, options.timeouts.idle)
              ->Run();
        } else {
          std::make_shared<PlainConnection>(std::move(socket), shared)->Run();
        }
      }
      Accept();
    });
  }
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(1, n); ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  // Declared in the order of their lifetimes: what a connection refers to (the context, the
  // counters, TLS) outlives the workers and I/O contexts whose pending handlers hold connections.
  ServerOptions options;
  std::mutex business_date_mu;
  internal::LoginLimiter limiter;
  internal::LetterCache letter_cache;
  std::optional<asio::ip::address> trusted_proxy;
  internal::Context ctx;
  std::atomic<int64_t> connections{0};
  std::unique_ptr<asio::ssl::context> tls;
  Shared shared;
  asio::thread_pool workers;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  tcp::acceptor acceptor;
  size_t next_context = 0;  // on the acceptor's thread only
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
  if (options.tls_certificate.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("tls", "TLS needs both a certificate and its private key");
  }
  auto impl = std::make_unique<Impl>(options, store);
  if (!options.trusted_proxy.empty()) {
    beast::error_code ec;
    const asio::ip::address proxy = asio::ip::make_address(options.trusted_proxy, ec);
    if (ec) {
      return Status::InvalidArgument("trusted-proxy",
                                     "not an IP address: " + options.trusted_proxy);
    }
    impl->trusted_proxy = Plain(proxy);
  }
  if (!options.tls_certificate.empty()) {
    SHUGO_ASSIGN_OR_RETURN(impl->tls, TlsContext(options));
  }
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
  for (auto& context : impl->contexts) {
    impl->threads.emplace_back([ioc = context.get()] {
      // Runs until Stop(), even while it has no connection.
      auto guard = asio::make_work_guard(*ioc);
      ioc->run();
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Stop() {
  std::lock_guard lk(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->workers.join();
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
