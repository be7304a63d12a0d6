// The HTTP server (Boost.Beast; docs/api.md): HTTP/1.1 keep-alive over plain TCP or TLS, a few I/O
// threads, workers for what waits, bounded sizes and deadlines.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "base/status.h"
#include "core/processor.h"
#include "events/event_store.h"
#include "projections/service.h"

namespace shugo::http {

// How long a connection may take: waiting for the next request and receiving its header (idle),
// then its body and the sending of the answer (read). A client slower than that is closed.
struct ServerTimeouts {
  std::chrono::seconds idle{30};
  std::chrono::seconds read{30};
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests)
  int io_threads = 2;
  // Threads that answer what may wait: commands (the log's sync), sign-in (argon2id) and reads
  // waiting for a position. Reads that never wait are answered on the I/O threads.
  int workers = 8;
  // Threads for reads that wait for a position (min_position, up to 2 s each): apart from the
  // workers, so that waiting reads never hold up commands.
  int waiters = 4;
  int64_t max_connections = 10'000;  // more are closed at once
  // Open connections from one client address (an IPv6 client by its /64; the trusted proxy is not
  // counted): more are closed at once, so that one client cannot take them all.
  int64_t max_connections_per_address = 256;
  ServerTimeouts timeouts;
  // TLS (PEM files; both or neither): the server then speaks HTTPS only, cookies are Secure.
  std::string tls_certificate, tls_key;
  bool demo = false;  // demo/test mode: the business date is moved by an admin
  // The command processor over the same store (not owned); null: no domain routes.
  core::Processor* processor = nullptr;
  // Demo mode: the clock of the business date, moved by POST /api/admin/business-date.
  ManualClock* business_clock = nullptr;
  // The read models (not owned); null: no query routes, and /api/health says so.
  projections::ProjectionService* projections = nullptr;
  // Users and sessions (not owned); null: the account routes answer 503.
  accounts::AccountStore* accounts = nullptr;
  // Real time for sessions and rate limits (not owned); required with `accounts`.
  const Clock* clock = nullptr;
  // The address of a reverse proxy in front of the server (empty: none). Only from it is
  // X-Forwarded-For believed, and only its last hop (what that proxy appended): the client address
  // of rate limits and access logs.
  std::string trusted_proxy;
  // Where users reach the server, without a trailing slash ("https://shugo.example.jp"): links in
  // mails are built from it. Empty: http(s)://ADDRESS:PORT of the listen address.
  std::string public_base_url;
  // Structured access log lines (JSON) on stderr.
  bool access_log = false;
  // Bytes of letter objects kept for letters pages (http/internal/letter_cache.h); 0: none, every
  // page reads and writes all of its rows.
  size_t letter_cache_bytes = size_t{64} << 20;
};

class Server {
 public:
  // Binds and starts serving. kUnavailable if the address cannot be bound. `store` must outlive
  // the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                               events::EventStore& store);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // Accepts that failed for want of descriptors or memory (each is retried after a back-off).
  uint64_t accept_failures() const;
  // Stops accepting, closes connections, joins the I/O threads. Idempotent; thread-safe.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits "ADDR:PORT"; kInvalidArgument naming `field` otherwise.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& text,
                                                     const std::string& field);

}  // namespace shugo::http
