// F-1-5 input links over HTTP (seed F-1 "5：非保険医療機関情報"; docs/api.md "Input links"). The
// prefecture or municipality issues the link (POST /api/non-insured/links) and sends it to the
// institution outside the system (seed: 登録用画面のリンクをシステム外でメールにて連携); the
// institution, which has no account, reads the link and enters its data through these public
// routes; the prefecture then approves or returns the entry (POST /api/non-insured/{id}/review).
// The token is the account store's (invariant 11: only its digest is kept, never in the log).
#include "http/internal/input_link_routes.h"

#include "core/non_insured.h"
#include "http/internal/limiter.h"
#include "http/internal/organisation_commands.h"

namespace shugo::http::internal {

namespace json = boost::json;

Response WithInputLink(Call& call, Response res) {
  if (res.result() != bhttp::status::created) return res;
  boost::system::error_code ec;
  json::value body = json::parse(res.body(), ec);
  if (ec || !body.is_object()) return res;
  json::object& out = body.as_object();
  const json::value* id = out.if_contains("id");
  const json::value* expires = out.if_contains("expires");
  if (id == nullptr || !id->is_number() || expires == nullptr || !expires->is_string()) {
    return FromStatus(call, Status::Internal("the link's registration is missing"));
  }
  auto day = JapanDate::Parse(std::string_view(expires->as_string()), "expires");
  if (!day.ok()) return FromStatus(call, day.status());
  // The command is appended; should this fail, a retry with the same Idempotency-Key issues it.
  auto token = call.ctx.accounts->IssueInputLink(id->to_number<uint64_t>(), *day);
  if (!token.ok()) return FromStatus(call, token.status());
  // Used already (a retry after the institution's entry): no new link.
  if (*token) out["link"] = "/api/input-links/" + **token;
  res.body() = json::serialize(out);
  return res;
}

namespace {

// What the institution's browser may learn of a registration through its link.
struct LinkView {
  core::RegistrationId id = 0;
  core::RegistrationStatus status = core::RegistrationStatus::kIssued;
  JapanDate expires;
  bool expired = false;
  std::string approver_code, approver_name, issuer_code, issuer_name;
};

std::optional<LinkView> ViewOf(const Call& call, core::RegistrationId id) {
  const JapanDate today = call.ctx.processor->Today();
  return call.ctx.processor->Read([&](const core::State& s) -> std::optional<LinkView> {
    const core::NonInsuredRegistration* r = s.FindRegistration(id);
    if (r == nullptr) return std::nullopt;
    LinkView v{r->id, r->status, r->expires, r->expired_on(today), {}, {}, {}, {}};
    if (const core::Organisation* o = s.FindOrg(r->approver)) {
      v.approver_code = o->code;
      v.approver_name = o->name;
    }
    if (const core::Organisation* o = s.FindOrg(r->issuer)) {
      v.issuer_code = o->code;
      v.issuer_name = o->name;
    }
    return v;
  });
}

std::string LimitKey(const Call& call) { return "input-link:" + AddressBlock(call.peer); }

int64_t Now(const Call& call) { return call.ctx.clock->NowMicros(); }

// Too many unusable tokens from the caller's address (like failed logins): 429 with Retry-After.
std::optional<Response> Limited(const Call& call) {
  if (call.ctx.limiter == nullptr) return std::nullopt;
  const int64_t wait = call.ctx.limiter->RetryAfter(LimitKey(call), Now(call));
  if (wait <= 0) return std::nullopt;
  Response res = Error(call, bhttp::status::too_many_requests, "too_many_attempts",
                       "無効な入力リンクへのアクセスが続いたため、このアドレスからの利用を一時的に"
                       "止めています。しばらくしてからお試しください");
  res.set(bhttp::field::retry_after, std::to_string(wait / 1'000'000 + 1));
  return res;
}

// A token that was never issued (or was replaced): 404. It counts toward the address's limit.
Response NotFound(const Call& call) {
  if (call.ctx.limiter != nullptr) call.ctx.limiter->Failed(LimitKey(call), Now(call));
  return Error(call, bhttp::status::not_found, "input_link_not_found",
               "入力リンクが見つかりません。受け取ったリンクをもう一度確認してください", "token");
}

// A token that can no longer be used — used, expired, or its entry returned (差戻) — answers the
// same 410 whatever the reason. It counts toward the address's limit.
Response Gone(const Call& call) {
  if (call.ctx.limiter != nullptr) call.ctx.limiter->Failed(LimitKey(call), Now(call));
  return Error(call, bhttp::status::gone, "input_link_gone",
               "この入力リンクは使用済みか、有効期限が切れています。発行元の都道府県または市区町村"
               "に新しい入力リンクの発行を依頼してください",
               "token");
}

bool Usable(const accounts::InputLink& link, const LinkView& v) {
  return link.used_by.empty() && v.status == core::RegistrationStatus::kIssued && !v.expired;
}

json::object LinkJson(const LinkView& v) {
  return json::object{
      {"registration", v.id},
      {"status", core::CodeName(v.status)},
      {"status_name", core::JapaneseName(v.status)},
      {"expires", v.expires.ToString()},
      {"prefecture", json::object{{"code", v.approver_code}, {"name", v.approver_name}}},
      {"issuer", json::object{{"code", v.issuer_code}, {"name", v.issuer_name}}}};
}

// The body of an entry: the members' types here (400 naming the member), the rules in the core
// (422 naming the field).
Result<core::SubmitNonInsuredRegistration> EntryBody(const Call& call, core::RegistrationId id) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(
      call, {"name", "kana", "address", "municipality_code", "site_kind", "email", "phone"}));
  core::SubmitNonInsuredRegistration r;
  r.registration = id;
  SHUGO_ASSIGN_OR_RETURN(r.name, RequiredText(call, "name"));
  SHUGO_ASSIGN_OR_RETURN(r.kana, OptionalText(call, "kana"));
  SHUGO_ASSIGN_OR_RETURN(r.address, RequiredText(call, "address"));
  SHUGO_ASSIGN_OR_RETURN(r.municipality_code, RequiredText(call, "municipality_code"));
  SHUGO_ASSIGN_OR_RETURN(r.site_kind, RequiredText(call, "site_kind"));
  SHUGO_ASSIGN_OR_RETURN(r.email, RequiredText(call, "email"));
  SHUGO_ASSIGN_OR_RETURN(r.phone, RequiredText(call, "phone"));
  // The log keeps only the address's digest, keyed by the account store (invariant 11).
  r.email_digest = call.ctx.accounts->EmailDigest(r.email);
  return r;
}

Response EntryAnswer(const Call& call, const core::Outcome& outcome, core::RegistrationId id) {
  json::object out{{"position", outcome.append.last_position},
                   {"duplicate", outcome.append.duplicate}};
  if (auto v = ViewOf(call, id)) {
    for (const json::key_value_pair& m : LinkJson(*v)) out[m.key()] = m.value();
  }
  const uint64_t version = VersionAfter(outcome, "registration-" + std::to_string(id));
  out["version"] = version;
  out["message"] = "入力内容を送信しました。都道府県の承認をお待ちください";
  Response res = Json(bhttp::status::ok, call.req.version(), out);
  res.set(bhttp::field::etag, "\"" + std::to_string(version) + "\"");
  return res;
}

}  // namespace

Response InputLinkForm(Call& call) {
  if (auto limited = Limited(call)) return std::move(*limited);
  if (Status s = OnlyParams(call, {}); !s.ok()) return FromStatus(call, s);
  auto link = call.ctx.accounts->FindInputLink(call.params.at(0));
  if (!link.ok()) return FromStatus(call, link.status());
  if (!*link) return NotFound(call);
  const std::optional<LinkView> v = ViewOf(call, (*link)->registration);
  if (!v) return NotFound(call);
  if (!Usable(**link, *v)) return Gone(call);
  Response res = Json(bhttp::status::ok, call.req.version(), LinkJson(*v));
  res.set(bhttp::field::cache_control, "no-store");
  return res;
}

Response SubmitInputLink(Call& call) {
  if (auto limited = Limited(call)) return std::move(*limited);
  if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  const std::string& token = call.params.at(0);
  auto link = call.ctx.accounts->FindInputLink(token);
  if (!link.ok()) return FromStatus(call, link.status());
  if (!*link) return NotFound(call);
  const core::RegistrationId id = (*link)->registration;
  const std::optional<LinkView> v = ViewOf(call, id);
  if (!v) return NotFound(call);
  auto entry = EntryBody(call, id);
  if (!entry.ok()) return FromStatus(call, entry.status());
  core::CommandRequest c;
  auto command_id = CommandId(call, "input-link-" + std::to_string(id));
  if (!command_id.ok()) return FromStatus(call, command_id.status());
  c.id = *command_id;
  c.request_digest = RequestDigest(call);
  c.actor = core::Actor::System(core::kInputLinkUser);
  c.request = *entry;
  if (!(*link)->used_by.empty()) {
    // The link's own command again (the same Idempotency-Key and body): its first result.
    if ((*link)->used_by != c.id) return Gone(call);
    auto outcome = call.ctx.processor->Execute(c);
    if (!outcome.ok()) return DomainRefusal(call, outcome.status());
    return EntryAnswer(call, *outcome, id);
  }
  if (!Usable(**link, *v)) return Gone(call);
  // The contact goes to the account store with the entry (the log keeps the address's digest);
  // the token is used and the command appended together, or neither.
  const accounts::InputLinkContact contact{id, entry->name, entry->email, entry->phone, 0};
  std::optional<Result<core::Outcome>> outcome;
  Status used = call.ctx.accounts->UseInputLink(token, contact, c.id, [&]() -> Status {
    outcome = call.ctx.processor->Execute(c);
    return outcome->status();
  });
  if (outcome && !outcome->ok()) return DomainRefusal(call, outcome->status());
  if (!used.ok()) {
    if (used.code() == StatusCode::kFailedPrecondition && used.field() == "token") {
      return Gone(call);
    }
    return FromStatus(call, used);
  }
  return EntryAnswer(call, **outcome, id);
}

}  // namespace shugo::http::internal
