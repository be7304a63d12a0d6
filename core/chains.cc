#include "core/chains.h"

#include <algorithm>
#include <string>

namespace shugo::core {

namespace {

using K = OrganisationKind;

const std::vector<ChainRule>& Table() {
  static const std::vector<ChainRule> kRules = {
      {"F-4 補助資料①",
       {K::kInsuredInstitution, K::kNonInsuredInstitution},
       Affiliation::kMedicalAssociation,
       false,
       {Hop::kMemberAssociation, K::kLocalMedicalAssociation},
       {{Hop::kParentAssociation, K::kPrefecturalMedicalAssociation}, {Hop::kJma, K::kJma}}},
      {"F-4 補助資料① (non-member: project)",
       {K::kInsuredInstitution, K::kNonInsuredInstitution},
       Affiliation::kNoMembership,
       false,
       {Hop::kAreaAssociation, K::kLocalMedicalAssociation},
       {{Hop::kParentAssociation, K::kPrefecturalMedicalAssociation}, {Hop::kJma, K::kJma}}},
      {"F-4 補助資料①",
       {K::kInsuredInstitution, K::kNonInsuredInstitution},
       Affiliation::kOtherAggregator,
       false,
       {Hop::kMemberAggregator, K::kOtherAggregator},
       {{Hop::kJma, K::kJma}}},
      {"F-1-5 (re-delegation: project)",
       {K::kNonInsuredInstitution},
       Affiliation::kMunicipalSite,
       false,
       {Hop::kSettingUpAuthority, K::kMunicipality},
       {}},
      {"F-1-5 再委任状の自動作成は行わない",
       {K::kNonInsuredInstitution},
       Affiliation::kPrefecturalSite,
       false,
       {Hop::kSettingUpAuthority, K::kPrefecture},
       {}},
      {"F-4 補助資料①",
       {K::kMunicipality, K::kWideAreaUnion},
       Affiliation::kNone,
       false,
       {Hop::kOwnPrefecture, K::kPrefecture},
       {{Hop::kGovernorsAssociation, K::kGovernorsAssociation}}},
      {"F-10 ※2",
       {K::kPrefecture},
       Affiliation::kNone,
       true,
       {Hop::kGovernorsAssociation, K::kGovernorsAssociation},
       {}},
  };
  return kRules;
}

}  // namespace

std::span<const ChainRule> ChainRules() { return Table(); }

Result<const ChainRule*> FindChainRule(OrganisationKind delegator, Affiliation affiliation,
                                       ContractType contract_type) {
  for (const ChainRule& rule : Table()) {
    if (rule.affiliation != affiliation) continue;
    if (std::find(rule.delegators.begin(), rule.delegators.end(), delegator) ==
        rule.delegators.end()) {
      continue;
    }
    if (rule.temporary_only && contract_type != ContractType::kTemporary) continue;
    return &rule;
  }
  return Status::FailedPrecondition(std::string(JapaneseName(delegator)) + "は「" +
                                    std::string(JapaneseName(contract_type)) +
                                    "」の委任状を申請できません（委任の経路がありません）");
}

}  // namespace shugo::core
