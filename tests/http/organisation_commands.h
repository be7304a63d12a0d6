// What the organisation command tests share (tests/http/organisation_commands*_test.cc): sending a
// command with headers, and checking that a refusal answers its status and field and appends
// nothing.
#pragma once

#include <string>
#include <vector>

#include "tests/http/served.h"

namespace shugo::http::test {

// A POST of `body` with `b`'s session and CSRF token, plus `extra` headers (Idempotency-Key,
// If-Match).
inline Res Command(Served& w, const Browser& b, const std::string& path, const json::object& body,
                   const testing::HttpHeaders& extra = {}) {
  testing::HttpHeaders h{{"Content-Type", "application/json"}};
  if (!b.cookie.empty()) h.emplace_back("Cookie", "shugo_session=" + b.cookie);
  if (!b.csrf.empty()) h.emplace_back("X-CSRF-Token", b.csrf);
  h.insert(h.end(), extra.begin(), extra.end());
  return testing::HttpCall(w.server->port(), bhttp::verb::post, path, json::serialize(body), h);
}

inline testing::HttpHeaders IfMatch(uint64_t version) {
  return {{"If-Match", "\"" + std::to_string(version) + "\""}};
}

inline std::string ErrorField(const Res& r) {
  const json::object body = Body(r);
  const json::value* f = body.at("error").as_object().if_contains("field");
  return f == nullptr ? std::string() : std::string(f->as_string());
}

inline uint64_t Number(const json::object& o, const char* name) {
  return o.at(name).to_number<uint64_t>();
}

// The command is refused with `status` (and the error names `field`, when given), and the log
// does not move.
inline void ExpectRefused(Served& w, const Browser& b, const std::string& path,
                          const json::object& body, bhttp::status status,
                          const std::string& field = {}, const testing::HttpHeaders& extra = {}) {
  CAPTURE(path);
  CAPTURE(json::serialize(body));
  const auto before = w.Head();
  Res r = Command(w, b, path, body, extra);
  CHECK_MESSAGE(r.result() == status, r.body());
  if (!field.empty() && r.result() == status) CHECK_EQ(ErrorField(r), field);
  CHECK_EQ(w.Head(), before);
}

// A body that breaks one member: the member named in the 400.
struct BadMember {
  json::object body;
  std::string field;
};

// Each body is refused with 400 naming its member, appending nothing.
inline void ExpectBadMembers(Served& w, const Browser& b, const std::string& path,
                             const std::vector<BadMember>& cases) {
  for (const BadMember& c : cases) {
    ExpectRefused(w, b, path, c.body, bhttp::status::bad_request, c.field);
  }
}

// `good` with `name` set to `value` (json null removes nothing: it is sent as null).
inline json::object With(json::object good, const std::string& name, json::value value) {
  good[name] = std::move(value);
  return good;
}
inline json::object Without(json::object good, const std::string& name) {
  good.erase(name);
  return good;
}

// Sending the same command twice with one Idempotency-Key: the retry answers the first result
// with duplicate true and appends nothing. Returns the first answer.
inline json::object ExpectIdempotent(Served& w, const Browser& b, const std::string& path,
                                     const json::object& body, bhttp::status status,
                                     testing::HttpHeaders extra = {}) {
  CAPTURE(path);
  extra.emplace_back("Idempotency-Key", "retry-" + path);
  Res first = Command(w, b, path, body, extra);
  REQUIRE_MESSAGE(first.result() == status, first.body());
  const auto head = w.Head();
  Res again = Command(w, b, path, body, extra);
  REQUIRE_MESSAGE(again.result() == status, again.body());
  CHECK_EQ(w.Head(), head);
  json::object a = Body(first), b2 = Body(again);
  CHECK_FALSE(a.at("duplicate").as_bool());
  CHECK(b2.at("duplicate").as_bool());
  CHECK_EQ(a.at("position"), b2.at("position"));
  if (a.contains("version")) CHECK_EQ(a.at("version"), b2.at("version"));
  if (a.contains("created")) CHECK_EQ(a.at("created"), b2.at("created"));
  if (a.contains("changes")) CHECK_EQ(a.at("changes"), b2.at("changes"));
  return a;
}

}  // namespace shugo::http::test
