// The letter-command load shared by `bench commands` and `bench projection-lag`: real institutions
// apply for 任意助成 letters, their delegates return them, they re-apply, the delegates approve,
// and the institutions withdraw — every command decided by the processor and durably appended.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/processor.h"

namespace shugo::bench {

struct LetterWork {
  std::string institution;
  std::string delegate;  // learnt from the first application
};

// Institutions free to apply for 任意助成 (insured, not merged, no open letter of that type),
// dealt round robin to `submitters`. kFailedPrecondition when there are too few.
Result<std::vector<std::vector<LetterWork>>> DealLetterWork(const core::Processor& processor,
                                                            size_t submitters);

// Executes one command for organisation `org` (the caller measures what it wants around it).
using RunCommand = std::function<Result<core::Outcome>(const std::string& org, core::Request)>;

// One submitter's loop over its `work` until `stop`: apply → return → re-apply → approve →
// withdraw, each through `run`. The first failure ends it.
Status RunLetterLoop(const core::Processor& processor, std::vector<LetterWork>& work,
                     const std::atomic<bool>& stop, const RunCommand& run);

}  // namespace shugo::bench
