// Institution codes over time and the contract itself (docs/core.md): the オンライン資格確認
// master (F-1-4-1), code change, merger and change to non-insured (F-1-4-3) with the
// transition-period relocation rule (F-11-3), and the collective contract's signing (F-5-1).
#pragma once

#include <optional>

#include "core/draft.h"

namespace shugo::core {

Status DecideImportEligibility(Draft& d, const ImportEligibilityMaster& r);
Status DecideRequestCodeChange(Draft& d, const RequestCodeChange& r);
Status DecideReviewCodeChange(Draft& d, const ReviewCodeChange& r,
                              std::optional<uint64_t> expected);
Status DecideAnnounceContract(Draft& d, const AnnounceCollectiveContract& r);

}  // namespace shugo::core
