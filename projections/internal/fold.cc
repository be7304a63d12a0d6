#include "projections/internal/fold.h"

#include <type_traits>
#include <variant>

namespace shugo::projections::internal {

namespace {

using core::LetterStatus;
using core::OrganisationKind;

bool IsInstitution(OrganisationKind kind) {
  return kind == OrganisationKind::kInsuredInstitution ||
         kind == OrganisationKind::kNonInsuredInstitution;
}

bool InForce(LetterStatus s) {
  return s == LetterStatus::kInContract || s == LetterStatus::kSecessionScheduled;
}

// The organisations an event may move (kind, prefecture, municipality) or otherwise change.
template <typename E>
void OrgsOf(const E& e, std::vector<core::OrgId>& out) {
  if constexpr (std::is_same_v<E, core::OrganisationRegistered> ||
                std::is_same_v<E, core::OrganisationChanged> ||
                std::is_same_v<E, core::CodeChangeRequested>) {
    out.push_back(e.id);
  } else if constexpr (std::is_same_v<E, core::OrganisationDated>) {
    out.push_back(e.id);
    if (e.other) out.push_back(e.other);
  } else if constexpr (std::is_same_v<E, core::CodeChangeDecided>) {
    out.push_back(e.id);
    if (e.survivor) out.push_back(e.survivor);
  } else if constexpr (std::is_same_v<E, core::LetterRekeyed>) {
    out.push_back(e.delegator);
  } else if constexpr (std::is_same_v<E, core::NonInsuredRegistrationDecided>) {
    if (e.org) out.push_back(e.org);
  }
}

}  // namespace

Fold::Where Fold::WhereIs(core::OrgId id) const {
  const core::Organisation* o = state_.FindOrg(id);
  if (!o) return {};
  return {o->kind, o->prefecture, o->municipality, o->code, o->name};
}

void Fold::NoteDelegate(core::LetterId id) {
  const core::Letter* l = state_.FindLetter(id);
  if (!l) return;
  if (l->delegate >= letters_to_.size()) letters_to_.resize(l->delegate + 1);
  letters_to_[l->delegate].push_back(id);  // letters are numbered in order: the list stays sorted
}

const std::vector<core::LetterId>& Fold::LettersTo(core::OrgId org) const {
  static const std::vector<core::LetterId> kNone;
  return org < letters_to_.size() ? letters_to_[org] : kNone;
}

void Fold::TouchOrg(core::OrgId id) {
  orgs_.Insert(id);
  const core::Organisation* o = state_.FindOrg(id);
  if (o && IsInstitution(o->kind)) public_.Insert(id);
}

void Fold::MarkLetter(core::LetterId id) {
  if (id >= letter_marks_.size()) {
    letter_marks_.resize(std::max<size_t>(id + 1, letter_marks_.size() * 2));
  }
  LetterMarks& marks = letter_marks_[id];
  if (letters_.Insert(id)) marks.created = marks.last = 0;  // no event of its own yet this batch
  marks.revision = position_;  // the event being applied changed the row
}

void Fold::TouchLetter(core::LetterId id, int64_t at, bool created) {
  MarkLetter(id);
  LetterMarks& marks = letter_marks_[id];
  if (created) marks.created = at;
  marks.last = at;
  if (const core::Letter* l = state_.FindLetter(id)) {
    const core::Organisation* o = state_.FindOrg(l->delegator);
    if (o && IsInstitution(o->kind)) public_.Insert(o->id);
  }
}

Status Fold::Apply(events::Position position, const fb::Event& record, Batch* batch) {
  Result<core::DomainEvent> decoded = core::Decode(record);
  if (!decoded.ok()) {
    if (decoded.status().code() != StatusCode::kNotFound) {
      return Status::DataLoss("position " + std::to_string(position) + ": " +
                              decoded.status().message());
    }
    position_ = position;  // not a domain event
    if (batch) {
      if (!batch->first) batch->first = position;
      batch->last = position;
    }
    return Status::Ok();
  }
  const core::DomainEvent& event = *decoded;
  // The letter this event creates, if any (its delegate's list must know it).
  core::LetterId created = 0;
  if (const auto* e = std::get_if<core::LetterApplied>(&event)) created = e->id;
  if (const auto* e = std::get_if<core::RedelegationCreated>(&event)) created = e->id;
  if (!batch) {
    SHUGO_RETURN_IF_ERROR(state_.Apply(event));
    position_ = position;
    if (created) NoteDelegate(created);
    return Status::Ok();
  }
  std::vector<core::OrgId> orgs;
  std::visit([&](const auto& e) { OrgsOf(e, orgs); }, event);
  std::vector<Where> before;
  before.reserve(orgs.size());
  for (core::OrgId id : orgs) before.push_back(WhereIs(id));

  if (Status s = state_.Apply(event); !s.ok()) {
    return Status::DataLoss("position " + std::to_string(position) + ": " + s.message());
  }
  position_ = position;
  if (created) NoteDelegate(created);
  const int64_t at = record.header()->recorded_at_us();
  for (size_t i = 0; i < orgs.size(); ++i) {
    TouchOrg(orgs[i]);
    // A move changes the visibility columns of its letters (F-8), a new code or name their
    // copies of it: on either side of the letter.
    if (!(WhereIs(orgs[i]) == before[i])) {
      for (core::LetterId l : state_.LettersOf(orgs[i])) MarkLetter(l);
      for (core::LetterId l : LettersTo(orgs[i])) MarkLetter(l);
    }
  }
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, core::LetterApplied>) {
          TouchLetter(e.id, at, true);
        } else if constexpr (std::is_same_v<E, core::RedelegationCreated>) {
          TouchLetter(e.id, at, true);
          TouchLetter(e.under, at, false);
        } else if constexpr (std::is_same_v<E, core::LetterTransitioned>) {
          TouchLetter(e.id, at, false);
        } else if constexpr (std::is_same_v<E, core::LetterRekeyed>) {
          TouchLetter(e.id, at, false);
        } else if constexpr (std::is_same_v<E, core::CampaignDeclared> ||
                             std::is_same_v<E, core::CampaignFeesChanged> ||
                             std::is_same_v<E, core::CampaignEndRegistered> ||
                             std::is_same_v<E, core::CampaignEnded>) {
          campaigns_.Insert(e.id);
        } else if constexpr (core::kIsRegistrationEvent<E>) {
          registrations_.Insert(e.id);
        } else if constexpr (core::kIsTerminationRequestEvent<E>) {
          termination_requests_.Insert(e.id);
        }
      },
      event);

  if (!batch->first) batch->first = position;
  batch->last = position;
  if (batch->events.empty()) batch->events.reserve(4096);
  EventMeta& m = batch->events.emplace_back();
  m.position = position;
  m.stream = record.stream()->str();
  m.version = record.header()->stream_version();
  m.recorded_at = at;
  m.effective = record.effective_date();
  if (record.actor_user()) m.actor_user = record.actor_user()->str();
  if (record.actor_org()) m.actor_org = record.actor_org()->str();
  if (record.command_id()) m.command_id = record.command_id()->str();
  m.event = std::move(*decoded);
  return Status::Ok();
}

LetterRow Fold::MakeLetterRow(core::LetterId id) const {
  LetterRow row;
  row.letter = *state_.FindLetter(id);
  const core::Letter& l = row.letter;
  if (l.redelegation) {
    row.depth = 1;
    const core::Letter* under = state_.FindLetter(l.under);
    if (under && under->redelegation) row.depth = 2;
  }
  if (const core::Organisation* o = state_.FindOrg(l.delegator)) {
    row.delegator_kind = o->kind;
    row.delegator_prefecture = o->prefecture;
    row.delegator_municipality =
        o->kind == OrganisationKind::kMunicipality || o->kind == OrganisationKind::kWideAreaUnion
            ? o->id
            : o->municipality;
    row.delegator_code = o->code;
    row.delegator_name = o->name;
  }
  if (const core::Organisation* o = state_.FindOrg(l.delegate)) {
    row.delegate_kind = o->kind;
    row.delegate_prefecture = o->prefecture;
    row.delegate_code = o->code;
    row.delegate_name = o->name;
  }
  row.created_at = letter_marks_[id].created;
  row.updated_at = letter_marks_[id].last;
  row.revision = letter_marks_[id].revision;
  return row;
}

PublicRow Fold::MakePublicRow(core::OrgId id) const {
  PublicRow row;
  row.org = *state_.FindOrg(id);
  for (core::LetterId lid : state_.LettersOf(id)) {
    const core::Letter* l = state_.FindLetter(lid);
    if (l && InForce(l->status)) row.in_force[static_cast<size_t>(l->contract_type)] = true;
  }
  const bool any = row.in_force[0] || row.in_force[1] || row.in_force[2] || row.in_force[3];
  row.listed = any && IsInstitution(row.org.kind) && !row.org.abolished && !row.org.merged_into;
  return row;
}

void Fold::Seal(Batch& batch, bool deferred) {
  const auto& orgs = orgs_.Sorted();
  batch.orgs.reserve(orgs.size());
  for (core::OrgId id : orgs) {
    if (const core::Organisation* o = state_.FindOrg(id)) batch.orgs.push_back(*o);
  }
  for (core::CampaignId id : campaigns_.Sorted()) {
    if (const core::Campaign* c = state_.FindCampaign(id)) batch.campaigns.push_back(*c);
  }
  for (core::RegistrationId id : registrations_.Sorted()) {
    if (const core::NonInsuredRegistration* r = state_.FindRegistration(id)) {
      batch.registrations.push_back(*r);
    }
  }
  for (core::TerminationRequestId id : termination_requests_.Sorted()) {
    if (const core::TerminationRequest* r = state_.FindTerminationRequest(id)) {
      batch.termination_requests.push_back(*r);
    }
  }
  orgs_.Clear();
  campaigns_.Clear();
  registrations_.Clear();
  termination_requests_.Clear();
  batch.deferred = deferred;
  if (deferred) return;
  const auto& letters = letters_.Sorted();
  batch.letters.reserve(letters.size());
  for (core::LetterId id : letters) {
    if (state_.FindLetter(id)) batch.letters.push_back(MakeLetterRow(id));
  }
  const auto& institutions = public_.Sorted();
  batch.public_rows.reserve(institutions.size());
  for (core::OrgId id : institutions) {
    if (state_.FindOrg(id)) batch.public_rows.push_back(MakePublicRow(id));
  }
  public_.Clear();
  letters_.Clear();
}

}  // namespace shugo::projections::internal
