// The single writer: takes queued appends and commits them in groups (invariants 2–6, 9, 10).
#include <linux/futex.h>
#include <pthread.h>
#include <rocksdb/write_batch.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "events/internal/keys.h"
#include "events/internal/record.h"
#include "events/internal/store.h"

namespace shugo::events::internal {

namespace {
constexpr size_t kMaxGroupCommands = 1024;
constexpr size_t kMaxGroupBytes = 16 << 20;
constexpr int kSpinRounds = 2000;        // a few tens of microseconds of PAUSE
constexpr int kAwaitSpinRounds = 50000;  // about one slow sync

// A futex wake on a request's word. The request may already have returned (it saw `done` while
// spinning) and its stack slot be reused: the wake is then spurious for whoever waits there, and
// every waiter re-checks its word, so that is harmless.
void Wake(Request* r) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&r->done), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}

}  // namespace

Status Store::StartWriter() {
  try {
    writer = std::thread([this] {
      pthread_setname_np(pthread_self(), "shugo-writer");  // for top, perf and gdb
      WriterLoop();
    });
  } catch (const std::system_error& e) {
    return Status::Internal(std::string("cannot start the writer thread: ") + e.what());
  }
  return Status::Ok();
}

void Store::StopWriter() {
  std::call_once(stop_once, [this] {
    {
      std::lock_guard lk(queue_mu);
      closing = true;
    }
    queue_cv.notify_one();
    if (writer.joinable()) writer.join();
    {
      std::lock_guard lk(head_mu);
      stopped.store(true, std::memory_order_release);
    }
    head_cv.notify_all();
  });
}

void Store::Enqueue(Request* r) {
  bool wake = false;
  {
    std::lock_guard lk(queue_mu);
    if (closing) {
      r->result = Status::Unavailable("the event store is closed");
      r->done.store(1, std::memory_order_release);
      return;
    }
    queue.push_back(r);
    queued.store(queue.size(), std::memory_order_release);
    wake = writer_idle;
  }
  if (wake) queue_cv.notify_one();
}

void Store::AwaitDone(Request& r) {
  // Spin only when this is the one command in flight: under load a spinner would take a core
  // from the writer and from the submitters encoding their next commands.
  if (in_flight.fetch_add(1, std::memory_order_acq_rel) == 0) {
    for (int i = 0; i < kAwaitSpinRounds && r.done.load(std::memory_order_acquire) == 0; ++i) {
      __builtin_ia32_pause();
    }
  }
  while (r.done.load(std::memory_order_acquire) == 0) {
    // Sleeps only while the word is still 0; a wake-up before the call makes it return at once.
    ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&r.done), FUTEX_WAIT_PRIVATE, 0, nullptr,
              nullptr, 0);
  }
  in_flight.fetch_sub(1, std::memory_order_acq_rel);
  if (r.wake_next != nullptr) Wake(r.wake_next);  // pass the group's wake-up along
}

void Store::WriterLoop() {
  std::vector<Request*> group;
  bool group_was_single = false;
  for (;;) {
    // A short spin before sleeping: a submitter acknowledged a moment ago is usually about to send
    // its next command, and catching it here saves two futex hand-offs per sync.
    // Only after a lone command: under load the queue is rarely empty and the core is better used.
    for (int i = 0;
         group_was_single && i < kSpinRounds && queued.load(std::memory_order_acquire) == 0; ++i) {
      __builtin_ia32_pause();
    }
    {
      std::unique_lock lk(queue_mu);
      if (queue.empty() && !closing) {
        writer_idle = true;
        queue_cv.wait(lk, [this] { return !queue.empty() || closing; });
        writer_idle = false;
      }
      if (queue.empty()) return;  // closing, and everything queued was committed
      size_t n = 0, bytes = 0;
      while (n < queue.size() && n < kMaxGroupCommands && bytes < kMaxGroupBytes) {
        for (const auto& rec : queue[n]->records) bytes += rec.size();
        ++n;
      }
      group.assign(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(n));
      queue.erase(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(n));
      queued.store(queue.size(), std::memory_order_release);
    }
    group_was_single = group.size() == 1;
    if (options.test_hooks && options.test_hooks->before_group)
      options.test_hooks->before_group(group.size());
    CommitGroup(group);
    // Links first, then `done` from the last request to the first: a submitter that sees its own
    // `done` (and may return without ever sleeping) knows its successor's word is already 1, so
    // the wake it passes on is never lost.
    for (size_t i = 0; i < group.size(); ++i) {
      group[i]->wake_next = i + 1 < group.size() ? group[i + 1] : nullptr;
    }
    for (size_t i = group.size(); i-- > 0;) group[i]->done.store(1, std::memory_order_release);
    Wake(group.front());
    group.clear();
  }
}

bool Store::Decide(Request& r, Position next) {
  auto decision = (*r.decider)(next);
  if (!decision.ok()) {
    r.result = decision.status();
    return false;
  }
  std::string id = std::move(r.decided.id);
  r.decided = std::move(decision->command);
  r.decided.id = std::move(id);
  r.apply = std::move(decision->apply);
  r.discard = std::move(decision->discard);
  r.command = &r.decided;
  if (Status s = EncodeCommand(r.decided, r.records); !s.ok()) {
    r.result = std::move(s);
    r.apply = nullptr;
    r.discard = nullptr;
    return false;
  }
  return true;
}

void Store::SetWriteFailure(Status failure) {
  write_failure = failure;
  std::lock_guard lk(failure_mu);
  reported_failure = std::move(failure);
  write_failed.store(true, std::memory_order_release);
}

Result<Version> Store::LookupStreamHead(const std::string& stream) {
  auto it = stream_heads.find(stream);
  if (it != stream_heads.end()) return it->second;
  SHUGO_ASSIGN_OR_RETURN(Version v, ReadStreamHead(stream, head.load(std::memory_order_relaxed)));
  stream_heads.emplace(stream, v);
  return v;
}

void Store::CommitGroup(std::vector<Request*>& group) {
  // A refused write leaves the WAL in an unknown state: refuse every later append until the
  // store is reopened (after space was freed), which recovers the WAL to its last sync. Not
  // DB::Resume(): in RocksDB 7.8 it starts no new WAL when the memtables are empty, and the next
  // write then goes to the WAL writer that failed (an assertion in WritableFileWriter).
  if (!write_failure.ok()) {
    for (Request* r : group) r->result = write_failure;
    return;
  }
  rocksdb::WriteBatch batch;
  const Position first = head.load(std::memory_order_relaxed) + 1;
  Position pos = first - 1;
  Hash chain = head_hash;  // only the writer changes it: no lock needed to read it here
  const int64_t recorded_at = std::max(last_recorded_at, clock->NowMicros());
  std::unordered_map<std::string, Version> overlay;       // stream heads decided in this group
  std::unordered_map<std::string_view, size_t> in_group;  // command id -> index in group
  std::vector<bool> stored_answer(group.size(), false);   // a retry answered from `commands`
  std::vector<size_t> retry_of(group.size(), SIZE_MAX);   // a retry of a command in this group
  std::vector<bool> applied(group.size(), false);         // its decision's `apply` ran

  for (size_t i = 0; i < group.size(); ++i) {
    Request& r = *group[i];
    const std::string& id = r.id();
    if (auto it = in_group.find(id); it != in_group.end()) {
      retry_of[i] = it->second;
      continue;
    }
    std::string stored;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), commands_cf, id, &stored);
    if (s.ok()) {
      AppendResult first_result;
      if (!DecodeCommandResult(stored, first_result)) {
        r.result = Status::DataLoss("stored result of command '" + id + "' is corrupt");
      } else {
        first_result.duplicate = true;
        r.result = std::move(first_result);
        stored_answer[i] = true;
      }
      continue;
    }
    if (!s.IsNotFound()) {
      r.result = FromRocks(s, "looking up command id");
      continue;
    }
    if (r.decider != nullptr && !Decide(r, pos + 1)) continue;
    const Command& c = *r.command;
    // Optimistic concurrency against the heads as of this point of the group (invariant 4).
    std::vector<Version> current(c.streams.size());
    Status conflict;
    for (size_t k = 0; k < c.streams.size() && conflict.ok(); ++k) {
      const StreamAppend& sa = c.streams[k];
      if (auto o = overlay.find(sa.stream); o != overlay.end()) {
        current[k] = o->second;
      } else {
        auto head_or = LookupStreamHead(sa.stream);
        if (!head_or.ok()) {
          conflict = head_or.status();
          break;
        }
        current[k] = *head_or;
      }
      if (!sa.expected.Allows(current[k])) {
        conflict = Status::Aborted("stream '" + sa.stream + "': expected version " +
                                       sa.expected.ToString() + ", current version " +
                                       std::to_string(current[k]),
                                   sa.stream);
      }
    }
    if (!conflict.ok()) {
      r.result = std::move(conflict);
      continue;
    }
    AppendResult result;
    result.first_position = pos + 1;
    result.recorded_at_us = recorded_at;
    size_t rec = 0;
    for (size_t k = 0; k < c.streams.size(); ++k) {
      const StreamAppend& sa = c.streams[k];
      Version v = current[k];
      for (size_t e = 0; e < sa.events.size(); ++e, ++rec) {
        std::string& record = r.records[rec];
        ++pos;
        ++v;
        PatchHeader(record, pos, v, recorded_at, chain);
        chain = ChainHash(record);
        const std::string pkey = PositionKey(pos);
        batch.Put(log_cf, pkey, record);
        batch.Put(streams_cf, StreamKey(sa.stream, v), pkey);
      }
      overlay[sa.stream] = v;
      result.streams.push_back({sa.stream, v});
    }
    result.last_position = pos;
    batch.Put(commands_cf, c.id, EncodeCommandResult(result));
    r.result = std::move(result);
    in_group.emplace(c.id, i);
    if (r.apply) {
      r.apply();  // the decider's state follows the log, in log order
      applied[i] = true;
    }
  }

  if (pos >= first) {
    batch.Put(time_cf, TimeKey(recorded_at, first), PositionKey(pos));
    batch.Put(meta_cf, std::string(kHeadKey), EncodeHead(pos, chain));
    rocksdb::WriteOptions wo;
    wo.sync = options.sync;
    rocksdb::Status s = db->Write(wo, &batch);
    if (!s.ok()) {
      Status failure = FromRocks(s, "appending to the event log");
      for (size_t i = 0; i < group.size(); ++i) {
        // Everything decided in this group (conflicts too: they were judged against versions that
        // never committed) gets the error; only answers read back from `commands` stand.
        if (!stored_answer[i]) group[i]->result = failure;
      }
      SetWriteFailure(std::move(failure));
      // The deciders' state is ahead of the log: they put it back before anything else is decided.
      for (size_t i = group.size(); i-- > 0;) {
        if (applied[i] && group[i]->discard) group[i]->discard();
      }
      return;
    }
    for (auto& [stream, v] : overlay) stream_heads[stream] = v;
    last_recorded_at = recorded_at;
    {
      std::lock_guard lk(head_mu);
      head_hash = chain;
      head.store(pos, std::memory_order_release);
    }
    head_cv.notify_all();
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (retry_of[i] == SIZE_MAX) continue;
    const auto& first_result = group[retry_of[i]]->result;
    if (first_result.ok()) {
      AppendResult copy = *first_result;
      copy.duplicate = true;
      group[i]->result = std::move(copy);
    } else {
      group[i]->result = first_result.status();
    }
  }
  groups.fetch_add(1, std::memory_order_relaxed);
  commands.fetch_add(group.size(), std::memory_order_relaxed);
}

}  // namespace shugo::events::internal
