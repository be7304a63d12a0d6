#include "core/work_queues.h"

#include "core/state.h"
#include "core/visibility.h"

namespace shugo::core {

namespace {

bool SeesAll(const State& s, OrgId viewer) {
  const Organisation* v = s.FindOrg(viewer);
  return v != nullptr && LetterScopeOf(v->kind) == LetterScope::kAll;
}

}  // namespace

std::vector<OrgId> CodeChangesAwaiting(const State& s, OrgId viewer) {
  const bool all = SeesAll(s, viewer);
  std::vector<OrgId> out;
  for (const Organisation& o : s.organisations()) {
    if (o.pending_code_change && (all || o.pending_code_change->approver == viewer)) {
      out.push_back(o.id);
    }
  }
  return out;
}

std::vector<RegistrationId> RegistrationsAwaiting(const State& s, OrgId viewer) {
  const bool all = SeesAll(s, viewer);
  std::vector<RegistrationId> out;
  for (const NonInsuredRegistration& r : s.registrations()) {
    if (r.status == RegistrationStatus::kSubmitted && (all || r.approver == viewer)) {
      out.push_back(r.id);
    }
  }
  return out;
}

std::pair<JapanDate, JapanDate> MonthOf(JapanDate day) {
  const JapanDate first(day.year(), day.month(), 1);
  const JapanDate next = day.month() == 12 ? JapanDate(day.year() + 1, 1, 1)
                                           : JapanDate(day.year(), day.month() + 1, 1);
  return {first, next.AddDays(-1)};
}

ActionCounts ActionsOf(const State& s, OrgId viewer, JapanDate today) {
  const std::pair<JapanDate, JapanDate> month = MonthOf(today);
  auto leaves_this_month = [&](const Letter& l) {
    const std::optional<JapanDate>& when =
        l.status == LetterStatus::kSecessionScheduled ? l.date : l.termination_date;
    return when && !(*when < month.first) && !(month.second < *when);
  };
  ActionCounts out;
  for (LetterId id : s.LettersTo(viewer)) {
    const Letter& l = *s.FindLetter(id);
    if (!l.redelegation && l.status == LetterStatus::kApplied) ++out.letters_to_approve;
    if (leaves_this_month(l)) ++out.leaving_this_month;
  }
  for (LetterId id : s.LettersOf(viewer)) {
    const Letter& l = *s.FindLetter(id);
    if (l.status == LetterStatus::kReturned) ++out.letters_returned;
    if (l.delegate != viewer && leaves_this_month(l)) ++out.leaving_this_month;
  }
  out.code_changes = static_cast<int64_t>(CodeChangesAwaiting(s, viewer).size());
  out.non_insured = static_cast<int64_t>(RegistrationsAwaiting(s, viewer).size());
  for (const TerminationRequest& t : s.termination_requests()) {
    if (!t.open()) continue;
    const Organisation* to = s.FindOrg(t.asked.addressee);
    if (t.asked.addressee == viewer || (to != nullptr && to->in_union && to->union_id == viewer)) {
      ++out.termination_requests;
    }
  }
  return out;
}

}  // namespace shugo::core
