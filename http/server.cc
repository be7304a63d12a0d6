#include "http/server.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

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
#include <unordered_map>
#include <vector>

#include "http/internal/letter_cache.h"
#include "http/internal/limiter.h"
#include "http/internal/request_reader.h"
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
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  // The route's pattern, not the path: a path may carry an input link's token or a code.
  boost::json::object line{{"method", std::string(req.method_string())},
                           {"route", log.route.empty() ? std::string("-") : log.route},
                           {"status", res.result_int()},
                           {"us", us},
                           {"peer", from.address}};
  if (!log.org.empty()) line["org"] = log.org;
  if (log.user != 0) line["user"] = log.user;
  logger.info(boost::json::serialize(line));
}

// Where a request is answered: on the I/O thread that read it (reads that never wait), on the
// workers (commands wait for the log's sync, sign-in steps for argon2id), or on the waiters
// (reads with min_position wait up to 2 s for the projections). Nothing that waits holds up the
// other connections of an I/O thread, and reads that wait never hold up commands.
enum class Lane { kInline, kWorkers, kWaiters };
Lane LaneOf(const internal::Request& req) {
  const std::string_view target = req.target();
  if (target.find("min_position=") != std::string_view::npos) return Lane::kWaiters;
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) return Lane::kWorkers;
  return Lane::kInline;
}

// Open connections per client address (an IPv6 client by its /64), so that one client cannot
// take every connection. The trusted proxy carries many clients and is not counted.
class AddressCounts {
 public:
  explicit AddressCounts(int64_t limit) : limit_(limit) {}
  // Counts a new connection from `a`; false (nothing counted) when `a` is at its limit.
  bool TryAdd(const asio::ip::address& a) {
    std::lock_guard lk(mu_);
    int64_t& n = counts_[Key(a)];
    if (n >= limit_) return false;
    ++n;
    return true;
  }
  void Remove(const asio::ip::address& a) {
    std::lock_guard lk(mu_);
    auto it = counts_.find(Key(a));
    if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
  }

 private:
  static std::string Key(const asio::ip::address& a) {
    if (!a.is_v6()) return a.to_string();
    asio::ip::address_v6::bytes_type b = a.to_v6().to_bytes();
    std::fill(b.begin() + 8, b.end(), 0);
    return asio::ip::address_v6(b).to_string();
  }
  std::mutex mu_;
  const int64_t limit_;
  std::unordered_map<std::string, int64_t> counts_;
};

struct Shared {
  const internal::Context& ctx;
  const ServerTimeouts& timeouts;
  asio::thread_pool& workers;
  asio::thread_pool& waiters;
  std::atomic<int64_t>& connections;
  const std::optional<asio::ip::address>& trusted_proxy;
  AddressCounts& per_address;
};

// An IPv4-mapped IPv6 address as its IPv4 address (a dual-stack socket reports those).
asio::ip::address Plain(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

// The last hop of a header a proxy appends to ("a, b" and repeated fields: "b"), trimmed.
std::string_view LastHop(const internal::Request& req, std::string_view name) {
  std::string_view last;
  const auto [first, end] = req.equal_range(name);
  for (auto it = first; it != end; ++it) {
    last = std::string_view(it->value().data(), it->value().size());
  }
  if (const size_t comma = last.rfind(','); comma != std::string_view::npos) {
    last.remove_prefix(comma + 1);
  }
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  return last;
}

// The client a request came from: the socket's peer, or — when the peer is the trusted proxy —
// the last hop of X-Forwarded-For, which that proxy appended (earlier hops are the client's own
// word and are ignored). A last hop that is not an address leaves the peer. HTTPS when the
// connection is TLS, or when the trusted proxy's X-Forwarded-Proto says so.
internal::Peer ClientOf(const asio::ip::address& peer, const internal::Request& req,
                        const std::optional<asio::ip::address>& trusted_proxy, bool tls) {
  const asio::ip::address from = Plain(peer);
  if (!trusted_proxy || from != *trusted_proxy) return {from.to_string(), tls};
  const bool https = tls || LastHop(req, "X-Forwarded-Proto") == "https";
  beast::error_code ec;
  const asio::ip::address hop =
      asio::ip::make_address(std::string(LastHop(req, "X-Forwarded-For")), ec);
  if (ec) return {from.to_string(), https};
  return {Plain(hop).to_string(), https};
}

// One connection over a plain or TLS stream: read a request, answer it (inline or on a worker),
// keep alive until the peer closes, idles out, or is too slow to send a request.
template <typename Derived>
class Connection {
 public:
  // `counted`: the client address the connection is counted under in Shared::per_address.
  Connection(const Shared& shared, std::optional<asio::ip::address> counted)
      : shared_(shared), counted_(std::move(counted)) {
    ++shared_.connections;
  }
  ~Connection() {
    --shared_.connections;
    if (counted_) shared_.per_address.Remove(*counted_);
  }

 protected:
  void Read() {
    parser_.emplace();
    internal::LimitParser(*parser_);
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
    if (ec) {
      std::optional<internal::Response> answer = internal::ReadFailure(ec);
      if (!answer) return Self().Close();
      return Send(std::move(*answer), false);
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
    if (peer_) job->from = ClientOf(*peer_, job->req, shared_.trusted_proxy, Derived::kTls);
    https_ = job->from.https;
    const Lane lane = LaneOf(job->req);
    if (lane == Lane::kInline) return Answer(*job);
    asio::post(lane == Lane::kWaiters ? shared_.waiters : shared_.workers,
               [self = Self().shared(), job] {
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
    internal::AddSecurityHeaders(res, https_);
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
  const std::optional<asio::ip::address> counted_;
  std::optional<asio::ip::address> peer_;  // the client's (or its proxy's) address
  bool https_ = Derived::kTls;             // of the last request: HSTS on its answers
  beast::flat_buffer buffer_{internal::kReadBufferLimit};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

class PlainConnection : public Connection<PlainConnection>,
                        public std::enable_shared_from_this<PlainConnection> {
 public:
  static constexpr bool kTls = false;
  PlainConnection(Socket socket, const Shared& shared, std::optional<asio::ip::address> counted)
      : Connection(shared, std::move(counted)), stream_(std::move(socket)) {}
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
  static constexpr bool kTls = true;
  TlsConnection(Socket socket, asio::ssl::context& tls, const Shared& shared,
                std::optional<asio::ip::address> counted, std::chrono::seconds handshake_timeout)
      : Connection(shared, std::move(counted)),
        stream_(std::move(socket), tls),
        handshake_(handshake_timeout) {}
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

// Every connection and every SQLite and RocksDB file takes a descriptor: the soft limit goes up to
// the hard one at start.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("cannot raise the open file limit to {}", limit.rlim_max);
  }
}

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
        per_address(o.max_connections_per_address),
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
            o.letter_cache_bytes > 0 ? &letter_cache : nullptr,
            o.public_base_url},
        shared{ctx, options.timeouts, workers, waiters, connections, trusted_proxy, per_address},
        workers(static_cast<size_t>(std::max(1, o.workers))),
        waiters(static_cast<size_t>(std::max(1, o.waiters))),
        contexts(MakeContexts(o.io_threads)),
        acceptor(*contexts.front()),
        accept_retry(*contexts.front()) {}
  void Accept() {
    asio::io_context& next = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(next, [this](beast::error_code ec, Socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory ||
          ec == boost::system::errc::too_many_files_open_in_system) {
        return AcceptLater(ec);
      }
      if (accept_backoff.count() > 0) {
        spdlog::warn("accepting connections again");
        accept_backoff = std::chrono::milliseconds(0);
      }
      if (!ec) Admit(std::move(socket));
      Accept();
    });
  }
  // Out of file descriptors (or kernel memory): the pending connections wait in the listen
  // backlog while the open ones are served; accepting is retried after 50 ms, doubling up to 1 s,
  // instead of looping hot. Logged once until accepting works again.
  void AcceptLater(const beast::error_code& ec) {
    ++accept_failures;
    if (accept_backoff.count() == 0) {
      spdlog::error("cannot accept connections ({}): retrying, the open ones are still served",
                    ec.message());
      accept_backoff = std::chrono::milliseconds(50);
    } else {
      accept_backoff = std::min(accept_backoff * 2, std::chrono::milliseconds(1000));
    }
    accept_retry.expires_after(accept_backoff);
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
  }
  void Admit(Socket socket) {
    beast::error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::optional<asio::ip::address> counted;
    const asio::ip::address from = Plain(remote.address());
    if (connections.load() >= options.max_connections) {
      // Over the limit: closed at once rather than starving the others.
      socket.close(ec);
      return;
    }
    if (!trusted_proxy || from != *trusted_proxy) {
      if (!per_address.TryAdd(from)) {
        socket.close(ec);
        return;
      }
      counted = from;
    }
    if (tls) {
      std::make_shared<TlsConnection>(std::move(socket), *tls, shared, std::move(counted),
                                      options.timeouts.idle)
          ->Run();
    } else {
      std::make_shared<PlainConnection>(std::move(socket), shared, std::move(counted))->Run();
    }
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
  AddressCounts per_address;
  std::optional<asio::ip::address> trusted_proxy;
  internal::Context ctx;
  std::atomic<int64_t> connections{0};
  std::unique_ptr<asio::ssl::context> tls;
  Shared shared;
  asio::thread_pool workers;
  asio::thread_pool waiters;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  size_t next_context = 0;                      // on the acceptor's thread only
  std::chrono::milliseconds accept_backoff{0};  // on the acceptor's thread only
  std::atomic<uint64_t> accept_failures{0};
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
  RaiseOpenFileLimit();
  auto impl = std::make_unique<Impl>(options, store);
  if (impl->ctx.public_base_url.empty()) {
    impl->ctx.public_base_url = std::string(options.tls_certificate.empty() ? "http" : "https") +
                                "://" + options.address + ":" + std::to_string(options.port);
  }
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
      // Runs until Stop(), even while it has no connection. A handler that throws ends only its
      // own connection: the exception unwinds that handler, which held the connection's last
      // reference, and run() carries on with the others (Asio allows it without restart()).
      auto guard = asio::make_work_guard(*ioc);
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("a connection ended by an exception: {}", e.what());
        } catch (...) {
          spdlog::error("a connection ended by an exception of an unknown type");
        }
      }
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

uint64_t Server::accept_failures() const { return impl_->accept_failures.load(); }

void Server::Stop() {
  std::lock_guard lk(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->workers.join();
  impl_->waiters.join();
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
