// What awaits an organisation's action (docs/api.md "Queues and what needs my action"): the
// F-1-4-3 requests and F-1-5 entries it decides, and the counts of the main menu. Pure queries
// over the state. 厚生労働省 and 国保中央会, who see every record (F-8), see every queue.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "base/japan_date.h"
#include "core/domain_events.h"

namespace shugo::core {

class State;

// The institutions whose pending F-1-4-3 request `viewer` decides (F_画面11-2-1), in id order.
std::vector<OrgId> CodeChangesAwaiting(const State& s, OrgId viewer);
// The F-1-5 entries submitted and awaiting `viewer` as their approver (F_画面7-1-1), in order.
std::vector<RegistrationId> RegistrationsAwaiting(const State& s, OrgId viewer);

// The first and the last day of the month of `day`.
std::pair<JapanDate, JapanDate> MonthOf(JapanDate day);

struct ActionCounts {
  int64_t letters_to_approve = 0;    // original letters applied to it
  int64_t letters_returned = 0;      // its letters returned, to correct or withdraw
  int64_t code_changes = 0;          // CodeChangesAwaiting
  int64_t non_insured = 0;           // RegistrationsAwaiting
  int64_t termination_requests = 0;  // open F-7 解除依頼 addressed to it or to a member of it
  int64_t leaving_this_month = 0;  // its letters with a 脱退日 or scheduled 解除日 this month
};
// The main menu's counts for `viewer` on `today`.
ActionCounts ActionsOf(const State& s, OrgId viewer, JapanDate today);

}  // namespace shugo::core
