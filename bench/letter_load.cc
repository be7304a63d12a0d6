#include "bench/letter_load.h"

#include <utility>

namespace shugo::bench {

Result<std::vector<std::vector<LetterWork>>> DealLetterWork(const core::Processor& processor,
                                                            size_t submitters) {
  std::vector<std::vector<LetterWork>> work(submitters);
  processor.Read([&](const core::State& s) {
    size_t k = 0;
    for (const core::Organisation& org : s.organisations()) {
      if (org.kind != core::OrganisationKind::kInsuredInstitution || org.merged_into != 0) {
        continue;  // a merged institution's code acts for its survivor (F-1-4-3)
      }
      if (s.OpenLetter(org.id, core::ContractType::kVoluntarySubsidy, 0) != nullptr) continue;
      work[k++ % submitters].push_back({org.code, {}});
    }
    return 0;
  });
  if (work.back().empty()) return Status::FailedPrecondition("no institutions: run `shugo demo`");
  return work;
}

Status RunLetterLoop(const core::Processor& processor, std::vector<LetterWork>& work,
                     const std::atomic<bool>& stop, const RunCommand& run) {
  for (size_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
    LetterWork& w = work[k % work.size()];
    core::ApplyLetter apply;
    apply.contract_type = core::ContractType::kVoluntarySubsidy;
    apply.document_confirmed = true;
    Result<core::Outcome> applied = run(w.institution, apply);
    if (!applied.ok()) return applied.status();
    const core::LetterId id = applied->created.front();
    if (w.delegate.empty()) {
      w.delegate = processor.Read(
          [&](const core::State& s) { return s.FindOrg(s.FindLetter(id)->delegate)->code; });
    }
    const std::pair<const std::string*, core::Request> steps[] = {
        {&w.delegate, core::ReturnLetter{id, "記入漏れがあります"}},
        {&w.institution, core::ReapplyLetter{id}},
        {&w.delegate, core::ApproveLetters{{id}}},
        {&w.institution, core::WithdrawLetter{id, "申請内容を見直すため"}},
    };
    for (const auto& [who, request] : steps) {
      Result<core::Outcome> r = run(*who, request);
      if (!r.ok()) return r.status();
    }
  }
  return Status::Ok();
}

}  // namespace shugo::bench
