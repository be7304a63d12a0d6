// One request on its way through the routes (http/routes.cc): what the dispatcher found out about
// it (path parameters, query, JSON body, session) and the answers every route shares.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "http/internal/routes.h"
#include "projections/queries.h"

namespace shugo::http::internal {

enum class Access {
  kPublic,    // no session needed
  kAnyStage,  // a session, even one still signing in
  kReady,     // a session that finished signing in
};

struct Call;

// One entry of the route table (http/routes.cc); each area of routes contributes its own list.
struct Route {
  bhttp::verb method;
  std::string pattern;  // "{}" matches one segment
  Access access;
  bool json;  // takes a JSON object body
  std::function<Response(Call&)> handler;
};

struct Call {
  const Context& ctx;
  const Request& req;
  std::vector<std::string> params;  // the {…} segments of the route's pattern
  std::map<std::string, std::string> query;
  boost::json::object body;  // routes that take JSON: the parsed object
  std::optional<accounts::Session> session;
  std::string token;  // the session cookie's value
  std::string peer;   // the client's address
  LogFields* log = nullptr;
  bool https = false;  // Peer::https: cookies are Secure
};

Response Json(bhttp::status status, unsigned version, const boost::json::value& body);
// The same with JSON text already written (JsonWriter).
Response JsonText(bhttp::status status, unsigned version, std::string body);
// A refusal of the domain or of a rule: kInvalidArgument 400 (422 when `rule`), kNotFound 404,
// kPermissionDenied 403, kFailedPrecondition / kAlreadyExists / kAborted 409, kUnauthenticated
// 401, kResourceExhausted 429, kUnavailable 503, anything else 500.
Response FromStatus(const Call& call, const Status& status, bool rule = false);
Response Error(const Call& call, bhttp::status status, std::string_view code,
               std::string_view message, std::string_view field = {});

// The body's members must be among `allowed`; kInvalidArgument naming the first that is not.
Status OnlyFields(const Call& call, std::initializer_list<std::string_view> allowed);
// A string member: kInvalidArgument naming it when it is missing (required) or not a string.
Result<std::string> StringField(const Call& call, std::string_view name, bool required = true);
Result<std::optional<std::string>> OptionalString(const Call& call, std::string_view name);

// The query's parameters must be among `known`; kInvalidArgument naming the first that is not.
Status OnlyParams(const Call& call, std::span<const std::string_view> known);
// A query parameter as a whole number ≥ 0 (`fallback` when absent); kInvalidArgument naming it.
Result<int64_t> QueryNumber(const Call& call, const std::string& name, int64_t fallback);
// `page` (from 1, at most 1,000,000; default 1) and `per_page` (1–500; default 50) of a list;
// kInvalidArgument naming the parameter otherwise.
Result<std::pair<int, int>> PageParams(const Call& call);
// Read-your-writes (invariant 8): with ?min_position=N, waits up to 2 s for the projections to
// reach N. An answer (400 past the log head, 503 + Retry-After when not reached) or nullopt.
std::optional<Response> WaitMinPosition(const Call& call);

// The id of a command of `scope` (the caller: a user id, or an F-1-5 registration), from the
// Idempotency-Key header (scoped to `scope`; a fresh one without). kInvalidArgument naming the
// header when malformed.
Result<std::string> CommandId(const Call& call, std::string_view scope);
// The digest of the request kept beside its Idempotency-Key (method, target and body, hex); empty
// without the header. The core refuses the key sent again with another digest.
std::string RequestDigest(const Call& call);
// A command of the signed-in caller: its id from the Idempotency-Key header (scoped to the user;
// a fresh one without), the caller as actor, the version of If-Match. kInvalidArgument naming the
// header when malformed.
Result<core::CommandRequest> NewCommand(const Call& call, core::Request request);
// A refusal of the domain: 409 version_conflict for a stale If-Match, 422 for a rule (400 codes
// stay for malformed input), 404 / 403 / 409 as FromStatus.
Response DomainRefusal(const Call& call, const Status& status);
// 128 random bits, hex: ids of commands without an Idempotency-Key.
std::string NewRequestId();

// The signed-in caller's F-8 viewer, from the domain state (never from a parameter); nullopt
// when its organisation is unknown.
std::optional<projections::Viewer> ViewerOfCall(const Call& call);
// µs since the epoch as ISO 8601 in Japan time ("2025-03-03T09:00:00+09:00"); empty for ≤ 0.
std::string JapanTime(int64_t us);

// One item of a history route: who, when, what and why, with the event's detail.
boost::json::object HistoryItemJson(const projections::HistoryItem& h);

// Set-Cookie for a session token (empty: expire the cookie).
std::string SessionCookie(const Call& call, std::string_view token);
// Set-Cookie for a trusted device's token (shugo_device), kept `max_age_us`.
std::string DeviceCookie(const Call& call, std::string_view token, int64_t max_age_us);
// The value of the request's cookie `name` ("" when absent).
std::string RequestCookie(const Call& call, std::string_view name);

}  // namespace shugo::http::internal
