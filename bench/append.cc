// shugo bench append: durable single-event commands from N concurrent submitters.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "bench/bench.h"
#include "bench/common.h"
#include "events/event_store.h"
#include "events/opaque.h"

namespace shugo::bench {

Result<AppendFigures> MeasureAppend(const AppendOptions& o) {
  if (o.submitters < 1) return Status::InvalidArgument("submitters", "must be at least 1");
  if (o.seconds <= 0) return Status::InvalidArgument("seconds", "must be positive");
  SystemClock clock;
  events::StoreOptions so;
  so.create_if_missing = true;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));

  int ack_fd = -1;
  if (!o.ack_log.empty()) {
    ack_fd = ::open(o.ack_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ack_fd < 0) return Status::InvalidArgument("ack-log", "cannot open " + o.ack_log);
  }

  const auto n = static_cast<size_t>(o.submitters);
  std::vector<std::vector<double>> latencies(n);
  std::vector<Status> failures(n);
  std::atomic<bool> stop{false};
  const auto stats_before = store->group_stats();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      const std::string stream = "bench-" + std::to_string(i);
      const std::string data = PayloadBytes(o.payload, i + 1);
      auto head = store->StreamHead(stream);  // a reopened directory continues its streams
      if (!head.ok()) {
        failures[i] = head.status();
        return;
      }
      events::Version version = *head;
      events::Command cmd;
      cmd.actor_user = "bench";
      cmd.streams.resize(1);
      cmd.streams[0].stream = stream;
      cmd.streams[0].events.push_back(events::OpaqueEvent("bench", data));
      latencies[i].reserve(1 << 16);
      while (!stop.load(std::memory_order_relaxed)) {
        cmd.id = stream + "-" + std::to_string(version + 1);
        cmd.streams[0].expected = events::ExpectedVersion::Exact(version);
        const auto t0 = std::chrono::steady_clock::now();
        auto r = store->Append(cmd);
        const auto t1 = std::chrono::steady_clock::now();
        if (!r.ok()) {
          failures[i] = r.status();
          return;
        }
        version = r->streams[0].version;
        latencies[i].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        if (ack_fd >= 0) {
          char line[320];
          int len = std::snprintf(line, sizeof line, "%s %llu %llu\n", stream.c_str(),
                                  static_cast<unsigned long long>(version),
                                  static_cast<unsigned long long>(r->last_position));
          if (::write(ack_fd, line, static_cast<size_t>(len)) != len) {
            failures[i] = Status::Internal("writing the ack log failed");
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
  const auto stats = store->group_stats();
  if (ack_fd >= 0) ::close(ack_fd);
  for (const Status& f : failures) {
    if (!f.ok()) return f;
  }

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  AppendFigures f;
  f.commands = all.size();
  f.seconds = elapsed;
  f.commands_per_s = static_cast<double>(all.size()) / elapsed;
  f.p50_ms = Quantile(all, 0.5);
  f.p99_ms = Quantile(all, 0.99);
  f.p999_ms = Quantile(all, 0.999);
  const double groups = static_cast<double>(stats.groups - stats_before.groups);
  f.mean_group =
      groups > 0 ? static_cast<double>(stats.commands - stats_before.commands) / groups : 0;
  return f;
}

Status RunAppend(const AppendOptions& o) {
  SHUGO_ASSIGN_OR_RETURN(AppendFigures f, MeasureAppend(o));
  if (o.json) {
    std::printf(
        "{\"submitters\":%d,\"commands_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%."
        "3f,"
        "\"mean_group\":%.2f}\n",
        o.submitters, f.commands_per_s, f.p50_ms, f.p99_ms, f.p999_ms, f.mean_group);
  } else {
    std::printf("append: %d submitters, %.1f s, %llu durable commands, payload %zu B\n",
                o.submitters, f.seconds, static_cast<unsigned long long>(f.commands), o.payload);
    std::printf(
        "  commands/s  %.0f\n  latency ms  p50 %.3f  p99 %.3f  p999 %.3f\n  mean group  %.2f "
        "commands/sync\n",
        f.commands_per_s, f.p50_ms, f.p99_ms, f.p999_ms, f.mean_group);
  }
  return Status::Ok();
}

}  // namespace shugo::bench
