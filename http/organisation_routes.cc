// The organisation queries over HTTP (domain.md §2, §5; docs/api.md "Organisations"): the search,
// one organisation's master and its history. Every signed-in user sees the public master facts of
// every organisation; the rest of a record and its history only a caller whose organisation deals
// with it (projections::OrganisationsInScope), decided from the session, never from a parameter.
#include "http/internal/organisation_routes.h"

#include <map>
#include <set>
#include <variant>

#include "base/text.h"
#include "projections/queries.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;
using projections::OrganisationItem;
using projections::Reader;

constexpr std::string_view kNotFound = "組織が見つかりません";
constexpr int kMostLetters = 200;  // letters read for a record's collective-contract summary

std::string_view KindName(std::string_view code) {
  for (const auto& k : core::OrganisationKinds()) {
    if (k.code == code) return k.japanese;
  }
  return {};
}

// How an organisation stands in the chains (the affiliation column), in Japanese.
std::string_view AffiliationName(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"none", "なし"},
      {"medical_association", "郡市区医師会の会員"},
      {"no_membership", "医師会に所属しない"},
      {"other_aggregator", "取りまとめ団体の会員"},
      {"municipal_site", "市区町村が設けた接種会場"},
      {"prefectural_site", "都道府県が設けた接種会場"},
  };
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return {};
}

std::string_view StatusName(std::string_view code) {
  for (const auto& s : core::LetterStatuses()) {
    if (s.code == code) return s.japanese;
  }
  return {};
}

std::string_view ContractTypeName(std::string_view code) {
  for (const auto& t : core::ContractTypes()) {
    if (t.code == code) return t.japanese;
  }
  return {};
}

void SetDate(json::object& o, std::string_view key, const std::string& date) {
  if (!date.empty()) o[key] = date;
}

// The public master facts every signed-in user sees (a list item).
json::object PublicJson(const OrganisationItem& o, bool full) {
  json::object out{{"id", o.id},
                   {"code", o.code},
                   {"kind", o.kind},
                   {"kind_name", KindName(o.kind)},
                   {"name", o.name},
                   {"kana", o.kana},
                   {"address", o.address},
                   {"prefecture", o.prefecture},
                   {"abolished", o.abolished},
                   {"scope", full ? "full" : "public"}};
  if (!o.old_codes.empty()) {
    json::array codes;
    for (const std::string& c : o.old_codes) codes.emplace_back(c);
    out["old_codes"] = std::move(codes);
  }
  return out;
}

// {"id", "code", "name"} of another organisation, or null.
Result<json::value> Ref(const Reader& r, core::OrgId id) {
  if (id == 0) return json::value(nullptr);
  SHUGO_ASSIGN_OR_RETURN(auto o, projections::FindOrganisation(r, id));
  if (!o) return json::value(nullptr);
  return json::value(json::object{{"id", o->id}, {"code", o->code}, {"name", o->name}});
}

// Each (contract type, campaign) with the newest letter of the organisation as delegator that the
// viewer may see (F-8): whether it is in the collective contract and on what dates.
Result<json::array> CollectiveContract(const Reader& r, const projections::Viewer& viewer,
                                       core::OrgId org) {
  SHUGO_ASSIGN_OR_RETURN(auto letters, projections::LettersFrom(r, viewer, org, kMostLetters));
  std::set<std::pair<std::string, core::CampaignId>> seen;
  json::array out;
  for (const projections::LetterItem& l : letters) {
    if (!seen.insert({l.contract_type, l.campaign}).second) continue;
    json::object o{
        {"contract_type", l.contract_type},
        {"contract_type_name", ContractTypeName(l.contract_type)},
        {"letter", l.id},
        {"status", l.status},
        {"status_name", StatusName(l.status)},
        {"in_contract", l.status == "in_contract" || l.status == "secession_scheduled"},
        {"delegate",
         json::object{{"id", l.delegate}, {"code", l.delegate_code}, {"name", l.delegate_name}}}};
    if (l.campaign) o["campaign"] = l.campaign;
    SetDate(o, "contract_date", l.contract_date);
    SetDate(o, "end_date", l.end_date);
    out.push_back(std::move(o));
  }
  return out;
}

// Every master field of domain.md §2 the viewer may see: the public facts with the places and
// dates, and with `full` the membership, union, payment consignment, pending code change and
// collective-contract participation.
Result<json::object> RecordJson(const Reader& r, const projections::Viewer& viewer,
                                const OrganisationItem& o, bool full) {
  json::object out = PublicJson(o, full);
  if (o.prefecture > 0) {
    projections::OrganisationFilter f;
    f.kind = core::OrganisationKind::kPrefecture;
    f.prefecture = o.prefecture;
    f.per_page = 1;
    SHUGO_ASSIGN_OR_RETURN(auto prefecture, projections::SearchOrganisations(r, f));
    if (!prefecture.items.empty()) out["prefecture_name"] = prefecture.items.front().name;
  }
  SHUGO_ASSIGN_OR_RETURN(out["municipality"], Ref(r, o.municipality));
  SHUGO_ASSIGN_OR_RETURN(out["parent"], Ref(r, o.parent));
  SetDate(out, "opening_date", o.opening_date);
  SetDate(out, "abolition_date", o.abolition_date);
  if (o.merged_into) {
    SHUGO_ASSIGN_OR_RETURN(out["merged_into"], Ref(r, o.merged_into));
  }
  if (o.kind == "municipality" || o.kind == "wide_area_union") {
    // F-1-1 （旧）全国地方公共団体コード, and the other side of the same links.
    SHUGO_ASSIGN_OR_RETURN(projections::Successions links, projections::SuccessionsOf(r, o.id));
    auto refs = [](const std::vector<OrganisationItem>& items) {
      json::array list;
      for (const OrganisationItem& m : items) {
        json::object item{{"id", m.id}, {"code", m.code}, {"name", m.name}};
        SetDate(item, "abolition_date", m.abolition_date);
        list.push_back(std::move(item));
      }
      return list;
    };
    out["former"] = refs(links.predecessors);
    out["successors"] = refs(links.successors);
  }
  out["version"] = o.version;
  if (!full) return out;

  out["affiliation"] = o.affiliation;
  out["affiliation_name"] = AffiliationName(o.affiliation);
  SHUGO_ASSIGN_OR_RETURN(out["member_of"], Ref(r, o.member_of));
  if (o.union_id) {
    SHUGO_ASSIGN_OR_RETURN(json::value u, Ref(r, o.union_id));
    if (u.is_object()) {
      u.as_object()["in_union"] = o.in_union;
      SetDate(u.as_object(), "join_date", o.union_join_date);
      SetDate(u.as_object(), "leave_date", o.union_leave_date);
    }
    out["union"] = std::move(u);
  }
  if (o.kind == "wide_area_union") {
    SHUGO_ASSIGN_OR_RETURN(auto members, projections::UnionMembers(r, o.id));
    json::array list;
    for (const OrganisationItem& m : members) {
      json::object item{{"id", m.id}, {"code", m.code}, {"name", m.name}, {"in_union", m.in_union}};
      SetDate(item, "join_date", m.union_join_date);
      SetDate(item, "leave_date", m.union_leave_date);
      list.push_back(std::move(item));
    }
    out["members"] = std::move(list);
  }
  if (o.kind == "municipality" || o.kind == "wide_area_union") {
    json::object pc{{"registered", o.payment_consignment}};
    SetDate(pc, "date", o.payment_consignment_date);
    SetDate(pc, "cancel_date", o.payment_consignment_cancel_date);
    out["payment_consignment"] = std::move(pc);
  }
  if (!o.pending_code.empty()) out["pending_code"] = o.pending_code;
  SHUGO_ASSIGN_OR_RETURN(out["collective_contract"], CollectiveContract(r, viewer, o.id));
  return out;
}

struct Requested {
  projections::Viewer viewer;
  OrganisationItem org;
  bool full = false;
};

// The organisation of /api/organisations/{code}[/…] (a current or an old code) once the
// projections reached ?min_position, and whether the caller sees its whole record; or the answer
// that ends the request (400, 404, 503).
std::variant<Response, Requested> RequestedOrganisation(Call& call) {
  static constexpr std::string_view kKnown[] = {"min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto viewer = ViewerOfCall(call);
  if (!viewer)
    return FromStatus(call, Status(StatusCode::kUnauthenticated, std::string(kNotFound)));
  const std::string& code = call.params.at(0);
  if (code.empty() || code.size() > 64) {
    return FromStatus(call, Status(StatusCode::kNotFound, std::string(kNotFound)));
  }
  auto found = call.ctx.projections->Read([&](const Reader& r) -> Result<std::optional<Requested>> {
    SHUGO_ASSIGN_OR_RETURN(auto org, projections::FindOrganisationByCode(r, code));
    if (!org) return std::optional<Requested>();
    SHUGO_ASSIGN_OR_RETURN(auto full, projections::OrganisationsInScope(r, *viewer, {org->id}));
    return std::optional<Requested>(Requested{*viewer, std::move(*org), !full.empty()});
  });
  if (!found.ok()) return FromStatus(call, found.status());
  if (!*found) return FromStatus(call, Status(StatusCode::kNotFound, std::string(kNotFound)));
  return std::move(**found);
}

Result<projections::OrganisationFilter> SearchFilter(Call& call) {
  projections::OrganisationFilter f;
  if (const std::string& kind = call.query["kind"]; !kind.empty()) {
    SHUGO_ASSIGN_OR_RETURN(f.kind, core::ParseOrganisationKind(kind, "kind"));
  }
  if (!call.query["prefecture"].empty()) {
    SHUGO_ASSIGN_OR_RETURN(int64_t prefecture, QueryNumber(call, "prefecture", 0));
    if (prefecture < 1 || prefecture > 47) {
      return Status::InvalidArgument("prefecture", "prefecture は 1〜47 の都道府県番号です");
    }
    f.prefecture = static_cast<int>(prefecture);
  }
  f.q = call.query["q"];
  if (f.q.size() > 200 || !IsValidUtf8(f.q)) {
    return Status::InvalidArgument("q", "q は200バイト以内の文字列で指定してください");
  }
  SHUGO_ASSIGN_OR_RETURN(const auto paging, PageParams(call));
  f.page = paging.first;
  f.per_page = paging.second;
  return f;
}

Response SearchRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {"kind", "q",        "prefecture",
                                                "page", "per_page", "min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  auto filter = SearchFilter(call);
  if (!filter.ok()) return FromStatus(call, filter.status());
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto viewer = ViewerOfCall(call);
  if (!viewer)
    return FromStatus(call, Status(StatusCode::kUnauthenticated, std::string(kNotFound)));
  const events::Position position = call.ctx.projections->position();
  auto found = call.ctx.projections->Read(
      [&](const Reader& r) -> Result<std::pair<projections::Page<OrganisationItem>, json::array>> {
        SHUGO_ASSIGN_OR_RETURN(auto page, projections::SearchOrganisations(r, *filter));
        std::vector<core::OrgId> ids;
        for (const OrganisationItem& o : page.items) ids.push_back(o.id);
        SHUGO_ASSIGN_OR_RETURN(auto in_scope, projections::OrganisationsInScope(r, *viewer, ids));
        const std::set<core::OrgId> full(in_scope.begin(), in_scope.end());
        json::array items;
        for (const OrganisationItem& o : page.items)
          items.push_back(PublicJson(o, full.contains(o.id)));
        return std::make_pair(std::move(page), std::move(items));
      });
  if (!found.ok()) return FromStatus(call, found.status());
  auto& [page, items] = *found;
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"items", std::move(items)},
                           {"total", page.total},
                           {"more", page.more},
                           {"page", filter->page},
                           {"per_page", filter->per_page},
                           {"position", position}});
}

Response GetOrganisation(Call& call) {
  auto requested = RequestedOrganisation(call);
  if (auto* refused = std::get_if<Response>(&requested)) return std::move(*refused);
  const Requested& q = std::get<Requested>(requested);
  auto record = call.ctx.projections->Read(
      [&](const Reader& r) { return RecordJson(r, q.viewer, q.org, q.full); });
  if (!record.ok()) return FromStatus(call, record.status());
  if (call.params.at(0) != q.org.code) record->emplace("resolved_from", call.params.at(0));
  Response res = Json(bhttp::status::ok, call.req.version(), *record);
  res.set(bhttp::field::etag, "\"" + std::to_string(q.org.version) + "\"");
  return res;
}

Response OrganisationHistory(Call& call) {
  auto requested = RequestedOrganisation(call);
  if (auto* refused = std::get_if<Response>(&requested)) return std::move(*refused);
  const Requested& q = std::get<Requested>(requested);
  // A record the caller may not see in full has no history for it: the same answer as unknown.
  if (!q.full) return FromStatus(call, Status(StatusCode::kNotFound, std::string(kNotFound)));
  auto items = call.ctx.projections->Read([&](const Reader& r) -> Result<json::array> {
    SHUGO_ASSIGN_OR_RETURN(auto history,
                           projections::History(r, "organisation", static_cast<int64_t>(q.org.id)));
    std::map<std::string, std::string> names;  // actor organisation code → name
    json::array out;
    for (const projections::HistoryItem& h : history) {
      json::object o = HistoryItemJson(h);
      if (!h.actor_org.empty()) {
        auto [it, added] = names.try_emplace(h.actor_org);
        if (added) {
          SHUGO_ASSIGN_OR_RETURN(auto actor, projections::FindOrganisationByCode(r, h.actor_org));
          if (actor) it->second = actor->name;
        }
        if (!it->second.empty()) o["actor_org_name"] = it->second;
      }
      out.push_back(std::move(o));
    }
    return out;
  });
  if (!items.ok()) return FromStatus(call, items.status());
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"organisation", q.org.code},
                           {"id", q.org.id},
                           {"name", q.org.name},
                           {"items", std::move(*items)}});
}

}  // namespace

std::vector<Route> OrganisationRoutes() {
  using V = bhttp::verb;
  return {
      {V::get, "/api/organisations", Access::kReady, false, SearchRoute},
      {V::get, "/api/organisations/{}", Access::kReady, false, GetOrganisation},
      {V::get, "/api/organisations/{}/history", Access::kReady, false, OrganisationHistory},
  };
}

}  // namespace shugo::http::internal
