// The domain's events (schemas/events.fbs) as C++ values: what the command processor decides,
// appends and applies to its state, and what a rebuild decodes from the log and applies the same
// way, so live state and rebuilt state cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/japan_date.h"
#include "base/status.h"
#include "core/chains.h"
#include "core/kinds.h"
#include "core/letter.h"
#include "events/event.h"

namespace shugo::core {

using OrgId = uint64_t;     // numbered by the processor from 1; 0 means "none"
using LetterId = uint64_t;  // numbered by the processor from 1; 0 means "none"
using CampaignId = uint64_t;
using RegistrationId = uint64_t;        // F-1-5 entries, numbered by the processor from 1
using UserId = uint64_t;                // the account store's opaque user id; 0 means "none"
using TerminationRequestId = uint64_t;  // F-7 解除依頼, numbered by the processor from 1

enum class OrganisationDateKind {
  kOpeningScheduled,
  kOpened,
  kAbolitionScheduled,
  kAbolished,
  kUnionJoinScheduled,
  kUnionJoined,
  kUnionLeaveScheduled,
  kUnionLeft,
  kPaymentConsignmentRegistered,
  kPaymentConsignmentCancelScheduled,
  kPaymentConsignmentCancelled,
};
std::string_view CodeName(OrganisationDateKind kind);

struct OrganisationRegistered {
  OrgId id = 0;
  OrganisationKind kind = OrganisationKind::kMhlw;
  std::string code, name, kana, address;
  int prefecture = 0;
  OrgId municipality = 0, parent = 0, member_of = 0;
  Affiliation affiliation = Affiliation::kNone;
  std::optional<JapanDate> opening_date;
  std::vector<OrgId> predecessors;  // a municipality or union: the ones it succeeds (F-1-1)
  friend bool operator==(const OrganisationRegistered&, const OrganisationRegistered&) = default;
};

struct FieldChange {
  std::string field, before, after;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

struct OrganisationChanged {
  OrgId id = 0;
  std::vector<FieldChange> changes;
  OrgId member_of = 0;              // the new value when "member_of" is among the changes
  OrgId municipality = 0;           // the new value when "municipality_code" is among the changes
  std::vector<OrgId> predecessors;  // the new list when "former_codes" is among the changes
  friend bool operator==(const OrganisationChanged&, const OrganisationChanged&) = default;
};

struct OrganisationDated {
  OrgId id = 0;
  OrganisationDateKind kind = OrganisationDateKind::kOpeningScheduled;
  JapanDate date;
  OrgId other = 0;
  friend bool operator==(const OrganisationDated&, const OrganisationDated&) = default;
};

struct LetterApplied {
  LetterId id = 0;
  OrgId delegator = 0, delegate = 0;
  ContractType contract_type = ContractType::kRoutine;
  CampaignId campaign = 0;
  bool document_confirmed = false;
  friend bool operator==(const LetterApplied&, const LetterApplied&) = default;
};

struct RedelegationCreated {
  LetterId id = 0;
  OrgId delegator = 0, delegate = 0;
  ContractType contract_type = ContractType::kRoutine;
  CampaignId campaign = 0;
  LetterId under = 0;
  JapanDate contract_date;
  LetterId upper = 0;
  friend bool operator==(const RedelegationCreated&, const RedelegationCreated&) = default;
};

struct LetterTransitioned {
  LetterId id = 0;
  LetterCommand command = LetterCommand::kApprove;
  LetterStatus status = LetterStatus::kNone;
  std::optional<JapanDate> contract_date;
  std::optional<JapanDate> date;
  std::string reason;
  LetterId upper = 0;
  friend bool operator==(const LetterTransitioned&, const LetterTransitioned&) = default;
};

struct DayClosed {
  JapanDate date;
  friend bool operator==(const DayClosed&, const DayClosed&) = default;
};

struct EligibilityRow {
  std::string code, name, address, municipality_code;
  friend bool operator==(const EligibilityRow&, const EligibilityRow&) = default;
};

struct EligibilityMasterImported {
  std::vector<EligibilityRow> rows;
  std::vector<std::string> removed;
  friend bool operator==(const EligibilityMasterImported&,
                         const EligibilityMasterImported&) = default;
};

enum class CodeChangeKind { kCodeChange, kMerger, kToNonInsured };
std::string_view CodeName(CodeChangeKind kind);
std::string_view JapaneseName(CodeChangeKind kind);

struct CodeChangeRequested {
  OrgId id = 0;
  uint32_t request = 0;
  CodeChangeKind change = CodeChangeKind::kCodeChange;
  std::string new_code, reason;
  bool consent = false, personal_data = false, designation_copy = false;
  OrgId approver = 0;
  friend bool operator==(const CodeChangeRequested&, const CodeChangeRequested&) = default;
};

struct CodeChangeDecided {
  OrgId id = 0;
  uint32_t request = 0;
  bool approved = false;
  std::string reason;
  std::string code;
  OrganisationKind kind = OrganisationKind::kInsuredInstitution;
  OrgId municipality = 0;
  Affiliation affiliation = Affiliation::kNone;
  OrgId survivor = 0;
  friend bool operator==(const CodeChangeDecided&, const CodeChangeDecided&) = default;
};

struct LetterRekeyed {
  LetterId id = 0;
  OrgId delegator = 0;
  std::string code, old_code;
  friend bool operator==(const LetterRekeyed&, const LetterRekeyed&) = default;
};

struct CollectiveContractSigned {
  JapanDate date;
  std::string note;
  friend bool operator==(const CollectiveContractSigned&,
                         const CollectiveContractSigned&) = default;
};

// ---- F-10 temporary vaccination (core/campaigns.h)

// Who carries out a campaign's vaccinations (実施主体, F-10-1).
enum class CampaignImplementer { kMunicipalities, kPrefecture };
std::string_view CodeName(CampaignImplementer implementer);  // municipalities, prefecture
std::string_view JapaneseName(CampaignImplementer implementer);

struct VaccineFee {
  std::string vaccine;  // vaccine_id of the 疾病・ワクチン master
  int64_t yen = 0;
  friend bool operator==(const VaccineFee&, const VaccineFee&) = default;
};

struct VaccineFeeChange {
  std::string vaccine;
  std::optional<int64_t> before, after;  // none: the vaccine is added / removed
  friend bool operator==(const VaccineFeeChange&, const VaccineFeeChange&) = default;
};

struct CampaignDeclared {
  CampaignId id = 0;
  OrgId declared_by = 0;
  std::string name;
  JapanDate start_date;
  CampaignImplementer implementer = CampaignImplementer::kMunicipalities;
  bool national = false;
  std::vector<int> prefectures;  // 発令エリア unless national, ascending
  std::vector<VaccineFee> fees;  // 基本委託料, by vaccine id
  JapanDate application_deadline, approval_deadline;
  friend bool operator==(const CampaignDeclared&, const CampaignDeclared&) = default;
};

struct CampaignFeesChanged {
  CampaignId id = 0;
  OrgId municipality = 0;  // 0: the 基本委託料; otherwise this municipality's 加算委託料
  std::vector<VaccineFeeChange> changes;
  friend bool operator==(const CampaignFeesChanged&, const CampaignFeesChanged&) = default;
};

struct CampaignEndRegistered {
  CampaignId id = 0;
  JapanDate end_date;  // the campaign's 脱退日: the first day out of force
  friend bool operator==(const CampaignEndRegistered&, const CampaignEndRegistered&) = default;
};

struct CampaignEnded {
  CampaignId id = 0;
  JapanDate date;
  friend bool operator==(const CampaignEnded&, const CampaignEnded&) = default;
};

// ---- F-2 fees and vaccines (core/fees.h): each in the stream "fees-<owner>".

enum class FeeSex { kAny, kMale, kFemale };               // 助成条件 性別 (F-2-1-3)
enum class Contractors { kAllInstitutions, kLocalOnly };  // 全医療機関 / 市内医療機関のみ
enum class VaccineSettingUnit { kPerUnion, kPerMember };  // 広域連合単位 / 市区町村単位
std::string_view CodeName(FeeSex sex);
std::string_view CodeName(Contractors contractors);
std::string_view CodeName(VaccineSettingUnit unit);

// F-2-1-2/3: a municipal vaccine registered or changed (the diff shown and confirmed), or moved
// by a day-job date effect (`cause` names the flow).
struct MunicipalVaccineSet {
  OrgId owner = 0;  // the municipality or union
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  int64_t amount = 0;  // 委託料 / 助成額, whole yen
  JapanDate start;
  std::optional<JapanDate> end;
  FeeSex sex = FeeSex::kAny;
  std::optional<int> age_min, age_max;
  Contractors contractors = Contractors::kAllInstitutions;
  std::vector<FieldChange> changes;
  std::string cause;
  friend bool operator==(const MunicipalVaccineSet&, const MunicipalVaccineSet&) = default;
};

// F_画面8-2-9: a union's ワクチン設定単位 from its 切替日.
struct VaccineSettingUnitSet {
  OrgId owner = 0;
  VaccineSettingUnit unit = VaccineSettingUnit::kPerUnion;
  JapanDate switch_date;
  friend bool operator==(const VaccineSettingUnitSet&, const VaccineSettingUnitSet&) = default;
};

// F-2-4: an institution's 契約先自治体 for a contract type; municipality 0 is "全国".
struct InstitutionContractSet {
  OrgId owner = 0;
  ContractType contract_type = ContractType::kRoutine;
  OrgId municipality = 0;
  JapanDate start;
  std::optional<JapanDate> end;
  std::vector<FieldChange> changes;
  std::string cause;
  friend bool operator==(const InstitutionContractSet&, const InstitutionContractSet&) = default;
};

// F-2-5: a vaccine an institution handles, with its 接種費用 (none for 任意助成).
struct InstitutionVaccineSet {
  OrgId owner = 0;
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  std::optional<int64_t> cost;
  JapanDate start;
  std::optional<JapanDate> end;
  std::vector<FieldChange> changes;
  friend bool operator==(const InstitutionVaccineSet&, const InstitutionVaccineSet&) = default;
};

// 希望する委託料の下限 of an institution (§4.3, F-2-5).
struct FeeFloorSet {
  OrgId owner = 0;
  std::optional<int64_t> floor;
  friend bool operator==(const FeeFloorSet&, const FeeFloorSet&) = default;
};

// ---- F-1-5 non-insured institutions entered through an input link (core/non_insured.h): each
// in the stream "registration-<id>".

// F_画面1-2-1: a prefecture, or a municipality for a site only it knows, got an input link for
// registration `id`, usable until `expires` (inclusive). The link's secret token is not an event's
// business: it belongs to the account store.
struct NonInsuredLinkIssued {
  RegistrationId id = 0;
  OrgId issuer = 0;    // the prefecture or municipality
  OrgId approver = 0;  // the prefecture that approves the entry (F_画面7-1-1/7-1-2)
  JapanDate expires;
  friend bool operator==(const NonInsuredLinkIssued&, const NonInsuredLinkIssued&) = default;
};

// The institution entered its data through the link (the input check passed). Its mail address
// and phone number are contact data, which never enter the log (invariant 11): only the address's
// digest is kept, for the one-address-per-institution rule (domain.md §4.6).
struct NonInsuredRegistrationSubmitted {
  RegistrationId id = 0;
  std::string name, kana, address;
  OrgId municipality = 0;  // where the site is
  std::string site_kind;   // 集団接種会場, 職域接種, 矯正施設 … as entered
  // HMAC-SHA-256 (hex) of the address in lower case under the account store's key (the
  // command's email_digest; entries before 2026-12 hold a bare SHA-256)
  std::string email_sha256;
  friend bool operator==(const NonInsuredRegistrationSubmitted&,
                         const NonInsuredRegistrationSubmitted&) = default;
};

// The approver decided: approved (the institution `org` was registered by the same command) or
// returned (差戻) with a reason. Either closes the registration.
struct NonInsuredRegistrationDecided {
  RegistrationId id = 0;
  bool approved = false;
  OrgId org = 0;
  std::string reason;
  friend bool operator==(const NonInsuredRegistrationDecided&,
                         const NonInsuredRegistrationDecided&) = default;
};

// ---- User accounts (core/users.h): in the stream "user-<id>".

// A user account was created, changed, locked … The account itself (login id, password hash,
// name, mail address, phone) lives in the account store: the log names the user by its id and
// the changed attributes by name only, never their values (invariant 11).
struct UserRecorded {
  UserId user = 0;
  OrgId org = 0;  // the organisation the user acts for
  UserChange change = UserChange::kCreated;
  std::string role;                 // "admin" or "user", from this event on
  std::vector<std::string> fields;  // names of the attributes changed: "name", "email", …
  friend bool operator==(const UserRecorded&, const UserRecorded&) = default;
};

// ---- F-7 解除依頼 (core/termination_requests.h): in the stream "termination-request-<id>".

// How a termination request was closed: the addressee terminated the institution's letters or
// declined (見送り), or the system closed it because the letters ended otherwise (**project**).
enum class TerminationOutcome { kTerminated, kDeclined, kLapsed };
std::string_view CodeName(TerminationOutcome outcome);  // terminated, declined, lapsed
std::string_view JapaneseName(TerminationOutcome outcome);

// A municipality or union with a voluntary contract relation asked the institution's locating
// authority (the "最寄り自治体" the system found) to terminate its letters (FG-10-002).
struct TerminationRequested {
  TerminationRequestId id = 0;
  OrgId institution = 0, requester = 0, addressee = 0;
  std::string reason;             // 解除理由 (接種誤りの多発, 不正接種の確認 …)
  std::optional<JapanDate> date;  // the 解除日 the requester wishes, if any
  std::vector<ContractType> contract_types;  // the voluntary types of the relation
  friend bool operator==(const TerminationRequested&, const TerminationRequested&) = default;
};

// The request was closed: terminated (with the 解除日 and the letters terminated or scheduled),
// declined with a reason, or lapsed (the system's cause as reason).
struct TerminationRequestDecided {
  TerminationRequestId id = 0;
  TerminationOutcome outcome = TerminationOutcome::kTerminated;
  std::string reason;
  std::optional<JapanDate> date;  // terminated: the 解除日
  std::vector<LetterId> letters;  // terminated: the letters terminated or scheduled to be
  friend bool operator==(const TerminationRequestDecided&,
                         const TerminationRequestDecided&) = default;
};

template <typename T>
inline constexpr bool kIsTerminationRequestEvent =
    std::is_same_v<T, TerminationRequested> || std::is_same_v<T, TerminationRequestDecided>;

template <typename T>
inline constexpr bool kIsRegistrationEvent =
    std::is_same_v<T, NonInsuredLinkIssued> || std::is_same_v<T, NonInsuredRegistrationSubmitted> ||
    std::is_same_v<T, NonInsuredRegistrationDecided>;

template <typename T>
inline constexpr bool kIsFeeEvent =
    std::is_same_v<T, MunicipalVaccineSet> || std::is_same_v<T, VaccineSettingUnitSet> ||
    std::is_same_v<T, InstitutionContractSet> || std::is_same_v<T, InstitutionVaccineSet> ||
    std::is_same_v<T, FeeFloorSet>;

using DomainEvent =
    std::variant<OrganisationRegistered, OrganisationChanged, OrganisationDated, LetterApplied,
                 RedelegationCreated, LetterTransitioned, DayClosed, EligibilityMasterImported,
                 CodeChangeRequested, CodeChangeDecided, LetterRekeyed, CollectiveContractSigned,
                 CampaignDeclared, CampaignFeesChanged, CampaignEndRegistered, CampaignEnded,
                 MunicipalVaccineSet, VaccineSettingUnitSet, InstitutionContractSet,
                 InstitutionVaccineSet, FeeFloorSet, NonInsuredLinkIssued,
                 NonInsuredRegistrationSubmitted, NonInsuredRegistrationDecided, UserRecorded,
                 TerminationRequested, TerminationRequestDecided>;

// The code name of an event's type ("letter_transitioned", …), for logs, history and JSON.
std::string_view EventTypeName(const DomainEvent& event);

// The stream an event belongs to: "org-<id>", "letter-<id>", "campaign-<id>", "fees-<owner>",
// "registration-<id>", "user-<id>", "termination-request-<id>", "day", "master-eligibility",
// "contract".
std::string StreamOf(const DomainEvent& event);

// Encodes one event for the store (the payload writer owns a copy of `event`).
events::NewEvent Encode(DomainEvent event, std::optional<JapanDate> effective_date);

// Decodes the payload of a stored record. kNotFound for a payload that is not a domain event
// (Opaque); kDataLoss naming the field for an out-of-range enumerator or date.
Result<DomainEvent> Decode(const fb::Event& event);

}  // namespace shugo::core
