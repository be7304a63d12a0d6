// The projections of a running server (docs/projections.md): a runner thread keeps the current
// projection file up to date from the log, queries read it through pooled read-only connections
// and may wait for a position (read-your-writes, invariant 8), and a rebuild builds a new file
// beside it while the old one keeps serving, catches up, and swaps it in atomically.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "core/vaccine_catalog.h"
#include "events/event_store.h"
#include "projections/runner.h"

namespace shugo::sqlite {
class Database;
}

namespace shugo::projections {

// A read-only connection to the current generation (every projection's file attached), lent for
// one query. Everything the query reads of one projection through it sees one state of that
// projection's file (one read transaction, already begun); two projections may stand apart (a
// live batch, or a whole catch-up for the letters and public rows that wait for its last batch).
class Reader {
 public:
  explicit Reader(sqlite::Database& db) : db_(db) {}
  sqlite::Database& db() const { return db_; }

 private:
  sqlite::Database& db_;
};

struct ServiceOptions {
  std::shared_ptr<const core::VaccineCatalog> catalog;
  // Most events per live transaction.
  size_t live_batch = 8192;
  // Test hooks: as RunnerOptions::before_commit, for the live runner (called from several
  // threads at once while it catches up); and on the rebuild's thread once the new files have
  // caught up, just before the swap.
  std::function<void(events::Position)> before_commit;
  std::function<void()> before_swap;
};

struct RebuildReport {
  std::vector<std::string> projections;  // what was rebuilt from position 0
  events::Position position = 0;         // the log position the new file holds
  uint64_t events = 0;                   // records read
  double seconds = 0;
  std::string file;  // the new file's name
};

struct RebuildState {
  bool running = false;
  std::vector<std::string> projections;
  events::Position position = 0, target = 0;
  uint64_t events = 0;
  double seconds = 0;
  std::string error;                  // the last rebuild's failure, if it failed
  std::optional<RebuildReport> last;  // the last rebuild that finished
};

// Where the projection files of a data directory live: <data dir>/projections.
std::filesystem::path ProjectionsDir(const std::filesystem::path& data_dir);

// Builds a new projection file for `names` (empty: every projection) from position 0 up to the
// log's head, the other projections copied from the current file and caught up, and makes it
// current. For a stopped server (shugo rebuild): the directory is not shared with a live runner.
// `progress` gets (position, target, records read) after each batch.
Result<RebuildReport> RebuildOffline(
    const events::EventStore& store, const std::filesystem::path& data_dir,
    std::vector<std::string> names, const RunnerOptions& options,
    const std::function<void(events::Position, events::Position, uint64_t)>& progress = {});

// Builds `names` (empty: all) into a scratch file up to the head and compares their content hashes
// with the current file caught up to the same position. Returns the names that differ.
Result<std::vector<std::string>> CheckOffline(const events::EventStore& store,
                                              const std::filesystem::path& data_dir,
                                              std::vector<std::string> names,
                                              const RunnerOptions& options);

class ProjectionService {
 public:
  // Opens the current projection file of `data_dir` (creating the first one) and starts the
  // runner thread, which catches up with the log first. `store` must outlive the service.
  static Result<std::unique_ptr<ProjectionService>> Open(events::EventStore& store,
                                                         const std::filesystem::path& data_dir,
                                                         ServiceOptions options);
  ~ProjectionService();  // Stop()s
  ProjectionService(const ProjectionService&) = delete;
  ProjectionService& operator=(const ProjectionService&) = delete;

  // Every projection has applied the log up to here.
  events::Position position() const { return position_.load(); }
  std::vector<Checkpoint> checkpoints() const;
  // The runner's failure, if it stopped on one (queries then keep answering from what it wrote).
  Status health() const;
  // Still catching up with the log as it was when the service started: what the files hold is
  // not yet an answer (a national log's first start takes seconds). The position to reach.
  bool catching_up() const { return position_.load() < start_target_; }
  events::Position start_target() const { return start_target_; }

  // Waits until position() ≥ `position`; kUnavailable naming both positions after `timeout`.
  Status WaitFor(events::Position position, std::chrono::milliseconds timeout) const;
  // How many callers wait in WaitFor() now.
  int waiting() const { return waiting_.load(); }

  // Runs `query` on a read-only connection to the current file (never blocks the runner).
  template <typename F>
  auto Read(F&& query) const {
    std::optional<decltype(query(std::declval<const Reader&>()))> result;
    ReadWith([&](const Reader& reader) { result.emplace(query(reader)); });
    return std::move(*result);
  }
  void ReadWith(const std::function<void(const Reader&)>& query) const;

  // Starts rebuilding `names` (empty: all) in the background. kAlreadyExists with a message that
  // says so while another rebuild runs; kInvalidArgument naming an unknown projection.
  Status StartRebuild(std::vector<std::string> names);
  RebuildState rebuild_state() const;
  // Blocks until no rebuild runs; the last one's failure, if it failed.
  Status WaitRebuild() const;
  // The name of the current file (changes at each swap).
  std::string current_file() const;

  // Stops the threads (a rebuild in progress is abandoned and its file removed). Idempotent.
  void Stop();

 private:
  struct Generation;
  ProjectionService(events::EventStore& store, std::filesystem::path dir, ServiceOptions options);
  void RunLive();
  void RunRebuild(std::vector<std::string> names);
  // Makes `position` and the runner's checkpoints and failure visible to WaitFor(), health() and
  // checkpoints(). REQUIRES: runner_mu_ held, or on the writer thread of a catch-up that the
  // holder of runner_mu_ runs.
  void Publish(events::Position position);
  // Ends the read transactions of idle connections that began before the current view.
  void EndStaleSnapshots() const;
  // The file changed in a way queries must see although the position stayed (indexes and
  // statistics built at the end of a catch-up): no query reuses an older snapshot.
  void Reshaped();
  void PublishState();

  events::EventStore& store_;
  const std::filesystem::path dir_;
  const ServiceOptions options_;

  mutable std::mutex runner_mu_;  // held while the live runner writes, and by a swap
  std::unique_ptr<Runner> runner_;
  bool swapped_ = false;  // the live thread must subscribe again
  Status failure_;

  // What health() and checkpoints() answer, without waiting for the runner.
  mutable std::mutex state_mu_;
  std::vector<Checkpoint> checkpoints_;
  Status reported_failure_;

  mutable std::mutex generation_mu_;
  std::shared_ptr<Generation> generation_;

  std::atomic<events::Position> position_{0};
  events::Position start_target_ = 0;  // set before the runner starts
  // Moves whenever queries must see the file again (the position moved, or Reshaped()): a read
  // connection keeps its read transaction while the view stays (ReadWith).
  std::atomic<uint64_t> view_{1};
  mutable std::atomic<int> waiting_{0};
  mutable std::mutex position_mu_;
  mutable std::condition_variable position_cv_;

  mutable std::mutex rebuild_mu_;
  mutable std::condition_variable rebuild_cv_;
  RebuildState rebuild_;
  std::thread rebuild_thread_;

  std::atomic<bool> stopping_{false};
  std::mutex subscription_mu_;
  events::Subscription* subscription_ = nullptr;  // the live thread's, for Cancel()
  std::thread live_thread_;
};

}  // namespace shugo::projections
