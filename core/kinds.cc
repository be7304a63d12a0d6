#include "core/kinds.h"

#include <array>
#include <string>

#include "base/text.h"

namespace shugo::core {

namespace {

constexpr std::array<Named<OrganisationKind>, 13> kOrganisationKinds = {{
    {OrganisationKind::kMhlw, "mhlw", "厚生労働省"},
    {OrganisationKind::kCentralFederation, "central_federation", "国保中央会"},
    {OrganisationKind::kPrefecturalFederation, "prefectural_federation", "国保連合会"},
    {OrganisationKind::kGovernorsAssociation, "governors_association", "全国知事会"},
    {OrganisationKind::kJma, "jma", "日本医師会"},
    {OrganisationKind::kPrefecture, "prefecture", "都道府県"},
    {OrganisationKind::kMunicipality, "municipality", "市区町村"},
    {OrganisationKind::kWideAreaUnion, "wide_area_union", "広域連合"},
    {OrganisationKind::kPrefecturalMedicalAssociation, "prefectural_medical_association",
     "都道府県医師会"},
    {OrganisationKind::kLocalMedicalAssociation, "local_medical_association", "郡市区医師会"},
    {OrganisationKind::kOtherAggregator, "other_aggregator", "医師会以外の取りまとめ団体"},
    {OrganisationKind::kInsuredInstitution, "insured_institution", "保険医療機関"},
    {OrganisationKind::kNonInsuredInstitution, "non_insured_institution", "非保険医療機関"},
}};

constexpr std::array<Named<ContractType>, 4> kContractTypes = {{
    {ContractType::kRoutine, "routine", "定期"},
    {ContractType::kVoluntaryConsignment, "voluntary_consignment", "任意委託"},
    {ContractType::kVoluntarySubsidy, "voluntary_subsidy", "任意助成"},
    {ContractType::kTemporary, "temporary", "臨時"},
}};

constexpr std::array<Named<UserChange>, 7> kUserChanges = {{
    {UserChange::kCreated, "created", "作成"},
    {UserChange::kChanged, "changed", "変更"},
    {UserChange::kLocked, "locked", "ロック"},
    {UserChange::kUnlocked, "unlocked", "ロック解除"},
    {UserChange::kSuspended, "suspended", "利用停止"},
    {UserChange::kResumed, "resumed", "利用再開"},
    {UserChange::kPasswordReset, "password_reset", "パスワード再設定"},
}};

template <typename E, size_t N>
Result<E> ParseName(const std::array<Named<E>, N>& table, std::string_view code,
                    std::string_view field, std::string_view what) {
  std::string accepted;
  for (const auto& row : table) {
    if (row.code == code) return row.value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(row.code);
  }
  return Status::InvalidArgument(
      std::string(field),
      std::string(what) + QuoteInput(code, 40) + "はありません（指定できる値: " + accepted + "）");
}

}  // namespace

std::span<const Named<OrganisationKind>> OrganisationKinds() { return kOrganisationKinds; }
std::span<const Named<ContractType>> ContractTypes() { return kContractTypes; }
std::span<const Named<UserChange>> UserChanges() { return kUserChanges; }

std::string_view CodeName(OrganisationKind kind) {
  return FindNamed<OrganisationKind>(kOrganisationKinds, kind).code;
}
std::string_view JapaneseName(OrganisationKind kind) {
  return FindNamed<OrganisationKind>(kOrganisationKinds, kind).japanese;
}
std::string_view CodeName(ContractType type) {
  return FindNamed<ContractType>(kContractTypes, type).code;
}
std::string_view JapaneseName(ContractType type) {
  return FindNamed<ContractType>(kContractTypes, type).japanese;
}

std::string_view CodeName(UserChange change) {
  return FindNamed<UserChange>(kUserChanges, change).code;
}
std::string_view JapaneseName(UserChange change) {
  return FindNamed<UserChange>(kUserChanges, change).japanese;
}

Result<OrganisationKind> ParseOrganisationKind(std::string_view code, std::string_view field) {
  return ParseName(kOrganisationKinds, code, field, "組織種別");
}
Result<ContractType> ParseContractType(std::string_view code, std::string_view field) {
  return ParseName(kContractTypes, code, field, "契約種別");
}
Result<UserChange> ParseUserChange(std::string_view code, std::string_view field) {
  return ParseName(kUserChanges, code, field, "ユーザーの変更種別");
}

}  // namespace shugo::core
