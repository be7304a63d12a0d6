// shugo serve: the HTTP server over a data directory.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "cli/commands.h"
#include "core/day_schedule.h"
#include "core/processor.h"
#include "demo/demo.h"
#include "events/event_store.h"
#include "http/server.h"
#include "projections/service.h"

namespace shugo::cli {

namespace {

struct ServeArgs {
  std::string dir;
  std::string listen = "127.0.0.1:8080";
  bool demo = false;
  bool quiet = false;
  std::string tls_cert, tls_key;
  int workers = 8;
  std::string trusted_proxy;
  size_t letter_cache_mb = 64;
  std::string public_url;
  int64_t max_connections_per_address = 256;
};

// The demo's ready users (README "Demo users"), created once in a demo directory.
Status EnsureDemoUsers(accounts::AccountStore& accounts, const core::Processor& processor) {
  const auto users = processor.Read([](const core::State& s) { return demo::PickDemoUsers(s); });
  for (const demo::DemoUser& d : users) {
    SHUGO_ASSIGN_OR_RETURN(auto existing, accounts.FindByLogin(d.login_id));
    if (existing) continue;
    accounts::NewUser n;
    n.login_id = d.login_id;
    n.org = d.org;
    n.org_code = d.org_code;
    n.role = accounts::Role::kAdmin;
    n.name = "デモ 担当者（" + d.org_name + "）";
    n.kana = "デモ タントウシャ";
    n.email = d.login_id + "@demo.shugo.invalid";
    n.phone = "0300000000";
    n.password = demo::kDemoPassword;
    SHUGO_RETURN_IF_ERROR(accounts.CreateUser(n).status());
  }
  return Status::Ok();
}

int Serve(const ServeArgs& a) {
  auto listen = http::ParseListen(a.listen, "--listen");
  if (!listen.ok()) return Fail("serve", listen.status().ToString());
  // The demo is served only when asked for: an operator who forgot --dir must not get demo data.
  if (a.dir.empty() && !a.demo) {
    return Fail("serve",
                "--dir DIR is required (the data directory; --demo alone serves the "
                "built-in demo data in ./shugo-demo-data)");
  }
  const bool demo_mode = a.demo;
  const std::filesystem::path dir =
      a.dir.empty() ? std::filesystem::path("shugo-demo-data") : std::filesystem::path(a.dir);

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Demo mode: a directory without a log gets the small demo first (real reference data, a
  // simulated year), and the business date is a manual clock an admin moves forward.
  if (demo_mode && !std::filesystem::exists(dir / "events")) {
    demo::DemoOptions d;
    d.dir = dir;
    d.reference = demo::DefaultReferenceDir();
    auto built = demo::BuildDemo(d);
    if (!built.ok())
      return Fail("building the demo data in " + dir.string(), built.status().ToString());
  }
  SystemClock system_clock;
  ManualClock demo_clock;
  const Clock* clock = &system_clock;
  if (demo_mode) clock = &demo_clock;

  events::StoreOptions so;
  so.clock = clock;
  auto store = events::EventStore::Open(dir, so);
  if (!store.ok()) return Fail("opening " + dir.string(), store.status().ToString());
  const auto load_start = std::chrono::steady_clock::now();
  auto options = demo_mode ? demo::DemoProcessorOptions(demo::DefaultReferenceDir())
                           : demo::ProcessorOptionsFor(demo::DefaultReferenceDir());
  if (!options.ok()) return Fail("reading the reference data", options.status().ToString());
  auto processor = core::Processor::Open(store->get(), clock, *options);
  if (!processor.ok()) return Fail("loading " + dir.string(), processor.status().ToString());
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start)
          .count();
  if (demo_mode) {
    // The business date resumes the day after the last closed one, at 09:00 in Japan.
    const JapanDate resume = (*processor)->Read([](const core::State& s) {
      return s.last_closed_day() ? s.last_closed_day()->AddDays(1) : JapanDate(2025, 4, 1);
    });
    demo_clock.SetMicros(resume.StartUnixMicros() + int64_t{9} * 3'600'000'000);
  }
  // The read models follow the log on their own thread; a first start builds them (queries
  // that name a position wait for it).
  projections::ServiceOptions po;
  po.catalog = options->vaccines;
  auto projection = projections::ProjectionService::Open(**store, dir, po);
  if (!projection.ok()) return Fail("opening the projections", projection.status().ToString());
  std::unique_ptr<core::DaySchedule> schedule;
  if (!demo_mode) {
    schedule = std::make_unique<core::DaySchedule>(
        **processor, *clock, [](const Result<core::DayReport>& r) {
          if (!r.ok()) {
            std::fprintf(stderr, "shugo: day job: %s\n", r.status().ToString().c_str());
          } else if (r->first) {
            std::fprintf(stderr, "shugo: day job closed %s … %s (%llu transitions)\n",
                         r->first->ToString().c_str(), r->last->ToString().c_str(),
                         static_cast<unsigned long long>(r->commands));
          }
        });
  }

  // Users, sessions and mail (their own file; invariant 11). In demo mode every mail is also an
  // .eml file under <dir>/mail/ (second-factor codes are read there).
  accounts::AccountOptions ao;
  ao.file = dir / "accounts.sqlite";
  if (demo_mode) ao.mail_dir = dir / "mail";
  ao.clock = &system_clock;
  auto accounts = accounts::AccountStore::Open(ao, accounts::RecordInLog(**processor));
  if (!accounts.ok()) return Fail("opening the account store", accounts.status().ToString());
  if (demo_mode) {
    if (Status s = EnsureDemoUsers(**accounts, **processor); !s.ok()) {
      return Fail("creating the demo users", s.ToString());
    }
  }

  http::ServerOptions ho;
  ho.address = listen->first;
  ho.port = listen->second;
  ho.demo = demo_mode;
  ho.processor = processor->get();
  ho.business_clock = demo_mode ? &demo_clock : nullptr;
  ho.projections = projection->get();
  ho.accounts = accounts->get();
  ho.clock = &system_clock;
  ho.access_log = !a.quiet;
  ho.tls_certificate = a.tls_cert;
  ho.tls_key = a.tls_key;
  ho.workers = a.workers;
  ho.trusted_proxy = a.trusted_proxy;
  ho.letter_cache_bytes = a.letter_cache_mb << 20;
  ho.public_base_url = a.public_url;
  ho.max_connections_per_address = a.max_connections_per_address;
  auto server = http::Server::Start(ho, **store);
  if (!server.ok()) return Fail("serve", server.status().ToString());
  std::printf(
      "shugo: serving %s://%s:%u/ (data: %s, log head %llu, state loaded in %.0f ms, business "
      "date %s%s)\n",
      a.tls_cert.empty() ? "http" : "https", ho.address.c_str(), (*server)->port(),
      std::filesystem::absolute(dir).c_str(), static_cast<unsigned long long>((*store)->head()),
      load_ms, (*processor)->Today().ToString().c_str(), demo_mode ? ", demo mode" : "");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("shugo: stopping (signal %d)\n", sig);
  (*server)->Stop();
  (*projection)->Stop();
  schedule.reset();
  accounts->reset();  // records through the processor
  processor->reset();
  (*store)->Close();
  return 0;
}

}  // namespace

void AddServe(CLI::App& app, Action& run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* sub = app.add_subcommand("serve", "Serve the HTTP API");
  sub->add_option("--dir", args->dir,
                  "Data directory (required unless --demo, whose default is ./shugo-demo-data)");
  sub->add_option("--listen", args->listen, "Address and port to listen on")->capture_default_str();
  sub->add_flag(
      "--demo", args->demo,
      "Demo/test mode: a new directory gets the small demo; an admin moves the business date");
  sub->add_flag("--quiet", args->quiet, "No access log lines on stderr");
  sub->add_option("--tls-cert", args->tls_cert,
                  "Serve HTTPS with this certificate chain (PEM; needs --tls-key)")
      ->check(CLI::ExistingFile);
  sub->add_option("--tls-key", args->tls_key, "The certificate's private key (PEM)")
      ->check(CLI::ExistingFile);
  sub->add_option("--trusted-proxy", args->trusted_proxy,
                  "A reverse proxy's address: from it, the last hop of X-Forwarded-For is the "
                  "client (rate limits, access log)");
  sub->add_option("--public-url", args->public_url,
                  "Where users reach the server, e.g. https://shugo.example.jp (links in mails; "
                  "default: the --listen address)")
      ->check([](const std::string& v) -> std::string {
        if ((v.starts_with("https://") || v.starts_with("http://")) && !v.ends_with("/")) return "";
        return "an http:// or https:// URL without a trailing slash";
      });
  sub->add_option("--max-connections-per-address", args->max_connections_per_address,
                  "Open connections one client address may hold (the trusted proxy is not "
                  "counted)")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000}))
      ->capture_default_str();
  sub->add_option("--workers", args->workers,
                  "Threads for commands, sign-in and reads that wait for a position")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  sub->add_option("--letter-cache-mb", args->letter_cache_mb,
                  "Memory for letter objects that letters pages reuse while their rows stay "
                  "unchanged (0: none)")
      ->check(CLI::Range(0, 65536))
      ->capture_default_str();
  sub->callback([args, &run] { run = [args] { return Serve(*args); }; });
}

}  // namespace shugo::cli
