#include "events/event_store.h"

#include <rocksdb/db.h>

#include <optional>

#include "events/internal/keys.h"
#include "events/internal/record.h"
#include "events/internal/store.h"

namespace shugo::events {

using internal::Store;

EventStore::EventStore(std::unique_ptr<Store> impl) : impl_(std::move(impl)) {}

EventStore::~EventStore() { Close(); }

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::filesystem::path& data_dir,
                                                     const StoreOptions& options) {
  if (options.clock == nullptr) return Status::InvalidArgument("clock", "the store needs a clock");
  auto impl = std::make_unique<Store>();
  impl->options = options;
  impl->clock = options.clock;
  SHUGO_RETURN_IF_ERROR(impl->OpenDb(data_dir));
  SHUGO_RETURN_IF_ERROR(impl->StartWriter());
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

void EventStore::Close() { impl_->StopWriter(); }

Result<AppendResult> EventStore::Append(const Command& command) {
  internal::Request request;
  request.command = &command;
  SHUGO_RETURN_IF_ERROR(internal::EncodeCommand(command, request.records));
  impl_->Enqueue(&request);
  impl_->AwaitDone(request);
  return std::move(request.result);
}

Result<AppendResult> EventStore::AppendDecided(std::string command_id, const Decider& decide) {
  Command probe;  // only the id is validated here; the rest is decided on the writer
  probe.id = command_id;
  if (Status s = internal::ValidateCommand(probe); !s.ok() && s.field() == "command_id") return s;
  internal::Request request;
  request.decided.id = std::move(command_id);
  request.decider = &decide;
  impl_->Enqueue(&request);
  impl_->AwaitDone(request);
  return std::move(request.result);
}

Status EventStore::write_failure() const {
  if (!impl_->write_failed.load(std::memory_order_acquire)) return Status::Ok();
  std::lock_guard lk(impl_->failure_mu);
  return impl_->reported_failure;
}

Position EventStore::head() const { return impl_->head.load(std::memory_order_acquire); }

Result<Version> EventStore::StreamHead(std::string_view stream) const {
  return impl_->ReadStreamHead(stream, head());
}

Result<std::vector<RecordedEvent>> EventStore::ReadStream(std::string_view stream,
                                                          Version from_version,
                                                          size_t max_count) const {
  std::vector<RecordedEvent> out;
  const Position limit = head();  // never show an event above the published head
  std::string prefix(stream);
  prefix.push_back('\0');
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->streams_cf));
  std::string record;
  for (it->Seek(internal::StreamKey(stream, std::max<Version>(from_version, 1)));
       it->Valid() && out.size() < max_count && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 8)
      return Status::DataLoss("stream index of '" + std::string(stream) + "' is corrupt");
    const Position p = internal::GetBe64(it->value().data());
    if (p > limit) break;
    rocksdb::Status s =
        impl_->db->Get(rocksdb::ReadOptions(), impl_->log_cf, internal::PositionKey(p), &record);
    if (s.IsNotFound())
      return Status::DataLoss("event log is missing position " + std::to_string(p));
    if (!s.ok()) return internal::FromRocks(s, "reading stream '" + std::string(stream) + "'");
    SHUGO_RETURN_IF_ERROR(VerifyRecord(p, record));
    out.emplace_back(p, std::move(record));
    record.clear();
  }
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading a stream");
  return out;
}

Status EventStore::ReadAll(Position from,
                           const std::function<bool(Position, std::string_view)>& visit) const {
  return impl_->ReadLog(from, head(), visit);
}

Result<std::vector<RecordedEvent>> EventStore::ReadRange(Position from, size_t max_count) const {
  std::vector<RecordedEvent> out;
  if (from == 0) from = 1;
  const Position h = head();
  if (max_count == 0 || from > h) return out;
  const Position to = from - 1 + std::min<uint64_t>(max_count, h - from + 1);  // no overflow
  out.reserve(static_cast<size_t>(to - from + 1));
  SHUGO_RETURN_IF_ERROR(impl_->ReadLog(from, to, [&out](Position p, std::string_view bytes) {
    out.emplace_back(p, std::string(bytes));
    return true;
  }));
  return out;
}

Result<Position> EventStore::PositionAt(int64_t unix_micros) const {
  if (unix_micros < 0) return Position{0};
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->time_cf));
  it->SeekForPrev(internal::TimeKey(unix_micros, ~Position{0}));
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading the time index");
  if (!it->Valid()) return Position{0};
  if (it->value().size() != 8) return Status::DataLoss("time index entry is corrupt");
  return std::min(internal::GetBe64(it->value().data()), head());
}

std::unique_ptr<Subscription> EventStore::Subscribe(Position after) {
  return std::unique_ptr<Subscription>(new Subscription(this, after));
}

Position EventStore::WaitBeyond(Position after, const std::atomic<bool>& cancelled) const {
  std::unique_lock lk(impl_->head_mu);
  impl_->head_cv.wait(lk, [&] {
    return impl_->head.load(std::memory_order_acquire) > after ||
           cancelled.load(std::memory_order_acquire) ||
           impl_->stopped.load(std::memory_order_acquire);
  });
  return impl_->head.load(std::memory_order_acquire);
}

void EventStore::WakeWaiters() const {
  { std::lock_guard lk(impl_->head_mu); }
  impl_->head_cv.notify_all();
}

size_t EventStore::queued() const { return impl_->queued.load(std::memory_order_acquire); }

GroupStats EventStore::group_stats() const {
  return {impl_->groups.load(std::memory_order_relaxed),
          impl_->commands.load(std::memory_order_relaxed)};
}

Status EventStore::Compact() {
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* cf : impl_->handles) {
    SHUGO_RETURN_IF_ERROR(
        internal::FromRocks(impl_->db->CompactRange(o, cf, nullptr, nullptr), "compacting"));
  }
  return Status::Ok();
}

Result<EventStore::VerifyReport> EventStore::Verify(
    const std::function<void(Position)>& progress) const {
  VerifyReport report;
  // The head and its chain hash as one snapshot: appends may go on while the walk runs.
  Position h = 0;
  Hash head_hash;
  {
    std::lock_guard lk(impl_->head_mu);
    h = impl_->head.load(std::memory_order_acquire);
    head_hash = impl_->head_hash;
  }
  Hash chain{};                   // chain hash of the last record walked
  Position broken = 0;            // the first record whose stored prev_hash did not match
  std::optional<Hash> successor;  // what the record after `broken` stored
  Status s = impl_->ReadLog(1, h, [&](Position p, std::string_view bytes) {
    const Hash stored_prev = internal::PrevHash(bytes);
    if (broken != 0) {
      successor = stored_prev;
      return false;
    }
    if (stored_prev != chain) broken = p;
    chain = ChainHash(bytes);
    report.checked = p;
    if (progress && p % 65536 == 0) progress(p);
    return true;
  });
  if (!s.ok() && s.code() != StatusCode::kDataLoss) return s;
  if (!s.ok()) report.problem = s.message();
  if (broken != 0) {
    // The link into `broken` is cut: either its predecessor's bytes or `broken` itself changed.
    // If what comes after (the next record's stored hash, or the head entry) still matches
    // `broken`, the record is intact and its predecessor changed. With no evidence (an unreadable
    // successor) the earlier candidate is named.
    const std::optional<Hash> evidence = successor ? successor
                                         : s.ok()  ? std::optional(head_hash)
                                                   : std::nullopt;
    const bool broken_intact = !evidence || *evidence == chain;
    report.first_bad = broken_intact && broken >= 2 ? broken - 1 : broken;
  } else if (!s.ok()) {
    report.first_bad = report.checked + 1;  // the unreadable record itself
  } else if (h > 0 && chain != head_hash) {
    report.first_bad = h;  // only the head entry disagrees: the head record changed
  }
  if (report.first_bad != 0 && report.problem.empty()) {
    report.problem = "the bytes of position " + std::to_string(report.first_bad) +
                     " do not match the hash chain";
  }
  if (report.first_bad != 0 && report.first_bad <= report.checked) {
    report.checked = report.first_bad - 1;
  }
  if (report.first_bad == 0) report.last_hash = chain;
  return report;
}

Result<std::vector<RecordedEvent>> Subscription::Poll(size_t max_count) {
  SHUGO_ASSIGN_OR_RETURN(auto events, store_->ReadRange(position_ + 1, max_count));
  if (!events.empty()) position_ = events.back().position();
  return events;
}

Result<std::vector<RecordedEvent>> Subscription::Next(size_t max_count) {
  for (;;) {
    store_->WaitBeyond(position_, cancelled_);
    if (cancelled_.load(std::memory_order_acquire)) return std::vector<RecordedEvent>{};
    SHUGO_ASSIGN_OR_RETURN(auto events, Poll(max_count));
    if (!events.empty() || store_->impl_->stopped.load(std::memory_order_acquire)) return events;
  }
}

void Subscription::Cancel() {
  cancelled_.store(true, std::memory_order_release);
  store_->WakeWaiters();
}

}  // namespace shugo::events
