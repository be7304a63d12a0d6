// F-10 temporary vaccination (docs/domain.md §4.7, seed flows F-10-1 … F-10-4): the campaign
// aggregate (stream "campaign-<id>") and its commands, the checks a temporary letter goes through
// (F-10-2, F-10-3), the day job's end of a campaign (F-10-4) and the deadline-reminder query.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/state.h"

namespace shugo::core {

class Draft;

// A fee entered for one vaccine (a vaccine_id of data/reference/vaccines.csv), in whole yen.
struct CampaignFee {
  std::string vaccine;
  int64_t yen = 0;
};

// F-10-1: declared by MHLW, or by a prefecture for its own area (予防接種法第6条第1項).
struct DeclareCampaign {
  std::string name;
  JapanDate start_date;  // the minister's start date (letters may take effect before it)
  CampaignImplementer implementer = CampaignImplementer::kMunicipalities;  // 実施主体
  bool national = false;          // 発令エリア: the whole country (MHLW only)
  std::vector<int> prefectures;   // 発令エリア otherwise; a prefecture: its own (or empty)
  std::vector<CampaignFee> fees;  // 基本委託料: every campaign vaccine, at least one
  JapanDate application_deadline, approval_deadline;  // last days to apply and to approve
};
// F-10-1 (CO-99-003): the declarer changes the 基本委託料, giving the complete new list; the
// validated diff is recorded.
struct ChangeCampaignFees {
  CampaignId campaign = 0;
  std::vector<CampaignFee> fees;
};
// F-10-1 加算委託料の追加: a municipality or union, when municipalities are the 実施主体 and it is
// in the 発令エリア, sets its 加算委託料 per campaign vaccine (its complete list; empty clears).
struct SetAdditionalFees {
  CampaignId campaign = 0;
  std::vector<CampaignFee> fees;
};
// F-10-4: MHLW or the declaring prefecture enters the minister's end date as the campaign's
// 脱退日 (a future date; may be entered again until the campaign has ended).
struct RegisterCampaignEnd {
  CampaignId campaign = 0;
  JapanDate end_date;
};

// F-10 期日までの申請状況のチェック: the organisations of the 実施主体 kind (municipalities and
// unions, or prefectures) in the 発令エリア that have not applied for campaign `id` — no letter of
// the campaign other than a returned or withdrawn one (**project**) — in id order. Abolished
// municipalities and union members (who apply through their union, F-1-9) are left out. Empty for
// an unknown or ended campaign.
std::vector<OrgId> CampaignNonApplicants(const State& s, CampaignId id);

// ---- deciding (internal to core/: called by processor.cc)

Status DecideDeclareCampaign(Draft& d, const DeclareCampaign& r);
Status DecideChangeCampaignFees(Draft& d, const ChangeCampaignFees& r,
                                std::optional<uint64_t> expected);
Status DecideSetAdditionalFees(Draft& d, const SetAdditionalFees& r,
                               std::optional<uint64_t> expected);
Status DecideRegisterCampaignEnd(Draft& d, const RegisterCampaignEnd& r,
                                 std::optional<uint64_t> expected);

// F-10-2: whether `delegator` may apply for a letter of `type` naming `campaign` (a temporary
// letter needs a declared campaign that has not ended, before its application deadline, with the
// delegator in the 発令エリア and of the 実施主体 kind; other types name no campaign).
Status CheckCampaignApplication(const Draft& d, const Organisation& delegator, ContractType type,
                                CampaignId campaign);
// F-10-2/3: a temporary letter is re-applied for until the application deadline and approved
// until the approval deadline, while its campaign has not ended. Ok for other letters.
Status CheckCampaignLetter(const Draft& d, const Letter& l, LetterCommand command);

// F-10-4, the day job: on a campaign's 脱退日, one live letter of it seceded per command (its
// re-delegations end with the last letter under them), then the campaign marked ended. False
// when nothing is due on `day`; `command_id` names the transition.
Result<bool> DecideCampaignDue(Draft& d, JapanDate day, std::string* command_id);

inline constexpr char kCampaignEndReason[] = "臨時接種の終了（F-10-4）";

}  // namespace shugo::core
