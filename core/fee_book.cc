#include "core/fee_book.h"

namespace shugo::core {

namespace {
const std::set<OrgId> kNoInstitutions;
}  // namespace

VaccineSettingUnit FeeSettings::UnitOn(JapanDate day) const {
  auto it = units.upper_bound(day);
  if (it == units.begin()) return VaccineSettingUnit::kPerUnion;
  return std::prev(it)->second;
}

void FeeBook::Apply(const MunicipalVaccineSet& e) {
  FeeSettings& s = settings_[e.owner];
  s.vaccines[{e.vaccine, e.contract_type}] =
      MunicipalVaccine{e.vaccine, e.contract_type, e.amount,  e.start,      e.end,
                       e.sex,     e.age_min,       e.age_max, e.contractors};
  ++s.version;
}

void FeeBook::Apply(const VaccineSettingUnitSet& e) {
  FeeSettings& s = settings_[e.owner];
  s.units[e.switch_date] = e.unit;
  ++s.version;
}

void FeeBook::Apply(const InstitutionContractSet& e) {
  FeeSettings& s = settings_[e.owner];
  s.contracts[{e.contract_type, e.municipality}] =
      InstitutionContract{e.contract_type, e.municipality, e.start, e.end};
  if (e.municipality != 0) contracted_with_[e.municipality].insert(e.owner);
  ++s.version;
}

void FeeBook::Apply(const InstitutionVaccineSet& e) {
  FeeSettings& s = settings_[e.owner];
  s.handled[{e.vaccine, e.contract_type}] =
      InstitutionVaccine{e.vaccine, e.contract_type, e.cost, e.start, e.end};
  ++s.version;
}

void FeeBook::Apply(const FeeFloorSet& e) {
  FeeSettings& s = settings_[e.owner];
  s.floor = e.floor;
  ++s.version;
}

const FeeSettings* FeeBook::Find(OrgId org) const {
  auto it = settings_.find(org);
  return it == settings_.end() ? nullptr : &it->second;
}

uint64_t FeeBook::version(OrgId org) const {
  const FeeSettings* s = Find(org);
  return s == nullptr ? 0 : s->version;
}

const std::set<OrgId>& FeeBook::ContractedWith(OrgId municipality) const {
  auto it = contracted_with_.find(municipality);
  return it == contracted_with_.end() ? kNoInstitutions : it->second;
}

}  // namespace shugo::core
