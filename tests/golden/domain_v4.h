// The domain events written into tests/golden/v4/ (one record each, in this order): the event
// types added after v3 — the F-7 解除依頼 (core/termination_requests.h) — in the variant's order,
// with every field, and every element of a list, set to a value other than its default (see
// domain_v3.h). Frozen with those files: never edit; a new type or field gets a v5 set.
#pragma once

#include <vector>

#include "core/domain_events.h"

namespace shugo::golden {

inline std::vector<core::DomainEvent> DomainV4() {
  using core::ContractType;
  return {
      core::TerminationRequested{
          401,
          402,
          403,
          404,
          "接種誤りの多発",
          JapanDate(2025, 6, 1),
          {ContractType::kVoluntaryConsignment, ContractType::kVoluntarySubsidy}},
      core::TerminationRequestDecided{401,
                                      core::TerminationOutcome::kDeclined,
                                      "所在地で事実を確認できません",
                                      JapanDate(2025, 6, 2),
                                      {405, 406}},
  };
}

}  // namespace shugo::golden
