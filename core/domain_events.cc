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
static_assert(static_cast<int>(fb::LetterCommand::return_) ==
              static_cast<int>(LetterCommand::kReturn));
static_assert(static_cast<int>(fb::Affiliation::prefectural_site) ==
              static_cast<int>(Affiliation::kPrefecturalSite));
static_assert(static_cast<int>(fb::OrganisationDateKind::payment_consignment_cancelled) ==
              static_cast<int>(OrganisationDateKind::kPaymentConsignmentCancelled));
static_assert(static_cast<int>(fb::CampaignImplementer::prefecture) ==
              static_cast<int>(CampaignImplementer::kPrefecture));

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

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb,
                                const OrganisationRegistered& e) {
  auto code = fbb.CreateString(e.code);
  auto name = fbb.CreateString(e.name);
  auto kana = fbb.CreateString(e.kana);
  auto address = fbb.CreateString(e.address);
  return fb::CreateOrganisationRegistered(
             fbb, e.id, EnumTo<fb::OrganisationKind>(e.kind), code, name, kana, address,
             static_cast<uint8_t>(e.prefecture), e.municipality, e.parent, e.member_of,
             EnumTo<fb::Affiliation>(e.affiliation), Ymd(e.opening_date))
      .Union();
}

flatbuffers::Offset<void> Write(flatbuffers::FlatBufferBuilder& fbb, const OrganisationChanged& e) {
  std::vector<flatbuffers::Offset<fb::FieldChange>> changes;
  changes.reserve(e.changes.size());
  for (const FieldChange& c : e.changes) {
    changes.push_back(fb::CreateFieldChange(fbb, fbb.CreateString(c.field),
                                            fbb.CreateString(c.before), fbb.CreateString(c.after)));
  }
  return fb::CreateOrganisationChanged(fbb, e.id, fbb.CreateVector(changes), e.member_of).Union();
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

std::optional<int64_t> OptYen(int64_t yen) {
  return yen < 0 ? std::nullopt : std::optional<int64_t>(yen);
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
  if constexpr (std::is_same_v<T, CampaignDeclared>) return fb::Payload::CampaignDeclared;
  if constexpr (std::is_same_v<T, CampaignFeesChanged>) return fb::Payload::CampaignFeesChanged;
  if constexpr (std::is_same_v<T, CampaignEndRegistered>) return fb::Payload::CampaignEndRegistered;
  if constexpr (std::is_same_v<T, CampaignEnded>) return fb::Payload::CampaignEnded;
}

}  // namespace

std::string_view CodeName(OrganisationDateKind kind) {
  return fb::EnumNameOrganisationDateKind(EnumTo<fb::OrganisationDateKind>(kind));
}

std::string_view JapaneseName(CampaignImplementer implementer) {
  return implementer == CampaignImplementer::kPrefecture ? "都道府県" : "市区町村";
}

std::string_view EventTypeName(const DomainEvent& event) {
  static constexpr std::string_view kNames[] = {"organisation_registered",
                                                "organisation_changed",
                                                "organisation_dated",
                                                "letter_applied",
                                                "redelegation_created",
                                                "letter_transitioned",
                                                "day_closed",
                                                "campaign_declared",
                                                "campaign_fees_changed",
                                                "campaign_end_registered",
                                                "campaign_ended"};
  static_assert(std::size(kNames) == std::variant_size_v<DomainEvent>);
  return kNames[event.index()];
}

std::string StreamOf(const DomainEvent& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, DayClosed>) {
          return "day";
        } else if constexpr (std::is_same_v<T, CampaignDeclared> ||
                             std::is_same_v<T, CampaignFeesChanged> ||
                             std::is_same_v<T, CampaignEndRegistered> ||
                             std::is_same_v<T, CampaignEnded>) {
          return "campaign-" + std::to_string(e.id);
        } else if constexpr (std::is_same_v<T, LetterApplied> ||
                             std::is_same_v<T, RedelegationCreated> ||
                             std::is_same_v<T, LetterTransitioned>) {
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
      return DomainEvent(std::move(e));
    }
    case fb::Payload::OrganisationChanged: {
      const auto* p = event.payload_as_OrganisationChanged();
      OrganisationChanged e;
      e.id = p->id();
      e.member_of = p->member_of();
      if (p->changes() != nullptr) {
        for (const fb::FieldChange* c : *p->changes()) {
          e.changes.push_back({Str(c->field()), Str(c->before()), Str(c->after())});
        }
      }
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
          e.changes.push_back({Str(c->vaccine()), OptYen(c->before()), OptYen(c->after())});
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
    default:
      return Status::NotFound("not a domain event");
  }
}

}  // namespace shugo::core
