// One generation of projection files: every read model of projections/internal/read_models.h in
// its own SQLite file (WAL) beside a main file, each with its own checkpoint, kept up to date from
// the log (docs/projections.md). The runner folds the log into its own core::State and writes, per
// batch and per file in one transaction, the rows of every record the batch touched and that
// projection's checkpoint (invariant 7). While catching up, each file is written on its own
// thread. Not thread-safe: one thread drives a runner; readers open their own connections
// (OpenForReading).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/vaccine_catalog.h"
#include "events/event_store.h"
#include "projections/sqlite.h"

namespace shugo::projections {

namespace internal {
class Projection;
class Fold;
}  // namespace internal

struct RunnerOptions {
  // The 疾病・ワクチン reference rows of the fees projection (null: none).
  std::shared_ptr<const core::VaccineCatalog> catalog;
  // Most events in one transaction while catching up (live batches are what arrived).
  size_t batch_events = 100'000;
  // While catching up, the letters and public rows that batches touched are written once, with
  // the last batch, while fewer than this many wait (each a few hundred bytes when copied);
  // beyond, a batch carries them.
  size_t deferred_records = 2'000'000;
  // Nobody reads the file until this runner is done with it (a rebuild's new or scratch file):
  // while projections load in bulk, no journal at all; WAL again once they have caught up.
  bool private_file = false;
  // Test hook (fault injection): after a batch's rows are written to a projection's file, before
  // that file's COMMIT, with the batch's last position. While catching up, every file's writer
  // thread calls it, so calls may overlap. Production leaves it unset.
  std::function<void(events::Position)> before_commit;
};

struct Checkpoint {
  std::string projection;
  events::Position position = 0;
  uint64_t events = 0;  // domain events applied
};

struct CatchUpProgress {
  // Every file has taken the batches up to here: written them, or (the letters and public rows
  // while they wait for the last batch) skipped them.
  events::Position position = 0;
  events::Position applied = 0;  // every projection's checkpoint is here or further
  events::Position target = 0;
  uint64_t events_written = 0;  // records read past the lowest checkpoint so far
};

class Runner {
 public:
  // Opens (or creates) the projection files whose main file is `path`; creates the tables of a
  // projection that has none (its indexes wait until it has caught up: a bulk load). kDataLoss
  // when the main file is of another version (older or newer) or a file is damaged.
  static Result<std::unique_ptr<Runner>> Open(const std::filesystem::path& path,
                                              RunnerOptions options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Drops the named projections' rows and sets their checkpoints to 0 (a rebuild of some
  // projections inside a copy of the file). REQUIRES: nothing applied through this runner yet.
  // kInvalidArgument naming an unknown projection.
  Status Reset(const std::vector<std::string>& names);

  // Reads the log from the fold's position and applies every event up to `upto` (at most the
  // head), in batches, each projection's file written on its own thread; `progress` is called
  // once every file has taken a batch (on one of those threads, one call at a time) and stops
  // the catch-up (kAborted) by returning false. Builds deferred indexes at the end.
  Status CatchUp(const events::EventStore& store, events::Position upto,
                 const std::function<bool(const CatchUpProgress&)>& progress = {});
  // Applies events that follow the fold's position (live: what a subscription delivered), in one
  // transaction. Events at or before the position are skipped.
  Status Apply(const std::vector<events::RecordedEvent>& batch);

  // The lowest checkpoint: every projection has applied the log up to here.
  events::Position position() const;
  std::vector<Checkpoint> checkpoints() const;
  const std::filesystem::path& path() const { return path_; }

  // SHA-256 (hex) of the named projection's rows, table by table in primary-key order:
  // independent of how the rows were written. kInvalidArgument for an unknown name.
  Result<std::string> ContentHash(const std::string& projection);

  // Writes the WAL into the file and syncs it (before the file is handed to readers as a swap).
  Status Flush();

 private:
  struct Impl;
  explicit Runner(std::unique_ptr<Impl> impl, std::filesystem::path path);
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

// The projections' names, in the order they are written.
std::vector<std::string> ProjectionNames();

// The file of projection `name` in the generation whose main file is `path`:
// read-000001.sqlite → read-000001.letters.sqlite.
std::filesystem::path ProjectionFile(const std::filesystem::path& path, std::string_view name);
// The main file and every projection's file of the generation whose main file is `path`.
std::vector<std::filesystem::path> ProjectionFiles(const std::filesystem::path& path);
// A read-only connection to the main file with each projection's file attached under the
// projection's name, so that queries name the tables alone. A read transaction sees each file
// as it stood when the transaction first read it.
Result<sqlite::Database> OpenForReading(const std::filesystem::path& path);

}  // namespace shugo::projections
