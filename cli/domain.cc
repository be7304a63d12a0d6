// shugo demo | info | day: building the demo data, inspecting a data directory, the day job.
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "base/clock.h"
#include "cli/commands.h"
#include "core/processor.h"
#include "demo/demo.h"
#include "events/event_store.h"

namespace shugo::cli {

namespace {

// Resident memory of this process in MiB, from /proc/self/status.
double ResidentMiB() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      in >> kib;
      return kib / 1024.0;
    }
    in.ignore(4096, '\n');
  }
  return 0;
}

struct InfoArgs {
  std::string dir;
  bool json = false;
};

int Info(const InfoArgs& a) {
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  auto store = events::EventStore::Open(a.dir, so);
  if (!store.ok()) return Fail("opening " + a.dir, store.status().ToString());
  // Exactly what the server does at start.
  const auto start = std::chrono::steady_clock::now();
  auto processor = core::Processor::Open(store->get(), &clock);
  if (!processor.ok()) return Fail("loading " + a.dir, processor.status().ToString());
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const double rss = ResidentMiB();
  boost::json::object orgs, letters;
  for (const auto& k : core::OrganisationKinds()) orgs[k.code] = 0;
  for (const auto& s : core::LetterStatuses()) {
    if (s.value != core::LetterStatus::kNone) letters[s.code] = 0;
  }
  boost::json::object redelegations = letters;
  std::optional<JapanDate> closed;
  boost::json::object codes;  // F-1-4-1, F-1-4-3, F-5-1
  boost::json::object fees, campaigns;
  (*processor)->Read([&](const core::State& s) {
    int64_t changed = 0, merged = 0, awaiting = 0;
    for (const core::Organisation& o : s.organisations()) {
      if (o.merged_into != 0) {
        ++merged;
      } else if (!o.old_codes.empty()) {
        ++changed;
      }
      if (o.pending_code_change) ++awaiting;
    }
    codes["eligibility_master"] = static_cast<int64_t>(s.eligibility_size());
    codes["code_changed"] = changed;
    codes["merged"] = merged;
    codes["awaiting_approval"] = awaiting;
    int64_t municipal_vaccines = 0, institution_contracts = 0, institution_vaccines = 0;
    for (const auto& [org, f] : s.fees().all()) {
      municipal_vaccines += static_cast<int64_t>(f.vaccines.size());
      institution_contracts += static_cast<int64_t>(f.contracts.size());
      institution_vaccines += static_cast<int64_t>(f.handled.size());
    }
    fees["municipal_vaccines"] = municipal_vaccines;        // F-2-1-2/3
    fees["institution_contracts"] = institution_contracts;  // F-2-4
    fees["institution_vaccines"] = institution_vaccines;    // F-2-5
    int64_t declared = 0, ended = 0;
    for (const core::Campaign& c : s.campaigns()) {
      ++declared;
      if (c.ended) ++ended;
    }
    campaigns["declared"] = declared;  // F-10
    campaigns["ended"] = ended;
    const auto& contract = s.collective_contract();
    codes["collective_contract"] = contract ? contract->date.ToString() : "";
    for (const core::Organisation& o : s.organisations()) {
      orgs[core::CodeName(o.kind)] = orgs[core::CodeName(o.kind)].as_int64() + 1;
    }
    for (const core::Letter& l : s.letters()) {
      boost::json::object& into = l.redelegation ? redelegations : letters;
      into[core::CodeName(l.status)] = into[core::CodeName(l.status)].as_int64() + 1;
    }
    closed = s.last_closed_day();
    return 0;
  });
  boost::json::object out;
  out["head"] = (*store)->head();
  out["organisations"] = orgs;
  out["letters"] = letters;
  out["redelegations"] = redelegations;
  out["last_closed_day"] = closed ? closed->ToString() : "";
  out["institution_codes"] = codes;
  out["fees"] = fees;
  out["campaigns"] = campaigns;
  out["load_ms"] = static_cast<int64_t>(std::llround(load_ms));
  out["rss_mb"] = static_cast<int64_t>(std::llround(rss));
  if (a.json) {
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  std::printf("data directory  %s\nlog head        %llu\nlast day closed %s\n", a.dir.c_str(),
              static_cast<unsigned long long>((*store)->head()),
              closed ? closed->ToString().c_str() : "(none)");
  std::printf("loaded in       %.0f ms, resident %.0f MiB\n", load_ms, rss);
  std::printf("contract signed %s\n", codes["collective_contract"].as_string().c_str());
  std::printf(
      "institutions    %lld codes in the eligibility master, %lld changed code, %lld merged, "
      "%lld awaiting approval\n",
      static_cast<long long>(codes["eligibility_master"].as_int64()),
      static_cast<long long>(codes["code_changed"].as_int64()),
      static_cast<long long>(codes["merged"].as_int64()),
      static_cast<long long>(codes["awaiting_approval"].as_int64()));
  std::printf(
      "fees            %lld municipal vaccines, %lld institutions' contract municipalities, "
      "%lld institutions' vaccines\n",
      static_cast<long long>(fees["municipal_vaccines"].as_int64()),
      static_cast<long long>(fees["institution_contracts"].as_int64()),
      static_cast<long long>(fees["institution_vaccines"].as_int64()));
  std::printf("campaigns       %lld declared, %lld ended\n\norganisations\n",
              static_cast<long long>(campaigns["declared"].as_int64()),
              static_cast<long long>(campaigns["ended"].as_int64()));
  for (const auto& k : core::OrganisationKinds()) {
    std::printf("  %-34s %-24s %8lld\n", std::string(k.code).c_str(),
                std::string(k.japanese).c_str(), static_cast<long long>(orgs[k.code].as_int64()));
  }
  std::printf("\nletters                                             originals  re-delegations\n");
  for (const auto& s : core::LetterStatuses()) {
    if (s.value == core::LetterStatus::kNone) continue;
    std::printf("  %-20s %-28s %9lld %15lld\n", std::string(s.code).c_str(),
                std::string(s.japanese).c_str(), static_cast<long long>(letters[s.code].as_int64()),
                static_cast<long long>(redelegations[s.code].as_int64()));
  }
  return 0;
}

struct DemoArgs {
  std::string dir;
  std::string scale = "small";
  std::string reference;
  bool json = false;
};

int Demo(const DemoArgs& a) {
  demo::DemoOptions o;
  o.dir = a.dir;
  o.scale = a.scale;
  o.reference =
      a.reference.empty() ? demo::DefaultReferenceDir() : std::filesystem::path(a.reference);
  auto r = demo::BuildDemo(o);
  if (!r.ok()) return Fail("demo", r.status().ToString());
  if (a.json) {
    std::printf(
        "{\"scale\":\"%s\",\"commands\":%llu,\"refused\":%llu,\"head\":%llu,\"seconds\":%.1f}\n",
        a.scale.c_str(), static_cast<unsigned long long>(r->commands),
        static_cast<unsigned long long>(r->refused), static_cast<unsigned long long>(r->head),
        r->seconds);
  } else {
    std::printf(
        "shugo demo: %s scale in %s: %llu commands (%llu refused on purpose), %llu events, "
        "%.1f s\n",
        a.scale.c_str(), a.dir.c_str(), static_cast<unsigned long long>(r->commands),
        static_cast<unsigned long long>(r->refused), static_cast<unsigned long long>(r->head),
        r->seconds);
  }
  return 0;
}

struct DayArgs {
  std::string dir;
  std::string date;
};

int Day(const DayArgs& a) {
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  auto store = events::EventStore::Open(a.dir, so);
  if (!store.ok()) return Fail("opening " + a.dir, store.status().ToString());
  auto processor = core::Processor::Open(store->get(), &clock);
  if (!processor.ok()) return Fail("loading " + a.dir, processor.status().ToString());
  JapanDate date = clock.Today();
  if (!a.date.empty()) {
    auto d = JapanDate::Parse(a.date, "--date");
    if (!d.ok()) return Fail("day", d.status().ToString());
    date = *d;
  }
  auto r = (*processor)->RunDays(date);
  if (!r.ok()) return Fail("day", r.status().ToString());
  if (!r->first) {
    std::printf("shugo day: %s is already closed; nothing to do\n", date.ToString().c_str());
  } else {
    std::printf("shugo day: closed %s … %s, %llu transitions\n", r->first->ToString().c_str(),
                r->last->ToString().c_str(), static_cast<unsigned long long>(r->commands));
  }
  return 0;
}

}  // namespace

void AddDomain(CLI::App& app, Action& run) {
  auto info = std::make_shared<InfoArgs>();
  CLI::App* i = app.add_subcommand(
      "info", "Load the state from the log as the server does, and print what it holds");
  i->add_option("--dir", info->dir, "Data directory")->required();
  i->add_flag("--json", info->json, "One JSON line");
  i->callback([info, &run] { run = [info] { return Info(*info); }; });

  auto demo = std::make_shared<DemoArgs>();
  CLI::App* d = app.add_subcommand(
      "demo", "Build a data directory from the real reference data over a simulated year");
  d->add_option("--dir", demo->dir, "Data directory to create")->required();
  d->add_option("--scale", demo->scale, "small (sample institutions) or national (all 96,488)")
      ->check(CLI::IsMember({"small", "national"}))
      ->capture_default_str();
  d->add_option("--reference", demo->reference, "Reference data directory (data/reference)");
  d->add_flag("--json", demo->json, "One JSON line");
  d->callback([demo, &run] { run = [demo] { return Demo(*demo); }; });

  auto day = std::make_shared<DayArgs>();
  CLI::App* y = app.add_subcommand(
      "day", "The day job: every transition effective on or before the date, day by day");
  y->add_option("--dir", day->dir, "Data directory")->required();
  y->add_option("--date", day->date, "Business date YYYY-MM-DD (default: today in Japan)");
  y->callback([day, &run] { run = [day] { return Day(*day); }; });
}

}  // namespace shugo::cli
