// F-10 temporary vaccination and F-1-5 non-insured entries over HTTP (docs/api.md "Organisation
// commands"): declaring a campaign, its 基本委託料, a municipality's 加算委託料 and its end; an
// input link issued and the entry it brought reviewed. The version of a campaign route is the one
// of "campaign-<id>", of an entry the one of "registration-<id>".
#include <climits>
#include <map>
#include <string>

#include "core/non_insured.h"
#include "http/internal/input_link_routes.h"
#include "http/internal/organisation_commands.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;

// A list of fees: [{"vaccine": id, "yen": whole yen}, …]; each member's type checked, named
// like "fees[2].yen".
Result<std::vector<core::CampaignFee>> FeeList(const Call& call, std::string_view name) {
  const json::value* v = call.body.if_contains(name);
  if (v == nullptr || v->is_null()) return Missing(name);
  if (!v->is_array()) {
    return Status::InvalidArgument(
        std::string(name),
        std::string(name) + " は [{\"vaccine\": ワクチンID, \"yen\": 円}] の配列です");
  }
  std::vector<core::CampaignFee> out;
  size_t i = 0;
  for (const json::value& item : v->as_array()) {
    const std::string at = std::string(name) + "[" + std::to_string(i++) + "]";
    const json::object* o = item.if_object();
    if (o == nullptr) {
      return Status::InvalidArgument(at, at + " は {\"vaccine\", \"yen\"} のオブジェクトです");
    }
    for (const json::key_value_pair& m : *o) {
      if (m.key() != "vaccine" && m.key() != "yen") {
        return Status::InvalidArgument(at + "." + std::string(m.key()),
                                       "知らない項目です: " + QuoteInput(m.key()));
      }
    }
    const json::value* vaccine = o->if_contains("vaccine");
    if (vaccine == nullptr || !vaccine->is_string() || vaccine->as_string().empty()) {
      return Status::InvalidArgument(at + ".vaccine", at + ".vaccine はワクチンIDの文字列です");
    }
    const json::value* yen = o->if_contains("yen");
    if (yen == nullptr || !(yen->is_uint64() || (yen->is_int64() && yen->as_int64() >= 0)) ||
        yen->to_number<uint64_t>() > INT64_MAX) {
      return Status::InvalidArgument(at + ".yen", at + ".yen は円単位の0以上の整数です");
    }
    out.push_back({std::string(vaccine->as_string()), yen->to_number<int64_t>()});
  }
  return out;
}

Result<std::vector<int>> Prefectures(const Call& call) {
  const json::value* v = call.body.if_contains("prefectures");
  std::vector<int> out;
  if (v == nullptr || v->is_null()) return out;
  const json::array* list = v->if_array();
  if (list == nullptr) {
    return Status::InvalidArgument("prefectures", "prefectures は都道府県番号（1〜47）の配列です");
  }
  for (const json::value& p : *list) {
    if (!p.is_int64() || p.as_int64() < INT_MIN || p.as_int64() > INT_MAX) {
      return Status::InvalidArgument("prefectures",
                                     "prefectures は都道府県番号（1〜47）の配列です");
    }
    out.push_back(static_cast<int>(p.as_int64()));  // the core checks the numbers (422)
  }
  return out;
}

Result<core::DeclareCampaign> DeclareBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(
      OnlyFields(call, {"name", "start_date", "implementer", "national", "prefectures", "fees",
                        "application_deadline", "approval_deadline"}));
  static constexpr core::CampaignImplementer kImplementerValues[] = {
      core::CampaignImplementer::kMunicipalities, core::CampaignImplementer::kPrefecture};
  static const auto kImplementers = CodeNames(kImplementerValues);
  core::DeclareCampaign r;
  SHUGO_ASSIGN_OR_RETURN(r.name, RequiredText(call, "name"));
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> start, DateMember(call, "start_date", true));
  r.start_date = *start;
  SHUGO_ASSIGN_OR_RETURN(
      auto implementer,
      EnumMember<core::CampaignImplementer>(call, "implementer", true, std::span(kImplementers)));
  r.implementer = *implementer;
  SHUGO_ASSIGN_OR_RETURN(std::optional<bool> national, BoolMember(call, "national", false));
  r.national = national.value_or(false);
  SHUGO_ASSIGN_OR_RETURN(r.prefectures, Prefectures(call));
  SHUGO_ASSIGN_OR_RETURN(r.fees, FeeList(call, "fees"));
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> apply,
                         DateMember(call, "application_deadline", true));
  r.application_deadline = *apply;
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> approve,
                         DateMember(call, "approval_deadline", true));
  r.approval_deadline = *approve;
  return r;
}

Result<std::vector<core::CampaignFee>> FeesBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"fees"}));
  return FeeList(call, "fees");
}

Result<core::RegisterCampaignEnd> EndBody(const Call& call, core::CampaignId id) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"end_date"}));
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> end, DateMember(call, "end_date", true));
  return core::RegisterCampaignEnd{id, *end};
}

json::array FeesJson(const std::map<std::string, int64_t>& fees) {
  json::array out;
  for (const auto& [vaccine, yen] : fees)
    out.push_back(json::object{{"vaccine", vaccine}, {"yen", yen}});
  return out;
}

// The campaign as it is now; `viewer`'s own 加算委託料 when it has some.
json::object CampaignJson(const core::Campaign& c, core::OrgId viewer) {
  json::array area;
  for (int p : c.prefectures) area.push_back(p);
  json::object o{{"id", c.id},
                 {"name", c.name},
                 {"start_date", c.start_date.ToString()},
                 {"implementer", core::CodeName(c.implementer)},
                 {"national", c.national},
                 {"prefectures", std::move(area)},
                 {"fees", FeesJson(c.fees)},
                 {"application_deadline", c.application_deadline.ToString()},
                 {"approval_deadline", c.approval_deadline.ToString()}};
  if (auto it = c.additional_fees.find(viewer); it != c.additional_fees.end()) {
    o["additional_fees"] = FeesJson(it->second);
  }
  if (c.end_date) o["end_date"] = c.end_date->ToString();
  return o;
}

// The campaign a command named (the first result's id on a retry) as it is now, at the version
// its stream had after the command.
Answer CampaignAnswer(const Call& call, core::CampaignId fixed) {
  return [fixed, viewer = call.session->org](const core::State& s, const core::Outcome& outcome,
                                             const std::vector<core::DomainEvent>&,
                                             json::object& out) {
    const core::CampaignId id = fixed != 0                ? fixed
                                : outcome.created.empty() ? 0
                                                          : outcome.created.front();
    if (const core::Campaign* c = s.FindCampaign(id)) {
      for (const json::key_value_pair& m : CampaignJson(*c, viewer)) out[m.key()] = m.value();
    }
    out["version"] = VersionAfter(outcome, "campaign-" + std::to_string(id));
  };
}

Result<core::CampaignId> PathCampaign(const Call& call) {
  return PathNumber(call, 0, "臨時接種が見つかりません");
}

// An entry as it is now, at the version its stream had after the command.
Answer RegistrationAnswer(core::RegistrationId fixed) {
  return [fixed](const core::State& s, const core::Outcome& outcome,
                 const std::vector<core::DomainEvent>&, json::object& out) {
    const core::RegistrationId id = fixed != 0                ? fixed
                                    : outcome.created.empty() ? 0
                                                              : outcome.created.front();
    if (const core::NonInsuredRegistration* r = s.FindRegistration(id)) {
      out["id"] = r->id;
      out["status"] = core::CodeName(r->status);
      out["status_name"] = core::JapaneseName(r->status);
      out["expires"] = r->expires.ToString();
      if (const core::Organisation* o = s.FindOrg(r->org); o != nullptr && r->org != 0) {
        out["organisation"] = OrgJson(*o);
      }
    }
    out["version"] = VersionAfter(outcome, "registration-" + std::to_string(id));
  };
}

}  // namespace

Response DeclareCampaignRoute(Call& call) {
  if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  auto body = DeclareBody(call);
  if (!body.ok()) return FromStatus(call, body.status());
  return RunCommand(call, {*body, false, bhttp::status::created, CampaignAnswer(call, 0)});
}

Response ChangeCampaignFeesRoute(Call& call) {
  auto id = PathCampaign(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto fees = FeesBody(call);
  if (!fees.ok()) return FromStatus(call, fees.status());
  return RunCommand(call, {core::ChangeCampaignFees{*id, *fees}, true, bhttp::status::ok,
                           CampaignAnswer(call, *id)});
}

Response SetAdditionalFeesRoute(Call& call) {
  auto id = PathCampaign(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto fees = FeesBody(call);
  if (!fees.ok()) return FromStatus(call, fees.status());
  return RunCommand(call, {core::SetAdditionalFees{*id, *fees}, true, bhttp::status::ok,
                           CampaignAnswer(call, *id)});
}

Response RegisterCampaignEndRoute(Call& call) {
  auto id = PathCampaign(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto body = EndBody(call, *id);
  if (!body.ok()) return FromStatus(call, body.status());
  return RunCommand(call, {*body, true, bhttp::status::ok, CampaignAnswer(call, *id)});
}

Response IssueNonInsuredLinkRoute(Call& call) {
  if (Status s = NoIfMatch(call); !s.ok()) return FromStatus(call, s);
  if (Status s = OnlyFields(call, {"expires"}); !s.ok()) return FromStatus(call, s);
  auto expires = DateMember(call, "expires", true);
  if (!expires.ok()) return FromStatus(call, expires.status());
  return WithInputLink(call, RunCommand(call, {core::IssueNonInsuredLink{**expires}, false,
                                               bhttp::status::created, RegistrationAnswer(0)}));
}

Response ReviewNonInsuredRoute(Call& call) {
  auto id = PathNumber(call, 0, "非保険医療機関の入力が見つかりません");
  if (!id.ok()) return FromStatus(call, id.status());
  auto decision = DecisionBody(call);
  if (!decision.ok()) return FromStatus(call, decision.status());
  return RunCommand(
      call, {core::ReviewNonInsuredRegistration{*id, decision->approve, decision->reason}, true,
             bhttp::status::ok, RegistrationAnswer(*id)});
}

}  // namespace shugo::http::internal
