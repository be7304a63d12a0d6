// The event store's state and RocksDB handles. Only events/ includes this.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/event_store.h"

namespace shugo::events::internal {

// The single map from RocksDB's errors to ours (docs/style.md §3).
Status FromRocks(const rocksdb::Status& s, std::string_view what);

// The options of the log column family (also used by the benchmark baseline).
rocksdb::ColumnFamilyOptions LogCfOptions();

// The file system of tests: a byte budget after which writes fail (a full disk; unlimited until
// the log is open) and a callback after every WAL sync.
struct TestFileSystemState {
  std::atomic<int64_t> left{INT64_MAX};
  std::function<void()> after_wal_sync;
  // StoreOptions::write_fault, applied once the log is open (`armed`).
  WriteFault* fault = nullptr;
  std::atomic<bool> armed{false};
};
std::shared_ptr<rocksdb::FileSystem> NewTestFileSystem(std::shared_ptr<TestFileSystemState> state);

// One queued Append, owned by the submitter's stack until `done`.
struct Request {
  const Command* command = nullptr;  // for AppendDecided: &decided, once decided
  // AppendDecided: the decider, and the command it decided (its id set before deciding).
  const EventStore::Decider* decider = nullptr;
  Command decided;
  std::function<void()> apply;
  std::function<void()> discard;
  const std::string& id() const { return decider ? decided.id : command->id; }
  std::vector<std::string> records;  // encoded in command order; patched by the writer
  Result<AppendResult> result = Status::Internal("not committed");
  // 0 while queued, 1 when the result is set. A futex word: libstdc++'s atomic::wait yields the
  // CPU in a loop before it sleeps, which with 64 submitters on 2 cores ate half the machine.
  std::atomic<uint32_t> done{0};
  // The next request of the same group. Each submitter wakes the next one as it returns, so the
  // writer makes one wake-up call per group instead of one per command (perf: the per-command
  // futex wakes were 15% of the writer's thread at 64 submitters). Set before `done`.
  Request* wake_next = nullptr;
};

class Store {
 public:
  ~Store();
  Status OpenDb(const std::filesystem::path& dir);
  Status StartWriter();  // kInternal if the thread cannot be started
  void StopWriter();     // idempotent, thread-safe

  // Writer side (writer.cc).
  void Enqueue(Request* request);  // kUnavailable result when closing
  // Blocks until the writer finished `request`. A lone submitter spins a while (a sleeping core
  // takes tens of microseconds to wake in a VM); under load submitters sleep on a futex.
  void AwaitDone(Request& request);
  void WriterLoop();
  void CommitGroup(std::vector<Request*>& group);
  // Runs an AppendDecided request's decider and encodes its command; false (result set) if it
  // refused or decided a malformed command.
  bool Decide(Request& r, Position next);
  Result<Version> LookupStreamHead(const std::string& stream);  // writer thread only

  // Read side (store.cc). Thread-safe.
  // The version of `stream` whose event is at or below `limit` (0 if none).
  Result<Version> ReadStreamHead(std::string_view stream, Position limit) const;
  Status ReadLog(Position from, Position to,
                 const std::function<bool(Position, std::string_view)>& visit) const;

  StoreOptions options;
  const Clock* clock = nullptr;
  std::unique_ptr<rocksdb::Env> env;  // only with a test file system
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* log_cf = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf = nullptr;
  rocksdb::ColumnFamilyHandle* commands_cf = nullptr;
  rocksdb::ColumnFamilyHandle* time_cf = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  // Queue of appends; the writer takes them in groups.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::vector<Request*> queue;
  // queue.size(), readable without the lock (the writer's spin).
  std::atomic<size_t> queued{0};
  // Submitters waiting in AwaitDone.
  std::atomic<int> in_flight{0};
  bool closing = false;      // guarded by queue_mu
  bool writer_idle = false;  // guarded by queue_mu: notify only a sleeping writer
  std::thread writer;
  std::once_flag stop_once;

  // Committed state. head is published under head_mu after the group's sync.
  std::atomic<Position> head{0};
  mutable std::mutex head_mu;
  mutable std::condition_variable head_cv;
  std::atomic<bool> stopped{false};

  Hash head_hash{};  // chain hash of the head record; the writer changes it under head_mu

  // Writer-only state.
  int64_t last_recorded_at = 0;
  std::unordered_map<std::string, Version> stream_heads;
  Status write_failure;  // sticky: once RocksDB refused a write, later appends get it
  // Publishes write_failure to EventStore::write_failure(). Writer thread.
  void SetWriteFailure(Status failure);
  std::atomic<bool> write_failed{false};  // set once reported_failure is
  mutable std::mutex failure_mu;
  Status reported_failure;  // guarded by failure_mu

  std::atomic<uint64_t> groups{0};
  std::atomic<uint64_t> commands{0};
};

}  // namespace shugo::events::internal
