// shugo bench commands: the command processor at national scale (docs/benchmarks.md).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "base/clock.h"
#include "bench/bench.h"
#include "bench/common.h"
#include "bench/letter_load.h"
#include "core/processor.h"

namespace shugo::bench {

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
  SHUGO_ASSIGN_OR_RETURN(auto work, DealLetterWork(*processor, n));

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
      failures[i] = RunLetterLoop(*processor, work[i], stop, run);
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
