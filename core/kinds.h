// Enumerations of the domain with their code names (docs/domain.md), as data: one table each.
#pragma once

#include <cassert>
#include <span>
#include <string_view>

#include "base/status.h"

namespace shugo::core {

// The kinds of organisation (docs/domain.md §2).
enum class OrganisationKind {
  kMhlw,
  kCentralFederation,
  kPrefecturalFederation,
  kGovernorsAssociation,
  kJma,
  kPrefecture,
  kMunicipality,
  kWideAreaUnion,
  kPrefecturalMedicalAssociation,
  kLocalMedicalAssociation,
  kOtherAggregator,
  kInsuredInstitution,
  kNonInsuredInstitution,
};

// 契約種別 (docs/domain.md §3).
enum class ContractType {
  kRoutine,               // 定期
  kVoluntaryConsignment,  // 任意委託
  kVoluntarySubsidy,      // 任意助成
  kTemporary,             // 臨時 (bound to one campaign, F-10)
};

// What happened to a user account (the UserRecorded event, core/users.h). The accounts themselves
// live in the account store; the log records only the fact (invariant 11).
enum class UserChange {
  kCreated,
  kChanged,
  kLocked,
  kUnlocked,
  kSuspended,
  kResumed,
  kPasswordReset,
};

template <typename E>
struct Named {
  E value;
  std::string_view code;      // the code name of docs/domain.md, used in JSON and events
  std::string_view japanese;  // shown in the UI
};

// The row of `value` in a table that has one row per enumerator (tests check that they do).
template <typename E>
const Named<E>& FindNamed(std::span<const Named<E>> table, E value) {
  for (const auto& row : table) {
    if (row.value == value) return row;
  }
  assert(false && "an enumerator without its row in the name table");
  return table.front();
}

std::span<const Named<OrganisationKind>> OrganisationKinds();
std::span<const Named<ContractType>> ContractTypes();
std::span<const Named<UserChange>> UserChanges();

std::string_view CodeName(OrganisationKind kind);
std::string_view JapaneseName(OrganisationKind kind);
std::string_view CodeName(ContractType type);
std::string_view JapaneseName(ContractType type);
std::string_view CodeName(UserChange change);  // created, changed, locked, … (as in the schema)
std::string_view JapaneseName(UserChange change);

// By code name; kInvalidArgument naming `field` and listing the accepted names otherwise.
Result<OrganisationKind> ParseOrganisationKind(std::string_view code, std::string_view field);
Result<ContractType> ParseContractType(std::string_view code, std::string_view field);
Result<UserChange> ParseUserChange(std::string_view code, std::string_view field);

}  // namespace shugo::core
