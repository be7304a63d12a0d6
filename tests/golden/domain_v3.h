// The domain events written into tests/golden/v3/ (one record each, in this order): one event of
// every type of core::DomainEvent, in the variant's order, with every field — and every field of
// every element of a list — set to a value other than its default, so that an encoder or decoder
// that drops a field cannot pass (tests/core/golden_domain_test.cc checks both). Frozen with those
// files: never edit; a new event type or a new field is covered by a v4 set beside them.
#pragma once

#include <vector>

#include "core/domain_events.h"

namespace shugo::golden {

inline std::vector<core::DomainEvent> DomainV3() {
  using namespace core;
  OrganisationRegistered registered;
  registered.id = 101;
  registered.kind = OrganisationKind::kLocalMedicalAssociation;
  registered.code = "01101";
  registered.name = "札幌市医師会";
  registered.kana = "サッポロシイシカイ";
  registered.address = "北海道札幌市中央区大通西１９丁目１番１号";
  registered.prefecture = 1;
  registered.municipality = 102;
  registered.parent = 103;
  registered.member_of = 104;
  registered.affiliation = Affiliation::kOtherAggregator;
  registered.opening_date = JapanDate(2025, 10, 1);

  OrganisationChanged changed;
  changed.id = 105;
  changed.changes = {{"name", "旧名称", "新名称"}, {"member_of", "01101", "01102"}};
  changed.member_of = 106;

  OrganisationDated dated;
  dated.id = 107;
  dated.kind = OrganisationDateKind::kPaymentConsignmentCancelled;
  dated.date = JapanDate(2025, 11, 30);
  dated.other = 108;

  LetterApplied applied;
  applied.id = 201;
  applied.delegator = 109;
  applied.delegate = 110;
  applied.contract_type = ContractType::kTemporary;
  applied.campaign = 301;
  applied.document_confirmed = true;

  RedelegationCreated redelegated;
  redelegated.id = 202;
  redelegated.delegator = 110;
  redelegated.delegate = 111;
  redelegated.contract_type = ContractType::kVoluntarySubsidy;
  redelegated.campaign = 302;
  redelegated.under = 201;
  redelegated.contract_date = JapanDate(2025, 5, 1);
  redelegated.upper = 203;

  LetterTransitioned transitioned;
  transitioned.id = 204;
  transitioned.command = LetterCommand::kHelpdeskSecession;
  transitioned.status = LetterStatus::kSecessionScheduled;
  transitioned.contract_date = JapanDate(2025, 6, 1);
  transitioned.date = JapanDate(2025, 12, 31);
  transitioned.reason = "接種事業の終了";
  transitioned.upper = 205;

  DayClosed closed{JapanDate(2025, 4, 2)};

  EligibilityMasterImported imported;
  imported.rows = {{"0110112745", "平松記念病院", "北海道札幌市中央区南２２条西１４丁目", "011002"},
                   {"0111234567", "大通クリニック", "北海道札幌市中央区大通西１丁目", "011002"}};
  imported.removed = {"0119999999", "0119999998"};

  CodeChangeRequested requested;
  requested.id = 112;
  requested.request = 3;
  requested.change = CodeChangeKind::kMerger;
  requested.new_code = "0112345678";
  requested.reason = "合併";
  requested.consent = true;
  requested.personal_data = true;
  requested.designation_copy = true;
  requested.approver = 113;

  CodeChangeDecided decided;
  decided.id = 112;
  decided.request = 3;
  decided.approved = true;
  decided.reason = "書類不備のため再提出";
  decided.code = "0112345678";
  decided.kind = OrganisationKind::kNonInsuredInstitution;
  decided.municipality = 114;
  decided.affiliation = Affiliation::kPrefecturalSite;
  decided.survivor = 115;

  LetterRekeyed rekeyed{206, 115, "0112345678", "0110112745"};

  CollectiveContractSigned signed_{JapanDate(2025, 3, 31), "令和7年度 集合契約を締結しました"};

  CampaignDeclared declared;
  declared.id = 303;
  declared.declared_by = 116;
  declared.name = "新型インフルエンザ臨時接種";
  declared.start_date = JapanDate(2025, 7, 1);
  declared.implementer = CampaignImplementer::kPrefecture;
  declared.national = true;
  declared.prefectures = {13, 47};
  declared.fees = {{"V001", 2070}, {"V002", 3420}};
  declared.application_deadline = JapanDate(2025, 7, 31);
  declared.approval_deadline = JapanDate(2025, 8, 15);

  CampaignFeesChanged fees_changed;
  fees_changed.id = 303;
  fees_changed.municipality = 117;
  fees_changed.changes = {{"V001", 2070, 2300}, {"V003", 1500, 1800}};

  CampaignEndRegistered end_registered{304, JapanDate(2026, 3, 31)};
  CampaignEnded ended{305, JapanDate(2026, 4, 1)};

  MunicipalVaccineSet municipal;
  municipal.owner = 118;
  municipal.vaccine = "V004";
  municipal.contract_type = ContractType::kVoluntarySubsidy;
  municipal.amount = 4000;
  municipal.start = JapanDate(2025, 4, 1);
  municipal.end = JapanDate(2026, 3, 31);
  municipal.sex = FeeSex::kFemale;
  municipal.age_min = 12;
  municipal.age_max = 16;
  municipal.contractors = Contractors::kLocalOnly;
  municipal.changes = {{"amount", "3500", "4000"}};
  municipal.cause = "abolished";

  VaccineSettingUnitSet unit{119, VaccineSettingUnit::kPerMember, JapanDate(2025, 10, 1)};

  InstitutionContractSet contract;
  contract.owner = 120;
  contract.contract_type = ContractType::kVoluntaryConsignment;
  contract.municipality = 121;
  contract.start = JapanDate(2025, 4, 1);
  contract.end = JapanDate(2025, 9, 30);
  contract.changes = {{"municipality", "全国", "札幌市"}};
  contract.cause = "relocated";

  InstitutionVaccineSet institution_vaccine;
  institution_vaccine.owner = 122;
  institution_vaccine.vaccine = "V005";
  institution_vaccine.contract_type = ContractType::kVoluntaryConsignment;
  institution_vaccine.cost = 8800;
  institution_vaccine.start = JapanDate(2025, 5, 1);
  institution_vaccine.end = JapanDate(2026, 4, 30);
  institution_vaccine.changes = {{"cost", "8000", "8800"}};

  FeeFloorSet floor{123, 3000};

  NonInsuredLinkIssued link{401, 124, 125, JapanDate(2025, 4, 30)};

  NonInsuredRegistrationSubmitted submitted;
  submitted.id = 402;
  submitted.name = "札幌ドーム集団接種会場";
  submitted.kana = "サッポロドームシュウダンセッシュカイジョウ";
  submitted.address = "北海道札幌市豊平区羊ケ丘１番地";
  submitted.municipality = 126;
  submitted.site_kind = "集団接種会場";
  submitted.email_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  NonInsuredRegistrationDecided registration_decided{403, true, 127, "所在地の記載漏れ"};

  UserRecorded user;
  user.user = 501;
  user.org = 128;
  user.change = UserChange::kPasswordReset;
  user.role = "admin";
  user.fields = {"password", "email"};

  return {registered,  changed,      dated,          applied,
          redelegated, transitioned, closed,         imported,
          requested,   decided,      rekeyed,        signed_,
          declared,    fees_changed, end_registered, ended,
          municipal,   unit,         contract,       institution_vaccine,
          floor,       link,         submitted,      registration_decided,
          user};
}

}  // namespace shugo::golden
