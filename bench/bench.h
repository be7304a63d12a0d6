// Benchmarks, run as `shugo bench …`. They measure and print; they assert nothing (style §12).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"

namespace shugo::bench {

struct AppendOptions {
  std::filesystem::path dir;
  int submitters = 1;
  double seconds = 5;
  size_t payload = 300;
  bool json = false;
  std::string ack_log;  // "stream version position" per acknowledgment; empty: none
};
struct AppendFigures {
  uint64_t commands = 0;
  double seconds = 0, commands_per_s = 0, p50_ms = 0, p99_ms = 0, p999_ms = 0, mean_group = 0;
};

// Durable single-event commands, each submitter to its own stream with an exact expected version.
Result<AppendFigures> MeasureAppend(const AppendOptions& o);
Status RunAppend(const AppendOptions& o);  // measures and prints

struct CommandsOptions {
  std::filesystem::path dir;  // a data directory built by `shugo demo` (it is appended to)
  int submitters = 64;
  double seconds = 10;
  bool json = false;
  bool baseline = true;  // also `append` with as many submitters on a scratch log, for the ratio
};

// Real letter commands (apply, return, re-apply, approve, withdraw), decided by the command
// processor against the state loaded from `dir` and durably appended, from N submitters.
Status RunCommands(const CommandsOptions& o);

struct ReadAllOptions {
  std::filesystem::path dir;
  uint64_t events = 2000000;
  size_t payload = 300;
  bool json = false;
  bool baseline = true;  // also iterate bare RocksDB with as many same-sized values
};
// Fills the log up to `events` (unsynced bulk appends) if it holds fewer, compacts it, then reads
// it all; then the same for bare RocksDB with as many values of the same size.
Status RunReadAll(const ReadAllOptions& o);

struct VerifyOptions {
  std::filesystem::path dir;
  bool json = false;
};
Status RunVerify(const VerifyOptions& o);

struct DiskSyncOptions {
  std::filesystem::path dir;
  double seconds = 5;
  size_t bytes = 300;
  bool json = false;
};
// The disk's raw limit: a loop of write + fdatasync to one file.
Status RunDiskSync(const DiskSyncOptions& o);

struct RocksPutsOptions {
  std::filesystem::path dir;
  int threads = 64;
  double seconds = 5;
  size_t payload = 300;
  bool json = false;
};
// The peer: bare RocksDB, `threads` threads each doing a synced Put (RocksDB's own write groups).
Status RunRocksPuts(const RocksPutsOptions& o);

// The projections (docs/projections.md). `reference` is the reference data directory (the
// 疾病・ワクチン master of the fees projection); empty: the source tree's data/reference.

struct RebuildOptions {
  std::filesystem::path dir;  // a data directory built by `shugo demo` (its projections rebuilt)
  std::filesystem::path reference;
  bool json = false;
};
// Reads the whole log (twice, the faster counts: a warm page cache), then rebuilds every
// projection from it offline: the rebuild's rate against the bare read's.
Status RunRebuild(const RebuildOptions& o);

struct ProjectionLagOptions {
  std::filesystem::path dir;  // a data directory built by `shugo demo` (it is appended to)
  std::filesystem::path reference;
  int submitters = 64;
  double seconds = 10;
  bool json = false;
};
// The letter commands of `bench commands` with the projection service running: after each
// acknowledged command its submitter waits until the projections hold it (read-your-writes).
Status RunProjectionLag(const ProjectionLagOptions& o);

struct QueriesOptions {
  std::filesystem::path dir;  // a data directory built by `shugo demo`
  std::filesystem::path reference;
  double seconds = 5;  // per query kind and thread count
  bool json = false;
};
// The screens' queries on the projection file (letters list, name search, public search), with
// parameters taken from the data, from 1 and then 2 threads.
Status RunQueries(const QueriesOptions& o);

struct HttpFixtureOptions {
  std::filesystem::path dir;  // a data directory built by `shugo demo` (appended to)
  std::filesystem::path out;  // where approve_requests.lua and sessions.env go
  size_t letters = 20000;     // applications awaiting approval
};
// Prepares `dir` for bench/http.sh: applications, delegates' users and ready sessions.
Status RunHttpFixture(const HttpFixtureOptions& o);

}  // namespace shugo::bench
