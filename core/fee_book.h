// The F-2 fee and vaccine tables of the state (docs/core.md "Fees and vaccines"): per organisation
// (its stream "fees-<id>"), a municipality's or union's vaccines with 委託料/助成額 (F-2-1-2/3), a
// union's ワクチン設定単位 (F_画面8-2-9), an institution's 契約先自治体 (F-2-4), the vaccines it
// handles (F-2-5) and its 希望する委託料の下限. Built only by applying the fee events, through
// State::Apply; the rules that decide them are in core/fees.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/domain_events.h"

namespace shugo::core {

// Whether `day` lies in [start, end] (an end is the last day in force; none: open-ended).
inline bool InForce(JapanDate start, const std::optional<JapanDate>& end, JapanDate day) {
  return start <= day && (!end || day <= *end);
}

struct MunicipalVaccine {  // F-2-1-2/3
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  int64_t amount = 0;  // 委託料 / 助成額, whole yen
  JapanDate start;     // 取扱開始日
  std::optional<JapanDate> end;
  FeeSex sex = FeeSex::kAny;
  std::optional<int> age_min, age_max;
  Contractors contractors = Contractors::kAllInstitutions;
  bool in_force_on(JapanDate day) const { return InForce(start, end, day); }
  friend bool operator==(const MunicipalVaccine&, const MunicipalVaccine&) = default;
};

struct InstitutionContract {  // F-2-4
  ContractType contract_type = ContractType::kRoutine;
  OrgId municipality = 0;  // 0: 全国
  JapanDate start;         // 適用開始日
  std::optional<JapanDate> end;
  bool in_force_on(JapanDate day) const { return InForce(start, end, day); }
  friend bool operator==(const InstitutionContract&, const InstitutionContract&) = default;
};

struct InstitutionVaccine {  // F-2-5
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  std::optional<int64_t> cost;  // 接種費用; none for 任意助成
  JapanDate start;              // 取扱開始日
  std::optional<JapanDate> end;
  bool in_force_on(JapanDate day) const { return InForce(start, end, day); }
  friend bool operator==(const InstitutionVaccine&, const InstitutionVaccine&) = default;
};

using VaccineKey = std::pair<std::string, ContractType>;       // vaccine id, contract type
using ContractKey = std::pair<ContractType, OrgId>;            // contract type, municipality
using SettingUnits = std::map<JapanDate, VaccineSettingUnit>;  // by 切替日

// One organisation's settings: what its stream "fees-<id>" built.
struct FeeSettings {
  uint64_t version = 0;  // the stream's version
  std::map<VaccineKey, MunicipalVaccine> vaccines;
  SettingUnits units;
  std::map<ContractKey, InstitutionContract> contracts;
  std::map<VaccineKey, InstitutionVaccine> handled;
  std::optional<int64_t> floor;  // 希望する委託料の下限

  // A union's ワクチン設定単位 on `day`: the last one switched to on or before it; 広域連合単位
  // before any (**project**).
  VaccineSettingUnit UnitOn(JapanDate day) const;
  friend bool operator==(const FeeSettings&, const FeeSettings&) = default;
};

class FeeBook {
 public:
  // Each replaces the row of its key (the event carries every field of the row after it).
  void Apply(const MunicipalVaccineSet& e);
  void Apply(const VaccineSettingUnitSet& e);
  void Apply(const InstitutionContractSet& e);
  void Apply(const InstitutionVaccineSet& e);
  void Apply(const FeeFloorSet& e);

  // The settings of `org`, or nullptr when it has none.
  const FeeSettings* Find(OrgId org) const;
  // The version of the stream "fees-<org>" (0 before its first event).
  uint64_t version(OrgId org) const;
  // Institutions with a 契約先自治体 row naming `municipality` (any type, any period), by id.
  const std::set<OrgId>& ContractedWith(OrgId municipality) const;
  const std::map<OrgId, FeeSettings>& all() const { return settings_; }

  friend bool operator==(const FeeBook&, const FeeBook&) = default;

 private:
  std::map<OrgId, FeeSettings> settings_;
  std::map<OrgId, std::set<OrgId>> contracted_with_;
};

}  // namespace shugo::core
