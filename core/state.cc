#include "core/state.h"

#include <algorithm>

namespace shugo::core {

namespace {

const std::vector<LetterId> kNoLetters;
const std::set<LetterId> kNoLetterSet;
const std::vector<OrgId> kNoOrgs;

Status Inconsistent(std::string what) {
  return Status::DataLoss("the log contradicts the domain state: " + what);
}

// Sorted id lists: ids are added mostly in increasing order.
void AddSorted(std::vector<OrgId>& ids, OrgId id) {
  ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
}
void RemoveSorted(std::vector<OrgId>& ids, OrgId id) {
  auto it = std::lower_bound(ids.begin(), ids.end(), id);
  if (it != ids.end() && *it == id) ids.erase(it);
}

}  // namespace

Status State::Apply(const DomainEvent& event) {
  return std::visit(
      [this](const auto& e) -> Status {
        using T = std::decay_t<decltype(e)>;
        if constexpr (kIsFeeEvent<T>) {  // F-2 (core/fee_book.h)
          if (FindOrg(e.owner) == nullptr) {
            return Inconsistent("fees of unknown organisation " + std::to_string(e.owner));
          }
          if constexpr (std::is_same_v<T, InstitutionContractSet>) {
            if (e.municipality != 0 && FindOrg(e.municipality) == nullptr) {
              return Inconsistent("contract with unknown organisation " +
                                  std::to_string(e.municipality));
            }
          }
          fees_.Apply(e);
          return Status::Ok();
        } else {
          return ApplyEvent(e);
        }
      },
      event);
}

const Organisation* State::FindOrg(OrgId id) const {
  return id >= 1 && id <= orgs_.size() ? &orgs_[id - 1] : nullptr;
}

Organisation* State::MutableOrg(OrgId id) {
  return id >= 1 && id <= orgs_.size() ? &orgs_[id - 1] : nullptr;
}

const Organisation* State::FindOrgByCode(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : FindOrg(it->second);
}

const Letter* State::FindLetter(LetterId id) const {
  return id >= 1 && id <= letters_.size() ? &letters_[id - 1] : nullptr;
}

Letter* State::MutableLetter(LetterId id) {
  return id >= 1 && id <= letters_.size() ? &letters_[id - 1] : nullptr;
}

const Letter* State::OpenLetter(OrgId delegator, ContractType type, CampaignId campaign) const {
  auto it = open_.find(LetterKey{delegator, 0, type, campaign});
  return it == open_.end() ? nullptr : FindLetter(it->second);
}

const Letter* State::LiveRedelegation(OrgId from, OrgId to, ContractType type,
                                      CampaignId campaign) const {
  auto it = redelegated_.find(LetterKey{from, to, type, campaign});
  return it == redelegated_.end() ? nullptr : FindLetter(it->second);
}

const Organisation* State::Singleton(OrganisationKind kind) const {
  auto it = singletons_.find(kind);
  return it == singletons_.end() ? nullptr : FindOrg(it->second);
}

const Organisation* State::PrefectureOf(int prefecture) const {
  auto it = prefectures_.find(prefecture);
  return it == prefectures_.end() ? nullptr : FindOrg(it->second);
}

const Organisation* State::AreaAssociation(const Organisation& institution) const {
  if (auto it = associations_by_municipality_.find(institution.municipality);
      it != associations_by_municipality_.end()) {
    return FindOrg(it->second.front());
  }
  if (auto it = associations_by_prefecture_.find(institution.prefecture);
      it != associations_by_prefecture_.end()) {
    return FindOrg(it->second.front());
  }
  return nullptr;
}

bool State::HasPending(OrgId org, OrganisationDateKind kind) const {
  const Organisation* o = FindOrg(org);
  if (o == nullptr) return false;
  std::optional<JapanDate> date;
  switch (kind) {
    case OrganisationDateKind::kOpeningScheduled:
      date = o->opening_date;
      break;
    case OrganisationDateKind::kAbolitionScheduled:
      date = o->abolition_date;
      break;
    case OrganisationDateKind::kUnionJoinScheduled:
      date = o->union_join_date;
      break;
    case OrganisationDateKind::kUnionLeaveScheduled:
      date = o->union_leave_date;
      break;
    case OrganisationDateKind::kPaymentConsignmentCancelScheduled:
      date = o->payment_consignment_cancel_date;
      break;
    default:
      return false;
  }
  return date && pending_.contains({*date, kind, org});
}

const std::vector<LetterId>& State::LettersOf(OrgId org) const {
  auto it = letters_of_.find(org);
  return it == letters_of_.end() ? kNoLetters : it->second;
}

std::optional<JapanDate> State::EarliestDue() const {
  std::optional<JapanDate> first;
  auto take = [&first](const auto& queue) {
    if (queue.empty()) return;
    const JapanDate date = queue.begin()->first;
    if (!first || date < *first) first = date;
  };
  take(approved_);
  take(secessions_);
  take(terminations_);
  take(campaign_ends_);
  if (!pending_.empty() && (!first || pending_.begin()->date < *first)) {
    first = pending_.begin()->date;
  }
  return first;
}

const std::vector<LetterId>& State::LettersTo(OrgId org) const {
  auto it = letters_to_.find(org);
  return it == letters_to_.end() ? kNoLetters : it->second;
}

const EligibilityRow* State::FindEligible(std::string_view code) const {
  auto it = eligibility_.find(std::string(code));
  return it == eligibility_.end() ? nullptr : &it->second;
}

const std::vector<OrgId>& State::MembersOf(OrgId union_id) const {
  auto it = members_of_.find(union_id);
  return it == members_of_.end() ? kNoOrgs : it->second;
}

const std::vector<OrgId>& State::LocatedIn(OrgId municipality) const {
  auto it = located_in_.find(municipality);
  return it == located_in_.end() ? kNoOrgs : it->second;
}

Status State::Succeed(Organisation& o, const std::vector<OrgId>& predecessors) {
  for (OrgId p : o.predecessors) {
    if (Organisation* before = MutableOrg(p)) RemoveSorted(before->successors, o.id);
  }
  for (OrgId p : predecessors) {
    Organisation* before = MutableOrg(p);
    if (before == nullptr || p == o.id) {
      return Inconsistent("predecessor " + std::to_string(p) + " of " + std::to_string(o.id));
    }
    AddSorted(before->successors, o.id);
  }
  o.predecessors = predecessors;
  return Status::Ok();
}

const Campaign* State::FindCampaign(CampaignId id) const {
  return id >= 1 && id <= campaigns_.size() ? &campaigns_[id - 1] : nullptr;
}

Campaign* State::MutableCampaign(CampaignId id) {
  return id >= 1 && id <= campaigns_.size() ? &campaigns_[id - 1] : nullptr;
}

const std::vector<LetterId>& State::LettersOfCampaign(CampaignId id) const {
  auto it = campaign_letters_.find(id);
  return it == campaign_letters_.end() ? kNoLetters : it->second;
}

const std::set<LetterId>& State::LiveLettersOfCampaign(CampaignId id) const {
  auto it = campaign_live_.find(id);
  return it == campaign_live_.end() ? kNoLetterSet : it->second;
}

Status State::ApplyEvent(const OrganisationRegistered& e) {
  if (e.id != next_org_id()) {
    return Inconsistent("organisation " + std::to_string(e.id) + " registered out of order");
  }
  if (by_code_.contains(e.code)) return Inconsistent("code " + e.code + " registered twice");
  Organisation& o = orgs_.emplace_back();
  o.id = e.id;
  o.kind = e.kind;
  o.code = e.code;
  o.name = e.name;
  o.kana = e.kana;
  o.address = e.address;
  o.prefecture = e.prefecture;
  o.municipality = e.municipality;
  o.parent = e.parent;
  o.member_of = e.member_of;
  o.affiliation = e.affiliation;
  o.opening_date = e.opening_date;
  o.version = 1;
  by_code_.emplace(o.code, o.id);
  SHUGO_RETURN_IF_ERROR(Succeed(o, e.predecessors));
  if (o.municipality != 0) AddSorted(located_in_[o.municipality], o.id);
  switch (o.kind) {
    case OrganisationKind::kMhlw:
    case OrganisationKind::kCentralFederation:
    case OrganisationKind::kGovernorsAssociation:
    case OrganisationKind::kJma:
      singletons_.emplace(o.kind, o.id);
      break;
    case OrganisationKind::kPrefecture:
      prefectures_.emplace(o.prefecture, o.id);
      break;
    case OrganisationKind::kLocalMedicalAssociation:
      associations_by_municipality_[o.municipality].push_back(o.id);
      associations_by_prefecture_[o.prefecture].push_back(o.id);
      break;
    default:
      break;
  }
  if (o.opening_date)
    pending_.insert({*o.opening_date, OrganisationDateKind::kOpeningScheduled, o.id});
  return Status::Ok();
}

Status State::ApplyEvent(const OrganisationChanged& e) {
  Organisation* o = MutableOrg(e.id);
  if (o == nullptr) return Inconsistent("change of unknown organisation " + std::to_string(e.id));
  for (const FieldChange& c : e.changes) {
    if (c.field == "name") {
      o->name = c.after;
    } else if (c.field == "kana") {
      o->kana = c.after;
    } else if (c.field == "address") {
      o->address = c.after;
    } else if (c.field == "member_of") {
      o->member_of = e.member_of;
      const Organisation* group = FindOrg(e.member_of);
      const Organisation* parent = FindOrg(o->parent);
      // A site routes by its setting-up authority, whatever its membership (docs/domain.md §3).
      o->affiliation =
          parent != nullptr
              ? (parent->kind == OrganisationKind::kPrefecture ? Affiliation::kPrefecturalSite
                                                               : Affiliation::kMunicipalSite)
          : group == nullptr                                  ? Affiliation::kNoMembership
          : group->kind == OrganisationKind::kOtherAggregator ? Affiliation::kOtherAggregator
                                                              : Affiliation::kMedicalAssociation;
    } else if (c.field == "municipality_code") {  // moved (by hand, or on reorganisation)
      if (FindOrg(e.municipality) == nullptr) {
        return Inconsistent("move into unknown municipality " + std::to_string(e.municipality));
      }
      RemoveSorted(located_in_[o->municipality], o->id);
      AddSorted(located_in_[e.municipality], o->id);
      if (o->kind == OrganisationKind::kLocalMedicalAssociation) {
        RemoveSorted(associations_by_municipality_[o->municipality], o->id);
        AddSorted(associations_by_municipality_[e.municipality], o->id);
      }
      o->municipality = e.municipality;
    } else if (c.field == "former_codes") {
      SHUGO_RETURN_IF_ERROR(Succeed(*o, e.predecessors));
    } else if (c.field == "merged_from") {
      // Recorded on the survivor's stream after the CodeChangeDecided that merged it (applied
      // there): nothing more to change.
    } else if (c.field == "code") {
      if (by_code_.contains(c.after)) return Inconsistent("code " + c.after + " taken");
      o->old_codes.push_back(o->code);
      o->code = c.after;
      by_code_.emplace(o->code, o->id);  // the old code keeps finding it (F-1-4-3)
    } else {
      return Inconsistent("unknown field " + c.field);
    }
  }
  ++o->version;
  return Status::Ok();
}

Status State::ApplyEvent(const OrganisationDated& e) {
  Organisation* o = MutableOrg(e.id);
  if (o == nullptr) return Inconsistent("date of unknown organisation " + std::to_string(e.id));
  using K = OrganisationDateKind;
  auto reschedule = [&](std::optional<JapanDate>& field, K kind) {
    if (field) pending_.erase({*field, kind, o->id});
    field = e.date;
    pending_.insert({e.date, kind, o->id});
  };
  auto done = [&](std::optional<JapanDate>& field, K kind) {
    if (field) pending_.erase({*field, kind, o->id});
  };
  switch (e.kind) {
    case K::kOpeningScheduled:
      if (o->opening_date && *o->opening_date != e.date) {
        o->former_opening_dates.push_back(*o->opening_date);
      }
      reschedule(o->opening_date, K::kOpeningScheduled);
      break;
    case K::kOpened:
      done(o->opening_date, K::kOpeningScheduled);
      o->opening_date.reset();
      o->former_opening_dates.clear();
      break;
    case K::kAbolitionScheduled:
      reschedule(o->abolition_date, K::kAbolitionScheduled);
      break;
    case K::kAbolished:
      done(o->abolition_date, K::kAbolitionScheduled);
      o->abolished = true;
      abolished_.push_back(o->id);
      break;
    case K::kUnionJoinScheduled:
      reschedule(o->union_join_date, K::kUnionJoinScheduled);
      o->union_id = e.other;
      done(o->union_leave_date, K::kUnionLeaveScheduled);  // a leave not yet carried out goes too
      o->union_leave_date.reset();
      // Once per member, however often it joins.
      if (auto& members = members_of_[e.other];
          std::find(members.begin(), members.end(), o->id) == members.end()) {
        members.push_back(o->id);
      }
      break;
    case K::kUnionJoined:
      done(o->union_join_date, K::kUnionJoinScheduled);
      o->in_union = true;
      break;
    case K::kUnionLeaveScheduled:
      reschedule(o->union_leave_date, K::kUnionLeaveScheduled);
      break;
    case K::kUnionLeft:
      done(o->union_leave_date, K::kUnionLeaveScheduled);
      o->in_union = false;
      break;
    case K::kPaymentConsignmentRegistered:
      o->payment_consignment = true;
      o->payment_consignment_date = e.date;
      break;
    case K::kPaymentConsignmentCancelScheduled:
      reschedule(o->payment_consignment_cancel_date, K::kPaymentConsignmentCancelScheduled);
      break;
    case K::kPaymentConsignmentCancelled:
      done(o->payment_consignment_cancel_date, K::kPaymentConsignmentCancelScheduled);
      o->payment_consignment = false;
      break;
  }
  ++o->version;
  return Status::Ok();
}

Status State::ApplyEvent(const LetterApplied& e) {
  if (e.id != next_letter_id()) {
    return Inconsistent("letter " + std::to_string(e.id) + " applied out of order");
  }
  if (FindOrg(e.delegator) == nullptr || FindOrg(e.delegate) == nullptr) {
    return Inconsistent("letter " + std::to_string(e.id) + " names an unknown organisation");
  }
  Letter& l = letters_.emplace_back();
  l.id = e.id;
  l.delegator = e.delegator;
  l.delegate = e.delegate;
  l.contract_type = e.contract_type;
  l.campaign = e.campaign;
  l.status = LetterStatus::kApplied;
  l.version = 1;
  if (l.campaign != 0) {
    if (FindCampaign(l.campaign) == nullptr) {
      return Inconsistent("letter " + std::to_string(e.id) + " names an unknown campaign");
    }
    campaign_letters_[l.campaign].push_back(l.id);
  }
  open_[LetterKey{l.delegator, 0, l.contract_type, l.campaign}] = l.id;
  letters_of_[l.delegator].push_back(l.id);
  letters_to_[l.delegate].push_back(l.id);
  return Status::Ok();
}

Status State::ApplyEvent(const RedelegationCreated& e) {
  if (e.id != next_letter_id()) {
    return Inconsistent("re-delegation " + std::to_string(e.id) + " created out of order");
  }
  if (FindOrg(e.delegator) == nullptr || FindOrg(e.delegate) == nullptr ||
      (e.upper != 0 && FindLetter(e.upper) == nullptr)) {
    return Inconsistent("re-delegation " + std::to_string(e.id) + " names an unknown id");
  }
  Letter& l = letters_.emplace_back();
  l.id = e.id;
  l.delegator = e.delegator;
  l.delegate = e.delegate;
  l.contract_type = e.contract_type;
  l.campaign = e.campaign;
  l.status = LetterStatus::kApproved;
  l.redelegation = true;
  l.under = e.under;
  l.upper = e.upper;
  l.contract_date = e.contract_date;
  l.version = 1;
  redelegated_[LetterKey{l.delegator, l.delegate, l.contract_type, l.campaign}] = l.id;
  letters_of_[l.delegator].push_back(l.id);
  letters_to_[l.delegate].push_back(l.id);
  if (l.campaign != 0) campaign_letters_[l.campaign].push_back(l.id);
  Index(l);
  SetLive(l, false);
  return Status::Ok();
}

Status State::ApplyEvent(const LetterTransitioned& e) {
  Letter* l = MutableLetter(e.id);
  if (l == nullptr) return Inconsistent("transition of unknown letter " + std::to_string(e.id));
  if (e.upper != 0 && FindLetter(e.upper) == nullptr) {
    return Inconsistent("letter " + std::to_string(e.id) + " under unknown re-delegation");
  }
  const bool was_live = l->live();
  Unindex(*l);
  l->status = e.status;
  if (e.contract_date) l->contract_date = e.contract_date;
  if (e.command == LetterCommand::kScheduleTermination) {
    // F-7: a future 解除日, carried out by the day job; the 脱退日 (if any) stays.
    l->termination_date = e.date;
    l->termination_reason = e.reason;
  } else if (e.date) {
    l->date = e.date;
  }
  if (IsTerminal(l->status)) {  // carried out, or ended otherwise first
    l->termination_date.reset();
    l->termination_reason.clear();
  }
  if (!e.reason.empty()) l->reason = e.reason;
  if (e.upper != 0) l->upper = e.upper;
  ++l->version;
  Index(*l);
  SetLive(*l, was_live);
  if (l->campaign != 0 && !l->redelegation) {
    if (l->live()) {
      campaign_live_[l->campaign].insert(l->id);
    } else {
      campaign_live_[l->campaign].erase(l->id);
    }
  }
  if (IsTerminal(l->status)) {
    // Only the entry that is this letter's: never another letter of the same key.
    auto& index = l->redelegation ? redelegated_ : open_;
    const LetterKey key{l->delegator, l->redelegation ? l->delegate : 0, l->contract_type,
                        l->campaign};
    if (auto it = index.find(key); it != index.end() && it->second == l->id) index.erase(it);
  }
  return Status::Ok();
}

Status State::ApplyEvent(const DayClosed& e) {
  last_closed_day_ = e.date;
  ++day_version_;
  return Status::Ok();
}

Status State::ApplyEvent(const EligibilityMasterImported& e) {
  for (const std::string& code : e.removed) eligibility_.erase(code);
  for (const EligibilityRow& r : e.rows) eligibility_[r.code] = r;
  ++eligibility_version_;
  return Status::Ok();
}

Status State::ApplyEvent(const CodeChangeRequested& e) {
  Organisation* o = MutableOrg(e.id);
  if (o == nullptr || e.request != o->code_change_requests + 1) {
    return Inconsistent("code change request " + std::to_string(e.request) + " of organisation " +
                        std::to_string(e.id));
  }
  o->code_change_requests = e.request;
  o->pending_code_change = e;
  ++o->version;
  return Status::Ok();
}

Status State::ApplyEvent(const CodeChangeDecided& e) {
  Organisation* o = MutableOrg(e.id);
  if (o == nullptr || !o->pending_code_change || o->pending_code_change->request != e.request) {
    return Inconsistent("decision on no pending code change of organisation " +
                        std::to_string(e.id));
  }
  o->pending_code_change.reset();
  ++o->version;
  if (!e.approved) return Status::Ok();
  if (e.survivor != 0) {  // merged: every code of it finds the survivor from now
    Organisation* survivor = MutableOrg(e.survivor);
    if (survivor == nullptr || survivor->code != e.code) {
      return Inconsistent("merger into unknown survivor " + std::to_string(e.survivor));
    }
    o->merged_into = survivor->id;
    // So do the codes of the institutions merged into it before (they found it until now).
    for (std::vector<OrgId> merged = {o->id}; !merged.empty();) {
      const Organisation& m = orgs_[merged.back() - 1];
      merged.pop_back();
      by_code_[m.code] = survivor->id;
      for (const std::string& c : m.old_codes) by_code_[c] = survivor->id;
      merged.insert(merged.end(), m.merged_from.begin(), m.merged_from.end());
    }
    // Its own stream records it too (an OrganisationChanged of `merged_from` follows; logs
    // written before it did not have one).
    survivor->merged_from.push_back(o->id);
    return Status::Ok();
  }
  if (e.code != o->code) {
    auto held = by_code_.find(e.code);
    if (held != by_code_.end() && held->second != o->id) {
      return Inconsistent("code " + e.code + " taken");
    }
    // A code of its own back (a site given an insured code, then made non-insured again, gets
    // its numbered code): no longer an old code.
    std::erase(o->old_codes, e.code);
    o->old_codes.push_back(o->code);
    o->code = e.code;
    by_code_.emplace(o->code, o->id);  // the old codes keep finding it
  }
  o->kind = e.kind;
  o->municipality = e.municipality;
  if (const Organisation* m = FindOrg(e.municipality); m != nullptr) o->prefecture = m->prefecture;
  o->affiliation = e.affiliation;
  if (e.kind == OrganisationKind::kInsuredInstitution) o->parent = 0;
  return Status::Ok();
}

Status State::ApplyEvent(const LetterRekeyed& e) {
  Letter* l = MutableLetter(e.id);
  if (l == nullptr || FindOrg(e.delegator) == nullptr) {
    return Inconsistent("re-key of letter " + std::to_string(e.id));
  }
  if (e.delegator != l->delegator) {
    auto& from = letters_of_[l->delegator];
    from.erase(std::remove(from.begin(), from.end(), l->id), from.end());
    auto& to = letters_of_[e.delegator];
    to.insert(std::lower_bound(to.begin(), to.end(), l->id), l->id);
    if (!l->redelegation && !IsTerminal(l->status)) {
      open_.erase(LetterKey{l->delegator, 0, l->contract_type, l->campaign});
      auto [it, fresh] =
          open_.emplace(LetterKey{e.delegator, 0, l->contract_type, l->campaign}, l->id);
      if (!fresh) return Inconsistent("letter " + std::to_string(e.id) + " re-keyed onto another");
    }
    l->delegator = e.delegator;
  }
  ++l->version;
  return Status::Ok();
}

Status State::ApplyEvent(const CollectiveContractSigned& e) {
  contract_ = e;
  ++contract_version_;
  return Status::Ok();
}

Status State::ApplyEvent(const CampaignDeclared& e) {
  if (e.id != next_campaign_id()) {
    return Inconsistent("campaign " + std::to_string(e.id) + " declared out of order");
  }
  Campaign& c = campaigns_.emplace_back();
  c.id = e.id;
  c.declared_by = e.declared_by;
  c.name = e.name;
  c.start_date = e.start_date;
  c.implementer = e.implementer;
  c.national = e.national;
  c.prefectures = e.prefectures;
  for (const VaccineFee& f : e.fees) c.fees[f.vaccine] = f.yen;
  c.application_deadline = e.application_deadline;
  c.approval_deadline = e.approval_deadline;
  c.version = 1;
  return Status::Ok();
}

Status State::ApplyEvent(const CampaignFeesChanged& e) {
  Campaign* c = MutableCampaign(e.id);
  if (c == nullptr) return Inconsistent("fees of unknown campaign " + std::to_string(e.id));
  std::map<std::string, int64_t>& fees =
      e.municipality == 0 ? c->fees : c->additional_fees[e.municipality];
  for (const VaccineFeeChange& change : e.changes) {
    if (change.after) {
      fees[change.vaccine] = *change.after;
    } else {
      fees.erase(change.vaccine);
    }
  }
  if (e.municipality != 0 && fees.empty()) c->additional_fees.erase(e.municipality);
  ++c->version;
  return Status::Ok();
}

Status State::ApplyEvent(const CampaignEndRegistered& e) {
  Campaign* c = MutableCampaign(e.id);
  if (c == nullptr) return Inconsistent("end of unknown campaign " + std::to_string(e.id));
  if (c->end_date) campaign_ends_.erase({*c->end_date, c->id});
  c->end_date = e.end_date;
  campaign_ends_.insert({e.end_date, c->id});
  ++c->version;
  return Status::Ok();
}

Status State::ApplyEvent(const CampaignEnded& e) {
  Campaign* c = MutableCampaign(e.id);
  if (c == nullptr) return Inconsistent("end of unknown campaign " + std::to_string(e.id));
  if (c->end_date) campaign_ends_.erase({*c->end_date, c->id});
  c->ended = true;
  ++c->version;
  return Status::Ok();
}

const NonInsuredRegistration* State::FindRegistration(RegistrationId id) const {
  return id >= 1 && id <= registrations_.size() ? &registrations_[id - 1] : nullptr;
}

const NonInsuredRegistration* State::RegistrationByEmail(std::string_view email_sha256) const {
  auto it = registration_emails_.find(std::string(email_sha256));
  return it == registration_emails_.end() ? nullptr : FindRegistration(it->second);
}

Status State::ApplyEvent(const NonInsuredLinkIssued& e) {
  if (e.id != next_registration_id()) {
    return Inconsistent("registration " + std::to_string(e.id) + " issued out of order");
  }
  if (FindOrg(e.issuer) == nullptr || FindOrg(e.approver) == nullptr) {
    return Inconsistent("registration " + std::to_string(e.id) + " names an unknown organisation");
  }
  NonInsuredRegistration& r = registrations_.emplace_back();
  r.id = e.id;
  r.issuer = e.issuer;
  r.approver = e.approver;
  r.expires = e.expires;
  r.version = 1;
  return Status::Ok();
}

Status State::ApplyEvent(const NonInsuredRegistrationSubmitted& e) {
  if (e.id < 1 || e.id > registrations_.size() ||
      registrations_[e.id - 1].status != RegistrationStatus::kIssued) {
    return Inconsistent("entry for registration " + std::to_string(e.id) + " not awaiting one");
  }
  if (FindOrg(e.municipality) == nullptr) {
    return Inconsistent("registration " + std::to_string(e.id) + " in an unknown municipality");
  }
  if (!registration_emails_.emplace(e.email_sha256, e.id).second) {
    return Inconsistent("email of registration " + std::to_string(e.id) + " already in use");
  }
  NonInsuredRegistration& r = registrations_[e.id - 1];
  r.status = RegistrationStatus::kSubmitted;
  r.data = e;
  ++r.version;
  return Status::Ok();
}

Status State::ApplyEvent(const NonInsuredRegistrationDecided& e) {
  if (e.id < 1 || e.id > registrations_.size() ||
      registrations_[e.id - 1].status != RegistrationStatus::kSubmitted) {
    return Inconsistent("decision on registration " + std::to_string(e.id) + " not submitted");
  }
  NonInsuredRegistration& r = registrations_[e.id - 1];
  if (e.approved) {
    const Organisation* o = FindOrg(e.org);
    if (o == nullptr || o->kind != OrganisationKind::kNonInsuredInstitution) {
      return Inconsistent("registration " + std::to_string(e.id) + " approved as unknown " +
                          std::to_string(e.org));
    }
    r.status = RegistrationStatus::kApproved;
    r.org = e.org;
  } else {
    r.status = RegistrationStatus::kReturned;
    registration_emails_.erase(
        r.data->email_sha256);  // the institution may enter it again (new link)
  }
  r.reason = e.reason;
  ++r.version;
  return Status::Ok();
}

const User* State::FindUser(UserId id) const {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

Status State::ApplyEvent(const UserRecorded& e) {
  if (e.user == 0) return Inconsistent("user id 0");
  if (e.change == UserChange::kCreated) {
    if (FindOrg(e.org) == nullptr) {
      return Inconsistent("user " + std::to_string(e.user) + " of unknown organisation " +
                          std::to_string(e.org));
    }
    auto [it, fresh] = users_.try_emplace(e.user);
    if (!fresh) return Inconsistent("user " + std::to_string(e.user) + " created twice");
    User& u = it->second;
    u.id = e.user;
    u.org = e.org;
    u.role = e.role;
    u.last_change = e.change;
    u.version = 1;
    return Status::Ok();
  }
  auto it = users_.find(e.user);
  if (it == users_.end()) return Inconsistent("change of unknown user " + std::to_string(e.user));
  User& u = it->second;
  if (u.org != e.org) {
    return Inconsistent("user " + std::to_string(e.user) + " recorded for another organisation");
  }
  u.role = e.role;
  u.last_change = e.change;
  ++u.version;
  return Status::Ok();
}

const TerminationRequest* State::FindTerminationRequest(TerminationRequestId id) const {
  return id >= 1 && id <= termination_requests_.size() ? &termination_requests_[id - 1] : nullptr;
}

const TerminationRequest* State::OpenTerminationRequest(OrgId institution, OrgId requester) const {
  auto it = open_termination_.find({institution, requester});
  return it == open_termination_.end() ? nullptr : FindTerminationRequest(it->second);
}

std::vector<TerminationRequestId> State::OpenTerminationRequestsAbout(OrgId institution) const {
  std::vector<TerminationRequestId> out;
  for (auto it = open_termination_.lower_bound({institution, 0});
       it != open_termination_.end() && it->first.first == institution; ++it) {
    out.push_back(it->second);
  }
  return out;
}

Status State::ApplyEvent(const TerminationRequested& e) {
  if (e.id != termination_requests_.size() + 1) {
    return Inconsistent("termination request " + std::to_string(e.id) + " out of order");
  }
  for (OrgId org : {e.institution, e.requester, e.addressee}) {
    if (FindOrg(org) == nullptr) {
      return Inconsistent("termination request " + std::to_string(e.id) +
                          " names unknown organisation " + std::to_string(org));
    }
  }
  if (!open_termination_.emplace(std::pair{e.institution, e.requester}, e.id).second) {
    return Inconsistent("a second open termination request " + std::to_string(e.id));
  }
  termination_requests_.push_back(TerminationRequest{e, std::nullopt, 1});
  return Status::Ok();
}

Status State::ApplyEvent(const TerminationRequestDecided& e) {
  if (e.id < 1 || e.id > termination_requests_.size() || !termination_requests_[e.id - 1].open()) {
    return Inconsistent("decision on termination request " + std::to_string(e.id) + " not open");
  }
  TerminationRequest& r = termination_requests_[e.id - 1];
  r.decision = e;
  ++r.version;
  open_termination_.erase({r.asked.institution, r.asked.requester});
  return Status::Ok();
}

void State::Unindex(const Letter& letter) {
  if (letter.status == LetterStatus::kApproved && letter.contract_date) {
    approved_.erase({*letter.contract_date, letter.id});
  } else if (letter.status == LetterStatus::kSecessionScheduled && letter.date) {
    secessions_.erase({*letter.date, letter.id});
  }
  if (letter.termination_date) terminations_.erase({*letter.termination_date, letter.id});
}

void State::Index(const Letter& letter) {
  if (letter.status == LetterStatus::kApproved && letter.contract_date) {
    approved_.insert({*letter.contract_date, letter.id});
  } else if (letter.status == LetterStatus::kSecessionScheduled && letter.date) {
    secessions_.insert({*letter.date, letter.id});
  }
  if (letter.termination_date) terminations_.insert({*letter.termination_date, letter.id});
}

void State::SetLive(Letter& letter, bool was_live) {
  if (letter.upper == 0 || was_live == letter.live()) return;
  Letter& upper = letters_[letter.upper - 1];
  if (letter.live()) {
    ++upper.live_below;
  } else if (upper.live_below > 0) {
    --upper.live_below;
  }
}

}  // namespace shugo::core
