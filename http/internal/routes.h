// Request routing. Only http/ includes this.
#pragma once

#include <boost/beast/http.hpp>
#include <mutex>

#include "base/clock.h"
#include "core/processor.h"
#include "events/event_store.h"
#include "http/accounts.h"
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
  AccountStore* accounts = nullptr;  // null: no account routes (401 for them)
  const Clock* clock = nullptr;      // real time: sessions, rate limits
  bool tls = false;                  // cookies are Secure
  LoginLimiter* limiter = nullptr;
  LetterCache* letters = nullptr;  // null: letter lists read every row
};

// What the access log adds about a request once it is handled (never a secret).
struct LogFields {
  std::string org;  // the caller's organisation code
  uint64_t user = 0;
};

// Where a request came from.
struct Peer {
  std::string address;
};

// Answers one request. Never throws.
Response Handle(const Context& ctx, const Request& req, const Peer& peer, LogFields* log);

// {"error": {"code", "message", "field"?}} with `status`.
Response ErrorResponse(bhttp::status status, unsigned version, std::string_view code,
                       std::string_view message, std::string_view field);

}  // namespace shugo::http::internal
