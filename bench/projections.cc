// shugo bench rebuild / projection-lag / queries: the projections at national scale
// (docs/projections.md, docs/benchmarks.md).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "bench/bench.h"
#include "bench/common.h"
#include "bench/letter_load.h"
#include "core/campaigns.h"
#include "core/fees.h"
#include "core/processor.h"
#include "core/vaccine_catalog.h"
#include "core/work_queues.h"
#include "projections/queries.h"
#include "projections/service.h"

#ifndef SHUGO_REFERENCE_DIR
#define SHUGO_REFERENCE_DIR "data/reference"
#endif

namespace shugo::bench {

namespace {

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}
double MillisSince(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

// The 疾病・ワクチン master the fees projection needs (the source tree's when not given).
Result<std::shared_ptr<const core::VaccineCatalog>> LoadCatalog(
    const std::filesystem::path& reference) {
  return core::VaccineCatalog::Load(reference.empty() ? std::string(SHUGO_REFERENCE_DIR)
                                                      : reference.string());
}

struct CaughtUp {
  std::unique_ptr<projections::ProjectionService> service;
  double seconds = 0;  // open + catch-up: the first open of a directory builds its file
};

// Opens the projection service of `dir` and waits until it holds the log's head, checking the
// runner's health meanwhile (a failed runner would never get there).
Result<CaughtUp> OpenCaughtUp(events::EventStore& store, const std::filesystem::path& dir,
                              std::shared_ptr<const core::VaccineCatalog> catalog) {
  const auto t0 = Steady::now();
  projections::ServiceOptions so;
  so.catalog = std::move(catalog);
  CaughtUp out;
  SHUGO_ASSIGN_OR_RETURN(out.service, projections::ProjectionService::Open(store, dir, so));
  const events::Position head = store.head();
  for (;;) {
    SHUGO_RETURN_IF_ERROR(out.service->health());
    Status reached = out.service->WaitFor(head, std::chrono::seconds(1));
    if (reached.ok()) break;
    if (SecondsSince(t0) > 600) return reached;
  }
  out.seconds = SecondsSince(t0);
  return out;
}

// A deterministic pseudo-random pick (splitmix64): varied parameters, the same every run.
class Picker {
 public:
  size_t operator()(size_t n) {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<size_t>((z ^ (z >> 31)) % n);
  }

 private:
  uint64_t state_ = 20250401;
};

// The UTF-8 characters of `s` (names are Japanese: a byte slice would cut one in two).
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      out.push_back(s.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& chars, size_t from, size_t n) {
  std::string out;
  for (size_t i = from; i < from + n && i < chars.size(); ++i) out += chars[i];
  return out;
}

}  // namespace

// ---- rebuild

Status RunRebuild(const RebuildOptions& o) {
  SHUGO_ASSIGN_OR_RETURN(auto catalog, LoadCatalog(o.reference));
  SystemClock clock;  // nothing is appended; the store still wants one
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));

  // The bare read of the log, the bound of any rebuild: twice, the faster with a warm page cache.
  uint64_t events = 0;
  double read_s = 0;
  for (int pass = 0; pass < 2; ++pass) {
    uint64_t count = 0;
    const auto t0 = Steady::now();
    SHUGO_RETURN_IF_ERROR(store->ReadAll(1, [&count](events::Position, std::string_view) {
      ++count;
      return true;
    }));
    const double s = SecondsSince(t0);
    if (pass == 0 || s < read_s) read_s = s;
    events = count;
  }
  const double read_rate = read_s > 0 ? static_cast<double>(events) / read_s : 0;

  // Every projection from position 0 into a new file, made current (as `shugo rebuild`).
  projections::RunnerOptions ro;
  ro.catalog = catalog;
  // The time the last batch's rows were written splits the rebuild in two: the rows, then the
  // deferred indexes, the flush and the swap.
  double rows_s = 0;
  const auto t0 = Steady::now();
  SHUGO_ASSIGN_OR_RETURN(
      auto report,
      projections::RebuildOffline(
          *store, o.dir, {}, ro, [&](events::Position position, events::Position target, uint64_t) {
            if (position >= target) rows_s = SecondsSince(t0);
          }));
  const double rebuild_s = SecondsSince(t0);
  const double rebuild_rate = rebuild_s > 0 ? static_cast<double>(report.events) / rebuild_s : 0;
  const double ratio = read_rate > 0 ? rebuild_rate / read_rate : 0;
  if (o.json) {
    std::printf(
        "{\"events\":%llu,\"read_all_events_per_s\":%.0f,\"rebuild_seconds\":%.3f,"
        "\"rebuild_events_per_s\":%.0f,\"ratio\":%.3f,\"rows_seconds\":%.3f}\n",
        static_cast<unsigned long long>(report.events), read_rate, rebuild_s, rebuild_rate, ratio,
        rows_s);
  } else {
    std::printf("rebuild: every projection of %s (log head %llu) into %s\n", o.dir.c_str(),
                static_cast<unsigned long long>(store->head()), report.file.c_str());
    std::printf("  read-all  %llu events in %.2f s: %.0f events/s (faster of 2 reads)\n",
                static_cast<unsigned long long>(events), read_s, read_rate);
    std::printf(
        "  rebuild   %llu events in %.2f s: %.0f events/s (rebuild target >= 300,000 "
        "events/s)\n",
        static_cast<unsigned long long>(report.events), rebuild_s, rebuild_rate);
    std::printf("            rows written in %.2f s, then indexes, flush and swap in %.2f s\n",
                rows_s, rebuild_s - rows_s);
    std::printf("  ratio rebuild/read-all %.3f\n", ratio);
  }
  return Status::Ok();
}

// ---- projection-lag

Status RunProjectionLag(const ProjectionLagOptions& o) {
  if (o.submitters < 1) return Status::InvalidArgument("submitters", "must be at least 1");
  if (o.seconds <= 0) return Status::InvalidArgument("seconds", "must be positive");
  SHUGO_ASSIGN_OR_RETURN(auto catalog, LoadCatalog(o.reference));
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
  SHUGO_ASSIGN_OR_RETURN(auto processor, core::Processor::Open(store.get(), &clock));
  SHUGO_ASSIGN_OR_RETURN(CaughtUp caught_up, OpenCaughtUp(*store, o.dir, catalog));
  projections::ProjectionService& service = *caught_up.service;

  // The load of `bench commands`: institutions free to apply for 任意助成, round robin.
  const auto n = static_cast<size_t>(o.submitters);
  SHUGO_ASSIGN_OR_RETURN(auto work, DealLetterWork(*processor, n));

  std::vector<std::vector<double>> latencies(n), lags(n);
  std::vector<Status> failures(n);
  std::atomic<bool> stop{false};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      uint64_t seq = 0;
      const std::string prefix =
          "bench-lag-" + std::to_string(clock.NowMicros()) + "-" + std::to_string(i) + "-";
      // Executes a command, then waits until the projections hold its events: the lag is from
      // Execute's return (the acknowledgment) to the moment a query would see them.
      auto run = [&](const std::string& org, core::Request r) -> Result<core::Outcome> {
        core::CommandRequest c;
        c.id = prefix + std::to_string(++seq);
        c.actor = core::Actor{"bench", org};
        c.request = std::move(r);
        const auto t0 = Steady::now();
        Result<core::Outcome> out = processor->Execute(c);
        const auto acknowledged = Steady::now();
        latencies[i].push_back(
            std::chrono::duration<double, std::milli>(acknowledged - t0).count());
        if (!out.ok()) return out;
        Status seen = service.WaitFor(out->append.last_position, std::chrono::seconds(5));
        if (!seen.ok()) return seen;
        lags[i].push_back(MillisSince(acknowledged));
        return out;
      };
      latencies[i].reserve(1 << 16);
      lags[i].reserve(1 << 16);
      failures[i] = RunLetterLoop(*processor, work[i], stop, run);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed = SecondsSince(start);
  for (const Status& f : failures) {
    if (!f.ok()) return f;
  }
  SHUGO_RETURN_IF_ERROR(service.health());
  std::vector<double> all, lag;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  for (auto& l : lags) lag.insert(lag.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::sort(lag.begin(), lag.end());
  const double rate = static_cast<double>(all.size()) / elapsed;
  const double lag_max = lag.empty() ? 0 : lag.back();
  const uint64_t head = store->head();
  caught_up.service->Stop();
  processor.reset();
  store->Close();
  if (o.json) {
    std::printf(
        "{\"submitters\":%d,\"commands_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
        "\"lag_p50_ms\":%.3f,\"lag_p99_ms\":%.3f,\"lag_p999_ms\":%.3f,\"lag_max_ms\":%.3f,"
        "\"catch_up_s\":%.3f}\n",
        o.submitters, rate, Quantile(all, 0.5), Quantile(all, 0.99), Quantile(lag, 0.5),
        Quantile(lag, 0.99), Quantile(lag, 0.999), lag_max, caught_up.seconds);
  } else {
    std::printf(
        "projection-lag: %d submitters, %.1f s, %zu durable letter commands (log head %llu)\n",
        o.submitters, elapsed, all.size(), static_cast<unsigned long long>(head));
    std::printf("  projections opened and caught up in %.2f s\n", caught_up.seconds);
    std::printf("  commands/s  %.0f\n  latency ms  p50 %.3f  p99 %.3f\n", rate, Quantile(all, 0.5),
                Quantile(all, 0.99));
    std::printf("  lag ms      p50 %.3f  p99 %.3f  p999 %.3f  max %.3f (lag p99 target <= 50 ms)\n",
                Quantile(lag, 0.5), Quantile(lag, 0.99), Quantile(lag, 0.999), lag_max);
  }
  return Status::Ok();
}

// ---- queries

namespace {

// One kind of query: `run(reader, i)` runs the i-th of its prepared parameter sets and returns
// the page's total.
struct QueryKind {
  const char* name;
  size_t variants = 0;
  std::function<Result<int64_t>(const projections::Reader&, size_t)> run;
};

struct QueryFigures {
  double per_s = 0, p50_ms = 0, p99_ms = 0, max_ms = 0, mean_total = 0;
};

// Runs `kind` from `threads` threads for `seconds`, each through its own lent connection; each
// thread walks every variant in turn from its own starting point, so each runs the same mix. The
// first failed query ends the run.
Result<QueryFigures> MeasureQueries(const projections::ProjectionService& service,
                                    const QueryKind& kind, int threads, double seconds) {
  const auto n = static_cast<size_t>(threads);
  std::vector<std::vector<double>> latencies(n);
  std::vector<double> totals(n);
  std::vector<Status> failures(n);
  std::atomic<bool> stop{false};
  const auto start = Steady::now();
  std::vector<std::thread> pool;
  for (size_t t = 0; t < n; ++t) {
    pool.emplace_back([&, t] {
      latencies[t].reserve(1 << 16);
      const size_t first = t * kind.variants / n;
      for (size_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
        const size_t i = (first + k) % kind.variants;
        const auto t0 = Steady::now();
        Result<int64_t> total =
            service.Read([&](const projections::Reader& r) { return kind.run(r, i); });
        latencies[t].push_back(MillisSince(t0));
        if (!total.ok()) {
          failures[t] = total.status();
          stop.store(true);
          return;
        }
        totals[t] += static_cast<double>(*total);
      }
    });
  }
  // Stop at the deadline, or as soon as a query fails.
  while (!stop.load() && SecondsSince(start) < seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.store(true);
  for (auto& t : pool) t.join();
  const double elapsed = SecondsSince(start);
  for (const Status& f : failures) {
    if (!f.ok()) return f;
  }
  std::vector<double> all;
  double total = 0;
  for (size_t t = 0; t < n; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    total += totals[t];
  }
  std::sort(all.begin(), all.end());
  QueryFigures f;
  f.per_s = static_cast<double>(all.size()) / elapsed;
  f.p50_ms = Quantile(all, 0.5);
  f.p99_ms = Quantile(all, 0.99);
  f.max_ms = all.empty() ? 0 : all.back();
  f.mean_total = all.empty() ? 0 : total / static_cast<double>(all.size());
  return f;
}

// Prepared parameter sets per kind: enough for the runs not to repeat a handful of pages.
constexpr size_t kVariants = 512;

}  // namespace

Status RunQueries(const QueriesOptions& o) {
  if (o.seconds <= 0) return Status::InvalidArgument("seconds", "must be positive");
  SHUGO_ASSIGN_OR_RETURN(auto catalog, LoadCatalog(o.reference));
  SystemClock clock;  // nothing is appended; the store and processor still want one
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
  SHUGO_ASSIGN_OR_RETURN(auto processor, core::Processor::Open(store.get(), &clock));
  SHUGO_ASSIGN_OR_RETURN(CaughtUp caught_up, OpenCaughtUp(*store, o.dir, catalog));
  const projections::ProjectionService& service = *caught_up.service;

  // The parameters, from the state: viewers for the letter lists, institution names to search
  // for, and for the public search (residence, disease) pairs some institution serves today (a
  // routine contract with that municipality, a vaccine against that disease): the residence in
  // the routine collective contract, else the search is empty by rule (F-21).
  const JapanDate today = processor->Today();
  std::vector<core::OrgId> prefectures, municipalities, residences, viewers;
  std::vector<std::pair<core::OrgId, core::OrgId>> contracted;  // institution, municipality
  std::vector<core::CampaignId> campaigns;
  std::vector<std::string> names;
  std::vector<std::pair<core::OrgId, std::string>> served;
  processor->Read([&](const core::State& s) {
    for (const core::Organisation& org : s.organisations()) {
      if (org.abolished || org.merged_into != 0) continue;
      if (org.kind == core::OrganisationKind::kPrefecture) prefectures.push_back(org.id);
      if (org.kind == core::OrganisationKind::kMunicipality) municipalities.push_back(org.id);
      if (org.kind == core::OrganisationKind::kInsuredInstitution) names.push_back(org.name);
      // The signed-in organisations of the state-read routes: every kind but institutions
      // (their own queues are short), and one institution in 50.
      if (org.kind != core::OrganisationKind::kInsuredInstitution || org.id % 50 == 0) {
        viewers.push_back(org.id);
      }
    }
    for (const core::Campaign& c : s.campaigns()) campaigns.push_back(c.id);
    for (const core::Letter& l : s.letters()) {
      const core::Organisation* from = s.FindOrg(l.delegator);
      if (from != nullptr && from->kind == core::OrganisationKind::kMunicipality &&
          l.contract_type == core::ContractType::kRoutine &&
          (l.status == core::LetterStatus::kInContract ||
           l.status == core::LetterStatus::kSecessionScheduled)) {
        residences.push_back(l.delegator);
      }
    }
    std::sort(residences.begin(), residences.end());
    residences.erase(std::unique(residences.begin(), residences.end()), residences.end());
    constexpr auto kRoutine = core::ContractType::kRoutine;
    for (const auto& [org, settings] : s.fees().all()) {
      for (const auto& [key, contract] : settings.contracts) {
        if (key.first != kRoutine || !contract.in_force_on(today) ||
            !std::binary_search(residences.begin(), residences.end(), contract.municipality)) {
          continue;
        }
        contracted.emplace_back(org, contract.municipality);
        for (const auto& [vaccine, handled] : settings.handled) {
          if (vaccine.second != kRoutine || !handled.in_force_on(today)) continue;
          const core::VaccineInfo* info = catalog->Find(vaccine.first);
          if (info == nullptr) continue;
          for (const std::string& disease : info->diseases) {
            served.emplace_back(contract.municipality, disease);
          }
        }
      }
    }
    return 0;
  });
  std::sort(served.begin(), served.end());
  served.erase(std::unique(served.begin(), served.end()), served.end());
  if (prefectures.empty() || municipalities.empty() || names.empty() || served.empty() ||
      contracted.empty() || campaigns.empty()) {
    return Status::FailedPrecondition(
        "no organisations, letters or F-2 settings in force: run `shugo demo`");
  }

  Picker pick;
  // a. letter lists: a prefecture's or a municipality's (the viewers resolved beforehand, as a
  // session holds them), approved or in force, pages 1 to 3.
  struct LetterQuery {
    projections::Viewer viewer;
    projections::LetterFilter filter;
  };
  std::vector<LetterQuery> letter_queries;
  for (size_t i = 0; i < kVariants; ++i) {
    const core::OrgId org = i % 2 == 0 ? prefectures[pick(prefectures.size())]
                                       : municipalities[pick(municipalities.size())];
    SHUGO_ASSIGN_OR_RETURN(
        projections::Viewer viewer,
        service.Read([&](const projections::Reader& r) { return projections::ViewerOf(r, org); }));
    LetterQuery q{viewer, {}};
    q.filter.status =
        pick(2) == 0 ? core::LetterStatus::kApproved : core::LetterStatus::kInContract;
    q.filter.per_page = 50;
    q.filter.page = 1 + static_cast<int>(pick(3));
    letter_queries.push_back(std::move(q));
  }
  // b. name searches: 3 or 4 characters from the middle of a real name; every 4th, a name's
  // first 2 characters (below the trigram index's 3).
  std::vector<projections::OrganisationFilter> name_queries;
  for (size_t i = 0; i < kVariants; ++i) {
    const auto chars = Characters(names[pick(names.size())]);
    projections::OrganisationFilter f;
    f.per_page = 50;
    const size_t len = 3 + pick(2);
    f.q = i % 4 == 3 || chars.size() < len + 2 ? Join(chars, 0, 2)
                                               : Join(chars, (chars.size() - len) / 2, len);
    name_queries.push_back(std::move(f));
  }
  // c. public searches: a resident looking for where to be vaccinated against a disease.
  std::vector<projections::PublicFilter> public_queries;
  for (size_t i = 0; i < kVariants; ++i) {
    const auto& [residence, disease] = served[pick(served.size())];
    projections::PublicFilter f;
    f.today = today;
    f.residence = residence;
    f.disease = disease;
    f.per_page = 50;
    public_queries.push_back(std::move(f));
  }

  // d–g. The reads of the state behind the UI's routes (issue 24): what needs my action and the
  // queues for any organisation, the fees that apply to an institution in a municipality it
  // contracts with and that municipality's missing routine vaccines, a campaign's non-applicants.
  std::vector<core::OrgId> action_viewers;
  std::vector<std::pair<core::OrgId, core::OrgId>> fee_queries;
  for (size_t i = 0; i < kVariants; ++i) {
    action_viewers.push_back(viewers[pick(viewers.size())]);
    fee_queries.push_back(contracted[pick(contracted.size())]);
  }
  auto state_read = [&](auto&& f) -> Result<int64_t> {
    return processor->Read([&](const core::State& s) -> Result<int64_t> { return f(s); });
  };
  const QueryKind kinds[] = {
      {"letters", letter_queries.size(),
       [&](const projections::Reader& r, size_t i) -> Result<int64_t> {
         SHUGO_ASSIGN_OR_RETURN(auto page, projections::ListLetters(r, letter_queries[i].viewer,
                                                                    letter_queries[i].filter));
         return page.total;
       }},
      {"names", name_queries.size(),
       [&](const projections::Reader& r, size_t i) -> Result<int64_t> {
         SHUGO_ASSIGN_OR_RETURN(auto page, projections::SearchOrganisations(r, name_queries[i]));
         return page.total;
       }},
      {"public", public_queries.size(),
       [&](const projections::Reader& r, size_t i) -> Result<int64_t> {
         SHUGO_ASSIGN_OR_RETURN(auto page, projections::PublicSearch(r, public_queries[i]));
         return page.total;
       }},
      {"actions", action_viewers.size(),
       [&](const projections::Reader&, size_t i) {
         return state_read([&](const core::State& s) {
           const core::ActionCounts n = core::ActionsOf(s, action_viewers[i], today);
           const auto queue = core::CodeChangesAwaiting(s, action_viewers[i]);
           return n.letters_to_approve + n.letters_returned + n.leaving_this_month +
                  static_cast<int64_t>(queue.size());
         });
       }},
      {"fees", fee_queries.size(),
       [&](const projections::Reader&, size_t i) {
         return state_read([&](const core::State& s) {
           const auto& [inst, municipality] = fee_queries[i];
           return static_cast<int64_t>(
               core::FeesFor(s, inst, municipality, today).size() +
               core::MissingRoutineVaccines(s, *catalog, municipality, today).size());
         });
       }},
      {"campaign", campaigns.size(),
       [&](const projections::Reader&, size_t i) {
         return state_read([&](const core::State& s) {
           return static_cast<int64_t>(core::CampaignNonApplicants(s, campaigns[i]).size());
         });
       }},
  };
  constexpr size_t kKinds = sizeof(kinds) / sizeof(kinds[0]);
  constexpr int kThreads[] = {1, 2};
  QueryFigures figures[kKinds][2];
  for (size_t k = 0; k < kKinds; ++k) {
    for (size_t t = 0; t < 2; ++t) {
      SHUGO_ASSIGN_OR_RETURN(figures[k][t],
                             MeasureQueries(service, kinds[k], kThreads[t], o.seconds));
    }
  }
  caught_up.service->Stop();

  if (o.json) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "{\"catch_up_s\":%.3f", caught_up.seconds);
    std::string line = buf;
    for (size_t k = 0; k < kKinds; ++k) {
      line += std::string(",\"") + kinds[k].name + "\":{";
      for (size_t t = 0; t < 2; ++t) {
        const QueryFigures& f = figures[k][t];
        std::snprintf(buf, sizeof buf,
                      "%s\"threads_%d\":{\"queries_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                      "\"max_ms\":%.3f,\"mean_total\":%.1f}",
                      t == 0 ? "" : ",", kThreads[t], f.per_s, f.p50_ms, f.p99_ms, f.max_ms,
                      f.mean_total);
        line += buf;
      }
      line += "}";
    }
    std::printf("%s}\n", line.c_str());
  } else {
    std::printf(
        "queries: %.1f s per kind and thread count on %s (log head %llu, business date %s)\n",
        o.seconds, o.dir.c_str(), static_cast<unsigned long long>(store->head()),
        today.ToString().c_str());
    std::printf("  projections opened and caught up in %.2f s\n", caught_up.seconds);
    std::printf(
        "  kind     threads  queries/s   p50 ms   p99 ms   max ms  mean total"
        " (p99 target <= 10 ms)\n");
    for (size_t k = 0; k < kKinds; ++k) {
      for (size_t t = 0; t < 2; ++t) {
        const QueryFigures& f = figures[k][t];
        std::printf("  %-8s %7d %10.0f %8.3f %8.3f %8.3f %11.1f\n", kinds[k].name, kThreads[t],
                    f.per_s, f.p50_ms, f.p99_ms, f.max_ms, f.mean_total);
      }
    }
  }
  return Status::Ok();
}

}  // namespace shugo::bench
