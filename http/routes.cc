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
    return Json(bhttp::status::ok, req.version(),
                boost::json::object{{"status", "ok"},
                                    {"head", ctx.store->head()},
                                    {"demo", ctx.demo},
                                    {"projections", boost::json::object{}}});
  }
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
