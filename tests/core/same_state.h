// Whether two processors hold the same state, field by field: what the rebuild checks compare (a
// live processor against one rebuilt from the log).
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/processor.h"
#include "core/state.h"
#include "tests/core/random_run.h"

namespace shugo::core::test {

// What a processor's state exposes beyond its organisations and letters, for the rebuild check.
// `sample`: 医療機関コード whose オンライン資格確認 master rows are compared.
inline auto Exposed(const Processor& p, const std::vector<std::string>& sample) {
  return p.Read([&sample](const State& s) {
    std::map<OrgId, std::vector<LetterId>> of, members;
    std::map<std::string, OrgId> by_code;
    std::map<std::tuple<OrgId, ContractType, CampaignId>, LetterId> open;
    for (const Organisation& o : s.organisations()) {
      of[o.id] = s.LettersOf(o.id);
      members[o.id] = s.MembersOf(o.id);
      by_code[o.code] = s.FindOrgByCode(o.code)->id;
      for (const std::string& c : o.old_codes) by_code[c] = s.FindOrgByCode(c)->id;
      for (ContractType t : kAllTypes) {
        for (CampaignId c = 0; c < s.next_campaign_id(); ++c) {
          if (const Letter* l = s.OpenLetter(o.id, t, c)) open[{o.id, t, c}] = l->id;
        }
      }
    }
    std::vector<std::vector<LetterId>> of_campaign;
    std::vector<std::set<LetterId>> live;
    for (const Campaign& c : s.campaigns()) {
      of_campaign.push_back(s.LettersOfCampaign(c.id));
      live.push_back(s.LiveLettersOfCampaign(c.id));
    }
    std::map<std::string, EligibilityRow> eligible;
    for (const std::string& code : sample) {
      if (const EligibilityRow* row = s.FindEligible(code)) eligible[code] = *row;
    }
    std::map<OrgId, std::vector<TerminationRequestId>> open_requests;  // F-7 解除依頼
    for (const TerminationRequest& r : s.termination_requests()) {
      open_requests[r.asked.institution] = s.OpenTerminationRequestsAbout(r.asked.institution);
    }
    return std::make_tuple(s.campaigns(), s.campaign_ends(), s.fees(), of, members, by_code, open,
                           of_campaign, live, eligible, s.eligibility_size(),
                           s.eligibility_version(), s.collective_contract(), s.contract_version(),
                           s.registrations(), s.users(), s.terminations_by_date(),
                           s.termination_requests(), open_requests);
  });
}

template <typename Tuple, size_t... I>
void CheckSame(const Tuple& live, const Tuple& again, std::index_sequence<I...>) {
  auto one = [](size_t i, bool same) {
    CAPTURE(i);
    CHECK(same);
  };
  (one(I, std::get<I>(live) == std::get<I>(again)), ...);
}

// The whole state of `live` equals that of `again`: organisations, letters, the date indexes and
// the closed day, and everything Exposed() reads.
inline void CheckSameState(const Processor& live, const Processor& again,
                           const std::vector<std::string>& sample) {
  auto snapshot = [](const Processor& p) {
    return p.Read([](const State& s) {
      return std::make_tuple(s.organisations(), s.letters(), s.approved_by_date(),
                             s.secessions_by_date(), s.pending(), s.last_closed_day(),
                             s.day_version(), s.next_org_id(), s.next_letter_id(),
                             s.next_campaign_id(), s.next_registration_id(), s.abolished());
    });
  };
  const auto a = snapshot(live);
  const auto b = snapshot(again);
  CheckSame(a, b, std::make_index_sequence<std::tuple_size_v<std::decay_t<decltype(a)>>>{});
  const auto exposed = Exposed(live, sample);
  CheckSame(exposed, Exposed(again, sample),
            std::make_index_sequence<std::tuple_size_v<std::decay_t<decltype(exposed)>>>{});
}

}  // namespace shugo::core::test
