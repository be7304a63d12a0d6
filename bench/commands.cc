// shugo bench commands: the command processor at national scale (docs/benchmarks.md).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "base/clock.h"
#include "bench/bench.h"
#include "bench/common.h"
#include "core/processor.h"

namespace shugo::bench {

namespace {

struct Work {
  std::string institution;
  std::string delegate;  // learnt from the first application
};

}  // namespace

Status RunCommands(const CommandsOptions& o) {
  if (o.submitters < 1) return Status::InvalidArgument("submitters", "must be at least 1");
  if (o.seconds <= 0) return Status::InvalidArgument("seconds", "must be positive");
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
  const auto load_start = std::chrono::steady_clock::now();
  SHUGO_ASSIGN_OR_RETURN(auto processor, core::Processor::Open(store.get(), &clock));
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  // Institutions free to apply for 任意助成, dealt round robin to the submitters.
  const auto n = static_cast<size_t>(o.submitters);
  std::vector<std::vector<Work>> work(n);
  processor->Read([&](const core::State& s) {
    size_t k = 0;
    for (const core::Organisation& org : s.organisations()) {
      if (org.kind != core::OrganisationKind::kInsuredInstitution || org.merged_into != 0) {
        continue;  // a merged institution's code acts for its survivor (F-1-4-3)
      }
      if (s.OpenLetter(org.id, core::ContractType::kVoluntarySubsidy, 0) != nullptr) continue;
      work[k++ % n].push_back({org.code, {}});
    }
    return 0;
  });
  if (work.back().empty()) return Status::FailedPrecondition("no institutions: run `shugo demo`");

  std::vector<std::vector<double>> latencies(n);
  std::vector<Status> failures(n);
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      uint64_t seq = 0;
      const std::string prefix =
          "bench-" + std::to_string(clock.NowMicros()) + "-" + std::to_string(i) + "-";
      auto run = [&](const std::string& org, core::Request r) -> Result<core::Outcome> {
        core::CommandRequest c;
        c.id = prefix + std::to_string(++seq);
        c.actor = core::Actor{"bench", org};
        c.request = std::move(r);
        const auto t0 = std::chrono::steady_clock::now();
        Result<core::Outcome> out = processor->Execute(c);
        latencies[i].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        return out;
      };
      latencies[i].reserve(1 << 16);
      for (size_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
        Work& w = work[i][k % work[i].size()];
        core::ApplyLetter apply;
        apply.contract_type = core::ContractType::kVoluntarySubsidy;
        apply.document_confirmed = true;
        auto applied = run(w.institution, apply);
        if (!applied.ok()) {
          failures[i] = applied.status();
          return;
        }
        const core::LetterId id = applied->created.front();
        if (w.delegate.empty()) {
          w.delegate = processor->Read(
              [&](const core::State& s) { return s.FindOrg(s.FindLetter(id)->delegate)->code; });
        }
        const std::pair<const std::string*, core::Request> steps[] = {
            {&w.delegate, core::ReturnLetter{id, "記入漏れがあります"}},
            {&w.institution, core::ReapplyLetter{id}},
            {&w.delegate, core::ApproveLetters{{id}}},
            {&w.institution, core::WithdrawLetter{id, "申請内容を見直すため"}},
        };
        for (const auto& [who, request] : steps) {
          auto r = run(*who, request);
          if (!r.ok()) {
            failures[i] = r.status();
            return;
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Status& f : failures) {
    if (!f.ok()) return f;
  }
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const double rate = static_cast<double>(all.size()) / elapsed;
  const uint64_t head = store->head();
  processor.reset();
  store->Close();
  store.reset();

  // The peer: the store's own figure, same submitters and duration, on a scratch log.
  AppendFigures peer;
  if (o.baseline) {
    AppendOptions ao;
    ao.dir = o.dir.string() + ".append-peer";
    std::filesystem::remove_all(ao.dir);
    ao.submitters = o.submitters;
    ao.seconds = o.seconds;
    SHUGO_ASSIGN_OR_RETURN(peer, MeasureAppend(ao));
    std::filesystem::remove_all(ao.dir);
  }
  const double ratio = peer.commands_per_s > 0 ? rate / peer.commands_per_s : 0;
  if (o.json) {
    std::printf(
        "{\"submitters\":%d,\"commands_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
        "\"load_s\":%.3f,\"append_commands_per_s\":%.0f,\"ratio\":%.3f}\n",
        o.submitters, rate, Quantile(all, 0.5), Quantile(all, 0.99), load_s, peer.commands_per_s,
        ratio);
  } else {
    std::printf("commands: %d submitters, %.1f s, %zu durable letter commands (log head %llu)\n",
                o.submitters, elapsed, all.size(), static_cast<unsigned long long>(head));
    std::printf("  state loaded in %.2f s\n  commands/s  %.0f\n  latency ms  p50 %.3f  p99 %.3f\n",
                load_s, rate, Quantile(all, 0.5), Quantile(all, 0.99));
    if (o.baseline) {
      std::printf("  store append, same submitters: %.0f/s  ratio %.2f (target >= 0.70)\n",
                  peer.commands_per_s, ratio);
    }
  }
  return Status::Ok();
}

}  // namespace shugo::bench
