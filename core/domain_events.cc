#include "core/domain_events.h"

#include <type_traits>

namespace shugo::core {

namespace {

// The schema's enumerations mirror ours value for value (schemas/events.fbs).
static_assert(static_cast<int>(fb::OrganisationKind::non_insured_institution) ==
              static_cast<int>(OrganisationKind::kNonInsuredInstitution));
static_assert(static_cast<int>(fb::ContractType::temporary) ==
              static_cast<int>(ContractType::kTemporary));
static_assert(static_cast<int>(fb::LetterStatus::terminated) ==
              static_cast<int>(LetterStatus::kTerminated));
static_assert(static_cast<int>(fb::LetterCommand::end_redelegation) ==
              static_cast<int>(LetterCommand::kEndRedelegation));
static_assert(static_cast<int>(fb::LetterCommand::schedule_termination) ==
              static_cast<int>(LetterCommand::kScheduleTermination));
static_assert(static_cast<int>(fb::LetterCommand::return_) ==
              static_cast<int>(LetterCommand::kReturn));
static_assert(static_cast<int>(fb::Affiliation::prefectural_site) ==
              static_cast<int>(Affiliation::kPrefecturalSite));
static_assert(static_cast<int>(fb::CodeChangeKind::to_non_insured) ==
              static_cast<int>(CodeChangeKind::kToNonInsured));
static_assert(static_cast<int>(fb::Sex::female) == static_cast<int>(FeeSex::kFemale));
static_assert(static_cast<int>(fb::Contractors::local_only) ==
              static_cast<int>(Contractors::kLocalOnly));
static_assert(static_cast<int>(fb::VaccineSettingUnit::per_member) ==
              static_cast<int>(VaccineSettingUnit::kPerMember));
static_assert(static_cast<int>(fb::OrganisationDateKind::payment_consignment_cancelled) ==
              static_cast<int>(OrganisationDateKind::kPaymentConsignmentCancelled));
static_assert(static_cast<int>(fb::CampaignImplementer::prefecture) ==
              static_cast<int>(CampaignImplementer::kPrefecture));
static_assert(static_cast<int>(fb::UserChange::password_reset) ==
              static_cast<int>(UserChange::kPasswordReset));
static_assert(static_cast<int>(fb::TerminationOutcome::lapsed) ==
              static_cast<int>(TerminationOutcome::kLapsed));

template <typename To, typename From>
Result<To> EnumFrom(From value, From max, const char* field) {
  if (static_cast<int>(value) > static_cast<int>(max)) {
    return Status::DataLoss(std::string(field) + ": unknown value " +
                            std::to_string(static_cast<int>(value)));
  }
  return static_cast<To>(static_cast<int>(value));
}

template <typename To, typename From>
To EnumTo(From value) {
  return static_cast<To>(static_cast<int>(value));
}

uint32_t Ymd(const std::optional<JapanDate>& d) { return d ? d->yyyymmdd() : 0; }

Result<std::optional<JapanDate>> OptDate(uint32_t ymd, const char* field) {
  if (ymd == 0) return std::optional<JapanDate>();
  auto d = JapanDate::FromYyyymmdd(ymd);
  if (!d.ok()) return Status::DataLoss(std::string(field) + ": " + d.status().message());
  return std::optional<JapanDate>(*d);
}

Result<JapanDate> Date(uint32_t ymd, const char* field) {
  SHUGO_ASSIGN_OR_RETURN(std::optional<JapanDate> d, OptDate(ymd, field));
  if (!d) return Status::DataLoss(std::string(field) + ": missing");
  return *d;
}

std::string Str(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

// A list of ids added in a later version: absent when empty, so that the records of the
// versions before it keep their bytes.
flatbuffers::Offset<flatbuffers::Vector<uint64_t>> OptionalIds(flatbuffers::FlatBufferBuilder& fbb,
                                                               const std::vector<uint64_t>& ids) {
  if (ids.empty()) return 0;
  return fbb.CreateVector(ids);
}

std::vector<uint64_t> ReadIds(const flatbuffers::Vector<uint64_t>* ids) {
  if (ids == nullptr) return {};
  return {ids->begin(), ids->end()};
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const OrganisationRegistered& e) {
  auto code = fbb.CreateString(e.code);
  auto name = fbb.CreateString(e.name);
  auto kana = fbb.CreateString(e.kana);
  auto address = fbb.CreateString(e.address);
  auto predecessors = OptionalIds(fbb, e.predecessors);
  return fb::CreateOrganisationRegistered(
             fbb, e.id, EnumTo<fb::OrganisationKind>(e.kind), code, name, kana, address,
             static_cast<uint8_t>(e.prefecture), e.municipality, e.parent, e.member_of,
             EnumTo<fb::Affiliation>(e.affiliation), Ymd(e.opening_date), predecessors)
      .Union();
}

// A validated diff (F-1 "変更内容の表示 → 確認"), as every event that records one stores it.
flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>> WriteChanges(
    flatbuffers::FlatBufferBuilder& fbb, const std::vector<FieldChange>& changes) {
  std::vector<flatbuffers::Offset<fb::FieldChange>> out;
  out.reserve(changes.size());
  for (const FieldChange& c : changes) {
    out.push_back(fb::CreateFieldChange(fbb, fbb.CreateString(c.field), fbb.CreateString(c.before),
                                        fbb.CreateString(c.after)));
  }
  return fbb.CreateVector(out);
}

std::vector<FieldChange> ReadChanges(
    const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* changes) {
  std::vector<FieldChange> out;
  if (changes == nullptr) return out;
  for (const fb::FieldChange* c : *changes) {
    out.push_back({Str(c->field()), Str(c->before()), Str(c->after())});
  }
  return out;
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const OrganisationChanged& e) {
  auto changes = WriteChanges(fbb, e.changes);
  auto predecessors = OptionalIds(fbb, e.predecessors);
  return fb::CreateOrganisationChanged(fbb, e.id, changes, e.member_of, e.municipality,
                                       predecessors)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const OrganisationDated& e) {
  return fb::CreateOrganisationDated(fbb, e.id, EnumTo<fb::OrganisationDateKind>(e.kind),
                                     e.date.yyyymmdd(), e.other)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const LetterApplied& e) {
  return fb::CreateLetterApplied(fbb, e.id, e.delegator, e.delegate,
                                 EnumTo<fb::ContractType>(e.contract_type), e.campaign,
                                 e.document_confirmed)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const RedelegationCreated& e) {
  return fb::CreateRedelegationCreated(fbb, e.id, e.delegator, e.delegate,
                                       EnumTo<fb::ContractType>(e.contract_type), e.campaign,
                                       e.under, e.contract_date.yyyymmdd(), e.upper)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const LetterTransitioned& e) {
  auto reason = fbb.CreateString(e.reason);
  return fb::CreateLetterTransitioned(fbb, e.id, EnumTo<fb::LetterCommand>(e.command),
                                      EnumTo<fb::LetterStatus>(e.status), Ymd(e.contract_date),
                                      Ymd(e.date), reason, e.upper)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const DayClosed& e) {
  return fb::CreateDayClosed(fbb, e.date.yyyymmdd()).Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const EligibilityMasterImported& e) {
  std::vector<flatbuffers::Offset<fb::EligibilityRow>> rows;
  rows.reserve(e.rows.size());
  for (const EligibilityRow& r : e.rows) {
    rows.push_back(fb::CreateEligibilityRow(fbb, fbb.CreateString(r.code), fbb.CreateString(r.name),
                                            fbb.CreateString(r.address),
                                            fbb.CreateString(r.municipality_code)));
  }
  auto rows_v = fbb.CreateVector(rows);
  auto removed = fbb.CreateVectorOfStrings(e.removed);
  return fb::CreateEligibilityMasterImported(fbb, rows_v, removed).Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const CodeChangeRequested& e) {
  auto new_code = fbb.CreateString(e.new_code);
  auto reason = fbb.CreateString(e.reason);
  return fb::CreateCodeChangeRequested(fbb, e.id, e.request, EnumTo<fb::CodeChangeKind>(e.change),
                                       new_code, reason, e.consent, e.personal_data,
                                       e.designation_copy, e.approver)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const CodeChangeDecided& e) {
  auto reason = fbb.CreateString(e.reason);
  auto code = fbb.CreateString(e.code);
  return fb::CreateCodeChangeDecided(fbb, e.id, e.request, e.approved, reason, code,
                                     EnumTo<fb::OrganisationKind>(e.kind), e.municipality,
                                     EnumTo<fb::Affiliation>(e.affiliation), e.survivor)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const LetterRekeyed& e) {
  auto code = fbb.CreateString(e.code);
  auto old_code = fbb.CreateString(e.old_code);
  return fb::CreateLetterRekeyed(fbb, e.id, e.delegator, code, old_code).Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const CollectiveContractSigned& e) {
  auto note = fbb.CreateString(e.note);
  return fb::CreateCollectiveContractSigned(fbb, e.date.yyyymmdd(), note).Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const CampaignDeclared& e) {
  auto name = fbb.CreateString(e.name);
  std::vector<uint8_t> prefectures(e.prefectures.begin(), e.prefectures.end());
  auto area = fbb.CreateVector(prefectures);
  std::vector<flatbuffers::Offset<fb::VaccineFee>> fees;
  fees.reserve(e.fees.size());
  for (const VaccineFee& f : e.fees) {
    fees.push_back(fb::CreateVaccineFee(fbb, fbb.CreateString(f.vaccine), f.yen));
  }
  return fb::CreateCampaignDeclared(fbb, e.id, e.declared_by, name, e.start_date.yyyymmdd(),
                                    EnumTo<fb::CampaignImplementer>(e.implementer), e.national,
                                    area, fbb.CreateVector(fees), e.application_deadline.yyyymmdd(),
                                    e.approval_deadline.yyyymmdd())
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const CampaignFeesChanged& e) {
  std::vector<flatbuffers::Offset<fb::VaccineFeeChange>> changes;
  changes.reserve(e.changes.size());
  for (const VaccineFeeChange& c : e.changes) {
    changes.push_back(fb::CreateVaccineFeeChange(fbb, fbb.CreateString(c.vaccine),
                                                 c.before.value_or(-1), c.after.value_or(-1)));
  }
  return fb::CreateCampaignFeesChanged(fbb, e.id, e.municipality, fbb.CreateVector(changes))
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const CampaignEndRegistered& e) {
  return fb::CreateCampaignEndRegistered(fbb, e.id, e.end_date.yyyymmdd()).Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const CampaignEnded& e) {
  return fb::CreateCampaignEnded(fbb, e.id, e.date.yyyymmdd()).Union();
}

// ---- F-1-5 non-insured institutions

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const NonInsuredLinkIssued& e) {
  return fb::CreateNonInsuredLinkIssued(fbb, e.id, e.issuer, e.approver, e.expires.yyyymmdd())
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const NonInsuredRegistrationSubmitted& e) {
  auto name = fbb.CreateString(e.name);
  auto kana = fbb.CreateString(e.kana);
  auto address = fbb.CreateString(e.address);
  auto site_kind = fbb.CreateString(e.site_kind);
  auto email = fbb.CreateString(e.email_sha256);
  return fb::CreateNonInsuredRegistrationSubmitted(fbb, e.id, name, kana, address, e.municipality,
                                                   site_kind, email)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const NonInsuredRegistrationDecided& e) {
  auto reason = fbb.CreateString(e.reason);
  return fb::CreateNonInsuredRegistrationDecided(fbb, e.id, e.approved, e.org, reason).Union();
}

// ---- user accounts

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const UserRecorded& e) {
  auto role = fbb.CreateString(e.role);
  auto fields = fbb.CreateVectorOfStrings(e.fields);
  return fb::CreateUserRecorded(fbb, e.user, e.org, EnumTo<fb::UserChange>(e.change), role, fields)
      .Union();
}

// ---- F-7 解除依頼

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const TerminationRequested& e) {
  auto reason = fbb.CreateString(e.reason);
  std::vector<fb::ContractType> types;
  types.reserve(e.contract_types.size());
  for (ContractType t : e.contract_types) types.push_back(EnumTo<fb::ContractType>(t));
  auto contract_types = fbb.CreateVector(types);
  return fb::CreateTerminationRequested(fbb, e.id, e.institution, e.requester, e.addressee, reason,
                                        Ymd(e.date), contract_types)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const TerminationRequestDecided& e) {
  auto reason = fbb.CreateString(e.reason);
  auto letters = fbb.CreateVector(e.letters);
  return fb::CreateTerminationRequestDecided(fbb, e.id, EnumTo<fb::TerminationOutcome>(e.outcome),
                                             reason, Ymd(e.date), letters)
      .Union();
}

Result<DomainEvent> DecodeTerminationRequest(const fb::Event& event) {
  if (event.payload_type() == fb::Payload::TerminationRequested) {
    const auto* p = event.payload_as_TerminationRequested();
    TerminationRequested e;
    e.id = p->id();
    e.institution = p->institution();
    e.requester = p->requester();
    e.addressee = p->addressee();
    e.reason = Str(p->reason());
    SHUGO_ASSIGN_OR_RETURN(e.date, OptDate(p->date(), "date"));
    if (p->contract_types() != nullptr) {
      for (fb::ContractType t : *p->contract_types()) {
        SHUGO_ASSIGN_OR_RETURN(ContractType type, (EnumFrom<ContractType>(t, fb::ContractType::MAX,
                                                                          "contract_types")));
        e.contract_types.push_back(type);
      }
    }
    return DomainEvent(std::move(e));
  }
  const auto* p = event.payload_as_TerminationRequestDecided();
  TerminationRequestDecided e;
  e.id = p->id();
  SHUGO_ASSIGN_OR_RETURN(e.outcome, (EnumFrom<TerminationOutcome>(
                                        p->outcome(), fb::TerminationOutcome::MAX, "outcome")));
  e.reason = Str(p->reason());
  SHUGO_ASSIGN_OR_RETURN(e.date, OptDate(p->date(), "date"));
  if (p->letters() != nullptr) e.letters.assign(p->letters()->begin(), p->letters()->end());
  return DomainEvent(std::move(e));
}

// ---- F-2 fees and vaccines

int16_t OptInt(const std::optional<int>& v) { return v ? static_cast<int16_t>(*v) : int16_t{-1}; }
std::optional<int> IntOpt(int16_t v) { return v < 0 ? std::nullopt : std::optional<int>(v); }
int64_t OptYen(const std::optional<int64_t>& v) { return v ? *v : -1; }
std::optional<int64_t> YenOpt(int64_t v) {
  return v < 0 ? std::nullopt : std::optional<int64_t>(v);
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const MunicipalVaccineSet& e) {
  auto vaccine = fbb.CreateString(e.vaccine);
  auto changes = WriteChanges(fbb, e.changes);
  auto cause = fbb.CreateString(e.cause);
  return fb::CreateMunicipalVaccineSet(
             fbb, e.owner, vaccine, EnumTo<fb::ContractType>(e.contract_type), e.amount,
             e.start.yyyymmdd(), Ymd(e.end), EnumTo<fb::Sex>(e.sex), OptInt(e.age_min),
             OptInt(e.age_max), EnumTo<fb::Contractors>(e.contractors), changes, cause)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const VaccineSettingUnitSet& e) {
  return fb::CreateVaccineSettingUnitSet(fbb, e.owner, EnumTo<fb::VaccineSettingUnit>(e.unit),
                                         e.switch_date.yyyymmdd())
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const InstitutionContractSet& e) {
  auto changes = WriteChanges(fbb, e.changes);
  auto cause = fbb.CreateString(e.cause);
  return fb::CreateInstitutionContractSet(fbb, e.owner, EnumTo<fb::ContractType>(e.contract_type),
                                          e.municipality, e.start.yyyymmdd(), Ymd(e.end), changes,
                                          cause)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const InstitutionVaccineSet& e) {
  auto vaccine = fbb.CreateString(e.vaccine);
  auto changes = WriteChanges(fbb, e.changes);
  return fb::CreateInstitutionVaccineSet(fbb, e.owner, vaccine,
                                         EnumTo<fb::ContractType>(e.contract_type), OptYen(e.cost),
                                         e.start.yyyymmdd(), Ymd(e.end), changes)
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const FeeFloorSet& e) {
  return fb::CreateFeeFloorSet(fbb, e.owner, OptYen(e.floor)).Union();
}

Result<DomainEvent> DecodeFee(const fb::Event& event) {
  switch (event.payload_type()) {
    case fb::Payload::MunicipalVaccineSet: {
      const auto* p = event.payload_as_MunicipalVaccineSet();
      MunicipalVaccineSet e;
      e.owner = p->owner();
      e.vaccine = Str(p->vaccine());
      SHUGO_ASSIGN_OR_RETURN(
          e.contract_type,
          (EnumFrom<ContractType>(p->contract_type(), fb::ContractType::MAX, "contract_type")));
      e.amount = p->amount();
      SHUGO_ASSIGN_OR_RETURN(e.start, Date(p->start_date(), "start_date"));
      SHUGO_ASSIGN_OR_RETURN(e.end, OptDate(p->end_date(), "end_date"));
      SHUGO_ASSIGN_OR_RETURN(e.sex, (EnumFrom<FeeSex>(p->sex(), fb::Sex::MAX, "sex")));
      e.age_min = IntOpt(p->age_min());
      e.age_max = IntOpt(p->age_max());
      SHUGO_ASSIGN_OR_RETURN(
          e.contractors,
          (EnumFrom<Contractors>(p->contractors(), fb::Contractors::MAX, "contractors")));
      e.changes = ReadChanges(p->changes());
      e.cause = Str(p->cause());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::VaccineSettingUnitSet: {
      const auto* p = event.payload_as_VaccineSettingUnitSet();
      VaccineSettingUnitSet e;
      e.owner = p->owner();
      SHUGO_ASSIGN_OR_RETURN(
          e.unit, (EnumFrom<VaccineSettingUnit>(p->unit(), fb::VaccineSettingUnit::MAX, "unit")));
      SHUGO_ASSIGN_OR_RETURN(e.switch_date, Date(p->switch_date(), "switch_date"));
      return DomainEvent(e);
    }
    case fb::Payload::InstitutionContractSet: {
      const auto* p = event.payload_as_InstitutionContractSet();
      InstitutionContractSet e;
      e.owner = p->owner();
      SHUGO_ASSIGN_OR_RETURN(
          e.contract_type,
          (EnumFrom<ContractType>(p->contract_type(), fb::ContractType::MAX, "contract_type")));
      e.municipality = p->municipality();
      SHUGO_ASSIGN_OR_RETURN(e.start, Date(p->start_date(), "start_date"));
      SHUGO_ASSIGN_OR_RETURN(e.end, OptDate(p->end_date(), "end_date"));
      e.changes = ReadChanges(p->changes());
      e.cause = Str(p->cause());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::InstitutionVaccineSet: {
      const auto* p = event.payload_as_InstitutionVaccineSet();
      InstitutionVaccineSet e;
      e.owner = p->owner();
      e.vaccine = Str(p->vaccine());
      SHUGO_ASSIGN_OR_RETURN(
          e.contract_type,
          (EnumFrom<ContractType>(p->contract_type(), fb::ContractType::MAX, "contract_type")));
      e.cost = YenOpt(p->cost());
      SHUGO_ASSIGN_OR_RETURN(e.start, Date(p->start_date(), "start_date"));
      SHUGO_ASSIGN_OR_RETURN(e.end, OptDate(p->end_date(), "end_date"));
      e.changes = ReadChanges(p->changes());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::FeeFloorSet: {
      const auto* p = event.payload_as_FeeFloorSet();
      return DomainEvent(FeeFloorSet{p->owner(), YenOpt(p->floor())});
    }
    default:
      return Status::NotFound("not a domain event");
  }
}

template <typename T>
constexpr fb::Payload PayloadType() {
  if constexpr (std::is_same_v<T, OrganisationRegistered>)
    return fb::Payload::OrganisationRegistered;
  if constexpr (std::is_same_v<T, OrganisationChanged>) return fb::Payload::OrganisationChanged;
  if constexpr (std::is_same_v<T, OrganisationDated>) return fb::Payload::OrganisationDated;
  if constexpr (std::is_same_v<T, LetterApplied>) return fb::Payload::LetterApplied;
  if constexpr (std::is_same_v<T, RedelegationCreated>) return fb::Payload::RedelegationCreated;
  if constexpr (std::is_same_v<T, LetterTransitioned>) return fb::Payload::LetterTransitioned;
  if constexpr (std::is_same_v<T, DayClosed>) return fb::Payload::DayClosed;
  if constexpr (std::is_same_v<T, MunicipalVaccineSet>) return fb::Payload::MunicipalVaccineSet;
  if constexpr (std::is_same_v<T, VaccineSettingUnitSet>) return fb::Payload::VaccineSettingUnitSet;
  if constexpr (std::is_same_v<T, InstitutionContractSet>) {
    return fb::Payload::InstitutionContractSet;
  }
  if constexpr (std::is_same_v<T, InstitutionVaccineSet>) return fb::Payload::InstitutionVaccineSet;
  if constexpr (std::is_same_v<T, FeeFloorSet>) return fb::Payload::FeeFloorSet;
  if constexpr (std::is_same_v<T, EligibilityMasterImported>)
    return fb::Payload::EligibilityMasterImported;
  if constexpr (std::is_same_v<T, CodeChangeRequested>) return fb::Payload::CodeChangeRequested;
  if constexpr (std::is_same_v<T, CodeChangeDecided>) return fb::Payload::CodeChangeDecided;
  if constexpr (std::is_same_v<T, LetterRekeyed>) return fb::Payload::LetterRekeyed;
  if constexpr (std::is_same_v<T, CollectiveContractSigned>)
    return fb::Payload::CollectiveContractSigned;
  if constexpr (std::is_same_v<T, CampaignDeclared>) return fb::Payload::CampaignDeclared;
  if constexpr (std::is_same_v<T, CampaignFeesChanged>) return fb::Payload::CampaignFeesChanged;
  if constexpr (std::is_same_v<T, CampaignEndRegistered>) return fb::Payload::CampaignEndRegistered;
  if constexpr (std::is_same_v<T, CampaignEnded>) return fb::Payload::CampaignEnded;
  if constexpr (std::is_same_v<T, NonInsuredLinkIssued>) return fb::Payload::NonInsuredLinkIssued;
  if constexpr (std::is_same_v<T, NonInsuredRegistrationSubmitted>) {
    return fb::Payload::NonInsuredRegistrationSubmitted;
  }
  if constexpr (std::is_same_v<T, NonInsuredRegistrationDecided>) {
    return fb::Payload::NonInsuredRegistrationDecided;
  }
  if constexpr (std::is_same_v<T, UserRecorded>) return fb::Payload::UserRecorded;
  if constexpr (std::is_same_v<T, TerminationRequested>) return fb::Payload::TerminationRequested;
  if constexpr (std::is_same_v<T, TerminationRequestDecided>) {
    return fb::Payload::TerminationRequestDecided;
  }
}

}  // namespace

std::string_view CodeName(CodeChangeKind kind) {
  return fb::EnumNameCodeChangeKind(EnumTo<fb::CodeChangeKind>(kind));
}

std::string_view JapaneseName(CodeChangeKind kind) {
  switch (kind) {
    case CodeChangeKind::kCodeChange:
      return "医療機関コード変更";
    case CodeChangeKind::kMerger:
      return "医療機関合併";
    case CodeChangeKind::kToNonInsured:
      return "非保険医療機関への変更";
  }
  return "";
}

std::string_view CodeName(TerminationOutcome outcome) {
  return fb::EnumNameTerminationOutcome(EnumTo<fb::TerminationOutcome>(outcome));
}

std::string_view JapaneseName(TerminationOutcome outcome) {
  static constexpr std::string_view kNames[] = {"解除", "見送り", "終了（委任状が他の手続で終了）"};
  return kNames[static_cast<size_t>(outcome)];
}

std::string_view CodeName(OrganisationDateKind kind) {
  return fb::EnumNameOrganisationDateKind(EnumTo<fb::OrganisationDateKind>(kind));
}

std::string_view CodeName(CampaignImplementer implementer) {
  return fb::EnumNameCampaignImplementer(EnumTo<fb::CampaignImplementer>(implementer));
}

std::string_view JapaneseName(CampaignImplementer implementer) {
  return implementer == CampaignImplementer::kPrefecture ? "都道府県" : "市区町村";
}

std::string_view CodeName(FeeSex sex) { return fb::EnumNameSex(EnumTo<fb::Sex>(sex)); }
std::string_view CodeName(Contractors contractors) {
  return fb::EnumNameContractors(EnumTo<fb::Contractors>(contractors));
}
std::string_view CodeName(VaccineSettingUnit unit) {
  return fb::EnumNameVaccineSettingUnit(EnumTo<fb::VaccineSettingUnit>(unit));
}

std::string_view EventTypeName(const DomainEvent& event) {
  static constexpr std::string_view kNames[] = {"organisation_registered",
                                                "organisation_changed",
                                                "organisation_dated",
                                                "letter_applied",
                                                "redelegation_created",
                                                "letter_transitioned",
                                                "day_closed",
                                                "eligibility_master_imported",
                                                "code_change_requested",
                                                "code_change_decided",
                                                "letter_rekeyed",
                                                "collective_contract_signed",
                                                "campaign_declared",
                                                "campaign_fees_changed",
                                                "campaign_end_registered",
                                                "campaign_ended",
                                                "municipal_vaccine_set",
                                                "vaccine_setting_unit_set",
                                                "institution_contract_set",
                                                "institution_vaccine_set",
                                                "fee_floor_set",
                                                "non_insured_link_issued",
                                                "non_insured_registration_submitted",
                                                "non_insured_registration_decided",
                                                "user_recorded",
                                                "termination_requested",
                                                "termination_request_decided"};
  static_assert(std::size(kNames) == std::variant_size_v<DomainEvent>);
  return kNames[event.index()];
}

std::string StreamOf(const DomainEvent& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, DayClosed>) {
          return "day";
        } else if constexpr (std::is_same_v<T, EligibilityMasterImported>) {
          return "master-eligibility";
        } else if constexpr (std::is_same_v<T, CollectiveContractSigned>) {
          return "contract";
        } else if constexpr (std::is_same_v<T, CampaignDeclared> ||
                             std::is_same_v<T, CampaignFeesChanged> ||
                             std::is_same_v<T, CampaignEndRegistered> ||
                             std::is_same_v<T, CampaignEnded>) {
          return "campaign-" + std::to_string(e.id);
        } else if constexpr (kIsFeeEvent<T>) {
          return "fees-" + std::to_string(e.owner);
        } else if constexpr (kIsRegistrationEvent<T>) {
          return "registration-" + std::to_string(e.id);
        } else if constexpr (std::is_same_v<T, UserRecorded>) {
          return "user-" + std::to_string(e.user);
        } else if constexpr (kIsTerminationRequestEvent<T>) {
          return "termination-request-" + std::to_string(e.id);
        } else if constexpr (std::is_same_v<T, LetterApplied> ||
                             std::is_same_v<T, RedelegationCreated> ||
                             std::is_same_v<T, LetterTransitioned> ||
                             std::is_same_v<T, LetterRekeyed>) {
          return "letter-" + std::to_string(e.id);
        } else {
          return "org-" + std::to_string(e.id);
        }
      },
      event);
}

events::NewEvent Encode(DomainEvent event, std::optional<JapanDate> effective_date) {
  events::NewEvent out;
  out.type =
      std::visit([](const auto& e) { return PayloadType<std::decay_t<decltype(e)>>(); }, event);
  out.effective_date = effective_date;
  out.payload = [event = std::move(event)](flatbuffers::FlatBufferBuilder& fbb) {
    return std::visit([&fbb](const auto& e) { return Write(fbb, e); }, event);
  };
  return out;
}

Result<DomainEvent> Decode(const fb::Event& event) {
  switch (event.payload_type()) {
    case fb::Payload::OrganisationRegistered: {
      const auto* p = event.payload_as_OrganisationRegistered();
      OrganisationRegistered e;
      e.id = p->id();
      SHUGO_ASSIGN_OR_RETURN(
          e.kind, (EnumFrom<OrganisationKind>(p->kind(), fb::OrganisationKind::MAX, "kind")));
      e.code = Str(p->code());
      e.name = Str(p->name());
      e.kana = Str(p->kana());
      e.address = Str(p->address());
      e.prefecture = p->prefecture();
      e.municipality = p->municipality();
      e.parent = p->parent();
      e.member_of = p->member_of();
      SHUGO_ASSIGN_OR_RETURN(
          e.affiliation,
          (EnumFrom<Affiliation>(p->affiliation(), fb::Affiliation::MAX, "affiliation")));
      SHUGO_ASSIGN_OR_RETURN(e.opening_date, OptDate(p->opening_date(), "opening_date"));
      e.predecessors = ReadIds(p->predecessors());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::OrganisationChanged: {
      const auto* p = event.payload_as_OrganisationChanged();
      OrganisationChanged e;
      e.id = p->id();
      e.member_of = p->member_of();
      e.municipality = p->municipality();
      e.predecessors = ReadIds(p->predecessors());
      e.changes = ReadChanges(p->changes());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::OrganisationDated: {
      const auto* p = event.payload_as_OrganisationDated();
      OrganisationDated e;
      e.id = p->id();
      SHUGO_ASSIGN_OR_RETURN(e.kind, (EnumFrom<OrganisationDateKind>(
                                         p->kind(), fb::OrganisationDateKind::MAX, "kind")));
      SHUGO_ASSIGN_OR_RETURN(e.date, Date(p->date(), "date"));
      e.other = p->other();
      return DomainEvent(e);
    }
    case fb::Payload::LetterApplied: {
      const auto* p = event.payload_as_LetterApplied();
      LetterApplied e;
      e.id = p->id();
      e.delegator = p->delegator();
      e.delegate = p->delegate();
      SHUGO_ASSIGN_OR_RETURN(
          e.contract_type,
          (EnumFrom<ContractType>(p->contract_type(), fb::ContractType::MAX, "contract_type")));
      e.campaign = p->campaign();
      e.document_confirmed = p->document_confirmed();
      return DomainEvent(e);
    }
    case fb::Payload::RedelegationCreated: {
      const auto* p = event.payload_as_RedelegationCreated();
      RedelegationCreated e;
      e.id = p->id();
      e.delegator = p->delegator();
      e.delegate = p->delegate();
      SHUGO_ASSIGN_OR_RETURN(
          e.contract_type,
          (EnumFrom<ContractType>(p->contract_type(), fb::ContractType::MAX, "contract_type")));
      e.campaign = p->campaign();
      e.under = p->under();
      SHUGO_ASSIGN_OR_RETURN(e.contract_date, Date(p->contract_date(), "contract_date"));
      e.upper = p->upper();
      return DomainEvent(e);
    }
    case fb::Payload::LetterTransitioned: {
      const auto* p = event.payload_as_LetterTransitioned();
      LetterTransitioned e;
      e.id = p->id();
      SHUGO_ASSIGN_OR_RETURN(
          e.command, (EnumFrom<LetterCommand>(p->command(), fb::LetterCommand::MAX, "command")));
      SHUGO_ASSIGN_OR_RETURN(
          e.status, (EnumFrom<LetterStatus>(p->status(), fb::LetterStatus::MAX, "status")));
      SHUGO_ASSIGN_OR_RETURN(e.contract_date, OptDate(p->contract_date(), "contract_date"));
      SHUGO_ASSIGN_OR_RETURN(e.date, OptDate(p->date(), "date"));
      e.reason = Str(p->reason());
      e.upper = p->upper();
      return DomainEvent(std::move(e));
    }
    case fb::Payload::EligibilityMasterImported: {
      const auto* p = event.payload_as_EligibilityMasterImported();
      EligibilityMasterImported e;
      if (p->rows() != nullptr) {
        e.rows.reserve(p->rows()->size());
        for (const fb::EligibilityRow* r : *p->rows()) {
          e.rows.push_back(
              {Str(r->code()), Str(r->name()), Str(r->address()), Str(r->municipality_code())});
        }
      }
      if (p->removed() != nullptr) {
        for (const flatbuffers::String* c : *p->removed()) e.removed.push_back(c->str());
      }
      return DomainEvent(std::move(e));
    }
    case fb::Payload::CodeChangeRequested: {
      const auto* p = event.payload_as_CodeChangeRequested();
      CodeChangeRequested e;
      e.id = p->id();
      e.request = p->request();
      SHUGO_ASSIGN_OR_RETURN(
          e.change, (EnumFrom<CodeChangeKind>(p->change(), fb::CodeChangeKind::MAX, "change")));
      e.new_code = Str(p->new_code());
      e.reason = Str(p->reason());
      e.consent = p->consent();
      e.personal_data = p->personal_data();
      e.designation_copy = p->designation_copy();
      e.approver = p->approver();
      return DomainEvent(std::move(e));
    }
    case fb::Payload::CodeChangeDecided: {
      const auto* p = event.payload_as_CodeChangeDecided();
      CodeChangeDecided e;
      e.id = p->id();
      e.request = p->request();
      e.approved = p->approved();
      e.reason = Str(p->reason());
      e.code = Str(p->code());
      SHUGO_ASSIGN_OR_RETURN(
          e.kind, (EnumFrom<OrganisationKind>(p->kind(), fb::OrganisationKind::MAX, "kind")));
      e.municipality = p->municipality();
      SHUGO_ASSIGN_OR_RETURN(
          e.affiliation,
          (EnumFrom<Affiliation>(p->affiliation(), fb::Affiliation::MAX, "affiliation")));
      e.survivor = p->survivor();
      return DomainEvent(std::move(e));
    }
    case fb::Payload::LetterRekeyed: {
      const auto* p = event.payload_as_LetterRekeyed();
      return DomainEvent(
          LetterRekeyed{p->id(), p->delegator(), Str(p->code()), Str(p->old_code())});
    }
    case fb::Payload::CollectiveContractSigned: {
      const auto* p = event.payload_as_CollectiveContractSigned();
      CollectiveContractSigned e;
      SHUGO_ASSIGN_OR_RETURN(e.date, Date(p->date(), "date"));
      e.note = Str(p->note());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::DayClosed: {
      DayClosed e;
      SHUGO_ASSIGN_OR_RETURN(e.date, Date(event.payload_as_DayClosed()->date(), "date"));
      return DomainEvent(e);
    }
    case fb::Payload::CampaignDeclared: {
      const auto* p = event.payload_as_CampaignDeclared();
      CampaignDeclared e;
      e.id = p->id();
      e.declared_by = p->declared_by();
      e.name = Str(p->name());
      SHUGO_ASSIGN_OR_RETURN(e.start_date, Date(p->start_date(), "start_date"));
      SHUGO_ASSIGN_OR_RETURN(e.implementer,
                             (EnumFrom<CampaignImplementer>(
                                 p->implementer(), fb::CampaignImplementer::MAX, "implementer")));
      e.national = p->national();
      if (p->prefectures() != nullptr) {
        e.prefectures.assign(p->prefectures()->begin(), p->prefectures()->end());
      }
      if (p->fees() != nullptr) {
        for (const fb::VaccineFee* f : *p->fees()) e.fees.push_back({Str(f->vaccine()), f->yen()});
      }
      SHUGO_ASSIGN_OR_RETURN(e.application_deadline,
                             Date(p->application_deadline(), "application_deadline"));
      SHUGO_ASSIGN_OR_RETURN(e.approval_deadline,
                             Date(p->approval_deadline(), "approval_deadline"));
      return DomainEvent(std::move(e));
    }
    case fb::Payload::CampaignFeesChanged: {
      const auto* p = event.payload_as_CampaignFeesChanged();
      CampaignFeesChanged e;
      e.id = p->id();
      e.municipality = p->municipality();
      if (p->changes() != nullptr) {
        for (const fb::VaccineFeeChange* c : *p->changes()) {
          e.changes.push_back({Str(c->vaccine()), YenOpt(c->before()), YenOpt(c->after())});
        }
      }
      return DomainEvent(std::move(e));
    }
    case fb::Payload::CampaignEndRegistered: {
      const auto* p = event.payload_as_CampaignEndRegistered();
      CampaignEndRegistered e;
      e.id = p->id();
      SHUGO_ASSIGN_OR_RETURN(e.end_date, Date(p->end_date(), "end_date"));
      return DomainEvent(e);
    }
    case fb::Payload::CampaignEnded: {
      const auto* p = event.payload_as_CampaignEnded();
      CampaignEnded e;
      e.id = p->id();
      SHUGO_ASSIGN_OR_RETURN(e.date, Date(p->date(), "date"));
      return DomainEvent(e);
    }
    case fb::Payload::NonInsuredLinkIssued: {
      const auto* p = event.payload_as_NonInsuredLinkIssued();
      NonInsuredLinkIssued e;
      e.id = p->id();
      e.issuer = p->issuer();
      e.approver = p->approver();
      SHUGO_ASSIGN_OR_RETURN(e.expires, Date(p->expires(), "expires"));
      return DomainEvent(e);
    }
    case fb::Payload::NonInsuredRegistrationSubmitted: {
      const auto* p = event.payload_as_NonInsuredRegistrationSubmitted();
      NonInsuredRegistrationSubmitted e;
      e.id = p->id();
      e.name = Str(p->name());
      e.kana = Str(p->kana());
      e.address = Str(p->address());
      e.municipality = p->municipality();
      e.site_kind = Str(p->site_kind());
      e.email_sha256 = Str(p->email_sha256());
      return DomainEvent(std::move(e));
    }
    case fb::Payload::NonInsuredRegistrationDecided: {
      const auto* p = event.payload_as_NonInsuredRegistrationDecided();
      return DomainEvent(
          NonInsuredRegistrationDecided{p->id(), p->approved(), p->org(), Str(p->reason())});
    }
    case fb::Payload::UserRecorded: {
      const auto* p = event.payload_as_UserRecorded();
      UserRecorded e;
      e.user = p->user();
      e.org = p->org();
      SHUGO_ASSIGN_OR_RETURN(e.change,
                             (EnumFrom<UserChange>(p->change(), fb::UserChange::MAX, "change")));
      e.role = Str(p->role());
      if (p->fields() != nullptr) {
        for (const flatbuffers::String* f : *p->fields()) e.fields.push_back(f->str());
      }
      return DomainEvent(std::move(e));
    }
    case fb::Payload::TerminationRequested:
    case fb::Payload::TerminationRequestDecided:
      return DecodeTerminationRequest(event);  // F-7 解除依頼
    default:
      return DecodeFee(event);  // F-2 fees and vaccines, or not a domain event
  }
}

}  // namespace shugo::core
