#include "http/internal/routes.h"

#include <boost/json.hpp>

namespace shugo::http::internal {

namespace {

Response Json(bhttp::status status, unsigned version, const boost::json::value& body) {
  Response res{status, version};
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = boost::json::serialize(body);
  return res;
}

constexpr std::string_view kLandingPage = R"(<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>予防接種 集合契約システム (shugo)</title></head>
<body><h1>予防接種 集合契約システム</h1>
<p>shugo は稼働中です。状態は <a href="/api/health">/api/health</a> で確認できます。</p>
</body></html>
)";

// The state's summary for /api/health: the business date, the last day the day job closed.
void AddState(const Context& ctx, boost::json::object& body) {
  body["business_date"] = ctx.processor->Today().ToString();
  ctx.processor->Read([&](const core::State& s) {
    body["last_closed_day"] = s.last_closed_day() ? s.last_closed_day()->ToString() : "";
    body["organisations"] = s.organisations().size();
    body["letters"] = s.letters().size();
    return 0;
  });
}

Response BadRequest(unsigned version, const Status& s) {
  return ErrorResponse(bhttp::status::bad_request, version, StatusCodeName(s.code()), s.message(),
                       s.field());
}

// Demo/test mode: POST {"date":"YYYY-MM-DD"} moves the business date forward (never back) and
// runs the day job up to it (docs/http-api.md).
Response MoveBusinessDate(const Context& ctx, const Request& req) {
  if (!ctx.demo || ctx.business_clock == nullptr || ctx.processor == nullptr) {
    return ErrorResponse(bhttp::status::forbidden, req.version(), "demo_only",
                         "業務日付の変更はデモ・テストモードでのみ使えます", "");
  }
  if (req.method() != bhttp::verb::post) {
    return ErrorResponse(bhttp::status::method_not_allowed, req.version(), "method_not_allowed",
                         "このURLでは POST のみ使えます", "");
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(req.body(), ec);
  const boost::json::string* text = nullptr;
  if (!ec && body.is_object()) {
    if (const auto* v = body.as_object().if_contains("date"); v != nullptr) text = v->if_string();
  }
  if (text == nullptr) {
    return BadRequest(req.version(), Status::InvalidArgument(
                                         "date", "{\"date\":\"YYYY-MM-DD\"} を送ってください"));
  }
  Result<JapanDate> date = JapanDate::Parse(std::string_view(*text), "date");
  if (!date.ok()) return BadRequest(req.version(), date.status());
  std::lock_guard lock(*ctx.business_date_mu);
  const JapanDate today = ctx.processor->Today();
  if (*date < today) {
    return BadRequest(req.version(),
                      Status::InvalidArgument(
                          "date", "業務日付は現在（" + today.ToString() + "）より前に戻せません"));
  }
  // 09:00 in Japan on that date: office hours, after the day job.
  ctx.business_clock->SetMicros(date->StartUnixMicros() + int64_t{9} * 3'600'000'000);
  Result<core::DayReport> r = ctx.processor->RunDays(*date);
  if (!r.ok()) {
    return ErrorResponse(bhttp::status::internal_server_error, req.version(),
                         StatusCodeName(r.status().code()), r.status().message(), "");
  }
  boost::json::object out{{"business_date", date->ToString()},
                          {"transitions", r->commands},
                          {"head", ctx.store->head()}};
  if (r->first) {
    out["closed_from"] = r->first->ToString();
    out["closed_to"] = r->last->ToString();
  }
  return Json(bhttp::status::ok, req.version(), out);
}

}  // namespace

Response ErrorResponse(bhttp::status status, unsigned version, std::string_view code,
                       std::string_view message, std::string_view field) {
  boost::json::object err{{"code", code}, {"message", message}};
  if (!field.empty()) err["field"] = field;
  return Json(status, version, boost::json::object{{"error", std::move(err)}});
}

Response Handle(const Context& ctx, const Request& req) {
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/health") {
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      return ErrorResponse(bhttp::status::method_not_allowed, req.version(), "method_not_allowed",
                           "このURLでは GET のみ使えます", "");
    }
    boost::json::object body{{"status", "ok"},
                             {"head", ctx.store->head()},
                             {"demo", ctx.demo},
                             {"projections", boost::json::object{}}};
    if (ctx.processor != nullptr) AddState(ctx, body);
    return Json(bhttp::status::ok, req.version(), body);
  }
  if (path == "/api/admin/business-date") return MoveBusinessDate(ctx, req);
  if (path == "/" && req.method() == bhttp::verb::get) {
    Response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.body() = std::string(kLandingPage);
    return res;
  }
  return ErrorResponse(bhttp::status::not_found, req.version(), "not_found",
                       "指定されたURLは存在しません", "");
}

}  // namespace shugo::http::internal
