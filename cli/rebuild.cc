// shugo rebuild: rebuilds projections from the log into a new file and makes it current
// (docs/projections.md, docs/operations.md). For a stopped server; a running one rebuilds online
// through POST /api/admin/rebuild.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "base/clock.h"
#include "cli/commands.h"
#include "demo/demo.h"
#include "events/event_store.h"
#include "projections/service.h"

namespace shugo::cli {

namespace {

struct RebuildArgs {
  std::string dir;
  std::vector<std::string> names;
  bool json = false;
  bool check = false;
};

// A progress bar on a terminal: done/target, rate and time left, redrawn at most 10 times a second.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}
  void Update(events::Position position, events::Position target, uint64_t events) {
    if (!enabled_ || target == 0) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && position < target) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fraction = static_cast<double>(position) / static_cast<double>(target);
    const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
    const double left = rate > 0 ? static_cast<double>(target - position) / rate : 0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %5.1f%%  %llu / %llu  %.0f events/s  ETA %.1f s ", bar.c_str(),
                 fraction * 100, static_cast<unsigned long long>(position),
                 static_cast<unsigned long long>(target), rate, left);
    std::fflush(stderr);
    drawn_ = true;
  }
  void Done() {
    if (drawn_) std::fprintf(stderr, "\n");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_, last_;
};

int Rebuild(const RebuildArgs& a) {
  SystemClock clock;  // a rebuild appends nothing; the store still wants one
  events::StoreOptions so;
  so.clock = &clock;
  auto store = events::EventStore::Open(a.dir, so);
  if (!store.ok()) {
    if (store.status().code() == StatusCode::kUnavailable) {
      return Fail("rebuild",
                  "the log in " + a.dir +
                      " is held by a running server: rebuild online with POST /api/admin/rebuild "
                      "on it (docs/operations.md)");
    }
    return Fail("opening " + a.dir, store.status().ToString());
  }
  auto options = demo::ProcessorOptionsFor(demo::DefaultReferenceDir());
  if (!options.ok()) return Fail("reading the reference data", options.status().ToString());
  projections::RunnerOptions ro;
  ro.catalog = options->vaccines;
  if (a.check) {
    auto differ = projections::CheckOffline(**store, a.dir, a.names, ro);
    if (!differ.ok()) return Fail("rebuild --check", differ.status().ToString());
    if (differ->empty()) {
      std::printf(
          "shugo: every projection checked matches a rebuild from the log (position %llu)\n",
          static_cast<unsigned long long>((*store)->head()));
      return 0;
    }
    for (const std::string& name : *differ) {
      std::printf("shugo: projection %s differs from a rebuild from the log\n", name.c_str());
    }
    return 1;
  }
  ProgressBar bar;
  auto report = projections::RebuildOffline(
      **store, a.dir, a.names, ro,
      [&bar](events::Position p, events::Position t, uint64_t n) { bar.Update(p, t, n); });
  bar.Done();
  if (!report.ok()) return Fail("rebuild", report.status().ToString());
  const double rate =
      report->seconds > 0 ? static_cast<double>(report->events) / report->seconds : 0;
  std::string names;
  for (const std::string& n : report->projections) names += (names.empty() ? "" : " ") + n;
  if (a.json) {
    std::printf("{\"events\":%llu,\"seconds\":%.3f,\"events_per_s\":%.0f}\n",
                static_cast<unsigned long long>(report->events), report->seconds, rate);
  } else {
    std::printf(
        "shugo: rebuilt %s up to position %llu into %s: %llu events in %.2f s (%.0f "
        "events/s)\n",
        names.c_str(), static_cast<unsigned long long>(report->position), report->file.c_str(),
        static_cast<unsigned long long>(report->events), report->seconds, rate);
  }
  return 0;
}

}  // namespace

void AddRebuild(CLI::App& app, Action& run) {
  auto args = std::make_shared<RebuildArgs>();
  CLI::App* sub = app.add_subcommand(
      "rebuild", "Rebuild projections from the log into a new file and swap it in");
  sub->add_option("--dir", args->dir, "Data directory")->required();
  sub->add_option("names", args->names,
                  "Projections to rebuild (default: all): organisations letters fees "
                  "public_search history feeds");
  sub->add_flag("--json", args->json, "Last line: {\"events\",\"seconds\",\"events_per_s\"}");
  sub->add_flag("--check", args->check,
                "Rebuild into a scratch file and compare content hashes with the current one");
  sub->callback([args, &run] { run = [args] { return Rebuild(*args); }; });
}

}  // namespace shugo::cli
