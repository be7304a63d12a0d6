// F-2 settings read back (docs/api.md "Fees"): a municipality's or union's vaccines and
// 委託料/助成額 with the 登録チェック of its routine vaccines and a union's ワクチン設定単位
// (F_画面8-2-1/8-2-2/8-2-7/8-2-9, F_帳票1-2); an institution's 契約先自治体, handled vaccines and
// 希望する委託料の下限 (F_画面8-1-x); and the municipal fees that apply to an institution
// (F_画面8-1-5). Answered from the domain state, which holds every decided command (no
// min_position to wait for), to whoever may see the organisation's whole record (F-8).
#include <optional>
#include <span>

#include "core/fees.h"
#include "core/state.h"
#include "core/visibility.h"
#include "http/internal/organisation_routes.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;
using K = core::OrganisationKind;

constexpr std::string_view kNotFound = "組織が見つかりません";

void SetDate(json::object& o, std::string_view key, const std::optional<JapanDate>& date) {
  if (date) o[key] = date->ToString();
}

// ?date=YYYY-MM-DD, today when absent.
Result<JapanDate> DateParam(const Call& call) {
  const auto it = call.query.find("date");
  if (it == call.query.end() || it->second.empty()) return call.ctx.processor->Today();
  return JapanDate::Parse(it->second, "date");
}

json::object VaccineJson(const core::VaccineCatalog* catalog, const std::string& id) {
  json::object o{{"vaccine", id}};
  if (const core::VaccineInfo* v = catalog == nullptr ? nullptr : catalog->Find(id)) {
    o["product_name"] = v->product_name;
    o["group"] = v->group;
  }
  return o;
}

json::object MunicipalVaccineJson(const core::VaccineCatalog* catalog,
                                  const core::MunicipalVaccine& v, JapanDate day) {
  json::object o = VaccineJson(catalog, v.vaccine);
  o["contract_type"] = core::CodeName(v.contract_type);
  o["contract_type_name"] = core::JapaneseName(v.contract_type);
  o["amount"] = v.amount;
  o["start_date"] = v.start.ToString();
  SetDate(o, "end_date", v.end);
  o["sex"] = core::CodeName(v.sex);
  if (v.age_min) o["age_min"] = *v.age_min;
  if (v.age_max) o["age_max"] = *v.age_max;
  o["contractors"] = core::CodeName(v.contractors);
  o["in_force"] = v.in_force_on(day);
  return o;
}

// The organisation of /api/organisations/{code}/… (a current or an old code), when the caller may
// see its whole record; kNotFound otherwise (the same answer as an unknown code).
Result<const core::Organisation*> Visible(const Call& call, const core::State& s) {
  const core::Organisation* o = s.FindOrgByCode(call.params.at(0));
  if (o == nullptr || !call.session ||
      !core::MaySeeOrganisationRecord(s, call.session->org, o->id)) {
    return Status::NotFound(std::string(kNotFound));
  }
  return o;
}

bool IsMunicipal(K kind) { return kind == K::kMunicipality || kind == K::kWideAreaUnion; }
bool IsInstitution(K kind) {
  return kind == K::kInsuredInstitution || kind == K::kNonInsuredInstitution;
}

// A municipality's or union's settings (F-2-1-2/3): every row, in force on `day` or not.
json::object MunicipalSettings(const core::State& s, const core::VaccineCatalog* catalog,
                               const core::Organisation& o, const core::FeeSettings* own,
                               JapanDate day) {
  json::object out;
  json::array vaccines;
  if (own != nullptr) {
    for (const auto& [key, v] : own->vaccines) {
      vaccines.push_back(MunicipalVaccineJson(catalog, v, day));
    }
  }
  out["vaccines"] = std::move(vaccines);
  // Whose rows apply in it on `day`: its union's when it is a member that sets them per union.
  const core::OrgId owner = core::FeeOwnerOn(s, o.id, day);
  out["applied_from"] = StateRef(s, owner);
  if (o.kind == K::kMunicipality && catalog != nullptr) {
    json::array missing;
    for (const std::string& id : core::MissingRoutineVaccines(s, *catalog, o.id, day)) {
      missing.push_back(VaccineJson(catalog, id));
    }
    out["missing_routine"] = std::move(missing);  // F-2-1-2 定期接種の登録チェック
  }
  if (o.kind == K::kWideAreaUnion) {
    json::array units;
    if (own != nullptr) {
      for (const auto& [date, unit] : own->units) {
        units.push_back(
            json::object{{"switch_date", date.ToString()}, {"unit", core::CodeName(unit)}});
      }
    }
    out["setting_units"] = std::move(units);  // F_画面8-2-9, by 切替日
    out["unit"] =
        core::CodeName(own != nullptr ? own->UnitOn(day) : core::VaccineSettingUnit::kPerUnion);
  }
  return out;
}

// An institution's settings (F-2-4, F-2-5).
json::object InstitutionSettings(const core::State& s, const core::VaccineCatalog* catalog,
                                 const core::FeeSettings* own, JapanDate day) {
  json::object out;
  json::array contracts, handled;
  if (own != nullptr) {
    for (const auto& [key, c] : own->contracts) {
      json::object o{
          {"contract_type", core::CodeName(c.contract_type)},
          {"contract_type_name", core::JapaneseName(c.contract_type)},
          {"municipality", c.municipality == 0 ? json::value("all") : StateRef(s, c.municipality)},
          {"start_date", c.start.ToString()},
          {"in_force", c.in_force_on(day)}};
      SetDate(o, "end_date", c.end);
      contracts.push_back(std::move(o));
    }
    for (const auto& [key, v] : own->handled) {
      json::object o = VaccineJson(catalog, v.vaccine);
      o["contract_type"] = core::CodeName(v.contract_type);
      o["contract_type_name"] = core::JapaneseName(v.contract_type);
      if (v.cost) o["cost"] = *v.cost;
      o["start_date"] = v.start.ToString();
      SetDate(o, "end_date", v.end);
      o["in_force"] = v.in_force_on(day);
      handled.push_back(std::move(o));
    }
  }
  out["contract_municipalities"] = std::move(contracts);
  out["handled_vaccines"] = std::move(handled);
  out["fee_floor"] = own != nullptr && own->floor ? json::value(*own->floor) : json::value(nullptr);
  return out;
}

Response FeeSettingsRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {"date"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  auto day = DateParam(call);
  if (!day.ok()) return FromStatus(call, day.status());
  const core::VaccineCatalog* catalog = call.ctx.processor->options().vaccines.get();
  uint64_t version = 0;
  auto out = call.ctx.processor->Read([&](const core::State& s) -> Result<json::object> {
    SHUGO_ASSIGN_OR_RETURN(const core::Organisation* o, Visible(call, s));
    if (!IsMunicipal(o->kind) && !IsInstitution(o->kind)) {
      return Status::NotFound(o->name + "（" + std::string(core::JapaneseName(o->kind)) +
                              "）には委託料・取扱ワクチンの設定がありません");
    }
    const core::FeeSettings* own = s.fees().Find(o->id);
    json::object body = IsMunicipal(o->kind) ? MunicipalSettings(s, catalog, *o, own, *day)
                                             : InstitutionSettings(s, catalog, own, *day);
    body["organisation"] = StateRef(s, o->id);
    body["date"] = day->ToString();
    version = own == nullptr ? 0 : own->version;
    body["version"] = version;
    return body;
  });
  if (!out.ok()) return FromStatus(call, out.status());
  Response res = Json(bhttp::status::ok, call.req.version(), *out);
  res.set(bhttp::field::etag, "\"" + std::to_string(version) + "\"");
  return res;
}

// F_画面8-1-5: the municipal fees in force on `date` that apply to the institution in
// `municipality` (core::FeesFor), with its own 接種費用 beside each.
Response ApplicableFeesRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {"date", "municipality"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  auto day = DateParam(call);
  if (!day.ok()) return FromStatus(call, day.status());
  const std::string& municipality_code = call.query["municipality"];
  if (municipality_code.empty()) {
    return FromStatus(call,
                      Status::InvalidArgument("municipality",
                                              "municipality（自治体のコード）を指定してください"));
  }
  const core::VaccineCatalog* catalog = call.ctx.processor->options().vaccines.get();
  auto out = call.ctx.processor->Read([&](const core::State& s) -> Result<json::object> {
    SHUGO_ASSIGN_OR_RETURN(const core::Organisation* o, Visible(call, s));
    if (!IsInstitution(o->kind)) {
      return Status::NotFound(o->name + "は医療機関ではありません");
    }
    const core::Organisation* m = s.FindOrgByCode(municipality_code);
    if (m == nullptr || !IsMunicipal(m->kind)) {
      return Status::InvalidArgument(
          "municipality", "市区町村・広域連合（" + municipality_code + "）が登録されていません");
    }
    json::array fees;
    for (const core::ApplicableFee& f : core::FeesFor(s, o->id, m->id, *day)) {
      json::object item = MunicipalVaccineJson(catalog, f.fee, *day);
      item["owner"] = StateRef(s, f.owner);
      item["handled"] = f.handled;
      if (f.own_cost) item["own_cost"] = *f.own_cost;
      fees.push_back(std::move(item));
    }
    return json::object{{"organisation", StateRef(s, o->id)},
                        {"municipality", StateRef(s, m->id)},
                        {"date", day->ToString()},
                        {"items", std::move(fees)}};
  });
  if (!out.ok()) return FromStatus(call, out.status());
  return Json(bhttp::status::ok, call.req.version(), *out);
}

}  // namespace

std::vector<Route> FeeRoutes() {
  using V = bhttp::verb;
  return {
      {V::get, "/api/organisations/{}/fee-settings", Access::kReady, false, FeeSettingsRoute},
      {V::get, "/api/organisations/{}/fees", Access::kReady, false, ApplicableFeesRoute},
  };
}

}  // namespace shugo::http::internal
