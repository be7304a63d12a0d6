// shugo bench …: the benchmarks of bench/, so anyone can run them.
#include "bench/bench.h"

#include "cli/commands.h"

namespace shugo::cli {

namespace {

template <typename Options, typename Fn>
void OnRun(CLI::App* sub, std::shared_ptr<Options> o, Fn fn, Action& run, const char* name) {
  sub->callback([o, fn, &run, name] {
    run = [o, fn, name] {
      Status s = fn(*o);
      return s.ok() ? 0 : Fail(std::string("bench ") + name, s.ToString());
    };
  });
}

}  // namespace

void AddBench(CLI::App& app, Action& run) {
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks (docs/benchmarks.md)");
  bench->require_subcommand(1);

  auto ap = std::make_shared<bench::AppendOptions>();
  CLI::App* append =
      bench->add_subcommand("append", "Durable single-event commands from N submitters");
  append->add_option("--dir", ap->dir, "Data directory (created; an existing one is continued)")
      ->required();
  append->add_option("--submitters", ap->submitters, "Concurrent submitters")
      ->capture_default_str();
  append->add_option("--seconds", ap->seconds, "Duration")->capture_default_str();
  append->add_option("--payload", ap->payload, "Payload bytes per event")->capture_default_str();
  append->add_option("--ack-log", ap->ack_log,
                     "Write 'stream version position' per acknowledgment");
  append->add_flag("--json", ap->json, "One JSON line");
  OnRun(append, ap, bench::RunAppend, run, "append");

  auto ra = std::make_shared<bench::ReadAllOptions>();
  CLI::App* read_all =
      bench->add_subcommand("read-all", "Read the whole log; compare with bare RocksDB iteration");
  read_all->add_option("--dir", ra->dir, "Data directory (filled up to --events if smaller)")
      ->required();
  read_all->add_option("--events", ra->events, "Events to read")->capture_default_str();
  read_all->add_option("--payload", ra->payload, "Payload bytes of filled events")
      ->capture_default_str();
  read_all->add_flag("!--no-baseline", ra->baseline, "Skip the bare RocksDB comparison");
  read_all->add_flag("--json", ra->json, "One JSON line");
  OnRun(read_all, ra, bench::RunReadAll, run, "read-all");

  auto vo = std::make_shared<bench::VerifyOptions>();
  CLI::App* verify = bench->add_subcommand("verify", "Walk and verify the hash chain");
  verify->add_option("--dir", vo->dir, "Data directory")->required();
  verify->add_flag("--json", vo->json, "One JSON line");
  OnRun(verify, vo, bench::RunVerify, run, "verify");

  auto ds = std::make_shared<bench::DiskSyncOptions>();
  CLI::App* disk = bench->add_subcommand(
      "disk-sync", "The disk's raw write+fdatasync rate (the limit of 1 submitter)");
  disk->add_option("--dir", ds->dir, "Directory on the disk to measure")->required();
  disk->add_option("--seconds", ds->seconds, "Duration")->capture_default_str();
  disk->add_flag("--json", ds->json, "One JSON line");
  OnRun(disk, ds, bench::RunDiskSync, run, "disk-sync");

  auto rp = std::make_shared<bench::RocksPutsOptions>();
  CLI::App* puts = bench->add_subcommand(
      "rocksdb-puts", "The peer: bare RocksDB, N threads each doing a synced Put");
  puts->add_option("--dir", rp->dir, "Directory for the scratch database")->required();
  puts->add_option("--threads", rp->threads, "Threads")->capture_default_str();
  puts->add_option("--seconds", rp->seconds, "Duration")->capture_default_str();
  puts->add_option("--payload", rp->payload,
                   "Payload bytes (values are 100 bytes more, as records)")
      ->capture_default_str();
  puts->add_flag("--json", rp->json, "One JSON line");
  OnRun(puts, rp, bench::RunRocksPuts, run, "rocksdb-puts");

  auto co = std::make_shared<bench::CommandsOptions>();
  CLI::App* commands = bench->add_subcommand(
      "commands", "Letter commands decided and durably appended against a demo's state");
  commands->add_option("--dir", co->dir, "Data directory built by `shugo demo` (appended to)")
      ->required();
  commands->add_option("--submitters", co->submitters, "Concurrent submitters")
      ->capture_default_str();
  commands->add_option("--seconds", co->seconds, "Duration")->capture_default_str();
  commands->add_flag("!--no-baseline", co->baseline, "Skip the store's append figure");
  commands->add_flag("--json", co->json, "One JSON line");
  OnRun(commands, co, bench::RunCommands, run, "commands");

  const char* reference_help = "Reference data directory (default: the source tree's)";
  auto rb = std::make_shared<bench::RebuildOptions>();
  CLI::App* rebuild = bench->add_subcommand(
      "rebuild", "Read the whole log, then rebuild every projection from it (offline)");
  rebuild->add_option("--dir", rb->dir, "Data directory built by `shugo demo` (rebuilt)")
      ->required();
  rebuild->add_option("--reference", rb->reference, reference_help);
  rebuild->add_flag("--json", rb->json, "One JSON line");
  OnRun(rebuild, rb, bench::RunRebuild, run, "rebuild");

  auto pl = std::make_shared<bench::ProjectionLagOptions>();
  CLI::App* lag = bench->add_subcommand(
      "projection-lag", "Letter commands, each waited for until the projections hold it");
  lag->add_option("--dir", pl->dir, "Data directory built by `shugo demo` (appended to)")
      ->required();
  lag->add_option("--submitters", pl->submitters, "Concurrent submitters")->capture_default_str();
  lag->add_option("--seconds", pl->seconds, "Duration")->capture_default_str();
  lag->add_option("--reference", pl->reference, reference_help);
  lag->add_flag("--json", pl->json, "One JSON line");
  OnRun(lag, pl, bench::RunProjectionLag, run, "projection-lag");

  auto qo = std::make_shared<bench::QueriesOptions>();
  CLI::App* queries = bench->add_subcommand(
      "queries", "Letter lists, name searches and public searches on the projections");
  queries->add_option("--dir", qo->dir, "Data directory built by `shugo demo`")->required();
  queries->add_option("--seconds", qo->seconds, "Duration per query kind and thread count")
      ->capture_default_str();
  queries->add_option("--reference", qo->reference, reference_help);
  queries->add_flag("--json", qo->json, "One JSON line");
  OnRun(queries, qo, bench::RunQueries, run, "queries");

  auto hf = std::make_shared<bench::HttpFixtureOptions>();
  CLI::App* fixture = bench->add_subcommand(
      "http-fixture", "Applications, delegates' users and sessions for bench/http.sh (wrk)");
  fixture->add_option("--dir", hf->dir, "Data directory built by `shugo demo` (appended to)")
      ->required();
  fixture->add_option("--out", hf->out, "Directory for approve_requests.lua and sessions.env")
      ->required();
  fixture->add_option("--letters", hf->letters, "Applications awaiting approval")
      ->capture_default_str();
  OnRun(fixture, hf, bench::RunHttpFixture, run, "http-fixture");
}

}  // namespace shugo::cli
