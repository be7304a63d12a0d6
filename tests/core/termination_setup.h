// The F-7 解除依頼 tests' world (tests/core/termination_request_test.cc and
// tests/http/termination_request_routes_test.cc): an institution in force for 定期 and 任意委託
// that contracts its 任意委託 with all Japan (F-2-4 全国), and a municipality that registers a
// 任意委託 vaccine (F-2-1-3), so that the two have a voluntary contract relation.
#pragma once

#include "core/fees.h"
#include "tests/core/world.h"

namespace shugo::core::test {

struct InForceLetters {
  LetterId routine = 0, voluntary = 0;
};

// `requester` registers a 任意委託 vaccine from day 0 (once per requester).
inline void RegisterVoluntaryVaccine(World& w, OrgId requester) {
  SetMunicipalVaccine v;
  v.vaccine = "bcg";
  v.contract_type = ContractType::kVoluntaryConsignment;
  v.amount = "9000";
  v.start = Day(0);
  w.Ok(As(w.Code(requester)), v);
}

// On day 0: `requester`'s vaccine, `inst`'s 契約先自治体 全国 for 任意委託 and its 定期 and
// 任意委託 letters applied and approved; then the day job of day 1 puts them in force. Today is
// day 1.
inline InForceLetters SetUpVoluntaryRelation(World& w, OrgId inst, OrgId requester) {
  RegisterVoluntaryVaccine(w, requester);
  w.Ok(As(w.Code(inst)),
       SetContractMunicipality{ContractType::kVoluntaryConsignment, "", Day(0), std::nullopt});
  InForceLetters l;
  l.routine = w.ApplyApproved(inst);
  l.voluntary = w.ApplyApproved(inst, ContractType::kVoluntaryConsignment);
  w.RunTo(Day(1));
  REQUIRE_EQ(w.StatusOf(l.routine), "in_contract");
  REQUIRE_EQ(w.StatusOf(l.voluntary), "in_contract");
  return l;
}

}  // namespace shugo::core::test
