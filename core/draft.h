// Deciding one command (docs/core.md): the Draft a decision writes its events into, and the
// checks every decision shares (who acts, reasons, texts, codes). Internal to core/: the decide
// functions of processor.cc and of each area (fees, campaigns, code changes) use it.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "core/letter.h"
#include "core/processor.h"
#include "core/state.h"

namespace shugo::core {

std::string LetterLabel(LetterId id);
bool IsMunicipal(OrganisationKind kind);
bool IsInstitution(OrganisationKind kind);

// One command being decided: the events so far and what they change, so that a later step of the
// same command sees the earlier ones (the state itself changes only when the command is applied).
class Draft {
 public:
  struct Out {
    DomainEvent event;
    std::optional<JapanDate> effective;
    std::string stream;
    uint64_t version;  // the stream's version the command decided on
  };

  Draft(const State& state, JapanDate today, const ProcessorOptions& options, const Actor& actor)
      : state_(state), today_(today), options_(options), actor_(actor) {}

  const State& state() const { return state_; }
  JapanDate today() const { return today_; }
  const Actor& actor() const { return actor_; }
  const ProcessorOptions& options() const { return options_; }
  std::vector<Out>& out() { return out_; }
  std::vector<uint64_t>& created() { return created_; }
  void set_today(JapanDate day) { today_ = day; }

  // Appends an event. Events of one stream must be consecutive in a command (the store writes a
  // command stream by stream), so the order decided is the order written and applied.
  Status Emit(DomainEvent event, std::optional<JapanDate> effective) {
    std::string stream = StreamOf(event);
    if (!out_.empty() && out_.back().stream != stream) {
      for (const Out& o : out_) {
        if (o.stream == stream) return Status::Internal("stream " + stream + " split in a command");
      }
    }
    uint64_t version = std::visit(
        [this](const auto& e) -> uint64_t {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, DayClosed>) {
            return state_.day_version();
          } else if constexpr (std::is_same_v<T, EligibilityMasterImported>) {
            return state_.eligibility_version();
          } else if constexpr (std::is_same_v<T, CollectiveContractSigned>) {
            return state_.contract_version();
          } else if constexpr (std::is_same_v<T, CampaignDeclared> ||
                               std::is_same_v<T, CampaignFeesChanged> ||
                               std::is_same_v<T, CampaignEndRegistered> ||
                               std::is_same_v<T, CampaignEnded>) {
            const Campaign* c = state_.FindCampaign(e.id);
            return c == nullptr ? 0 : c->version;
          } else if constexpr (kIsFeeEvent<T>) {
            return state_.fees().version(e.owner);
          } else if constexpr (kIsRegistrationEvent<T>) {
            const NonInsuredRegistration* r = state_.FindRegistration(e.id);
            return r == nullptr ? 0 : r->version;
          } else if constexpr (std::is_same_v<T, UserRecorded>) {
            const User* u = state_.FindUser(e.user);
            return u == nullptr ? 0 : u->version;
          } else if constexpr (kIsTerminationRequestEvent<T>) {
            const TerminationRequest* r = state_.FindTerminationRequest(e.id);
            return r == nullptr ? 0 : r->version;
          } else if constexpr (std::is_same_v<T, LetterApplied> ||
                               std::is_same_v<T, RedelegationCreated> ||
                               std::is_same_v<T, LetterTransitioned> ||
                               std::is_same_v<T, LetterRekeyed>) {
            const Letter* l = state_.FindLetter(e.id);
            return l == nullptr ? 0 : l->version;
          } else {
            const Organisation* o = state_.FindOrg(e.id);
            return o == nullptr ? 0 : o->version;
          }
        },
        event);
    out_.push_back({std::move(event), effective, std::move(stream), version});
    return Status::Ok();
  }

  // ---- letters, as changed by this draft so far
  LetterStatus StatusOf(const Letter& l) const {
    auto it = status_.find(l.id);
    return it == status_.end() ? l.status : it->second;
  }
  std::optional<JapanDate> ContractDateOf(const Letter& l) const {
    auto it = contract_date_.find(l.id);
    return it == contract_date_.end() ? l.contract_date : it->second;
  }
  LetterId NewLetterId() { return state_.next_letter_id() + new_letters_++; }

  const Organisation& Org(OrgId id) const { return *state_.FindOrg(id); }

  // The facts the letter machine's guards read, for `letter` as this draft has it.
  LetterFacts Facts(const Letter& l, LetterActor actor) const {
    const Organisation& d = Org(l.delegator);
    LetterFacts f(actor, today_, l.contract_type, d.kind);
    f.redelegation = l.redelegation;
    f.payment_consignment = d.payment_consignment;
    f.contract_date = ContractDateOf(l);
    f.opening_date = d.opening_date;
    f.dated_by_former_opening =
        f.contract_date && std::find(d.former_opening_dates.begin(), d.former_opening_dates.end(),
                                     *f.contract_date) != d.former_opening_dates.end();
    return f;
  }

  // Runs the machine and emits the transition. `upper` only for approvals.
  Status Transition(const Letter& l, LetterCommand command, LetterFacts facts,
                    std::optional<JapanDate> effective, std::optional<JapanDate> new_contract_date,
                    LetterId upper = 0) {
    const LetterStatus from = StatusOf(l);
    SHUGO_ASSIGN_OR_RETURN(LetterStatus to, DecideTransition(from, command, facts));
    LetterTransitioned e;
    e.id = l.id;
    e.command = command;
    e.status = to;
    e.contract_date = new_contract_date;
    e.date = facts.date;
    e.reason = facts.reason;
    e.upper = upper;
    SHUGO_RETURN_IF_ERROR(Emit(e, effective));
    status_[l.id] = to;
    if (new_contract_date) contract_date_[l.id] = new_contract_date;
    if (IsLive(from) && !IsLive(to) && l.upper != 0) {
      const JapanDate date = facts.date ? *facts.date : today_;
      return EndBelow(*state_.FindLetter(l.upper), date, effective ? *effective : date);
    }
    return Status::Ok();
  }

  // A letter under `upper` stopped being live; when none is left, the re-delegation ends:
  // withdrawn if it never took effect, otherwise seceded on `date` from `effective`, as the letter
  // under it (F-1-9-1: 脱退日 = 加入日 − 1 in effect from 加入日) (**project**, domain.md §3).
  Status EndBelow(const Letter& upper, JapanDate date, JapanDate effective) {
    int& delta = live_delta_[upper.id];
    --delta;
    if (static_cast<int64_t>(upper.live_below) + delta > 0) return Status::Ok();
    LetterFacts f = Facts(upper, LetterActor::kSystem);
    f.reason = "配下の委任状がなくなったため";
    if (StatusOf(upper) == LetterStatus::kApproved) {
      return Transition(upper, LetterCommand::kEndRedelegation, f, std::nullopt, std::nullopt);
    }
    f.date = date;
    return Transition(upper, LetterCommand::kSecedeBySystem, f, effective, std::nullopt);
  }

  // The day job: puts `l` into force with the re-delegations above it that are not yet.
  Status Activate(const Letter& l) {
    LetterFacts f = Facts(l, LetterActor::kSystem);
    SHUGO_RETURN_IF_ERROR(Transition(l, LetterCommand::kActivate, f, today_, std::nullopt));
    return ActivateAbove(l);
  }

  // The re-delegations above `l`, which has just come into force, that are not in force yet.
  Status ActivateAbove(const Letter& l) {
    for (LetterId up = l.upper; up != 0;) {
      const Letter& r = *state_.FindLetter(up);
      if (StatusOf(r) != LetterStatus::kApproved) break;
      LetterFacts rf = Facts(r, LetterActor::kSystem);
      rf.underlying_in_force = true;
      // A re-delegation created with a later 契約日 (under a letter of a municipality opening
      // later, F-1-8-1) and reused by this one takes effect with it: its 契約日 moves to today.
      std::optional<JapanDate> moved;
      if (!rf.contract_date || today_ < *rf.contract_date) moved = rf.contract_date = today_;
      SHUGO_RETURN_IF_ERROR(Transition(r, LetterCommand::kActivate, rf, today_, moved));
      up = r.upper;
    }
    return Status::Ok();
  }

  // F-1-4-3: `l` moves to `delegator` (the same institution under its new code, or the survivor
  // of a merger); its status does not change.
  Status Rekey(const Letter& l, OrgId delegator, const std::string& code,
               const std::string& old_code) {
    SHUGO_RETURN_IF_ERROR(
        DecideTransition(StatusOf(l), LetterCommand::kRekey, Facts(l, LetterActor::kSystem))
            .status());
    return Emit(LetterRekeyed{l.id, delegator, code, old_code}, today_);
  }

  // Secedes every live letter of `org` (F-1-8-2, F-1-9-1, F-5-2), with `date` as 脱退日.
  Status SecedeAll(const Organisation& org, JapanDate date, JapanDate effective,
                   const std::string& cause) {
    return SecedeEach(state_.LettersOf(org.id), date, effective, cause);
  }

  // Secedes every live original letter addressed to `org`, abolished on `date` (F-1-8-2, F-1-2,
  // F-1-3): 脱退日 = 廃止日.
  Status SecedeAddressed(const Organisation& org, JapanDate date) {
    return SecedeEach(state_.LettersTo(org.id), date, date, "委任先（" + org.name + "）の廃止");
  }

 private:
  // Secedes the live original letters among `ids`; a re-delegation ends with the letters under it.
  Status SecedeEach(const std::vector<LetterId>& ids, JapanDate date, JapanDate effective,
                    const std::string& cause) {
    for (LetterId id : ids) {
      const Letter& l = *state_.FindLetter(id);
      if (!IsLive(StatusOf(l)) || l.redelegation) continue;
      LetterFacts f = Facts(l, LetterActor::kSystem);
      f.date = date;
      f.reason = cause;
      SHUGO_RETURN_IF_ERROR(
          Transition(l, LetterCommand::kSecedeBySystem, f, effective, std::nullopt));
    }
    return Status::Ok();
  }

  const State& state_;
  JapanDate today_;
  const ProcessorOptions& options_;
  const Actor& actor_;
  std::vector<Out> out_;
  std::vector<uint64_t> created_;
  std::unordered_map<LetterId, LetterStatus> status_;
  std::unordered_map<LetterId, std::optional<JapanDate>> contract_date_;
  std::unordered_map<LetterId, int> live_delta_;
  uint64_t new_letters_ = 0;
};

// ---- who acts

// The organisation the actor acts for; nullptr for the system. kPermissionDenied for an unknown
// code.
Result<const Organisation*> ActingOrg(const Draft& d);
// The municipality or union where an institution is located, or a non-insured site's prefecture
// (F-7).
bool IsLocatingAuthority(const State& s, const Organisation& actor, const Organisation& inst);
// Whether `by` decides for `authority`: itself, or the union its municipality is a member of
// (F-1-4-3 approvals, F-7 解除依頼).
bool DecidesFor(const State& s, const Organisation& by, OrgId authority);
// How the actor stands to letter `l` for `command`.
Result<LetterActor> RelationOf(const Draft& d, const Letter& l, LetterCommand command);
// Letter `id`, at `expected_version` when given (kAborted otherwise).
Result<const Letter*> FindOriginal(const Draft& d, LetterId id,
                                   std::optional<uint64_t> expected_version);

// ---- letters

// F-7 解除 of letter `r.letter` by the locating authority (TerminateLetter): a 解除日 of today
// terminates it at once, a later one is scheduled, an earlier one is refused (field `date`).
Status DecideTerminate(Draft& d, const TerminateLetter& r, std::optional<uint64_t> expected);

// ---- F-1 masters

// F-1-1 … F-1-5: registers one organisation (RegisterOrganisation), checking who may and what it
// carries; the new id goes to `d.created()`. Also the approval of a F-1-5 entry
// (core/non_insured.cc).
Status DecideRegister(Draft& d, const RegisterOrganisation& r);

// ---- institutions

// The 類似コード the system numbers for non-insured institution `id` (F-1-5, **project** format:
// like a 医療機関コード with 点数表 9, which no insured institution has).
std::string NonInsuredCode(int prefecture, OrgId id);
// How an institution routes (docs/domain.md §3): a site by its setting-up authority `parent`,
// otherwise by its membership `member_of`.
Affiliation InstitutionAffiliation(const State& s, OrgId parent, OrgId member_of);

// ---- input checks (kInvalidArgument naming the field, in Japanese)

Status NeedReason(const std::string& reason);
Status CheckText(const std::string& value, const char* field, const char* label, bool required,
                 size_t max_bytes = 400);
// The organisation with `code`, of one of `kinds`.
Result<const Organisation*> OrgOfKind(const State& s, const std::string& code, const char* field,
                                      std::initializer_list<OrganisationKind> kinds,
                                      const char* label);

}  // namespace shugo::core
