// The domain events written into tests/golden/v2/ (one record each, in this order). Frozen with
// those files: never edit; a later schema writes v3 beside them.
#pragma once

#include <vector>

#include "core/domain_events.h"

namespace shugo::golden {

inline std::vector<core::DomainEvent> DomainV2() {
  using namespace core;
  OrganisationRegistered reg;
  reg.id = 7;
  reg.kind = OrganisationKind::kInsuredInstitution;
  reg.code = "0110112745";
  reg.name = "医療法人社団 慈藻会 平松記念病院";
  reg.kana = "ヒラマツキネンビョウイン";
  reg.address = "北海道札幌市中央区南２２条西１４丁目１番２０号";
  reg.prefecture = 1;
  reg.municipality = 3;
  reg.member_of = 5;
  reg.affiliation = Affiliation::kMedicalAssociation;
  OrganisationRegistered town;
  town.id = 8;
  town.kind = OrganisationKind::kMunicipality;
  town.code = "209902";
  town.name = "新町";
  town.prefecture = 20;
  town.opening_date = JapanDate(2025, 10, 1);
  OrganisationChanged changed;
  changed.id = 7;
  changed.changes = {{"name", "旧名", "新名"}, {"member_of", "01001", ""}};
  OrganisationDated dated;
  dated.id = 3;
  dated.kind = OrganisationDateKind::kUnionJoinScheduled;
  dated.date = JapanDate(2025, 7, 1);
  dated.other = 9;
  LetterApplied applied;
  applied.id = 11;
  applied.delegator = 7;
  applied.delegate = 5;
  applied.contract_type = ContractType::kVoluntaryConsignment;
  applied.document_confirmed = true;
  RedelegationCreated redelegated;
  redelegated.id = 12;
  redelegated.delegator = 5;
  redelegated.delegate = 4;
  redelegated.contract_type = ContractType::kVoluntaryConsignment;
  redelegated.under = 11;
  redelegated.contract_date = JapanDate(2025, 4, 2);
  redelegated.upper = 10;
  LetterTransitioned approved;
  approved.id = 11;
  approved.command = LetterCommand::kApprove;
  approved.status = LetterStatus::kApproved;
  approved.contract_date = JapanDate(2025, 4, 2);
  approved.upper = 12;
  LetterTransitioned terminated;
  terminated.id = 11;
  terminated.command = LetterCommand::kTerminate;
  terminated.status = LetterStatus::kTerminated;
  terminated.date = JapanDate(2025, 9, 10);
  terminated.reason = "接種誤りの多発";
  return {reg,      town,       changed,
          dated,    applied,    redelegated,
          approved, terminated, DayClosed{JapanDate(2025, 4, 1)}};
}

}  // namespace shugo::golden
