// The event log on RocksDB: the only source of truth (docs/architecture.md).
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "events/event.h"

namespace shugo::events {

class Subscription;
namespace internal {
class Store;
}

// A fault of the test file system that a test may change while the store is open.
struct WriteFault {
  // Bytes that file writes may still spend before every write fails; -1: no fault.
  std::atomic<int64_t> budget{-1};
  // What a refused write answers: an I/O error (the device failed) instead of ENOSPC (a full disk).
  std::atomic<bool> io_error{false};
};

// Hooks for tests of the writer's mechanics; production leaves them unset.
struct StoreTestHooks {
  // On the writer thread, with the number of commands it took, before it decides them.
  std::function<void(size_t group_size)> before_group;
  // After every successful sync of a WAL file, on the syncing thread.
  std::function<void()> after_wal_sync;
};

struct StoreOptions {
  // Create <dir>/events when missing. When false, a missing directory is kNotFound.
  bool create_if_missing = false;
  // recorded_at comes from here (invariant 10). Not owned; must outlive the store.
  const Clock* clock = nullptr;
  // Sync the WAL before acknowledging (invariant 6). Only tests of the group mechanics and
  // bulk loaders that verify afterwards turn it off.
  bool sync = true;
  // Test hook: once open, fail every file write after this many more bytes (a full disk).
  // -1: never.
  int64_t fail_writes_after_bytes = -1;
  // Test hook: a fault the test changes while the store is open (space back, an I/O error). Not
  // owned; must outlive the store.
  WriteFault* write_fault = nullptr;
  // Not owned; must outlive the store.
  const StoreTestHooks* test_hooks = nullptr;
};

struct GroupStats {
  uint64_t groups = 0;    // WAL syncs (one per group)
  uint64_t commands = 0;  // commands committed in those groups
};

// Thread-safe. Appends go through one writer thread that commits queued commands in groups:
// one WriteBatch and one WAL sync per group; each caller returns after its group is durable.
class EventStore {
 public:
  // Opens the log in <data_dir>/events. kNotFound if missing (and !create_if_missing),
  // kUnavailable if another process holds it, kDataLoss if its last record is unreadable or an
  // existing events/ holds no recognisable database (it is never replaced by an empty one).
  static Result<std::unique_ptr<EventStore>> Open(const std::filesystem::path& data_dir,
                                                  const StoreOptions& options);
  ~EventStore();  // Close()s
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends one command's events atomically. kInvalidArgument (field named) on a malformed
  // command; kAborted on a version conflict (field = the stream, message the versions; nothing
  // appended); kResourceExhausted on a full disk (and after one, see write_failure());
  // kUnavailable when closed. A command id seen before returns its first result with
  // duplicate = true and appends nothing.
  Result<AppendResult> Append(const Command& command);

  // Decides and appends one command on the writer thread, in log order: `decide` sees every
  // command committed or decided before it (earlier commands of its group included) and gets the
  // position its first event will have. A command id seen before is answered with its first
  // result without calling `decide`. If `decide` refuses, or its command is malformed or meets a
  // version conflict, nothing is appended and `apply` is not called; otherwise `apply` runs as the
  // command joins the batch, before the sync. Should that group's write then fail, the caller's
  // state is ahead of the log: the store calls the decision's `discard` on the writer thread, for
  // every command of the group whose `apply` ran (last first), before it decides anything else; the
  // caller puts its state back to what the log holds there (it may read the log: the head did not
  // move); the store itself refuses appends from then on (write_failure()). `decide` must be quick
  // and must not append to the store.
  using Decider = std::function<Result<Decision>(Position next)>;
  Result<AppendResult> AppendDecided(std::string command_id, const Decider& decide);

  // The last committed position (0 when empty). Everything up to it is readable.
  Position head() const;
  // The current version of `stream` as of head() (0 when it does not exist).
  Result<Version> StreamHead(std::string_view stream) const;

  // Events of `stream` with version >= from_version, at most max_count, in version order.
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, Version from_version = 1,
                                                size_t max_count = SIZE_MAX) const;
  // Visits every event with position >= from, in order, up to the head at the call. `visit`
  // gets the position and the verified record bytes (valid during the call; 8-byte aligned) and
  // returns false to stop. kDataLoss naming the position on a corrupt record.
  Status ReadAll(Position from,
                 const std::function<bool(Position, std::string_view bytes)>& visit) const;
  // Reads up to max_count events from `from` (inclusive).
  Result<std::vector<RecordedEvent>> ReadRange(Position from, size_t max_count) const;
  // The last position recorded at or before `unix_micros` (0 if none): the time index, for replay.
  Result<Position> PositionAt(int64_t unix_micros) const;

  // A subscription delivering every event after `after`, catching up then following live
  // appends, in order, never skipping one. The store must outlive it.
  std::unique_ptr<Subscription> Subscribe(Position after);

  struct VerifyReport {
    Position checked = 0;
    Position first_bad = 0;  // 0 when the whole chain matches
    std::string problem;
    // The chain hash of the last record checked: when the chain matches, the value that anchors
    // the whole log up to `checked` (publish it outside the machine, docs/todo.md#anchor).
    Hash last_hash{};
  };
  // Walks the log from position 1 recomputing the hash chain (invariant 9). A mismatch is a
  // report, not an error; kDataLoss only if the log cannot be read at all.
  Result<VerifyReport> Verify(const std::function<void(Position)>& progress = {}) const;

  // Whether appends are refused because a write failed, for health checks (thread-safe, cheap):
  // Ok while the log takes appends; otherwise the first refused write's error, naming RocksDB's
  // (kResourceExhausted for a full disk, kInternal for an I/O error …). Sticky: every later
  // append gets that error until the store is reopened (a restart, once space was freed), which
  // recovers the WAL to its last sync.
  Status write_failure() const;

  GroupStats group_stats() const;
  // Commands queued for the writer, not yet taken into a group (a gauge for metrics).
  size_t queued() const;

  // Rewrites the log's files into their final, fully compacted shape and waits for it. For bulk
  // loads and benchmarks (read speed depends on the files' shape); appends may continue meanwhile.
  Status Compact();

  // Commits what is queued and stops the writer; later appends get kUnavailable. Reads still
  // work; the directory is released when the store is destroyed. Idempotent; thread-safe.
  void Close();

 private:
  friend class Subscription;
  explicit EventStore(std::unique_ptr<internal::Store> impl);
  // Blocks until head() > after, or the subscription/store is closing. Returns the head.
  Position WaitBeyond(Position after, const std::atomic<bool>& cancelled) const;
  void WakeWaiters() const;
  std::unique_ptr<internal::Store> impl_;
};

class Subscription {
 public:
  ~Subscription() = default;
  // Blocks until at least one new event is committed, then returns up to max_count of them in
  // position order. Empty when cancelled or the store closed. kDataLoss on a corrupt record.
  Result<std::vector<RecordedEvent>> Next(size_t max_count = 1024);
  // Returns at once what is committed after position(), possibly nothing.
  Result<std::vector<RecordedEvent>> Poll(size_t max_count = 1024);
  // The position of the last event delivered.
  Position position() const { return position_; }
  // Wakes a blocked Next(); thread-safe.
  void Cancel();

 private:
  friend class EventStore;
  Subscription(const EventStore* store, Position after) : store_(store), position_(after) {}
  const EventStore* store_;
  Position position_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace shugo::events
