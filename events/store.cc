// Opening the log and reading it.
#include "events/internal/store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <cstring>
#include <system_error>

#include "events/internal/keys.h"
#include "events/internal/record.h"

namespace shugo::events::internal {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::DataLoss(msg);
  if (s.IsNoSpace()) return Status::ResourceExhausted(msg + " (the disk is full)");
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsInvalidArgument()) return Status(StatusCode::kInvalidArgument, msg);
  // RocksDB's LOCK file: "While lock file …: Resource temporarily unavailable" from another
  // process, "lock hold by current process" from this one.
  const std::string text = s.ToString();
  if (s.IsIOError() && (text.find("While lock file") != std::string::npos ||
                        text.find("lock hold by current process") != std::string::npos)) {
    return Status::Unavailable(msg + " (the data directory is in use by another process)");
  }
  if (s.IsShutdownInProgress()) return Status::Unavailable(msg);
  return Status::Internal(msg);
}

rocksdb::ColumnFamilyOptions LogCfOptions() {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 32 * 1024;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kLZ4Compression;
  o.write_buffer_size = 64 << 20;
  return o;
}

namespace {

// Point lookups (idempotency, stream heads): bloom filters, also in the memtable.
rocksdb::ColumnFamilyOptions LookupCfOptions() {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.memtable_whole_key_filtering = true;
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.compression = rocksdb::kLZ4Compression;
  o.write_buffer_size = 32 << 20;
  return o;
}

// Command ids are only ever looked up whole, never scanned: a hash table in the memtable makes
// the writer's insert O(1) where a skip list searches (perf: memtable inserts were a quarter of
// the writer's time at 64 submitters).
rocksdb::ColumnFamilyOptions CommandsCfOptions() {
  rocksdb::ColumnFamilyOptions o = LookupCfOptions();
  o.prefix_extractor.reset(rocksdb::NewNoopTransform());
  o.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(1 << 16));
  return o;
}

}  // namespace

Store::~Store() {
  StopWriter();
  if (db) {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db->Close().PermitUncheckedError();
    db.reset();
  }
}

Status Store::OpenDb(const std::filesystem::path& data_dir) {
  std::error_code ec;
  const std::filesystem::path dir = data_dir / "events";
  bool created = false;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (!options.create_if_missing) {
      return Status::NotFound("data directory '" + data_dir.string() +
                              "' has no event log (no events/ inside)");
    }
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Status::Unavailable("cannot create '" + dir.string() + "': " + ec.message());
    }
    created = true;
  }
  rocksdb::DBOptions o;
  // Only a directory made just now may get a new database: an existing events/ that RocksDB
  // cannot recognise (CURRENT lost) is an error, never silently a fresh, empty log.
  o.create_if_missing = created;
  o.create_missing_column_families = created;
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
  o.keep_log_file_num = 5;
  o.allow_concurrent_memtable_write = false;  // one writer thread; the commands memtable is a hash
  o.max_manifest_file_size = 64 << 20;
  std::shared_ptr<TestFileSystemState> test_fs;
  if (options.fail_writes_after_bytes >= 0 || options.write_fault != nullptr ||
      (options.test_hooks && options.test_hooks->after_wal_sync)) {
    test_fs = std::make_shared<TestFileSystemState>();
    test_fs->fault = options.write_fault;
    if (options.test_hooks) test_fs->after_wal_sync = options.test_hooks->after_wal_sync;
    env = rocksdb::NewCompositeEnv(NewTestFileSystem(test_fs));
    o.env = env.get();
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {kLogCf, LogCfOptions()},
      {kStreamsCf, LookupCfOptions()},
      {kCommandsCf, CommandsCfOptions()},
      {kTimeCf, rocksdb::ColumnFamilyOptions()},
      {kMetaCf, rocksdb::ColumnFamilyOptions()},
  };
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir.string(), cfs, &handles, &raw);
  if (!s.ok() && !created && s.IsInvalidArgument()) {
    return Status::DataLoss("'" + dir.string() + "' exists but holds no readable event log (" +
                            s.ToString() + "); refusing to start an empty one in its place");
  }
  if (!s.ok()) return FromRocks(s, "opening the event log in '" + dir.string() + "'");
  db.reset(raw);
  log_cf = handles[0];
  streams_cf = handles[1];
  commands_cf = handles[2];
  time_cf = handles[3];
  meta_cf = handles[4];

  // The head as last committed: meta and the last record must agree.
  std::string meta;
  Position meta_head = 0;
  s = db->Get(rocksdb::ReadOptions(), meta_cf, std::string(kHeadKey), &meta);
  if (s.ok()) {
    if (!DecodeHead(meta, meta_head, head_hash))
      return Status::DataLoss("event log head record is corrupt");
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the event log head");
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), log_cf));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "reading the last event");
  Position last = 0;
  if (it->Valid()) {
    if (it->key().size() != 8) return Status::DataLoss("event log key of unexpected size");
    last = GetBe64(it->key().data());
    std::string record = it->value().ToString();
    SHUGO_RETURN_IF_ERROR(VerifyRecord(last, record));
    last_recorded_at = fb::GetEvent(record.data())->header()->recorded_at_us();
  }
  if (last != meta_head) {
    return Status::DataLoss("event log head says position " + std::to_string(meta_head) +
                            " but the last record is at " + std::to_string(last));
  }
  head.store(last, std::memory_order_release);
  if (test_fs && options.fail_writes_after_bytes >= 0)
    test_fs->left.store(options.fail_writes_after_bytes);
  if (test_fs) test_fs->armed.store(true);
  return Status::Ok();
}

Result<Version> Store::ReadStreamHead(std::string_view stream, Position limit) const {
  std::string prefix(stream);
  prefix.push_back('\0');
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), streams_cf));
  // Newest version first; step back over versions written by a group not yet published.
  for (it->SeekForPrev(StreamKey(stream, ~Version{0})); it->Valid(); it->Prev()) {
    if (!it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) break;
    if (it->value().size() != 8)
      return Status::DataLoss("stream index of '" + std::string(stream) + "' is corrupt");
    if (GetBe64(it->value().data()) <= limit) return GetBe64(it->key().data() + prefix.size());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading stream head");
  return Version{0};
}

Status Store::ReadLog(Position from, Position to,
                      const std::function<bool(Position, std::string_view)>& visit) const {
  if (from == 0) from = 1;
  if (from > to) return Status::Ok();
  const std::string lower = PositionKey(from);
  const std::string upper = PositionKey(to + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = (to - from) < 4096;
  ro.verify_checksums = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, log_cf));
  std::string aligned;  // FlatBuffers wants its buffer aligned; RocksDB slices need not be
  Position expect = from;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (it->key().size() != 8 || GetBe64(it->key().data()) != expect) {
      return Status::DataLoss("event log is missing position " + std::to_string(expect));
    }
    std::string_view bytes(it->value().data(), it->value().size());
    if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0) {
      aligned.assign(bytes);
      bytes = aligned;
    }
    const Position p = expect++;
    SHUGO_RETURN_IF_ERROR(VerifyRecord(p, bytes));
    if (!visit(p, bytes)) return Status::Ok();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the event log");
  if (expect != to + 1)
    return Status::DataLoss("event log is missing position " + std::to_string(expect));
  return Status::Ok();
}

}  // namespace shugo::events::internal
