// The chain routing table of docs/domain.md §3: where each delegator's letter goes and which
// re-delegations its approval creates.
#include "core/chains.h"

#include <doctest/doctest.h>

namespace shugo::core {
namespace {

using K = OrganisationKind;

const ChainRule& Rule(K delegator, Affiliation a, ContractType t = ContractType::kRoutine) {
  auto r = FindChainRule(delegator, a, t);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return **r;
}

TEST_CASE(
    "F-4: an institution's letter goes to its 郡市区医師会 then 都道府県医師会 then 日本医師会") {
  for (K kind : {K::kInsuredInstitution, K::kNonInsuredInstitution}) {
    const ChainRule& r = Rule(kind, Affiliation::kMedicalAssociation);
    CHECK_EQ(r.delegate.hop, Hop::kMemberAssociation);
    CHECK_EQ(r.delegate.kind, K::kLocalMedicalAssociation);
    REQUIRE_EQ(r.redelegations.size(), 2u);
    CHECK_EQ(r.redelegations[0].kind, K::kPrefecturalMedicalAssociation);  // 再委任状
    CHECK_EQ(r.redelegations[0].hop, Hop::kParentAssociation);
    CHECK_EQ(r.redelegations[1].kind, K::kJma);  // 再々委任状
  }
}

TEST_CASE("F-4: an institution that belongs to no 医師会 goes to the 郡市区医師会 of its area") {
  const ChainRule& r = Rule(K::kInsuredInstitution, Affiliation::kNoMembership);
  CHECK_EQ(r.delegate.hop, Hop::kAreaAssociation);
  CHECK_EQ(r.delegate.kind, K::kLocalMedicalAssociation);
  REQUIRE_EQ(r.redelegations.size(), 2u);
  CHECK_EQ(r.redelegations[1].kind, K::kJma);
}

TEST_CASE("F-4: a member of another aggregator goes to that 取りまとめ団体 then 日本医師会") {
  const ChainRule& r = Rule(K::kInsuredInstitution, Affiliation::kOtherAggregator);
  CHECK_EQ(r.delegate.kind, K::kOtherAggregator);
  REQUIRE_EQ(r.redelegations.size(), 1u);
  CHECK_EQ(r.redelegations[0].kind, K::kJma);
}

TEST_CASE(
    "F-1-5: a mass-vaccination site delegates to the authority that set it up and nothing "
    "further") {
  const ChainRule& municipal = Rule(K::kNonInsuredInstitution, Affiliation::kMunicipalSite);
  CHECK_EQ(municipal.delegate.kind, K::kMunicipality);
  CHECK(municipal.redelegations.empty());
  const ChainRule& prefectural = Rule(K::kNonInsuredInstitution, Affiliation::kPrefecturalSite);
  CHECK_EQ(prefectural.delegate.kind, K::kPrefecture);
  CHECK(prefectural.redelegations.empty());  // 再委任状の自動作成は行わない
}

TEST_CASE("F-4: a municipality or union delegates to its 都道府県 then 全国知事会") {
  for (K kind : {K::kMunicipality, K::kWideAreaUnion}) {
    for (ContractType t : {ContractType::kRoutine, ContractType::kVoluntaryConsignment,
                           ContractType::kVoluntarySubsidy, ContractType::kTemporary}) {
      const ChainRule& r = Rule(kind, Affiliation::kNone, t);
      CHECK_EQ(r.delegate.kind, K::kPrefecture);
      CHECK_EQ(r.delegate.hop, Hop::kOwnPrefecture);
      REQUIRE_EQ(r.redelegations.size(), 1u);
      CHECK_EQ(r.redelegations[0].kind, K::kGovernorsAssociation);
    }
  }
}

TEST_CASE("F-10: a prefecture delegates to 全国知事会 by hand only for temporary vaccination") {
  const ChainRule& r = Rule(K::kPrefecture, Affiliation::kNone, ContractType::kTemporary);
  CHECK_EQ(r.delegate.kind, K::kGovernorsAssociation);
  CHECK(r.redelegations.empty());
  auto routine = FindChainRule(K::kPrefecture, Affiliation::kNone, ContractType::kRoutine);
  CHECK_EQ(routine.status().code(), StatusCode::kFailedPrecondition);
  CHECK_NE(routine.status().message().find("都道府県"), std::string::npos);
}

TEST_CASE("domain §3: the signing parties and the system's operators delegate nothing") {
  for (K kind : {K::kMhlw, K::kCentralFederation, K::kPrefecturalFederation,
                 K::kGovernorsAssociation, K::kJma, K::kPrefecturalMedicalAssociation,
                 K::kLocalMedicalAssociation, K::kOtherAggregator}) {
    for (Affiliation a :
         {Affiliation::kNone, Affiliation::kMedicalAssociation, Affiliation::kOtherAggregator}) {
      CHECK_EQ(FindChainRule(kind, a, ContractType::kRoutine).status().code(),
               StatusCode::kFailedPrecondition);
    }
  }
  CHECK_EQ(ChainRules().size(), 7u);
  for (const ChainRule& r : ChainRules()) CHECK_FALSE(r.flow.empty());
}

}  // namespace
}  // namespace shugo::core
