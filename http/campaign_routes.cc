// F-10 temporary-vaccination campaigns read back, and the histories of the records no other route
// shows (docs/api.md "Campaigns", "Histories"): the campaigns the caller's organisation is
// concerned by, one campaign with its fees, the organisations expected to apply that have not
// (F-10 "the system checks application status"), and the history of a campaign, of an F-1-5
// entry and of a user. Records are read from the domain state; histories from the history
// projection (min_position as every projection read).
#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>
#include <span>

#include "core/campaigns.h"
#include "core/non_insured.h"
#include "core/state.h"
#include "core/visibility.h"
#include "http/internal/organisation_routes.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;
using K = core::OrganisationKind;

constexpr std::string_view kNoCampaign = "臨時接種が見つかりません";

// The id of the path's first segment: a whole number ≥ 1, or nullopt (answered 404).
std::optional<uint64_t> PathId(const Call& call) {
  const std::string& text = call.params.at(0);
  uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

// Whether the caller's organisation is concerned by campaign `c`: every organisation for a
// national one, else those of a prefecture of its 発令エリア; the declarer and the organisations
// that see every record (MHLW, 国保中央会) always; 全国知事会, the approver of its letters, always.
bool Concerned(const core::State& s, core::OrgId viewer, const core::Campaign& c) {
  const core::Organisation* v = s.FindOrg(viewer);
  if (v == nullptr) return false;
  if (c.declared_by == viewer || v->kind == K::kGovernorsAssociation) return true;
  if (core::LetterScopeOf(v->kind) == core::LetterScope::kAll) return true;
  return c.InArea(v->prefecture);
}

Result<const core::Campaign*> VisibleCampaign(const Call& call, const core::State& s) {
  const std::optional<uint64_t> id = PathId(call);
  const core::Campaign* c = id ? s.FindCampaign(*id) : nullptr;
  if (c == nullptr || !Concerned(s, call.session->org, *c)) {
    return Status::NotFound(std::string(kNoCampaign));
  }
  return c;
}

json::array FeesJson(const core::VaccineCatalog* catalog,
                     const std::map<std::string, int64_t>& fees) {
  json::array out;
  for (const auto& [vaccine, yen] : fees) {
    json::object o{{"vaccine", vaccine}, {"yen", yen}};
    if (const core::VaccineInfo* v = catalog == nullptr ? nullptr : catalog->Find(vaccine)) {
      o["product_name"] = v->product_name;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::object CampaignJson(const core::State& s, const core::Campaign& c) {
  json::array prefectures;
  for (int p : c.prefectures) prefectures.push_back(p);
  json::object o{{"id", c.id},
                 {"name", c.name},
                 {"declared_by", StateRef(s, c.declared_by)},
                 {"start_date", c.start_date.ToString()},
                 {"implementer", core::CodeName(c.implementer)},
                 {"national", c.national},
                 {"prefectures", std::move(prefectures)},
                 {"application_deadline", c.application_deadline.ToString()},
                 {"approval_deadline", c.approval_deadline.ToString()},
                 {"ended", c.ended},
                 {"version", c.version}};
  if (c.end_date) o["end_date"] = c.end_date->ToString();
  return o;
}

Response ListCampaigns(Call& call) {
  static constexpr std::string_view kKnown[] = {"page", "per_page"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  auto paging = PageParams(call);
  if (!paging.ok()) return FromStatus(call, paging.status());
  json::object out = call.ctx.processor->Read([&](const core::State& s) {
    std::vector<const core::Campaign*> visible;
    for (const core::Campaign& c : s.campaigns()) {
      if (Concerned(s, call.session->org, c)) visible.push_back(&c);
    }
    std::reverse(visible.begin(), visible.end());  // newest first
    json::array items;
    for (const core::Campaign* c : visible) items.push_back(CampaignJson(s, *c));
    return PageOf(std::move(items), paging->first, paging->second);
  });
  return Json(bhttp::status::ok, call.req.version(), out);
}

Response GetCampaign(Call& call) {
  if (Status st = OnlyParams(call, std::span<const std::string_view>()); !st.ok()) {
    return FromStatus(call, st);
  }
  const core::VaccineCatalog* catalog = call.ctx.processor->options().vaccines.get();
  uint64_t version = 0;
  auto out = call.ctx.processor->Read([&](const core::State& s) -> Result<json::object> {
    SHUGO_ASSIGN_OR_RETURN(const core::Campaign* c, VisibleCampaign(call, s));
    json::object o = CampaignJson(s, *c);
    o["fees"] = FeesJson(catalog, c->fees);  // 基本委託料
    // 加算委託料 of the municipalities whose whole record the caller sees (F-8).
    json::array additional;
    for (const auto& [municipality, fees] : c->additional_fees) {
      if (!core::MaySeeOrganisationRecord(s, call.session->org, municipality)) continue;
      additional.push_back(json::object{{"municipality", StateRef(s, municipality)},
                                        {"fees", FeesJson(catalog, fees)}});
    }
    o["additional_fees"] = std::move(additional);
    int64_t letters = 0;
    for (core::LetterId id : s.LettersOfCampaign(c->id)) {
      if (!s.FindLetter(id)->redelegation) ++letters;
    }
    o["letters"] = letters;
    o["live_letters"] = static_cast<int64_t>(s.LiveLettersOfCampaign(c->id).size());
    version = c->version;
    return o;
  });
  if (!out.ok()) return FromStatus(call, out.status());
  Response res = Json(bhttp::status::ok, call.req.version(), *out);
  res.set(bhttp::field::etag, "\"" + std::to_string(version) + "\"");
  return res;
}

// F-10 期日までの申請状況のチェック (core::CampaignNonApplicants): the organisations of the
// 実施主体 kind in the 発令エリア that have not applied, among those whose whole record the caller
// sees (F-8).
Response NonApplicants(Call& call) {
  static constexpr std::string_view kKnown[] = {"page", "per_page"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  auto paging = PageParams(call);
  if (!paging.ok()) return FromStatus(call, paging.status());
  auto out = call.ctx.processor->Read([&](const core::State& s) -> Result<json::object> {
    SHUGO_ASSIGN_OR_RETURN(const core::Campaign* c, VisibleCampaign(call, s));
    json::array items;
    int64_t total = 0;
    const int64_t from = int64_t{paging->first - 1} * paging->second;
    for (core::OrgId id : core::CampaignNonApplicants(s, c->id)) {
      if (!core::MaySeeOrganisationRecord(s, call.session->org, id)) continue;
      if (total >= from && total < from + paging->second) {
        const core::Organisation& o = *s.FindOrg(id);
        items.push_back(json::object{{"id", o.id},
                                     {"code", o.code},
                                     {"name", o.name},
                                     {"kind", core::CodeName(o.kind)},
                                     {"prefecture", o.prefecture}});
      }
      ++total;
    }
    return json::object{{"campaign", c->id},
                        {"application_deadline", c->application_deadline.ToString()},
                        {"items", std::move(items)},
                        {"total", total},
                        {"more", false},
                        {"page", paging->first},
                        {"per_page", paging->second}};
  });
  if (!out.ok()) return FromStatus(call, out.status());
  return Json(bhttp::status::ok, call.req.version(), *out);
}

// One history of the history projection, once the caller may see the record (checked by
// `visible` on the domain state; 404 otherwise, as for an unknown one).
Response HistoryOf(Call& call, std::string_view entity, std::string_view not_found,
                   const std::function<bool(const core::State&, uint64_t)>& visible) {
  static constexpr std::string_view kKnown[] = {"min_position"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  const std::optional<uint64_t> id = PathId(call);
  const bool may =
      id && call.ctx.processor->Read([&](const core::State& s) { return visible(s, *id); });
  if (!may) return FromStatus(call, Status::NotFound(std::string(not_found)));
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto items = call.ctx.projections->Read([&](const projections::Reader& r) -> Result<json::array> {
    SHUGO_ASSIGN_OR_RETURN(auto history,
                           projections::History(r, std::string(entity), static_cast<int64_t>(*id)));
    json::array out;
    for (const projections::HistoryItem& h : history) out.push_back(HistoryItemJson(h));
    return out;
  });
  if (!items.ok()) return FromStatus(call, items.status());
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"entity", entity}, {"id", *id}, {"items", std::move(*items)}});
}

Response CampaignHistory(Call& call) {
  return HistoryOf(call, "campaign", kNoCampaign, [&](const core::State& s, uint64_t id) {
    const core::Campaign* c = s.FindCampaign(id);
    return c != nullptr && Concerned(s, call.session->org, *c);
  });
}

// An F-1-5 entry's history: for its issuer and its approver (and MHLW, 国保中央会).
Response RegistrationHistory(Call& call) {
  return HistoryOf(
      call, "registration", "入力リンクが見つかりません", [&](const core::State& s, uint64_t id) {
        const core::NonInsuredRegistration* r = s.FindRegistration(id);
        const core::OrgId me = call.session->org;
        const core::Organisation* v = s.FindOrg(me);
        return r != nullptr &&
               (r->issuer == me || r->approver == me ||
                (v != nullptr && core::LetterScopeOf(v->kind) == core::LetterScope::kAll));
      });
}

// A user's history (the facts the log keeps of the account, invariant 11): for the user and the
// admins of its organisation.
Response UserHistory(Call& call) {
  return HistoryOf(call, "user", "利用者が見つかりません", [&](const core::State& s, uint64_t id) {
    const core::User* u = s.FindUser(id);
    const accounts::Session& me = *call.session;
    return u != nullptr &&
           (me.user == id || (me.role == accounts::Role::kAdmin && u->org == me.org));
  });
}

}  // namespace

std::vector<Route> CampaignRoutes() {
  using V = bhttp::verb;
  return {
      {V::get, "/api/campaigns", Access::kReady, false, ListCampaigns},
      {V::get, "/api/campaigns/{}", Access::kReady, false, GetCampaign},
      {V::get, "/api/campaigns/{}/non-applicants", Access::kReady, false, NonApplicants},
      {V::get, "/api/campaigns/{}/history", Access::kReady, false, CampaignHistory},
      {V::get, "/api/non-insured/{}/history", Access::kReady, false, RegistrationHistory},
      {V::get, "/api/users/{}/history", Access::kReady, false, UserHistory},
  };
}

}  // namespace shugo::http::internal
