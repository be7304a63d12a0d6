// Request routing. Only http/ includes this.
#pragma once

#include <boost/beast/http.hpp>
#include <mutex>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "core/processor.h"
#include "events/event_store.h"
#include "projections/service.h"

namespace shugo::http::internal {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

class LetterCache;
class LoginLimiter;

struct Context {
  events::EventStore* store;
  bool demo;
  core::Processor* processor = nullptr;
  ManualClock* business_clock = nullptr;   // demo mode only
  std::mutex* business_date_mu = nullptr;  // one date move at a time
  projections::ProjectionService* projections = nullptr;
  accounts::AccountStore* accounts = nullptr;  // null: no account routes (401 for them)
  const Clock* clock = nullptr;                // real time: sessions, rate limits
  bool tls = false;                            // cookies are Secure
  LoginLimiter* limiter = nullptr;
  LetterCache* letters = nullptr;  // null: letter lists read every row
  // Where users reach the server ("https://shugo.example.jp"): the links of mails are built from
  // it, never from a request's Host header.
  std::string public_base_url;
};

// What the access log adds about a request once it is handled (never a secret).
struct LogFields {
  std::string route;  // the route's pattern ("/api/input-links/{}"): never a token or a code
  std::string org;    // the caller's organisation code
  uint64_t user = 0;
};

// Where a request came from.
struct Peer {
  std::string address;
  bool https = false;  // over TLS, or through the trusted proxy that says it was HTTPS
};

// The headers every answer carries (nosniff, no referrer, no framing, no caching unless the
// answer says otherwise; HSTS over HTTPS).
void AddSecurityHeaders(Response& res, bool https);

// Answers one request. Never throws.
Response Handle(const Context& ctx, const Request& req, const Peer& peer, LogFields* log);

// A failure of the server, not of the request: 500 (or 503 with Retry-After when `unavailable`)
// whose body names a fresh error id and no detail; the id and `detail` (an exception's or
// SQLite's text) go to the error log together. `for_users`: a message written for users to show
// instead of the generic one (some kUnavailable statuses carry one, in Japanese).
Response ServerFailure(unsigned version, std::string_view detail, bool unavailable = false,
                       std::string_view for_users = {});

// {"error": {"code", "message", "field"?}} with `status`.
Response ErrorResponse(bhttp::status status, unsigned version, std::string_view code,
                       std::string_view message, std::string_view field);

}  // namespace shugo::http::internal
