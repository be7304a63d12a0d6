// shugo serve: the HTTP server over a data directory.
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "base/clock.h"
#include "cli/commands.h"
#include "events/event_store.h"
#include "http/server.h"

namespace shugo::cli {

namespace {

struct ServeArgs {
  std::string dir;
  std::string listen = "127.0.0.1:8080";
  bool demo = false;
};

int Serve(const ServeArgs& a) {
  auto listen = http::ParseListen(a.listen, "--listen");
  if (!listen.ok()) return Fail("serve", listen.status().ToString());
  // Without --dir: the built-in demo data directory, in demo mode.
  const bool demo = a.demo || a.dir.empty();
  const std::filesystem::path dir =
      a.dir.empty() ? std::filesystem::path("shugo-demo-data") : std::filesystem::path(a.dir);

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  so.create_if_missing = demo;
  auto store = events::EventStore::Open(dir, so);
  if (!store.ok()) return Fail("opening " + dir.string(), store.status().ToString());

  http::ServerOptions ho;
  ho.address = listen->first;
  ho.port = listen->second;
  ho.demo = demo;
  auto server = http::Server::Start(ho, **store);
  if (!server.ok()) return Fail("serve", server.status().ToString());
  std::printf("shugo: serving http://%s:%u/ (data: %s, log head %llu%s)\n", ho.address.c_str(),
              (*server)->port(), std::filesystem::absolute(dir).c_str(),
              static_cast<unsigned long long>((*store)->head()), demo ? ", demo mode" : "");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("shugo: stopping (signal %d)\n", sig);
  (*server)->Stop();
  (*store)->Close();
  return 0;
}

}  // namespace

void AddServe(CLI::App& app, Action& run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* sub = app.add_subcommand("serve", "Serve the web UI and the HTTP API");
  sub->add_option("--dir", args->dir,
                  "Data directory (default: the built-in demo data, ./shugo-demo-data)");
  sub->add_option("--listen", args->listen, "Address and port to listen on")->capture_default_str();
  sub->add_flag("--demo", args->demo,
                "Demo/test mode: an admin moves the business date; mail goes to files");
  sub->callback([args, &run] { run = [args] { return Serve(*args); }; });
}

}  // namespace shugo::cli
