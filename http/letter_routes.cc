// The letters (委任状) over HTTP (F-3 … F-8; docs/api.md "Letters"): lists, one letter, its
// history, and every command on it. Queries read the projections with the caller's F-8 viewer;
// commands go to the single writer with the caller as actor, an Idempotency-Key and If-Match.
#include "http/internal/letter_routes.h"

#include <sodium.h>

#include <array>
#include <charconv>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/text.h"
#include "core/visibility.h"
#include "http/internal/json_writer.h"
#include "http/internal/letter_cache.h"
#include "projections/queries.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;

// A status by its code name; kInvalidArgument naming `field` and listing the names otherwise.
Result<core::LetterStatus> ParseStatus(std::string_view code, const std::string& field) {
  std::string names;
  for (const auto& row : core::LetterStatuses()) {
    if (row.code == code) return row.value;
    if (row.value == core::LetterStatus::kNone) continue;
    names += (names.empty() ? "" : ", ") + std::string(row.code);
  }
  return Status::InvalidArgument(field,
                                 "知らない状態です: " + QuoteInput(code) + "（" + names + "）");
}

// Totals of letter lists by viewer and filter, valid while the projections stay at the position
// they were counted at (bounded: cleared when full).
class TotalCache {
 public:
  std::optional<std::pair<int64_t, bool>> Find(const std::string& key, events::Position at) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.position != at) return std::nullopt;
    return std::make_pair(it->second.total, it->second.more);
  }
  void Keep(const std::string& key, events::Position at, int64_t total, bool more) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= 10'000) entries_.clear();
    entries_[key] = Entry{at, total, more};
  }

 private:
  struct Entry {
    events::Position position = 0;
    int64_t total = 0;
    bool more = false;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

TotalCache& Totals() {
  static TotalCache cache;
  return cache;
}

// A party of a letter: {id, code, name} as member `key`.
void WriteParty(JsonWriter& w, std::string_view key, core::OrgId id, const std::string& code,
                const std::string& name) {
  w.Key(key).BeginObject().Member("id", id).Member("code", code).Member("name", name).EndObject();
}

// One letter as the list and the record answer it (docs/api.md "Letters").
void WriteLetter(JsonWriter& w, const projections::LetterItem& l) {
  w.BeginObject()
      .Member("id", l.id)
      .Member("status", l.status)
      .Member("contract_type", l.contract_type);
  WriteParty(w, "delegator", l.delegator, l.delegator_code, l.delegator_name);
  WriteParty(w, "delegate", l.delegate, l.delegate_code, l.delegate_name);
  w.Member("depth", l.depth)
      .Member("applied_at", JapanTime(l.applied_at))
      .Member("updated_at", JapanTime(l.updated_at))
      .Member("version", l.version);
  for (const auto& row : core::LetterStatuses()) {
    if (row.code == l.status) w.Member("status_name", core::JapaneseName(row.value));
  }
  if (l.campaign) w.Member("campaign", l.campaign);
  if (l.under) w.Member("under", l.under);
  if (l.upper) w.Member("upper", l.upper);
  if (!l.contract_date.empty()) w.Member("contract_date", l.contract_date);
  if (!l.end_date.empty()) w.Member("end_date", l.end_date);
  if (!l.reason.empty()) w.Member("reason", l.reason);
  if (!l.termination_date.empty()) w.Member("termination_date", l.termination_date);
  w.EndObject();
}

Result<core::LetterId> LetterIdParam(const Call& call) {
  uint64_t id = 0;
  const std::string& text = call.params.at(0);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id == 0) {
    return Status(StatusCode::kNotFound, "委任状が見つかりません");
  }
  return id;
}

// The letter as the caller may see it on the projections (nullopt: 404).
Result<std::optional<projections::LetterItem>> VisibleLetter(const Call& call, core::LetterId id) {
  auto viewer = ViewerOfCall(call);
  if (!viewer) return Status(StatusCode::kUnauthenticated, "組織が見つかりません");
  return call.ctx.projections->Read(
      [&](const projections::Reader& r) { return projections::FindLetter(r, *viewer, id); });
}

// The letter of /api/letters/{id}[/…] as the caller may see it, once the projections reached
// ?min_position; or the answer that ends the request (400, 404, 503).
std::variant<Response, projections::LetterItem> RequestedLetter(Call& call) {
  static constexpr std::string_view kKnown[] = {"min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto id = LetterIdParam(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto letter = VisibleLetter(call, *id);
  if (!letter.ok()) return FromStatus(call, letter.status());
  if (!*letter) return FromStatus(call, Status(StatusCode::kNotFound, "委任状が見つかりません"));
  return std::move(**letter);
}

// An organisation code of a filter, as its id; kInvalidArgument naming `field` when unknown.
Result<core::OrgId> OrgByCode(const Call& call, const std::string& code, const std::string& field) {
  if (code.empty()) return core::OrgId{0};
  const core::OrgId id = call.ctx.processor->Read([&](const core::State& s) {
    const core::Organisation* o = s.FindOrgByCode(code);
    return o ? o->id : core::OrgId{0};
  });
  if (id == 0) {
    return Status::InvalidArgument(field, "組織コードが見つかりません: " + QuoteInput(code));
  }
  return id;
}

// The answer to a letter command: the letter as it is now in the domain state, and the log
// position of the command (ask queries for min_position to see it in lists).
Response CommandAnswer(Call& call, const core::Outcome& outcome, core::LetterId id,
                       bhttp::status status) {
  json::object out{{"position", outcome.append.last_position},
                   {"duplicate", outcome.append.duplicate}};
  std::string etag;
  call.ctx.processor->Read([&](const core::State& s) {
    if (const core::Letter* l = s.FindLetter(id)) {
      out["id"] = l->id;
      out["status"] = core::CodeName(l->status);
      out["status_name"] = core::JapaneseName(l->status);
      out["version"] = l->version;
      if (l->contract_date) out["contract_date"] = l->contract_date->ToString();
      if (l->date) out["end_date"] = l->date->ToString();
      if (l->termination_date) out["termination_date"] = l->termination_date->ToString();
      etag = "\"" + std::to_string(l->version) + "\"";
    }
    return 0;
  });
  if (!outcome.created.empty() && outcome.created.front() != id) {
    json::array created;
    for (uint64_t c : outcome.created) created.push_back(c);
    out["created"] = std::move(created);
  }
  Response res = Json(status, call.req.version(), out);
  if (!etag.empty()) res.set(bhttp::field::etag, etag);
  return res;
}

// Runs a letter command as the caller. The letter must be visible to the caller (404 before any
// rule is looked at); If-Match gives the version the caller saw.
Response RunLetterCommand(Call& call, core::LetterId id, core::Request request) {
  const bool visible = call.ctx.processor->Read(
      [&](const core::State& s) { return core::MaySeeLetter(s, call.session->org, id); });
  if (!visible) return FromStatus(call, Status(StatusCode::kNotFound, "委任状が見つかりません"));
  auto command = NewCommand(call, std::move(request));
  if (!command.ok()) return FromStatus(call, command.status());
  auto outcome = call.ctx.processor->Execute(*command);
  if (!outcome.ok()) return DomainRefusal(call, outcome.status());
  return CommandAnswer(call, *outcome, id, bhttp::status::ok);
}

Result<std::string> Reason(const Call& call, bool required) {
  SHUGO_ASSIGN_OR_RETURN(auto reason, OptionalString(call, "reason"));
  if (!reason || reason->empty()) {
    if (required) return Status::InvalidArgument("reason", "理由を入力してください");
    return std::string();
  }
  if (!IsValidUtf8(*reason) || reason->size() > 2000) {
    return Status::InvalidArgument("reason", "理由は2000バイト以内で入力してください");
  }
  return *reason;
}

Result<JapanDate> DateField(const Call& call, std::string_view name) {
  SHUGO_ASSIGN_OR_RETURN(std::string text, StringField(call, name));
  return JapanDate::Parse(text, name);
}

}  // namespace

Result<std::string> CommandId(const Call& call, std::string_view scope) {
  const auto key = call.req["Idempotency-Key"];
  if (key.empty()) return "http:" + std::string(scope) + ":" + NewRequestId();
  if (key.size() > 128 || !IsValidUtf8(std::string_view(key.data(), key.size()))) {
    return Status::InvalidArgument("Idempotency-Key", "Idempotency-Key は128バイト以内です");
  }
  // Scoped to the caller: two callers' keys never meet. The request it was first sent with is
  // kept beside it (RequestDigest): sent again with another request it is refused, not run.
  return "http:" + std::string(scope) + ":" + std::string(key);
}

std::string RequestDigest(const Call& call) {
  if (call.req["Idempotency-Key"].empty()) return {};
  const std::string what = std::string(call.req.method_string()) + " " +
                           std::string(call.req.target()) + "\n" + call.req.body();
  std::array<unsigned char, 16> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(what.data()), what.size(), nullptr, 0);
  return HexOf(digest);
}

Result<core::CommandRequest> NewCommand(const Call& call, core::Request request) {
  core::CommandRequest c;
  SHUGO_ASSIGN_OR_RETURN(c.id, CommandId(call, std::to_string(call.session->user)));
  c.request_digest = RequestDigest(call);
  c.actor = core::Actor{"user-" + std::to_string(call.session->user),
                        call.ctx.processor->Read([&](const core::State& s) {
                          const core::Organisation* o = s.FindOrg(call.session->org);
                          return o ? o->code : std::string();
                        })};
  const auto match = call.req[bhttp::field::if_match];
  if (!match.empty()) {
    std::string_view v(match.data(), match.size());
    if (v.starts_with("W/")) v.remove_prefix(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    uint64_t version = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
      return Status::InvalidArgument(
          "If-Match", "If-Match には対象（委任状・組織など）の version を数字で指定してください");
    }
    c.expected_version = version;
  }
  c.request = std::move(request);
  return c;
}

Response DomainRefusal(const Call& call, const Status& s) {
  // A command that takes no version (core/processor.h CommandRequest::expected_version): the
  // request's If-Match is malformed input, not a rule.
  if (s.code() == StatusCode::kInvalidArgument && s.field() == "expected_version") {
    return FromStatus(
        call, Status::InvalidArgument(
                  "If-Match", "この操作には If-Match を指定できません（" + s.message() + "）"));
  }
  // The Idempotency-Key was first sent with another request (invariant 5): nothing was run.
  if (s.code() == StatusCode::kInvalidArgument && s.field() == "idempotency_key") {
    return Error(call, bhttp::status::unprocessable_entity, "idempotency_key_reused", s.message(),
                 "Idempotency-Key");
  }
  if (s.code() == StatusCode::kAborted) {
    return Error(call, bhttp::status::conflict, "version_conflict",
                 "他の操作で内容が更新されています。最新の内容を確認してからやり直してください",
                 "If-Match");
  }
  // A rule of the domain refused it: 422 naming the field and the rule.
  return FromStatus(call, s, /*rule=*/true);
}

Response ListLettersRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {
      "status", "contract_type", "delegator", "delegate", "q", "page", "per_page", "min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  projections::LetterFilter f;
  if (const std::string& status = call.query["status"]; !status.empty()) {
    auto parsed = ParseStatus(status, "status");
    if (!parsed.ok()) return FromStatus(call, parsed.status());
    f.status = *parsed;
  }
  if (const std::string& type = call.query["contract_type"]; !type.empty()) {
    auto parsed = core::ParseContractType(type, "contract_type");
    if (!parsed.ok()) return FromStatus(call, parsed.status());
    f.contract_type = *parsed;
  }
  auto delegator = OrgByCode(call, call.query["delegator"], "delegator");
  if (!delegator.ok()) return FromStatus(call, delegator.status());
  auto delegate = OrgByCode(call, call.query["delegate"], "delegate");
  if (!delegate.ok()) return FromStatus(call, delegate.status());
  f.delegator = *delegator;
  f.delegate = *delegate;
  f.q = call.query["q"];
  auto page = QueryNumber(call, "page", 1);
  auto per_page = QueryNumber(call, "per_page", 50);
  if (!page.ok()) return FromStatus(call, page.status());
  if (!per_page.ok()) return FromStatus(call, per_page.status());
  if (*per_page < 1 || *per_page > 500) {
    return FromStatus(call, Status::InvalidArgument("per_page", "per_page は 1〜500 です"));
  }
  f.page = static_cast<int>(std::clamp<int64_t>(*page, 1, 1'000'000));
  f.per_page = static_cast<int>(*per_page);
  auto viewer = ViewerOfCall(call);
  if (!viewer)
    return FromStatus(call, Status(StatusCode::kUnauthenticated, "組織が見つかりません"));
  const events::Position position = call.ctx.projections->position();
  // Paging through a list (or refreshing it) while nothing changed counts its rows once.
  const std::string key = std::to_string(viewer->org) + '\x1f' + call.query["status"] + '\x1f' +
                          call.query["contract_type"] + '\x1f' + std::to_string(f.delegator) +
                          '\x1f' + std::to_string(f.delegate) + '\x1f' + f.q;
  f.known_total = Totals().Find(key, position);
  // The letters whose object the cache holds at their row's revision are not read (in page order:
  // ListLetters asks once per item, in order).
  LetterCache* cache = call.ctx.letters;
  std::vector<std::shared_ptr<const std::string>> held;  // by item; null: written below
  std::function<bool(core::LetterId, events::Position)> have;
  if (cache) {
    have = [&](core::LetterId id, events::Position revision) {
      held.push_back(cache->Find(id, revision));
      return held.back() != nullptr;
    };
  }
  auto result = call.ctx.projections->Read([&](const projections::Reader& r) {
    held.clear();
    return projections::ListLetters(r, *viewer, f, have);
  });
  if (!result.ok()) return FromStatus(call, result.status());
  if (!f.known_total) Totals().Keep(key, position, result->total, result->more);
  std::string body;
  body.reserve(512 + 450 * result->items.size());
  JsonWriter w(body);
  w.BeginObject().Key("items").BeginArray();
  for (size_t i = 0; i < result->items.size(); ++i) {
    const projections::LetterItem& l = result->items[i];
    if (i < held.size() && held[i]) {
      w.Raw(*held[i]);
      continue;
    }
    if (!cache) {
      WriteLetter(w, l);
      continue;
    }
    std::string one;
    one.reserve(512);
    JsonWriter object(one);
    WriteLetter(object, l);
    w.Raw(one);
    cache->Keep(l.id, l.revision, std::move(one));
  }
  w.EndArray()
      .Member("total", result->total)
      .Member("more", result->more)
      .Member("page", f.page)
      .Member("per_page", f.per_page)
      .Member("position", position)
      .EndObject();
  return JsonText(bhttp::status::ok, call.req.version(), std::move(body));
}

Response GetLetter(Call& call) {
  auto letter = RequestedLetter(call);
  if (auto* refused = std::get_if<Response>(&letter)) return std::move(*refused);
  const auto& l = std::get<projections::LetterItem>(letter);
  std::string body;
  body.reserve(512);
  JsonWriter w(body);
  WriteLetter(w, l);
  Response res = JsonText(bhttp::status::ok, call.req.version(), std::move(body));
  res.set(bhttp::field::etag, "\"" + std::to_string(l.version) + "\"");
  return res;
}

Response LetterHistory(Call& call) {
  auto letter = RequestedLetter(call);
  if (auto* refused = std::get_if<Response>(&letter)) return std::move(*refused);
  const core::LetterId id = std::get<projections::LetterItem>(letter).id;
  auto history = call.ctx.projections->Read([&](const projections::Reader& r) {
    return projections::History(r, "letter", static_cast<int64_t>(id));
  });
  if (!history.ok()) return FromStatus(call, history.status());
  json::array items;
  for (const projections::HistoryItem& h : *history) items.push_back(HistoryItemJson(h));
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"letter", id}, {"items", std::move(items)}});
}

Response ApplyLetterRoute(Call& call) {
  if (Status s = OnlyFields(call, {"contract_type", "campaign", "delegate", "document_confirmed"});
      !s.ok()) {
    return FromStatus(call, s);
  }
  auto type_text = StringField(call, "contract_type");
  if (!type_text.ok()) return FromStatus(call, type_text.status());
  auto type = core::ParseContractType(*type_text, "contract_type");
  if (!type.ok()) return FromStatus(call, type.status());
  core::ApplyLetter a;
  a.contract_type = *type;
  if (const json::value* c = call.body.if_contains("campaign"); c != nullptr && !c->is_null()) {
    if (!c->is_uint64() && !(c->is_int64() && c->as_int64() > 0)) {
      return FromStatus(call, Status::InvalidArgument("campaign", "campaign は臨時接種の番号です"));
    }
    a.campaign = c->to_number<uint64_t>();
  }
  const json::value* confirmed = call.body.if_contains("document_confirmed");
  if (confirmed != nullptr && !confirmed->is_bool()) {
    return FromStatus(call, Status::InvalidArgument("document_confirmed",
                                                    "document_confirmed は true / false です"));
  }
  a.document_confirmed = confirmed != nullptr && confirmed->as_bool();
  auto delegate = OptionalString(call, "delegate");
  if (!delegate.ok()) return FromStatus(call, delegate.status());
  // The delegate comes from the chain table (F-3); a client that names one must name that one.
  a.delegate_code = delegate->value_or("");
  auto command = NewCommand(call, a);
  if (!command.ok()) return FromStatus(call, command.status());
  auto outcome = call.ctx.processor->Execute(*command);
  if (!outcome.ok()) return DomainRefusal(call, outcome.status());
  if (outcome->created.empty()) {
    return FromStatus(call, Status::Internal("the application created no letter"));
  }
  const core::LetterId id = outcome->created.front();
  return CommandAnswer(call, *outcome, id, bhttp::status::created);
}

Response LetterCommand(Call& call, std::string_view action) {
  auto id = LetterIdParam(call);
  if (!id.ok()) return FromStatus(call, id.status());
  if (action == "approve") {
    if (Status s = OnlyFields(call, {}); !s.ok()) return FromStatus(call, s);
    return RunLetterCommand(call, *id, core::ApproveLetters{{*id}});
  }
  if (action == "reapply") {
    if (Status s = OnlyFields(call, {}); !s.ok()) return FromStatus(call, s);
    return RunLetterCommand(call, *id, core::ReapplyLetter{*id});
  }
  if (action == "return" || action == "withdraw") {
    if (Status s = OnlyFields(call, {"reason"}); !s.ok()) return FromStatus(call, s);
    auto reason = Reason(call, true);
    if (!reason.ok()) return FromStatus(call, reason.status());
    if (action == "return") return RunLetterCommand(call, *id, core::ReturnLetter{*id, *reason});
    return RunLetterCommand(call, *id, core::WithdrawLetter{*id, *reason});
  }
  // secede, terminate: {date, reason}
  if (Status s = OnlyFields(call, {"date", "reason"}); !s.ok()) return FromStatus(call, s);
  auto date = DateField(call, "date");
  if (!date.ok()) return FromStatus(call, date.status());
  auto reason = Reason(call, true);
  if (!reason.ok()) return FromStatus(call, reason.status());
  if (action == "secede") {
    return RunLetterCommand(call, *id, core::RequestSecession{*id, *date, *reason});
  }
  return RunLetterCommand(call, *id, core::TerminateLetter{*id, *date, *reason});
}

Response BulkApprove(Call& call) {
  if (Status s = OnlyFields(call, {"ids"}); !s.ok()) return FromStatus(call, s);
  const json::value* ids = call.body.if_contains("ids");
  if (ids == nullptr || !ids->is_array() || ids->as_array().empty() ||
      ids->as_array().size() > 200) {
    return FromStatus(call,
                      Status::InvalidArgument("ids", "ids は委任状の番号の配列（1〜200件）です"));
  }
  std::vector<core::LetterId> letters;
  for (const json::value& v : ids->as_array()) {
    if (!v.is_uint64() && !(v.is_int64() && v.as_int64() > 0)) {
      return FromStatus(call, Status::InvalidArgument("ids", "ids は正の整数の配列です"));
    }
    letters.push_back(v.to_number<uint64_t>());
  }
  // Letters the caller may not see are named as missing, before any rule is looked at.
  json::array hidden;
  call.ctx.processor->Read([&](const core::State& s) {
    for (core::LetterId id : letters) {
      if (!core::MaySeeLetter(s, call.session->org, id)) hidden.push_back(id);
    }
    return 0;
  });
  if (!hidden.empty()) {
    Response res =
        Error(call, bhttp::status::not_found, "not_found", "見つからない委任状があります", "ids");
    json::value body = json::parse(res.body());
    body.as_object()["error"].as_object()["ids"] = std::move(hidden);
    res.body() = json::serialize(body);
    return res;
  }
  auto command = NewCommand(call, core::ApproveLetters{letters});
  if (!command.ok()) return FromStatus(call, command.status());
  auto outcome = call.ctx.processor->Execute(*command);
  if (!outcome.ok()) {
    // All or nothing: the core names the letters the refusal is about (each whose approval on its
    // own it refuses, and any named twice).
    Response res = DomainRefusal(call, outcome.status());
    json::array failing;
    for (core::LetterId id : call.ctx.processor->RefusedApprovals(command->actor, letters)) {
      failing.push_back(id);
    }
    json::value body = json::parse(res.body());
    body.as_object()["error"].as_object()["ids"] = std::move(failing);
    res.body() = json::serialize(body);
    return res;
  }
  json::array items;
  call.ctx.processor->Read([&](const core::State& s) {
    for (core::LetterId id : letters) {
      if (const core::Letter* l = s.FindLetter(id)) {
        items.push_back(json::object{
            {"id", l->id}, {"status", core::CodeName(l->status)}, {"version", l->version}});
      }
    }
    return 0;
  });
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"items", std::move(items)},
                           {"position", outcome->append.last_position},
                           {"duplicate", outcome->append.duplicate}});
}

}  // namespace shugo::http::internal
