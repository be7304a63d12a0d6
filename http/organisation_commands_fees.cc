// F-2 fees and vaccines over HTTP (docs/api.md "Organisation commands"): a municipality's or
// union's vaccines and 委託料/助成額 (F-2-1-2/3), a union's ワクチン設定単位 (F_画面8-2-9), and an
// institution's 契約先自治体 (F-2-4), handled vaccines (F-2-5) and 希望する委託料の下限. The
// version of these routes is the one of the owner's stream "fees-<id>" (If-Match, answers).
#include <climits>
#include <span>

#include "http/internal/organisation_commands.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;
using K = core::OrganisationKind;

// The organisation of the path, when it keeps settings of this kind (kNotFound otherwise: the
// resource does not exist for it).
Result<core::Organisation> SettingsOwner(const Call& call, std::span<const K> kinds,
                                         std::string_view what) {
  SHUGO_ASSIGN_OR_RETURN(core::Organisation org, PathOrganisation(call));
  for (K k : kinds) {
    if (org.kind == k) return org;
  }
  return Status(StatusCode::kNotFound, org.name + "（" + std::string(core::JapaneseName(org.kind)) +
                                           "）には" + std::string(what) + "がありません");
}

constexpr K kMunicipal[] = {K::kMunicipality, K::kWideAreaUnion};
constexpr K kUnion[] = {K::kWideAreaUnion};
constexpr K kInstitutions[] = {K::kInsuredInstitution, K::kNonInsuredInstitution};

Result<core::ContractType> ContractTypeMember(const Call& call) {
  SHUGO_ASSIGN_OR_RETURN(std::string text, RequiredText(call, "contract_type"));
  return core::ParseContractType(text, "contract_type");
}

Result<std::optional<int>> AgeMember(const Call& call, std::string_view name) {
  SHUGO_ASSIGN_OR_RETURN(std::optional<int64_t> age, IntegerMember(call, name, false));
  if (!age) return std::optional<int>();
  if (*age < INT_MIN || *age > INT_MAX) {
    return Status::InvalidArgument(std::string(name), std::string(name) + " は年齢（歳）です");
  }
  return std::optional<int>(static_cast<int>(*age));
}

Result<core::SetMunicipalVaccine> MunicipalVaccineBody(const Call& call, const std::string& code) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"vaccine", "contract_type", "amount", "start_date",
                                          "end_date", "sex", "age_min", "age_max", "contractors"}));
  static constexpr core::FeeSex kSexes[] = {core::FeeSex::kAny, core::FeeSex::kMale,
                                            core::FeeSex::kFemale};
  static constexpr core::Contractors kContractors[] = {core::Contractors::kAllInstitutions,
                                                       core::Contractors::kLocalOnly};
  static const auto kSexNames = CodeNames(kSexes);
  static const auto kContractorNames = CodeNames(kContractors);
  core::SetMunicipalVaccine r;
  r.municipality_code = code;
  SHUGO_ASSIGN_OR_RETURN(r.vaccine, RequiredText(call, "vaccine"));
  SHUGO_ASSIGN_OR_RETURN(r.contract_type, ContractTypeMember(call));
  SHUGO_ASSIGN_OR_RETURN(std::optional<std::string> amount, YenMember(call, "amount", true));
  r.amount = *amount;
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> start, DateMember(call, "start_date", true));
  r.start = *start;
  SHUGO_ASSIGN_OR_RETURN(r.end, DateMember(call, "end_date", false));
  SHUGO_ASSIGN_OR_RETURN(auto sex,
                         EnumMember<core::FeeSex>(call, "sex", false, std::span(kSexNames)));
  r.sex = sex.value_or(core::FeeSex::kAny);
  SHUGO_ASSIGN_OR_RETURN(r.age_min, AgeMember(call, "age_min"));
  SHUGO_ASSIGN_OR_RETURN(r.age_max, AgeMember(call, "age_max"));
  SHUGO_ASSIGN_OR_RETURN(
      auto contractors,
      EnumMember<core::Contractors>(call, "contractors", false, std::span(kContractorNames)));
  r.contractors = contractors.value_or(core::Contractors::kAllInstitutions);
  return r;
}

Result<core::EndMunicipalVaccine> EndVaccineBody(const Call& call, const std::string& code) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"vaccine", "contract_type", "end_date"}));
  core::EndMunicipalVaccine r;
  r.municipality_code = code;
  SHUGO_ASSIGN_OR_RETURN(r.vaccine, RequiredText(call, "vaccine"));
  SHUGO_ASSIGN_OR_RETURN(r.contract_type, ContractTypeMember(call));
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> end, DateMember(call, "end_date", true));
  r.end = *end;
  return r;
}

Result<core::SetVaccineSettingUnit> UnitBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"unit", "switch_date"}));
  static constexpr core::VaccineSettingUnit kUnits[] = {core::VaccineSettingUnit::kPerUnion,
                                                        core::VaccineSettingUnit::kPerMember};
  static const auto kNames = CodeNames(kUnits);
  core::SetVaccineSettingUnit r;
  SHUGO_ASSIGN_OR_RETURN(
      auto unit, EnumMember<core::VaccineSettingUnit>(call, "unit", true, std::span(kNames)));
  r.unit = *unit;
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> date, DateMember(call, "switch_date", true));
  r.switch_date = *date;
  return r;
}

Result<core::SetContractMunicipality> ContractBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(
      OnlyFields(call, {"contract_type", "municipality_code", "start_date", "end_date"}));
  core::SetContractMunicipality r;
  SHUGO_ASSIGN_OR_RETURN(r.contract_type, ContractTypeMember(call));
  SHUGO_ASSIGN_OR_RETURN(r.municipality_code, OptionalText(call, "municipality_code"));
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> start, DateMember(call, "start_date", true));
  r.start = *start;
  SHUGO_ASSIGN_OR_RETURN(r.end, DateMember(call, "end_date", false));
  return r;
}

Result<core::SetInstitutionVaccine> HandledBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(
      OnlyFields(call, {"vaccine", "contract_type", "cost", "start_date", "end_date"}));
  core::SetInstitutionVaccine r;
  SHUGO_ASSIGN_OR_RETURN(r.vaccine, RequiredText(call, "vaccine"));
  SHUGO_ASSIGN_OR_RETURN(r.contract_type, ContractTypeMember(call));
  SHUGO_ASSIGN_OR_RETURN(std::optional<std::string> cost, YenMember(call, "cost", false));
  r.cost = cost.value_or("");
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> start, DateMember(call, "start_date", true));
  r.start = *start;
  SHUGO_ASSIGN_OR_RETURN(r.end, DateMember(call, "end_date", false));
  return r;
}

Result<core::SetFeeFloor> FloorBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"floor"}));
  // Required, and null for "none": an empty body must not clear the floor by accident.
  if (!call.body.contains("floor")) return Missing("floor");
  SHUGO_ASSIGN_OR_RETURN(std::optional<std::string> floor, YenMember(call, "floor", false));
  return core::SetFeeFloor{floor.value_or("")};
}

// The answer of a settings command: the owner and the version of its "fees-<id>" stream.
Answer FeesAnswer(core::OrgId owner) {
  return [owner](const core::State& s, const core::Outcome& outcome,
                 const std::vector<core::DomainEvent>&, json::object& out) {
    if (const core::Organisation* o = s.FindOrg(owner)) {
      out["code"] = o->code;
      out["name"] = o->name;
    }
    out["version"] = VersionAfter(outcome, "fees-" + std::to_string(owner));
  };
}

// Runs a settings command on `owner` (If-Match: the version of its fees stream).
template <typename R>
Response RunSettings(Call& call, const core::Organisation& owner, const Result<R>& body) {
  if (!body.ok()) return FromStatus(call, body.status());
  return RunCommand(call, {*body, true, bhttp::status::ok, FeesAnswer(owner.id)});
}

}  // namespace

Response SetMunicipalVaccineRoute(Call& call) {
  auto owner = SettingsOwner(call, kMunicipal, "委託料・取扱ワクチンの設定");
  if (!owner.ok()) return FromStatus(call, owner.status());
  return RunSettings(call, *owner, MunicipalVaccineBody(call, owner->code));
}

Response EndMunicipalVaccineRoute(Call& call) {
  auto owner = SettingsOwner(call, kMunicipal, "委託料・取扱ワクチンの設定");
  if (!owner.ok()) return FromStatus(call, owner.status());
  return RunSettings(call, *owner, EndVaccineBody(call, owner->code));
}

Response SetVaccineSettingUnitRoute(Call& call) {
  auto owner = SettingsOwner(call, kUnion, "ワクチン設定単位");
  if (!owner.ok()) return FromStatus(call, owner.status());
  if (Status s = OwnOrganisation(call, *owner); !s.ok()) return FromStatus(call, s);
  return RunSettings(call, *owner, UnitBody(call));
}

Response SetContractMunicipalityRoute(Call& call) {
  auto owner = SettingsOwner(call, kInstitutions, "契約先自治体の設定");
  if (!owner.ok()) return FromStatus(call, owner.status());
  if (Status s = OwnOrganisation(call, *owner); !s.ok()) return FromStatus(call, s);
  return RunSettings(call, *owner, ContractBody(call));
}

Response SetInstitutionVaccineRoute(Call& call) {
  auto owner = SettingsOwner(call, kInstitutions, "取扱ワクチンの設定");
  if (!owner.ok()) return FromStatus(call, owner.status());
  if (Status s = OwnOrganisation(call, *owner); !s.ok()) return FromStatus(call, s);
  return RunSettings(call, *owner, HandledBody(call));
}

Response SetFeeFloorRoute(Call& call) {
  auto owner = SettingsOwner(call, kInstitutions, "希望する委託料の下限");
  if (!owner.ok()) return FromStatus(call, owner.status());
  if (Status s = OwnOrganisation(call, *owner); !s.ok()) return FromStatus(call, s);
  return RunSettings(call, *owner, FloorBody(call));
}

}  // namespace shugo::http::internal
