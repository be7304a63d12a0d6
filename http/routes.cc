#include "http/internal/routes.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <functional>
#include <map>

#include "base/text.h"
#include "http/internal/account_routes.h"
#include "http/internal/admin_routes.h"
#include "http/internal/call.h"
#include "http/internal/input_link_routes.h"
#include "http/internal/letter_routes.h"
#include "http/internal/organisation_routes.h"
#include "http/internal/termination_request_routes.h"
#include "projections/queries.h"

namespace shugo::http::internal {

namespace {

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

// How far the live projections may stand behind the log before /api/health calls them lagging:
// under load they follow within milliseconds (docs/benchmarks.md), so this many events behind
// means they are stuck or far too slow.
constexpr events::Position kHealthyLag = 10'000;

// The projections' state for /api/health: the position every projection has applied, how far
// behind the log it is, each checkpoint, the current file and a rebuild in progress.
boost::json::object ProjectionHealth(const Context& ctx) {
  if (ctx.projections == nullptr) return {};
  projections::ProjectionService& p = *ctx.projections;
  const events::Position position = p.position();
  const events::Position head = ctx.store->head();
  boost::json::object checkpoints;
  for (const projections::Checkpoint& c : p.checkpoints()) checkpoints[c.projection] = c.position;
  boost::json::object out{{"position", position},
                          {"behind", head > position ? head - position : 0},
                          {"file", p.current_file()},
                          {"checkpoints", std::move(checkpoints)}};
  if (Status s = p.health(); !s.ok()) out["error"] = s.ToString();
  const projections::RebuildState r = p.rebuild_state();
  if (r.running) {
    out["rebuild"] = boost::json::object{{"position", r.position},
                                         {"target", r.target},
                                         {"events", r.events},
                                         {"seconds", r.seconds}};
  }
  return out;
}

Response BadRequest(unsigned version, const Status& s) {
  return ErrorResponse(bhttp::status::bad_request, version, StatusCodeName(s.code()), s.message(),
                       s.field());
}

// A query parameter as a whole number ≥ 0; kInvalidArgument naming it otherwise.
Result<int64_t> Number(const std::map<std::string, std::string>& params, const std::string& name,
                       int64_t fallback) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  int64_t value = 0;
  const char* end = it->second.data() + it->second.size();
  auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) {
    return Status::InvalidArgument(name, name + " は 0 以上の整数で指定してください");
  }
  return value;
}

// The parameters must be among `known`; kInvalidArgument naming the first that is not.
Status OnlyKnown(const std::map<std::string, std::string>& params,
                 std::span<const std::string_view> known) {
  for (const auto& [key, value] : params) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Status::InvalidArgument(key, "知らない検索条件です: " + QuoteInput(key));
    }
  }
  return Status::Ok();
}

// Read-your-writes for every query route: ?min_position=N waits up to 2 s for the projections.
std::optional<Response> WaitForPosition(const Context& ctx, unsigned version,
                                        const std::map<std::string, std::string>& params) {
  auto min_position = Number(params, "min_position", 0);
  if (!min_position.ok()) return BadRequest(version, min_position.status());
  if (*min_position == 0 || ctx.projections == nullptr) return std::nullopt;
  const events::Position head = ctx.store->head();
  if (static_cast<events::Position>(*min_position) > head) {
    // No command has answered it: waiting for it would only hold this thread.
    return BadRequest(version, Status::InvalidArgument(
                                   "min_position", "min_position がログの末尾（" +
                                                       std::to_string(head) + "）を超えています"));
  }
  Status s = ctx.projections->WaitFor(static_cast<events::Position>(*min_position),
                                      std::chrono::seconds(2));
  if (s.ok()) return std::nullopt;
  Response res = ErrorResponse(bhttp::status::service_unavailable, version, "projection_behind",
                               s.message(), "min_position");
  res.set(bhttp::field::retry_after, "1");
  return res;
}

// Whether a request reads the projections: the GETs of letters, organisations, campaigns, code
// changes and the public search. The account routes read their own store.
bool ReadsProjections(const Request& req, std::string_view path) {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) return false;
  for (std::string_view prefix :
       {"/api/letters", "/api/organisations", "/api/campaigns", "/api/code-changes", "/api/public/",
        "/api/collective-contract", "/api/non-insured", "/api/termination-requests"}) {
    if (path.starts_with(prefix)) return true;
  }
  return false;
}

// While the projections catch up after a start, what they hold is not an answer yet: a search
// would say "not found" for what exists. Such a read answers 503 with Retry-After instead.
std::optional<Response> NotReadYet(const Context& ctx, const Request& req, std::string_view path) {
  if (ctx.projections == nullptr || !ctx.projections->catching_up()) return std::nullopt;
  if (!ReadsProjections(req, path)) return std::nullopt;
  Response res = ErrorResponse(bhttp::status::service_unavailable, req.version(), "catching_up",
                               "起動直後のため一覧と検索を準備しています（" +
                                   std::to_string(ctx.projections->position()) + " / " +
                                   std::to_string(ctx.projections->start_target()) +
                                   "）。しばらくしてからやり直してください",
                               "");
  res.set(bhttp::field::retry_after, "2");
  return res;
}

// GET /api/health: 200 with "status": "ok" only when every part is up; otherwise 503 with
// "catching_up" (the projections are still reaching the log after a start) or "down", and
// "problems" naming each part that is not up and why.
Response Health(const Context& ctx, unsigned version) {
  boost::json::array problems;
  auto problem = [&](std::string_view part, std::string_view code, const std::string& message) {
    problems.push_back(boost::json::object{{"part", part}, {"code", code}, {"message", message}});
  };
  bool catching_up = false;
  if (ctx.processor != nullptr) {
    if (Status s = ctx.processor->write_failure(); !s.ok()) {
      problem("log", "write_failed", s.ToString());
    }
  }
  // A server started without projections or accounts (some tests) has no such part to be down.
  if (ctx.projections != nullptr) {
    if (Status s = ctx.projections->health(); !s.ok()) {
      problem("projections", "stopped", s.ToString());
    } else if (ctx.projections->catching_up()) {
      catching_up = true;
    } else {
      const events::Position head = ctx.store->head();
      const events::Position position = ctx.projections->position();
      if (head > position + kHealthyLag) {
        problem("projections", "lagging",
                std::to_string(head - position) + " events behind the log (more than " +
                    std::to_string(kHealthyLag) + ")");
      }
    }
  }
  if (ctx.accounts != nullptr) {
    if (Status s = ctx.accounts->health(); !s.ok()) {
      problem("accounts", "unavailable", s.ToString());
    }
  }
  const bool down = !problems.empty();
  boost::json::object body{{"status", down          ? "down"
                                      : catching_up ? "catching_up"
                                                    : "ok"},
                           {"problems", std::move(problems)},
                           {"head", ctx.store->head()},
                           {"demo", ctx.demo},
                           {"projections", ProjectionHealth(ctx)}};
  if (ctx.processor != nullptr) AddState(ctx, body);
  Response res = Json(down || catching_up ? bhttp::status::service_unavailable : bhttp::status::ok,
                      version, body);
  if (catching_up) res.set(bhttp::field::retry_after, "2");
  return res;
}

// The F-21 CSV (docs/api.md): at most this many rows; beyond, a 400 asks for a narrower search.
constexpr int64_t kCsvRows = 10'000;

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
// A text Excel would take for a formula (starting with = + - @ or a tab) gets a leading '.
void AddCsvField(std::string& out, std::string_view text, bool first) {
  if (!first) out += ',';
  std::string value;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    value = "'";
  }
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
}

void AddCsvRow(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    AddCsvField(out, f, first);
    first = false;
  }
  out += "\r\n";
}

// The rows of the F-21 search as a CSV download: UTF-8 with a BOM (Excel in Japan reads it as
// UTF-8), CRLF lines, a Japanese header row; one row per institution, its (疾病名, ワクチン種別)
// pairs as two lists in the same order.
Response PublicCsv(unsigned version, const std::vector<projections::PublicItem>& items,
                   JapanDate today) {
  std::string body = "\xEF\xBB\xBF";
  AddCsvRow(body, {"医療機関コード", "医療機関名", "都道府県", "市区町村", "所在地", "電話番号",
                   "疾病名", "ワクチン種別", "デジタル予診票"});
  for (const projections::PublicItem& it : items) {
    std::string diseases, types;
    for (const projections::PublicVaccine& v : it.vaccines) {
      diseases += (diseases.empty() ? "" : "／") + v.disease;
      types += (types.empty() ? "" : "／") + v.vaccine_group;
    }
    const std::string_view digital =
        !it.digital_questionnaire ? "" : (*it.digital_questionnaire ? "対応" : "未対応");
    AddCsvRow(body, {it.code, it.name, it.prefecture_name, it.municipality_name, it.address,
                     it.phone, diseases, types, digital});
  }
  Response res{bhttp::status::ok, version};
  res.set(bhttp::field::content_type, "text/csv; charset=utf-8; header=present");
  res.set(bhttp::field::cache_control, "no-store");
  const std::string date = today.ToString();
  res.set(bhttp::field::content_disposition,
          "attachment; filename=\"institutions-" + date + ".csv\"; filename*=UTF-8''" +
              boost::urls::encode("医療機関一覧-" + date + ".csv", boost::urls::unreserved_chars));
  res.body() = std::move(body);
  return res;
}

// GET /api/public/institutions (F-21, no login): institutions that may vaccinate, by 居住自治体
// (municipality code), 疾病 (disease id), 所在地 (prefecture number or municipality code) and name.
// min_position: answer only once the projections have reached it (read-your-writes). `csv`: GET
// /api/public/institutions.csv, every matching row (at most kCsvRows) instead of a page.
Response PublicInstitutions(const Context& ctx, const Request& req, bool csv) {
  if (req.method() != bhttp::verb::get) {
    return ErrorResponse(bhttp::status::method_not_allowed, req.version(), "method_not_allowed",
                         "このURLでは GET のみ使えます", "");
  }
  if (ctx.projections == nullptr || ctx.processor == nullptr) {
    return ErrorResponse(bhttp::status::service_unavailable, req.version(), "unavailable",
                         "検索は準備中です", "");
  }
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) {
    return BadRequest(req.version(), Status::InvalidArgument("url", "URLを解釈できません"));
  }
  std::map<std::string, std::string> params;
  for (const auto& p : url->params()) params[std::string(p.key)] = std::string(p.value);
  static constexpr std::string_view kKnown[] = {
      "municipality", "disease",  "prefecture",   "location",     "q",
      "page",         "per_page", "min_position", "contract_type"};
  // The CSV has every row: no pages.
  static constexpr std::string_view kCsvKnown[] = {
      "municipality", "disease", "prefecture", "location", "q", "min_position", "contract_type"};
  if (Status s = csv ? OnlyKnown(params, kCsvKnown) : OnlyKnown(params, kKnown); !s.ok()) {
    return BadRequest(req.version(), s);
  }
  auto page = Number(params, "page", 1);
  auto per_page = Number(params, "per_page", 50);
  auto prefecture = Number(params, "prefecture", 0);
  for (const auto* r : {&page, &per_page, &prefecture}) {
    if (!r->ok()) return BadRequest(req.version(), r->status());
  }
  if (*prefecture > 47) {
    return BadRequest(req.version(),
                      Status::InvalidArgument("prefecture", "prefecture は 1〜47 の番号です"));
  }
  if (auto waited = WaitForPosition(ctx, req.version(), params); waited) return std::move(*waited);
  projections::PublicFilter f;
  f.today = ctx.processor->Today();
  f.disease = params["disease"];
  f.q = params["q"];
  f.prefecture = static_cast<int>(*prefecture);
  f.page = static_cast<int>(std::min<int64_t>(*page, 1'000'000));
  f.per_page = static_cast<int>(std::min<int64_t>(*per_page, 500));
  if (const std::string& type = params["contract_type"]; !type.empty()) {
    bool known = false;
    for (const auto& t : core::ContractTypes()) {
      if (t.code == type) {
        f.contract_type = t.value;
        known = true;
      }
    }
    if (!known) {
      return BadRequest(req.version(),
                        Status::InvalidArgument("contract_type", "知らない契約種別です: " + type));
    }
  }
  auto result = ctx.projections->Read(
      [&](const projections::Reader& r) -> Result<projections::Page<projections::PublicItem>> {
        // Municipality codes name organisations: 居住自治体 and 所在地.
        for (const auto& [param, target] :
             {std::pair<std::string, core::OrgId*>{"municipality", &f.residence},
              std::pair<std::string, core::OrgId*>{"location", &f.municipality}}) {
          const std::string& code = params[param];
          if (code.empty()) continue;
          SHUGO_ASSIGN_OR_RETURN(auto org, projections::FindOrganisationByCode(r, code));
          if (!org || (org->kind != "municipality" && org->kind != "wide_area_union")) {
            return Status::InvalidArgument(param, "自治体コードが見つかりません: " + code);
          }
          *target = org->id;
        }
        if (csv) return projections::PublicSearchAll(r, f, kCsvRows);
        return projections::PublicSearch(r, f);
      });
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kInvalidArgument) {
      return BadRequest(req.version(), result.status());
    }
    return ServerFailure(req.version(), result.status().ToString(),
                         result.status().code() == StatusCode::kUnavailable);
  }
  if (csv && result->more) {
    return ErrorResponse(bhttp::status::bad_request, req.version(), "too_many_rows",
                         "該当する医療機関が10,000件を超えるためCSVにできません。居住自治体・"
                         "所在地・疾病・名称で絞り込んでください",
                         "");
  }
  if (csv) return PublicCsv(req.version(), result->items, f.today);
  boost::json::array items;
  for (const projections::PublicItem& it : result->items) {
    boost::json::array vaccines;
    for (const projections::PublicVaccine& v : it.vaccines) {
      vaccines.push_back(
          boost::json::object{{"disease", v.disease}, {"vaccine_type", v.vaccine_group}});
    }
    boost::json::object o{{"code", it.code},
                          {"name", it.name},
                          {"address", it.address},
                          {"prefecture", it.prefecture_name},
                          {"municipality", it.municipality_name},
                          {"phone", it.phone},
                          {"vaccines", std::move(vaccines)}};
    if (it.digital_questionnaire) {
      o["digital_questionnaire"] = *it.digital_questionnaire;
    } else {
      o["digital_questionnaire"] = nullptr;
    }
    items.push_back(std::move(o));
  }
  return Json(bhttp::status::ok, req.version(),
              boost::json::object{{"items", std::move(items)},
                                  {"total", result->total},
                                  {"more", result->more},
                                  {"position", ctx.projections->position()},
                                  {"note",
                                   "掲載内容は最新でない場合があります。接種前に医療機関へ"
                                   "ご確認ください。"}});
}

}  // namespace

Response Json(bhttp::status status, unsigned version, const boost::json::value& body) {
  return JsonText(status, version, boost::json::serialize(body));
}

Response JsonText(bhttp::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

Response ErrorResponse(bhttp::status status, unsigned version, std::string_view code,
                       std::string_view message, std::string_view field) {
  boost::json::object err{{"code", code}, {"message", message}};
  if (!field.empty()) err["field"] = field;
  return Json(status, version, boost::json::object{{"error", std::move(err)}});
}

Response ServerFailure(unsigned version, std::string_view detail, bool unavailable,
                       std::string_view for_users) {
  std::array<unsigned char, 8> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  const std::string id = HexOf(bytes);
  spdlog::error("error {}: {}", id, detail);
  std::string message(for_users);
  if (message.empty()) {
    message = unavailable ? "現在処理できません。しばらくしてからやり直してください"
                          : "サーバー内部でエラーが発生しました。管理者にエラーIDをお伝えください";
  }
  message += "（エラーID: " + id + "）";
  boost::json::object error{
      {"code", unavailable ? "unavailable" : "internal"}, {"message", message}, {"error_id", id}};
  Response res =
      Json(unavailable ? bhttp::status::service_unavailable : bhttp::status::internal_server_error,
           version, boost::json::object{{"error", std::move(error)}});
  if (unavailable) res.set(bhttp::field::retry_after, "5");
  return res;
}

Response Error(const Call& call, bhttp::status status, std::string_view code,
               std::string_view message, std::string_view field) {
  return ErrorResponse(status, call.req.version(), code, message, field);
}

Response FromStatus(const Call& call, const Status& s, bool rule) {
  bhttp::status status = bhttp::status::internal_server_error;
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      status = rule ? bhttp::status::unprocessable_entity : bhttp::status::bad_request;
      break;
    case StatusCode::kNotFound:
      status = bhttp::status::not_found;
      break;
    case StatusCode::kPermissionDenied:
      status = bhttp::status::forbidden;
      break;
    case StatusCode::kUnauthenticated:
      status = bhttp::status::unauthorized;
      break;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
      status = bhttp::status::conflict;
      break;
    case StatusCode::kResourceExhausted:
      status = bhttp::status::too_many_requests;
      break;
    case StatusCode::kUnavailable: {
      // Text written for users is Japanese; English text is the server's own detail.
      const std::string& m = s.message();
      const bool japanese = std::any_of(
          m.begin(), m.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      return ServerFailure(call.req.version(), s.ToString(), true, japanese ? m : "");
    }
    default:
      return ServerFailure(call.req.version(), s.ToString());
  }
  return Error(call, status, StatusCodeName(s.code()), s.message(), s.field());
}

Status OnlyFields(const Call& call, std::initializer_list<std::string_view> allowed) {
  for (const auto& member : call.body) {
    const std::string_view key = member.key();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument(std::string(key), "知らない項目です: " + QuoteInput(key));
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> OptionalString(const Call& call, std::string_view name) {
  const boost::json::value* v = call.body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) {
    return Status::InvalidArgument(std::string(name),
                                   std::string(name) + " は文字列で指定してください");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> StringField(const Call& call, std::string_view name, bool required) {
  SHUGO_ASSIGN_OR_RETURN(auto v, OptionalString(call, name));
  if (!v || (required && v->empty())) {
    if (!required) return std::string();
    return Status::InvalidArgument(std::string(name), std::string(name) + " を入力してください");
  }
  return *v;
}

Status OnlyParams(const Call& call, std::span<const std::string_view> known) {
  return OnlyKnown(call.query, known);
}

Result<int64_t> QueryNumber(const Call& call, const std::string& name, int64_t fallback) {
  return Number(call.query, name, fallback);
}

Result<std::pair<int, int>> PageParams(const Call& call) {
  SHUGO_ASSIGN_OR_RETURN(int64_t page, QueryNumber(call, "page", 1));
  if (page < 1 || page > 1'000'000) {
    return Status::InvalidArgument("page", "page は 1〜1000000 です");
  }
  SHUGO_ASSIGN_OR_RETURN(int64_t per_page, QueryNumber(call, "per_page", 50));
  if (per_page < 1 || per_page > 500) {
    return Status::InvalidArgument("per_page", "per_page は 1〜500 です");
  }
  return std::pair{static_cast<int>(page), static_cast<int>(per_page)};
}

std::optional<Response> WaitMinPosition(const Call& call) {
  return WaitForPosition(call.ctx, call.req.version(), call.query);
}

std::string NewRequestId() {
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return HexOf(bytes);
}

std::optional<projections::Viewer> ViewerOfCall(const Call& call) {
  return call.ctx.processor->Read([&](const core::State& s) -> std::optional<projections::Viewer> {
    const core::Organisation* o = s.FindOrg(call.session->org);
    if (o == nullptr) return std::nullopt;
    return projections::Viewer{o->id, o->kind, o->prefecture};
  });
}

std::string JapanTime(int64_t us) {
  if (us <= 0) return {};
  // Lists format thousands of these per answer: digits by hand rather than through printf.
  std::string out = JapanDate::FromUnixMicros(us).ToString() + "T00:00:00+09:00";
  const int64_t local = us / 1'000'000 + 9 * 3600;
  const int64_t seconds = ((local % 86400) + 86400) % 86400;
  const auto two = [&](size_t at, int64_t v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(11, seconds / 3600);
  two(14, seconds / 60 % 60);
  two(17, seconds % 60);
  return out;
}

boost::json::object HistoryItemJson(const projections::HistoryItem& h) {
  boost::json::object o{{"position", h.position},
                        {"version", h.version},
                        {"type", h.type},
                        {"recorded_at", JapanTime(h.recorded_at)},
                        {"effective_date", h.effective_date},
                        {"actor_user", h.actor_user},
                        {"actor_org", h.actor_org}};
  if (!h.status.empty()) o["status"] = h.status;
  if (!h.reason.empty()) o["reason"] = h.reason;
  boost::system::error_code ec;
  boost::json::value detail = boost::json::parse(h.detail, ec);
  if (!ec) o["detail"] = std::move(detail);
  return o;
}

std::string SessionCookie(const Call& call, std::string_view token) {
  std::string cookie =
      "shugo_session=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict";
  if (token.empty()) cookie += "; Max-Age=0";
  if (call.https) cookie += "; Secure";
  return cookie;
}

std::string DeviceCookie(const Call& call, std::string_view token, int64_t max_age_us) {
  std::string cookie =
      "shugo_device=" + std::string(token) +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_us / 1'000'000);
  if (call.https) cookie += "; Secure";
  return cookie;
}

namespace {

std::string CookieValue(std::string_view header, std::string_view name);

}  // namespace

std::string RequestCookie(const Call& call, std::string_view name) {
  const auto cookie = call.req[bhttp::field::cookie];
  return CookieValue(std::string_view(cookie.data(), cookie.size()), name);
}

namespace {

const std::vector<Route>& Routes() {
  using V = bhttp::verb;
  static const std::vector<Route> routes = {
      {V::post, "/api/session", Access::kPublic, true, Login},
      {V::delete_, "/api/session", Access::kAnyStage, false, Logout},
      {V::post, "/api/session/second-factor", Access::kAnyStage, true, SecondFactor},
      {V::post, "/api/session/password", Access::kAnyStage, true, ChangePassword},
      {V::post, "/api/session/institution-code", Access::kAnyStage, true, ConfirmInstitutionCode},
      {V::get, "/api/me", Access::kAnyStage, false, Me},
      {V::post, "/api/me", Access::kReady, true, UpdateMe},
      {V::post, "/api/me/email", Access::kReady, true, RequestEmailChange},
      {V::get, "/api/me/devices", Access::kReady, false, ListDevices},
      {V::delete_, "/api/me/devices/{}", Access::kReady, false, RevokeDevice},
      {V::post, "/api/email/confirm", Access::kPublic, true, ConfirmEmail},
      {V::post, "/api/password/forgot", Access::kPublic, true, ForgotPassword},
      {V::post, "/api/login-id/forgot", Access::kPublic, true, ForgotLoginId},
      {V::get, "/api/input-links/{}", Access::kPublic, false, InputLinkForm},
      {V::post, "/api/input-links/{}", Access::kPublic, true, SubmitInputLink},
      {V::get, "/api/users", Access::kReady, false, ListUsers},
      {V::post, "/api/users", Access::kReady, true, CreateUser},
      {V::post, "/api/users/{}/suspend", Access::kReady, true,
       [](Call& c) { return ManageUser(c, "suspend"); }},
      {V::post, "/api/users/{}/resume", Access::kReady, true,
       [](Call& c) { return ManageUser(c, "resume"); }},
      {V::post, "/api/users/{}/reset-password", Access::kReady, true,
       [](Call& c) { return ManageUser(c, "reset-password"); }},
      {V::get, "/api/letters", Access::kReady, false, ListLettersRoute},
      {V::post, "/api/letters", Access::kReady, true, ApplyLetterRoute},
      {V::post, "/api/letters/approve", Access::kReady, true, BulkApprove},
      {V::get, "/api/letters/{}", Access::kReady, false, GetLetter},
      {V::get, "/api/letters/{}/history", Access::kReady, false, LetterHistory},
  };
  static const std::vector<Route> all = [] {
    std::vector<Route> r = routes;
    for (std::vector<Route> (*area)() :
         {OrganisationRoutes, OrganisationCommandRoutes, FeeRoutes, QueueRoutes, CampaignRoutes,
          AdminRoutes, TerminationRequestRoutes}) {
      std::vector<Route> more = area();
      r.insert(r.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    for (std::string_view action :
         {"approve", "reapply", "return", "withdraw", "secede", "terminate"}) {
      r.push_back(Route{bhttp::verb::post, "/api/letters/{}/" + std::string(action), Access::kReady,
                        true, [action](Call& c) { return LetterCommand(c, action); }});
    }
    return r;
  }();
  return all;
}

// Whether `path` fits `pattern`; the {} segments go to `params`.
bool Match(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t a = std::min(pattern.find('/'), pattern.size());
    const size_t b = std::min(path.find('/'), path.size());
    const std::string_view want = pattern.substr(0, a), got = path.substr(0, b);
    if (want == "{}") {
      if (got.empty()) return false;
      params.emplace_back(got);
    } else if (want != got) {
      return false;
    }
    pattern.remove_prefix(a);
    path.remove_prefix(b);
  }
  return true;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    header.remove_prefix(std::min(end + 1, header.size()));
  }
  return {};
}

bool StateChanging(bhttp::verb v) { return v != bhttp::verb::get && v != bhttp::verb::head; }

// A request from a page of another site (its Origin is not this host) is refused.
bool SameOrigin(const Call& call) {
  const auto origin = call.req[bhttp::field::origin];
  if (origin.empty()) return true;
  const auto host = call.req[bhttp::field::host];
  const std::string_view o(origin.data(), origin.size());
  const std::string_view h(host.data(), host.size());
  for (std::string_view scheme : {"http://", "https://"}) {
    if (o.size() == scheme.size() + h.size() && o.substr(0, scheme.size()) == scheme &&
        o.substr(scheme.size()) == h)
      return true;
  }
  return false;
}

Response Dispatch(const Route& route, Call& call) {
  const Context& ctx = call.ctx;
  const Request& req = call.req;
  // Every route of the table needs the account store (sessions, or the public account routes).
  if (ctx.accounts == nullptr || ctx.clock == nullptr) {
    return Error(call, bhttp::status::service_unavailable, "unavailable",
                 "アカウント機能が動いていません");
  }
  if (ctx.accounts != nullptr) {
    const auto cookie = req[bhttp::field::cookie];
    call.token = CookieValue(std::string_view(cookie.data(), cookie.size()), "shugo_session");
    if (!call.token.empty()) call.session = ctx.accounts->FindSession(call.token);
  }
  if (call.session && call.log != nullptr) {
    call.log->user = call.session->user;
    if (ctx.processor != nullptr) {
      call.log->org = ctx.processor->Read([&](const core::State& s) {
        const core::Organisation* o = s.FindOrg(call.session->org);
        return o ? o->code : std::string();
      });
    }
  }
  if (route.access != Access::kPublic) {
    if (!call.session) {
      return Error(call, bhttp::status::unauthorized, "unauthenticated",
                   "ログインしてください（セッションがないか、有効期限が切れています）");
    }
    if (route.access == Access::kReady && call.session->stage != accounts::Stage::kReady) {
      return Error(call, bhttp::status::forbidden, "sign_in_incomplete",
                   "ログイン手続きが完了していません", CodeName(call.session->stage));
    }
    if (StateChanging(req.method())) {
      const auto sent = req["X-CSRF-Token"];
      const std::string& want = call.session->csrf;
      if (sent.size() != want.size() || want.empty() ||
          sodium_memcmp(sent.data(), want.data(), want.size()) != 0) {
        return Error(call, bhttp::status::forbidden, "csrf",
                     "画面を再読み込みしてから操作してください（CSRFトークンが一致しません）",
                     "X-CSRF-Token");
      }
    }
  } else if (StateChanging(req.method()) && !SameOrigin(call)) {
    return Error(call, bhttp::status::forbidden, "cross_origin",
                 "他のサイトからの送信は受け付けません");
  }
  if (route.json) {
    const std::string& text = req.body();
    if (!text.empty() || StateChanging(req.method())) {
      const auto type = req[bhttp::field::content_type];
      const std::string_view t(type.data(), type.size());
      if (!text.empty() && !t.starts_with("application/json")) {
        return Error(call, bhttp::status::unsupported_media_type, "unsupported_media_type",
                     "Content-Type: application/json で送ってください", "Content-Type");
      }
      if (!text.empty()) {
        boost::system::error_code ec;
        boost::json::value body = boost::json::parse(text, ec);
        if (ec) {
          return Error(call, bhttp::status::bad_request, "invalid_json",
                       "JSONとして解釈できません（UTF-8 の JSON オブジェクトを送ってください）");
        }
        if (!body.is_object()) {
          return Error(call, bhttp::status::bad_request, "invalid_json",
                       "JSON オブジェクト（{…}）を送ってください");
        }
        call.body = std::move(body.as_object());
      }
    }
  }
  return route.handler(call);
}

Response HandleRequest(const Context& ctx, const Request& req, const Peer& peer, LogFields* log) {
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (log != nullptr &&
      (path == "/" || path == "/api/health" || path == "/api/public/institutions" ||
       path == "/api/public/institutions.csv")) {
    log->route = std::string(path);
  }
  if (path == "/api/health") {
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      return ErrorResponse(bhttp::status::method_not_allowed, req.version(), "method_not_allowed",
                           "このURLでは GET のみ使えます", "");
    }
    return Health(ctx, req.version());
  }
  if (std::optional<Response> wait = NotReadYet(ctx, req, path)) return std::move(*wait);
  if (path == "/api/public/institutions") return PublicInstitutions(ctx, req, false);
  if (path == "/api/public/institutions.csv") return PublicInstitutions(ctx, req, true);
  if (path == "/" && req.method() == bhttp::verb::get) {
    Response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.body() = std::string(kLandingPage);
    return res;
  }
  Call call{ctx, req, {}, {}, {}, std::nullopt, {}, peer.address, log, peer.https};
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    return ErrorResponse(bhttp::status::bad_request, req.version(), "bad_request",
                         "URLを解釈できません", "");
  }
  for (const auto& p : url->params()) call.query[std::string(p.key)] = std::string(p.value);
  std::string allowed;
  for (const Route& route : Routes()) {
    if (!Match(route.pattern, path, call.params)) continue;
    if (log != nullptr) log->route = route.pattern;
    if (route.method == req.method()) {
      return Dispatch(route, call);
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += std::string(bhttp::to_string(route.method));
  }
  if (!allowed.empty()) {
    Response res =
        ErrorResponse(bhttp::status::method_not_allowed, req.version(), "method_not_allowed",
                      "このURLで使えるメソッドは " + allowed + " です", "");
    res.set(bhttp::field::allow, allowed);
    return res;
  }
  return ErrorResponse(bhttp::status::not_found, req.version(), "not_found",
                       "指定されたURLは存在しません", "");
}

}  // namespace

void AddSecurityHeaders(Response& res, bool https) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  if (res.find("Content-Security-Policy") == res.end()) {
    res.set("Content-Security-Policy", "frame-ancestors 'none'");
  }
  if (res.find(bhttp::field::cache_control) == res.end()) {
    res.set(bhttp::field::cache_control, "no-store");
  }
  if (https) res.set(bhttp::field::strict_transport_security, "max-age=31536000");
}

Response Handle(const Context& ctx, const Request& req, const Peer& peer, LogFields* log) {
  try {
    return HandleRequest(ctx, req, peer, log);
  } catch (const std::exception& e) {
    return ServerFailure(req.version(), std::string("exception: ") + e.what());
  } catch (...) {
    return ServerFailure(req.version(), "exception of an unknown type");
  }
}

}  // namespace shugo::http::internal
