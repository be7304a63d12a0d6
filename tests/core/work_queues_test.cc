// What awaits an organisation's action (core/work_queues.h): the month a letter leaves in, and
// the counts of the main menu for each party of a letter and for no one else.
#include "core/work_queues.h"

#include <doctest/doctest.h>

#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

TEST_CASE("what needs my action: the month of a day runs from its first to its last day") {
  CHECK_EQ(MonthOf(JapanDate(2025, 12, 15)),
           std::pair(JapanDate(2025, 12, 1), JapanDate(2025, 12, 31)));
  CHECK_EQ(MonthOf(JapanDate(2024, 2, 1)),
           std::pair(JapanDate(2024, 2, 1), JapanDate(2024, 2, 29)));
  CHECK_EQ(MonthOf(JapanDate(2025, 4, 30)),
           std::pair(JapanDate(2025, 4, 1), JapanDate(2025, 4, 30)));
}

TEST_CASE("what needs my action: a letter leaving this month counts for its parties only") {
  World w;
  const LetterId a = w.ApplyApproved(w.inst_member);
  const LetterId b = w.ApplyApproved(w.inst_member2);
  w.RunTo(Day(1));
  w.clock.SetDate(Day(2));                                                       // 2025-04-03
  w.Ok(As(w.Code(w.inst_member)), RequestSecession{a, Day(9), "閉院のため"});    // in April
  w.Ok(As(w.Code(w.inst_member2)), RequestSecession{b, Day(40), "閉院のため"});  // in May
  const LetterId applied = w.Apply(w.inst_nonmember);
  auto counts = [&](OrgId viewer) {
    return w.proc->Read([&](const State& s) { return ActionsOf(s, viewer, w.Today()); });
  };
  CHECK_EQ(counts(w.inst_member).leaving_this_month, 1);
  CHECK_EQ(counts(w.inst_member2).leaving_this_month, 0);
  CHECK_EQ(counts(w.chiyoda_ma).leaving_this_month, 1);  // the delegate of both
  CHECK_EQ(counts(w.chuo_ma).leaving_this_month, 0);     // the right kind, the wrong area
  // An application awaits its delegate only.
  const OrgId delegate = w.L(applied).delegate;
  CHECK_EQ(counts(delegate).letters_to_approve, 1);
  CHECK_EQ(counts(w.inst_nonmember).letters_to_approve, 0);
  CHECK_EQ(counts(w.chiyoda_ma).letters_to_approve, 0);
  // In May, the April secession has left and the May one counts.
  w.RunTo(Day(30));  // 2025-05-01
  CHECK_EQ(counts(w.inst_member).leaving_this_month, 0);
  CHECK_EQ(counts(w.inst_member2).leaving_this_month, 1);
}

}  // namespace
}  // namespace shugo::core
