// Institution codes over time and the contract itself (docs/core.md): the オンライン資格確認
// master (F-1-4-1), code change, merger and change to non-insured (F-1-4-3) with the
// transition-period relocation rule (F-11-3), and the collective contract's signing (F-5-1).
#pragma once

#include <optional>

#include "core/draft.h"

namespace shugo::core {

Status DecideImportEligibility(Draft& d, const ImportEligibilityMaster& r);
// `expected`: the version of the acting institution (the stream the request is recorded on).
Status DecideRequestCodeChange(Draft& d, const RequestCodeChange& r,
                               std::optional<uint64_t> expected);
// A request number the institution never used is kNotFound; one no longer waiting,
// kFailedPrecondition.
Status DecideReviewCodeChange(Draft& d, const ReviewCodeChange& r,
                              std::optional<uint64_t> expected);
// `expected`: the version of the "contract" stream (0 until signed).
Status DecideAnnounceContract(Draft& d, const AnnounceCollectiveContract& r,
                              std::optional<uint64_t> expected);

}  // namespace shugo::core
