// F-2 fees and vaccines: the queries of the fee screens (core/fees.h).
#include <algorithm>

#include "core/fees.h"

namespace shugo::core {

using K = OrganisationKind;

OrgId FeeOwnerOn(const State& s, OrgId municipality, JapanDate day) {
  const Organisation* m = s.FindOrg(municipality);
  if (m == nullptr || m->kind != K::kMunicipality || !MemberOn(*m, m->union_id, day)) {
    return municipality;
  }
  const FeeSettings* u = s.fees().Find(m->union_id);
  const auto unit = u == nullptr ? VaccineSettingUnit::kPerUnion : u->UnitOn(day);
  return unit == VaccineSettingUnit::kPerUnion ? m->union_id : municipality;
}

std::vector<std::string> MissingRoutineVaccines(const State& s, const VaccineCatalog& catalog,
                                                OrgId municipality, JapanDate day) {
  const FeeSettings* fs = s.fees().Find(FeeOwnerOn(s, municipality, day));
  std::vector<std::string> missing;
  for (const VaccineInfo& v : catalog.vaccines()) {
    if (!v.routine_required()) continue;
    bool registered = false;
    if (fs != nullptr) {
      auto it = fs->vaccines.find(VaccineKey{v.id, ContractType::kRoutine});
      registered = it != fs->vaccines.end() && it->second.in_force_on(day);
    }
    if (!registered) missing.push_back(v.id);
  }
  return missing;
}

std::vector<ApplicableFee> FeesFor(const State& s, OrgId institution, OrgId municipality,
                                   JapanDate day) {
  std::vector<ApplicableFee> out;
  const FeeSettings* mine = s.fees().Find(institution);
  const Organisation* inst = s.FindOrg(institution);
  if (mine == nullptr || inst == nullptr) return out;
  const OrgId owner = FeeOwnerOn(s, municipality, day);
  const FeeSettings* fees = s.fees().Find(owner);
  if (fees == nullptr) return out;
  const Organisation* located = s.FindOrg(inst->municipality);
  const bool local =
      inst->municipality == municipality ||
      (owner != municipality && located != nullptr && MemberOn(*located, owner, day));
  for (const Named<ContractType>& type : ContractTypes()) {
    const bool contracted =
        std::any_of(mine->contracts.begin(), mine->contracts.end(), [&](const auto& kv) {
          const InstitutionContract& c = kv.second;
          return c.contract_type == type.value && c.in_force_on(day) &&
                 (c.municipality == 0 || c.municipality == municipality || c.municipality == owner);
        });
    if (!contracted) continue;
    for (const auto& [key, v] : fees->vaccines) {
      if (key.second != type.value || !v.in_force_on(day)) continue;
      if (v.contractors == Contractors::kLocalOnly && !local) continue;
      ApplicableFee f{owner, v, std::nullopt, false};
      if (auto it = mine->handled.find(key);
          it != mine->handled.end() && it->second.in_force_on(day)) {
        f.handled = true;
        f.own_cost = it->second.cost;
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace shugo::core
