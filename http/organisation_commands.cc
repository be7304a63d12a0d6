// The organisation commands over HTTP (docs/api.md "Organisation commands"): what every route
// shares (body members, targets, running a command and its answer), the route table, and the
// routes of the F-1 masters, the F-1-8/9 and F-5-2 dates, F-1-4-3 code changes and F-5-1.
#include "http/internal/organisation_commands.h"

#include <algorithm>
#include <charconv>
#include <climits>

#include "http/internal/organisation_routes.h"

namespace shugo::http::internal {

namespace json = boost::json;
using DK = core::OrganisationDateKind;

// ---- body members

Status Missing(std::string_view name) {
  return Status::InvalidArgument(std::string(name), std::string(name) + " を入力してください");
}

namespace {

// The member `name`, or nullptr when it is absent or null (kInvalidArgument when required).
Result<const json::value*> Member(const Call& call, std::string_view name, bool required) {
  const json::value* v = call.body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) return Missing(name);
    return static_cast<const json::value*>(nullptr);
  }
  return v;
}

Status WrongType(std::string_view name, std::string_view what) {
  return Status::InvalidArgument(
      std::string(name), std::string(name) + " は" + std::string(what) + "で指定してください");
}

}  // namespace

Result<std::optional<JapanDate>> DateMember(const Call& call, std::string_view name,
                                            bool required) {
  SHUGO_ASSIGN_OR_RETURN(const json::value* v, Member(call, name, required));
  if (v == nullptr) return std::optional<JapanDate>();
  if (!v->is_string()) return WrongType(name, "日付（YYYY-MM-DD）の文字列");
  SHUGO_ASSIGN_OR_RETURN(JapanDate date, JapanDate::Parse(std::string_view(v->as_string()), name));
  return std::optional<JapanDate>(date);
}

Result<std::optional<int64_t>> IntegerMember(const Call& call, std::string_view name,
                                             bool required) {
  SHUGO_ASSIGN_OR_RETURN(const json::value* v, Member(call, name, required));
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_int64() && !(v->is_uint64() && v->as_uint64() <= INT64_MAX)) {
    return WrongType(name, "整数");
  }
  return std::optional<int64_t>(v->to_number<int64_t>());
}

Result<std::optional<std::string>> YenMember(const Call& call, std::string_view name,
                                             bool required) {
  SHUGO_ASSIGN_OR_RETURN(const json::value* v, Member(call, name, required));
  if (v == nullptr) return std::optional<std::string>();
  const bool whole = v->is_uint64() || (v->is_int64() && v->as_int64() >= 0);
  if (!whole) return WrongType(name, "円単位の0以上の整数");
  return std::optional<std::string>(std::to_string(v->to_number<uint64_t>()));
}

Result<std::optional<bool>> BoolMember(const Call& call, std::string_view name, bool required) {
  SHUGO_ASSIGN_OR_RETURN(const json::value* v, Member(call, name, required));
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(name, "true または false");
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<std::vector<std::string>>> StringListMember(const Call& call,
                                                                 std::string_view name) {
  constexpr size_t kMaxElements = 1000;  // the core's own limits are lower
  SHUGO_ASSIGN_OR_RETURN(const json::value* v, Member(call, name, false));
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (!v->is_array() || v->as_array().size() > kMaxElements) return WrongType(name, "文字列の配列");
  std::vector<std::string> out;
  for (const json::value& element : v->as_array()) {
    if (!element.is_string()) return WrongType(name, "文字列の配列");
    out.emplace_back(element.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::string> RequiredText(const Call& call, std::string_view name) {
  return StringField(call, name, /*required=*/true);
}

Result<std::string> OptionalText(const Call& call, std::string_view name) {
  return StringField(call, name, /*required=*/false);
}

Result<Decision> DecisionBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"approve", "reason"}));
  Decision d;
  SHUGO_ASSIGN_OR_RETURN(std::optional<bool> approve, BoolMember(call, "approve", true));
  d.approve = *approve;
  SHUGO_ASSIGN_OR_RETURN(d.reason, OptionalText(call, "reason"));
  if (!d.approve && d.reason.empty()) {
    return Status::InvalidArgument("reason", "差戻の理由を入力してください");
  }
  return d;
}

// ---- targets

Result<core::Organisation> PathOrganisation(const Call& call) {
  const std::string& code = call.params.at(0);
  auto org =
      call.ctx.processor->Read([&](const core::State& s) -> std::optional<core::Organisation> {
        const core::Organisation* o = s.FindOrgByCode(code);
        if (o == nullptr) return std::nullopt;
        return *o;
      });
  if (!org) {
    return Status(StatusCode::kNotFound, "組織が見つかりません: " + QuoteInput(code));
  }
  return std::move(*org);
}

Result<uint64_t> PathNumber(const Call& call, size_t index, std::string_view missing) {
  const std::string& text = call.params.at(index);
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n == 0) {
    return Status(StatusCode::kNotFound, std::string(missing));
  }
  return n;
}

Status OwnOrganisation(const Call& call, const core::Organisation& org) {
  if (org.id == call.session->org) return Status::Ok();
  return Status(StatusCode::kPermissionDenied, "この設定は" + org.name + "自身が行います");
}

// ---- running a command

Status NoIfMatch(const Call& call) {
  if (call.req[bhttp::field::if_match].empty()) return Status::Ok();
  return Status::InvalidArgument("If-Match",
                                 "この操作には If-Match を指定できません（対象に版がありません）");
}

uint64_t VersionAfter(const core::Outcome& outcome, std::string_view stream) {
  for (const events::StreamVersion& v : outcome.append.streams) {
    if (v.stream == stream) return v.version;
  }
  return 0;
}

json::object OrgJson(const core::Organisation& o) {
  return json::object{{"id", o.id},
                      {"code", o.code},
                      {"kind", core::CodeName(o.kind)},
                      {"kind_name", core::JapaneseName(o.kind)},
                      {"name", o.name},
                      {"version", o.version}};
}

namespace {

// The events the command appended, read back from the log (its first result's on a retry).
std::vector<core::DomainEvent> Appended(const Call& call, const core::Outcome& outcome) {
  std::vector<core::DomainEvent> out;
  const events::AppendResult& a = outcome.append;
  if (a.first_position == 0 || a.last_position < a.first_position) return out;
  auto records =
      call.ctx.store->ReadRange(a.first_position, a.last_position - a.first_position + 1);
  if (!records.ok()) return out;
  for (const events::RecordedEvent& r : *records) {
    if (auto e = core::Decode(r.event()); e.ok()) out.push_back(std::move(e).value());
  }
  return out;
}

json::value YenOrNull(const std::optional<int64_t>& yen) {
  if (yen) return json::value(*yen);
  return nullptr;
}

// The validated diffs among `events` (OrganisationChanged, the F-2 settings, CampaignFeesChanged).
json::array Changes(const std::vector<core::DomainEvent>& events) {
  json::array out;
  for (const core::DomainEvent& event : events) {
    std::visit(
        [&](const auto& e) {
          if constexpr (requires { e.changes; }) {
            for (const auto& c : e.changes) {
              using C = std::decay_t<decltype(c)>;
              if constexpr (std::is_same_v<C, core::FieldChange>) {
                out.push_back(
                    json::object{{"field", c.field}, {"before", c.before}, {"after", c.after}});
              } else {
                out.push_back(json::object{{"vaccine", c.vaccine},
                                           {"before", YenOrNull(c.before)},
                                           {"after", YenOrNull(c.after)}});
              }
            }
          }
        },
        event);
  }
  return out;
}

}  // namespace

Response RunCommand(Call& call, CommandRoute route) {
  if (!route.if_match) {
    if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  }
  auto command = NewCommand(call, std::move(route.request));
  if (!command.ok()) return FromStatus(call, command.status());
  auto outcome = call.ctx.processor->Execute(*command);
  if (!outcome.ok()) return DomainRefusal(call, outcome.status());
  const std::vector<core::DomainEvent> events = Appended(call, *outcome);
  json::object out{{"position", outcome->append.last_position},
                   {"duplicate", outcome->append.duplicate}};
  if (!outcome->created.empty()) {
    json::array created;
    for (uint64_t id : outcome->created) created.push_back(id);
    out["created"] = std::move(created);
  }
  if (json::array changes = Changes(events); !changes.empty()) out["changes"] = std::move(changes);
  if (route.answer) {
    call.ctx.processor->Read([&](const core::State& s) {
      route.answer(s, *outcome, events, out);
      return 0;
    });
  }
  Response res = Json(route.status, call.req.version(), out);
  if (const json::value* v = out.if_contains("version"); v != nullptr && v->is_number()) {
    res.set(bhttp::field::etag, "\"" + std::to_string(v->to_number<uint64_t>()) + "\"");
  }
  return res;
}

namespace {

// The answer to input refused before any command: a body member (400) or the path's target (404).
template <typename T>
Response Refused(Call& call, const Result<T>& r) {
  return FromStatus(call, r.status());
}

void Merge(json::object& out, const json::object& more) {
  for (const json::key_value_pair& m : more) out[m.key()] = m.value();
}

// The answer of a command on one organisation: it as it is now, at the version its stream had
// after the command.
Answer OrgAnswer(core::OrgId id) {
  return [id](const core::State& s, const core::Outcome& outcome,
              const std::vector<core::DomainEvent>&, json::object& out) {
    if (const core::Organisation* o = s.FindOrg(id)) {
      Merge(out, OrgJson(*o));
    }
    out["version"] = VersionAfter(outcome, "org-" + std::to_string(id));
  };
}

// ---- F-1 masters

Result<core::RegisterOrganisation> RegisterBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(
      call, {"kind", "code", "name", "kana", "address", "prefecture", "municipality_code",
             "parent_code", "member_of_code", "opening_date", "former_codes"}));
  core::RegisterOrganisation r;
  SHUGO_ASSIGN_OR_RETURN(std::string kind, RequiredText(call, "kind"));
  SHUGO_ASSIGN_OR_RETURN(r.kind, core::ParseOrganisationKind(kind, "kind"));
  SHUGO_ASSIGN_OR_RETURN(r.code, OptionalText(call, "code"));
  SHUGO_ASSIGN_OR_RETURN(r.name, RequiredText(call, "name"));
  SHUGO_ASSIGN_OR_RETURN(r.kana, OptionalText(call, "kana"));
  SHUGO_ASSIGN_OR_RETURN(r.address, OptionalText(call, "address"));
  SHUGO_ASSIGN_OR_RETURN(std::optional<int64_t> prefecture,
                         IntegerMember(call, "prefecture", false));
  if (prefecture && (*prefecture < 0 || *prefecture > 99)) {
    return Status::InvalidArgument("prefecture", "prefecture は都道府県番号（1〜47）です");
  }
  r.prefecture = static_cast<int>(prefecture.value_or(0));
  SHUGO_ASSIGN_OR_RETURN(r.municipality_code, OptionalText(call, "municipality_code"));
  SHUGO_ASSIGN_OR_RETURN(r.parent_code, OptionalText(call, "parent_code"));
  SHUGO_ASSIGN_OR_RETURN(r.member_of_code, OptionalText(call, "member_of_code"));
  SHUGO_ASSIGN_OR_RETURN(r.opening_date, DateMember(call, "opening_date", false));
  SHUGO_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> former,
                         StringListMember(call, "former_codes"));
  if (former) r.former_codes = std::move(*former);
  return r;
}

// The body of a change and of its preview: the members sent are the new values (null: unchanged;
// member_of_code "": no longer a member).
Result<core::ChangeOrganisation> ChangeBody(const Call& call, const std::string& code) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(
      call, {"name", "kana", "address", "member_of_code", "municipality_code", "former_codes"}));
  core::ChangeOrganisation c;
  c.code = code;
  SHUGO_ASSIGN_OR_RETURN(c.name, OptionalString(call, "name"));
  SHUGO_ASSIGN_OR_RETURN(c.kana, OptionalString(call, "kana"));
  SHUGO_ASSIGN_OR_RETURN(c.address, OptionalString(call, "address"));
  SHUGO_ASSIGN_OR_RETURN(c.member_of_code, OptionalString(call, "member_of_code"));
  SHUGO_ASSIGN_OR_RETURN(c.municipality_code, OptionalString(call, "municipality_code"));
  SHUGO_ASSIGN_OR_RETURN(c.former_codes, StringListMember(call, "former_codes"));
  return c;
}

// F-1 "変更内容の表示": what the change would record, as the core decided it (none when it
// changes nothing).
json::array PreviewDiff(const Result<std::vector<core::DomainEvent>>& decided) {
  json::array out;
  if (!decided.ok()) return out;
  for (const core::DomainEvent& event : *decided) {
    const auto* e = std::get_if<core::OrganisationChanged>(&event);
    if (e == nullptr) continue;
    for (const core::FieldChange& c : e->changes) {
      out.push_back(json::object{{"field", c.field}, {"before", c.before}, {"after", c.after}});
    }
  }
  return out;
}

// The user-entered kinds of organisation date (the others are the day job's).
constexpr DK kEnteredDates[] = {DK::kOpeningScheduled,
                                DK::kAbolitionScheduled,
                                DK::kUnionJoinScheduled,
                                DK::kUnionLeaveScheduled,
                                DK::kPaymentConsignmentRegistered,
                                DK::kPaymentConsignmentCancelScheduled};

Result<core::EnterOrganisationDate> DateBody(const Call& call, const std::string& code) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"kind", "date", "union_code"}));
  static const auto kNames = CodeNames(kEnteredDates);
  core::EnterOrganisationDate r;
  r.code = code;
  SHUGO_ASSIGN_OR_RETURN(std::optional<DK> kind,
                         EnumMember<DK>(call, "kind", true, std::span(kNames)));
  r.kind = *kind;
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> date, DateMember(call, "date", true));
  r.date = *date;
  SHUGO_ASSIGN_OR_RETURN(r.union_code, OptionalText(call, "union_code"));
  if (r.kind == DK::kUnionJoinScheduled && r.union_code.empty()) return Missing("union_code");
  if (r.kind != DK::kUnionJoinScheduled && !r.union_code.empty()) {
    return Status::InvalidArgument("union_code",
                                   "union_code は union_join_scheduled（加入日）にだけ指定します");
  }
  return r;
}

// ---- F-1-4-3, F-5-1

Result<core::RequestCodeChange> CodeChangeBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(
      call, {"change", "new_code", "reason", "consent", "personal_data", "designation_copy"}));
  static constexpr core::CodeChangeKind kKinds[] = {core::CodeChangeKind::kCodeChange,
                                                    core::CodeChangeKind::kMerger,
                                                    core::CodeChangeKind::kToNonInsured};
  static const auto kNames = CodeNames(kKinds);
  core::RequestCodeChange r;
  SHUGO_ASSIGN_OR_RETURN(auto change,
                         EnumMember<core::CodeChangeKind>(call, "change", true, std::span(kNames)));
  r.change = *change;
  SHUGO_ASSIGN_OR_RETURN(r.new_code, OptionalText(call, "new_code"));
  SHUGO_ASSIGN_OR_RETURN(r.reason, RequiredText(call, "reason"));
  for (auto [name, flag] :
       {std::pair{"consent", &r.consent}, std::pair{"personal_data", &r.personal_data},
        std::pair{"designation_copy", &r.designation_copy}}) {
    SHUGO_ASSIGN_OR_RETURN(std::optional<bool> v, BoolMember(call, name, false));
    *flag = v.value_or(false);
  }
  return r;
}

Result<core::AnnounceCollectiveContract> ContractBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"date", "note"}));
  core::AnnounceCollectiveContract r;
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> date, DateMember(call, "date", true));
  r.date = *date;
  SHUGO_ASSIGN_OR_RETURN(r.note, OptionalText(call, "note"));
  return r;
}

}  // namespace

Response RegisterOrganisationRoute(Call& call) {
  if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  auto body = RegisterBody(call);
  if (!body.ok()) return Refused(call, body);
  return RunCommand(call, {*body, false, bhttp::status::created,
                           [](const core::State& s, const core::Outcome& outcome,
                              const std::vector<core::DomainEvent>& events, json::object& out) {
                             const auto* e = FirstOf<core::OrganisationRegistered>(events);
                             if (e == nullptr) return;
                             if (const core::Organisation* o = s.FindOrg(e->id)) {
                               Merge(out, OrgJson(*o));
                             }
                             out["code"] = e->code;  // as registered (a retry after a change)
                             out["version"] = VersionAfter(outcome, "org-" + std::to_string(e->id));
                           }});
}

Response PreviewChangeRoute(Call& call) {
  if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  auto org = PathOrganisation(call);
  if (!org.ok()) return Refused(call, org);
  auto change = ChangeBody(call, org->code);
  if (!change.ok()) return Refused(call, change);
  // The core decides the change with every rule of the confirmation (who may change it, F-1-1 …
  // F-1-5, and each value) and appends nothing; a change it would refuse is refused here too.
  auto command = NewCommand(call, *change);
  if (!command.ok()) return FromStatus(call, command.status());
  auto decided = call.ctx.processor->Preview(*command);
  json::object out;
  uint64_t version = 0;
  call.ctx.processor->Read([&](const core::State& s) {
    const core::Organisation* o = s.FindOrg(org->id);
    if (o == nullptr) return 0;
    out = OrgJson(*o);
    out["changes"] = PreviewDiff(decided);
    version = o->version;
    return 0;
  });
  // Nothing to change is shown as such (the confirmation refuses it, 422): the core checks it
  // last, once the caller may change the organisation and every value is valid. Every other
  // refusal is the confirmation's.
  if (!decided.ok() && decided.status().message() != core::kNothingToChange) {
    return DomainRefusal(call, decided.status());
  }
  Response res = Json(bhttp::status::ok, call.req.version(), out);
  res.set(bhttp::field::etag, "\"" + std::to_string(version) + "\"");
  return res;
}

Response ChangeOrganisationRoute(Call& call) {
  auto org = PathOrganisation(call);
  if (!org.ok()) return Refused(call, org);
  auto change = ChangeBody(call, org->code);
  if (!change.ok()) return Refused(call, change);
  return RunCommand(call, {*change, true, bhttp::status::ok, OrgAnswer(org->id)});
}

Response EnterDateRoute(Call& call) {
  auto org = PathOrganisation(call);
  if (!org.ok()) return Refused(call, org);
  auto body = DateBody(call, org->code);
  if (!body.ok()) return Refused(call, body);
  const Answer org_answer = OrgAnswer(org->id);
  return RunCommand(call,
                    {*body, true, bhttp::status::ok,
                     [org_answer](const core::State& s, const core::Outcome& outcome,
                                  const std::vector<core::DomainEvent>& events, json::object& out) {
                       org_answer(s, outcome, events, out);
                       if (const auto* e = FirstOf<core::OrganisationDated>(events)) {
                         out["date_kind"] = core::CodeName(e->kind);
                         out["date"] = e->date.ToString();
                       }
                     }});
}

// If-Match: the version of the acting institution (the request is recorded on its stream).
Response RequestCodeChangeRoute(Call& call) {
  auto body = CodeChangeBody(call);
  if (!body.ok()) return Refused(call, body);
  return RunCommand(call, {*body, true, bhttp::status::created,
                           [](const core::State& s, const core::Outcome& outcome,
                              const std::vector<core::DomainEvent>& events, json::object& out) {
                             const auto* e = FirstOf<core::CodeChangeRequested>(events);
                             if (e == nullptr) return;
                             if (const core::Organisation* o = s.FindOrg(e->id)) {
                               Merge(out, OrgJson(*o));
                             }
                             out["version"] = VersionAfter(outcome, "org-" + std::to_string(e->id));
                             out["request"] = e->request;
                             out["change"] = core::CodeName(e->change);
                             out["new_code"] = e->new_code;
                             if (const core::Organisation* a = s.FindOrg(e->approver)) {
                               out["approver"] = json::object{{"code", a->code}, {"name", a->name}};
                             }
                           }});
}

Response ReviewCodeChangeRoute(Call& call) {
  auto org = PathOrganisation(call);
  if (!org.ok()) return Refused(call, org);
  auto request = PathNumber(call, 1, "医療機関コード変更の申請が見つかりません");
  if (!request.ok()) return Refused(call, request);
  auto decision = DecisionBody(call);
  if (!decision.ok()) return Refused(call, decision);
  const core::ReviewCodeChange r{org->code,
                                 static_cast<uint32_t>(std::min<uint64_t>(*request, UINT32_MAX)),
                                 decision->approve, decision->reason};
  const Answer org_answer = OrgAnswer(org->id);
  return RunCommand(call,
                    {r, true, bhttp::status::ok,
                     [org_answer](const core::State& s, const core::Outcome& outcome,
                                  const std::vector<core::DomainEvent>& events, json::object& out) {
                       org_answer(s, outcome, events, out);
                       if (const auto* e = FirstOf<core::CodeChangeDecided>(events)) {
                         out["request"] = e->request;
                         out["approved"] = e->approved;
                       }
                     }});
}

// If-Match: the version of the "contract" stream (0 until signed).
Response AnnounceContractRoute(Call& call) {
  auto body = ContractBody(call);
  if (!body.ok()) return Refused(call, body);
  return RunCommand(call, {*body, true, bhttp::status::created,
                           [](const core::State& s, const core::Outcome& outcome,
                              const std::vector<core::DomainEvent>&, json::object& out) {
                             if (const auto& signed_ = s.collective_contract()) {
                               out["date"] = signed_->date.ToString();
                               out["note"] = signed_->note;
                             }
                             out["version"] = VersionAfter(outcome, "contract");
                           }});
}

std::vector<Route> OrganisationCommandRoutes() {
  using V = bhttp::verb;
  constexpr Access kReady = Access::kReady;
  return {
      // F-1 masters (F-1-1 … F-1-5), F-1-8/9 and F-5-2 dates
      {V::post, "/api/organisations", kReady, true, RegisterOrganisationRoute},
      {V::post, "/api/organisations/{}/changes/preview", kReady, true, PreviewChangeRoute},
      {V::post, "/api/organisations/{}/changes", kReady, true, ChangeOrganisationRoute},
      {V::post, "/api/organisations/{}/dates", kReady, true, EnterDateRoute},
      // F-2 fees and vaccines
      {V::post, "/api/organisations/{}/vaccines", kReady, true, SetMunicipalVaccineRoute},
      {V::post, "/api/organisations/{}/vaccines/end", kReady, true, EndMunicipalVaccineRoute},
      {V::post, "/api/organisations/{}/vaccine-setting-unit", kReady, true,
       SetVaccineSettingUnitRoute},
      {V::post, "/api/organisations/{}/contract-municipalities", kReady, true,
       SetContractMunicipalityRoute},
      {V::post, "/api/organisations/{}/handled-vaccines", kReady, true, SetInstitutionVaccineRoute},
      {V::post, "/api/organisations/{}/fee-floor", kReady, true, SetFeeFloorRoute},
      // F-1-4-3 code changes and mergers, F-5-1 the collective contract
      {V::post, "/api/code-changes", kReady, true, RequestCodeChangeRoute},
      {V::post, "/api/code-changes/{}/{}/review", kReady, true, ReviewCodeChangeRoute},
      {V::post, "/api/collective-contract", kReady, true, AnnounceContractRoute},
      // F-10 temporary vaccination
      {V::post, "/api/campaigns", kReady, true, DeclareCampaignRoute},
      {V::post, "/api/campaigns/{}/fees", kReady, true, ChangeCampaignFeesRoute},
      {V::post, "/api/campaigns/{}/additional-fees", kReady, true, SetAdditionalFeesRoute},
      {V::post, "/api/campaigns/{}/end", kReady, true, RegisterCampaignEndRoute},
      // F-1-5 non-insured institutions through an input link
      {V::post, "/api/non-insured/links", kReady, true, IssueNonInsuredLinkRoute},
      {V::post, "/api/non-insured/{}/review", kReady, true, ReviewNonInsuredRoute},
  };
}

}  // namespace shugo::http::internal
