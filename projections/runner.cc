#include "projections/runner.h"

#include <openssl/evp.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "base/text.h"
#include "projections/internal/fold.h"
#include "projections/internal/read_models.h"
#include "projections/internal/sqlite.h"
#include "schemas/projections_sql.h"

namespace shugo::projections {

namespace {

using internal::Batch;
using internal::Database;
using internal::Statement;

// 2: one file per projection beside the main file (1: one file for all).
constexpr std::string_view kFileVersion = "2";

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return HexOf({digest, size});
}

// Incremental SHA-256 over typed values.
class Hasher {
 public:
  Hasher() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Hasher() { EVP_MD_CTX_free(ctx_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void Add(char tag, std::string_view bytes) {
    const uint64_t n = bytes.size();
    EVP_DigestUpdate(ctx_, &tag, 1);
    EVP_DigestUpdate(ctx_, &n, sizeof n);
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
  }
  std::string Hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_, digest, &size);
    return HexOf({digest, size});
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::vector<std::string> ProjectionNames() { return internal::ProjectionNames(); }

namespace {

// A projection's own file, connection and checkpoint.
struct Part {
  std::unique_ptr<internal::Projection> projection;
  Database db;
  Statement set_checkpoint;
  bool pending_indexes = false;  // a bulk load: its indexes are built once it has caught up
  // Domain events of the deferred batches it skipped since its checkpoint (Batch::deferred):
  // counted into its checkpoint with the batch that writes their records.
  uint64_t deferred_events = 0;
};

// The file's own value of `key` in its meta table.
Result<std::optional<std::string>> MetaValue(const Database& db, const std::string& key) {
  SHUGO_ASSIGN_OR_RETURN(Statement get, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
  get.Bind(1, key);
  SHUGO_ASSIGN_OR_RETURN(bool row, get.Step());
  std::optional<std::string> v;
  if (row) v = std::string(get.Text(0));
  get.Reset();
  return v;
}

constexpr std::string_view kWalPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; "
    "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;";

}  // namespace

struct Runner::Impl {
  RunnerOptions options;
  std::filesystem::path path;
  Database main;  // the file's version; readers attach the parts' files to it
  std::vector<Part> parts;
  // Each part's checkpoint. Catch-up writers move them on their own threads; checkpoints() reads
  // them on another.
  mutable std::mutex checkpoints_mu;
  std::vector<Checkpoint> checkpoints;  // parallel to parts
  internal::Fold fold;
  std::atomic<bool> broken{false};

  Status Init();
  Status InitPart(Part& part);
  Status EnterBulk(Part& part);
  Status LeaveBulk(Part& part);
  Status CreateTables(Part& part);
  Status DropTables(Part& part) {
    for (const std::string& t : part.projection->dependents())
      SHUGO_RETURN_IF_ERROR(part.db.Exec("DROP TABLE IF EXISTS " + t));
    for (const std::string& t : part.projection->tables())
      SHUGO_RETURN_IF_ERROR(part.db.Exec("DROP TABLE IF EXISTS " + t));
    return Status::Ok();
  }
  // Writes a sealed batch (Fold::Seal) to part `i` in one transaction with its checkpoint; a part
  // that already has the batch's events is left alone.
  Status WritePart(size_t i, const Batch& batch);
  // Every part in turn (the live path: small batches).
  Status WriteBatch(const Batch& batch) {
    if (batch.empty()) return Status::Ok();
    if (broken) return Status::Unavailable("projection runner stopped after a failed write");
    for (size_t i = 0; i < parts.size(); ++i) SHUGO_RETURN_IF_ERROR(WritePart(i, batch));
    return Status::Ok();
  }
  Status SealAndWrite(Batch& batch) {
    fold.Seal(batch);
    return WriteBatch(batch);
  }
  Status BuildIndexes(Part& part);
  Status BuildPendingIndexes();
  Checkpoint CheckpointOf(size_t i) const {
    std::lock_guard lock(checkpoints_mu);
    return checkpoints[i];
  }
  events::Position MinCheckpoint() const {
    std::lock_guard lock(checkpoints_mu);
    events::Position m = UINT64_MAX;
    for (const Checkpoint& c : checkpoints) m = std::min(m, c.position);
    return checkpoints.empty() ? 0 : m;
  }
  // Whether some projection becomes active after `position` (a batch must end there).
  bool IsBoundary(events::Position position) const {
    std::lock_guard lock(checkpoints_mu);
    for (const Checkpoint& c : checkpoints) {
      if (c.position == position) return true;
    }
    return false;
  }
  int IndexOf(const std::string& name) const {
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].projection->name() == name) return static_cast<int>(i);
    }
    return -1;
  }
};

Status Runner::Impl::CreateTables(Part& part) {
  internal::Projection& p = *part.projection;
  Database& db = part.db;
  const std::string schema = p.schema();
  SHUGO_RETURN_IF_ERROR(db.Exec(internal::SplitSchema(schema).first));
  SHUGO_RETURN_IF_ERROR(p.Seed(db));
  SHUGO_ASSIGN_OR_RETURN(
      Statement cp,
      db.Prepare(
          "INSERT OR REPLACE INTO checkpoints (projection, position, events) VALUES (?1, 0, 0)"));
  SHUGO_RETURN_IF_ERROR(cp.Bind(1, p.name()).Run());
  SHUGO_ASSIGN_OR_RETURN(Statement meta,
                         db.Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"));
  SHUGO_RETURN_IF_ERROR(meta.Bind(1, "schema").Bind(2, Sha256Hex(schema)).Run());
  SHUGO_RETURN_IF_ERROR(meta.Bind(1, "indexes_pending").Bind(2, "1").Run());
  SHUGO_RETURN_IF_ERROR(
      meta.Bind(1, "reference").Bind(2, Sha256Hex(p.ReferenceFingerprint())).Run());
  part.pending_indexes = true;
  return Status::Ok();
}

Status Runner::Impl::Init() {
  SHUGO_RETURN_IF_ERROR(main.Exec(kWalPragmas));
  SHUGO_RETURN_IF_ERROR(main.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    SHUGO_RETURN_IF_ERROR(main.Exec(schemas::k_common_sql));
    SHUGO_ASSIGN_OR_RETURN(auto version, MetaValue(main, "file_version"));
    if (version && *version != kFileVersion) {
      return Status::DataLoss("projection file version " + *version + ", expected " +
                              std::string(kFileVersion) + ": rebuild it (shugo rebuild)");
    }
    return main.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('file_version', '" +
                     std::string(kFileVersion) + "')");
  }();
  if (!s.ok()) {
    main.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  SHUGO_RETURN_IF_ERROR(main.Exec("COMMIT"));
  for (Part& part : parts) SHUGO_RETURN_IF_ERROR(InitPart(part));
  return Status::Ok();
}

Status Runner::Impl::InitPart(Part& part) {
  internal::Projection& p = *part.projection;
  const std::string name(p.name());
  SHUGO_ASSIGN_OR_RETURN(
      part.db, Database::Open(ProjectionFile(path, name).string(), Database::Mode::kReadWrite));
  Database& db = part.db;
  SHUGO_RETURN_IF_ERROR(db.Exec(kWalPragmas));
  SHUGO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    SHUGO_RETURN_IF_ERROR(db.Exec(schemas::k_common_sql));
    SHUGO_ASSIGN_OR_RETURN(auto schema_hash, MetaValue(db, "schema"));
    if (!schema_hash) return CreateTables(part);
    if (*schema_hash != Sha256Hex(p.schema())) {
      // The projection's tables changed shape in this version: rebuild it from the log.
      SHUGO_RETURN_IF_ERROR(DropTables(part));
      return CreateTables(part);
    }
    SHUGO_ASSIGN_OR_RETURN(auto pending, MetaValue(db, "indexes_pending"));
    part.pending_indexes = pending.has_value();
    // New reference data (data/reference) replaces the rows that came from the old (a runner
    // opened without reference data leaves them).
    const std::string fingerprint = p.ReferenceFingerprint();
    SHUGO_ASSIGN_OR_RETURN(auto seeded, MetaValue(db, "reference"));
    if (!fingerprint.empty() && (!seeded || *seeded != Sha256Hex(fingerprint))) {
      SHUGO_RETURN_IF_ERROR(p.Reseed(db));
      SHUGO_RETURN_IF_ERROR(
          db.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('reference', '" +
                  Sha256Hex(fingerprint) + "')"));
    }
    return Status::Ok();
  }();
  if (!s.ok()) {
    db.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  SHUGO_RETURN_IF_ERROR(db.Exec("COMMIT"));
  SHUGO_RETURN_IF_ERROR(p.Prepare(db));
  SHUGO_ASSIGN_OR_RETURN(
      part.set_checkpoint,
      db.Prepare(
          "UPDATE checkpoints SET position = ?2, events = events + ?3 WHERE projection = ?1"));
  SHUGO_ASSIGN_OR_RETURN(
      Statement read, db.Prepare("SELECT position, events FROM checkpoints WHERE projection = ?1"));
  Checkpoint c;
  c.projection = name;
  read.Bind(1, c.projection);
  SHUGO_ASSIGN_OR_RETURN(bool row, read.Step());
  if (row) {
    c.position = static_cast<events::Position>(read.Int(0));
    c.events = static_cast<uint64_t>(read.Int(1));
  }
  read.Reset();
  {
    std::lock_guard lock(checkpoints_mu);
    checkpoints.push_back(std::move(c));
  }
  if (part.pending_indexes) SHUGO_RETURN_IF_ERROR(EnterBulk(part));
  return Status::Ok();
}

Status Runner::Impl::EnterBulk(Part& part) {
  if (options.private_file) {
    SHUGO_RETURN_IF_ERROR(
        part.db.Exec("PRAGMA journal_mode = OFF; PRAGMA locking_mode = EXCLUSIVE"));
  }
  // Index builds may sort on a second thread.
  return part.db.Exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA threads = 2");
}

Status Runner::Impl::LeaveBulk(Part& part) {
  if (options.private_file) {
    SHUGO_RETURN_IF_ERROR(part.db.Exec("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL"));
  }
  // Statistics for the query planner (an approximate ANALYZE: a few hundred rows per index).
  return part.db.Exec(
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA analysis_limit = 400; "
      "ANALYZE;");
}

Status Runner::Impl::WritePart(size_t i, const Batch& batch) {
  if (batch.empty()) return Status::Ok();
  const Checkpoint before = CheckpointOf(i);
  if (before.position >= batch.first) return Status::Ok();  // already has these events
  Part& part = parts[i];
  if (batch.deferred && part.projection->Deferrable()) {
    part.deferred_events += batch.events.size();  // its records come with a later batch
    return Status::Ok();
  }
  const uint64_t events = part.deferred_events + batch.events.size();
  if (Status s = part.db.Exec("BEGIN IMMEDIATE"); !s.ok()) {
    broken = true;  // the fold is ahead of this file now (and others may have the batch)
    return s;
  }
  Status s = [&]() -> Status {
    SHUGO_RETURN_IF_ERROR(part.projection->Write(batch));
    SHUGO_RETURN_IF_ERROR(part.set_checkpoint.Bind(1, before.projection)
                              .Bind(2, static_cast<int64_t>(batch.last))
                              .Bind(3, static_cast<int64_t>(events))
                              .Run());
    if (options.before_commit) options.before_commit(batch.last);
    return part.db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    part.db.Exec("ROLLBACK").IgnoreError();
    broken = true;  // the fold is ahead of the file now: reopen to go on
    return s;
  }
  part.deferred_events = 0;
  std::lock_guard lock(checkpoints_mu);
  checkpoints[i].position = batch.last;
  checkpoints[i].events += events;
  return Status::Ok();
}

Status Runner::Impl::BuildIndexes(Part& part) {
  if (!part.pending_indexes) return Status::Ok();
  SHUGO_RETURN_IF_ERROR(part.db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    const std::string schema = part.projection->schema();
    SHUGO_RETURN_IF_ERROR(part.db.Exec(internal::SplitSchema(schema).second));
    SHUGO_RETURN_IF_ERROR(part.db.Exec("DELETE FROM meta WHERE key = 'indexes_pending'"));
    return part.db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    part.db.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  part.pending_indexes = false;
  return LeaveBulk(part);
}

// Each part's file builds its own indexes, all at once (the longest sorts overlap the others).
Status Runner::Impl::BuildPendingIndexes() {
  std::vector<Status> results(parts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].pending_indexes) continue;
    threads.emplace_back([this, i, &results] {
      const std::string thread = "index-" + std::string(parts[i].projection->name());
      pthread_setname_np(pthread_self(), thread.substr(0, 15).c_str());
      results[i] = BuildIndexes(parts[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) SHUGO_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Runner::Runner(std::unique_ptr<Impl> impl, std::filesystem::path path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

Runner::~Runner() = default;

Result<std::unique_ptr<Runner>> Runner::Open(const std::filesystem::path& path,
                                             RunnerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  SHUGO_ASSIGN_OR_RETURN(impl->main, Database::Open(path.string(), Database::Mode::kReadWrite));
  for (auto& p : internal::MakeProjections(options.catalog)) {
    impl->parts.emplace_back().projection = std::move(p);
  }
  impl->options = std::move(options);
  SHUGO_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Runner>(new Runner(std::move(impl), path));
}

Status Runner::Reset(const std::vector<std::string>& names) {
  Impl& m = *impl_;
  if (m.fold.position() != 0) {
    return Status::FailedPrecondition("a runner that has applied events cannot be reset");
  }
  for (const std::string& name : names) {
    if (m.IndexOf(name) < 0) {
      return Status::InvalidArgument("projection", "知らない投影です: " + name);
    }
  }
  for (const std::string& name : names) {
    const auto i = static_cast<size_t>(m.IndexOf(name));
    Part& part = m.parts[i];
    SHUGO_RETURN_IF_ERROR(part.db.Exec("BEGIN IMMEDIATE"));
    Status s = [&]() -> Status {
      SHUGO_RETURN_IF_ERROR(m.DropTables(part));
      SHUGO_RETURN_IF_ERROR(m.CreateTables(part));
      return part.db.Exec("COMMIT");
    }();
    if (!s.ok()) {
      part.db.Exec("ROLLBACK").IgnoreError();
      return s;
    }
    SHUGO_RETURN_IF_ERROR(part.projection->Prepare(part.db));
    {
      std::lock_guard lock(m.checkpoints_mu);
      m.checkpoints[i].position = 0;
      m.checkpoints[i].events = 0;
    }
    SHUGO_RETURN_IF_ERROR(m.EnterBulk(part));
  }
  return Status::Ok();
}

Status Runner::CatchUp(const events::EventStore& store, events::Position upto,
                       const std::function<bool(const CatchUpProgress&)>& progress) {
  Impl& m = *impl_;
  if (m.broken) return Status::Unavailable("projection runner stopped after a failed write");
  upto = std::min(upto, store.head());
  const events::Position warm = std::min(m.MinCheckpoint(), upto);
  Status failure;
  // Warm-up: the fold catches up to the lowest checkpoint without writing.
  if (m.fold.position() < warm) {
    SHUGO_RETURN_IF_ERROR(
        store.ReadAll(m.fold.position() + 1, [&](events::Position pos, std::string_view bytes) {
          if (pos > warm) return false;
          failure = m.fold.Apply(pos, *fb::GetEvent(bytes.data()), nullptr);
          return failure.ok() && pos < warm;
        }));
    SHUGO_RETURN_IF_ERROR(failure);
  }
  // The fold (this thread) seals batches; each part's own thread writes them to its own file
  // meanwhile, so the files are written on both cores. Each batch's rows are copies, so the fold
  // may go on, at most two batches ahead of the slowest part. A batch ends at every checkpoint
  // above the fold (where another projection joins in), every batch_events records, and `upto`.
  std::set<events::Position> boundaries;
  for (const Checkpoint& c : checkpoints()) {
    if (c.position > m.fold.position()) boundaries.insert(c.position);
  }
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<const Batch>> queue;  // batches some part has yet to write
  uint64_t front = 0;                              // the number of the queue's first batch
  std::vector<uint64_t> next(m.parts.size(), 0);   // each part's next batch
  bool done = false;                               // the fold has sealed its last batch
  bool stop = false;                               // a part failed, or progress said stop
  Status written;
  CatchUpProgress p;
  p.target = upto;
  auto write = [&](size_t i) {
    // "proj-letters" in top -H and perf.
    const std::string thread = "proj-" + std::string(m.parts[i].projection->name());
    pthread_setname_np(pthread_self(), thread.substr(0, 15).c_str());
    for (;;) {
      std::shared_ptr<const Batch> batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return next[i] < front + queue.size() || done || stop; });
        if (stop || next[i] >= front + queue.size()) return;
        batch = queue[next[i] - front];
      }
      Status s = m.WritePart(i, *batch);
      std::lock_guard lock(mu);
      ++next[i];
      if (s.ok() && *std::min_element(next.begin(), next.end()) > front) {
        // Every part has this batch now: it is applied.
        queue.pop_front();
        ++front;
        p.events_written += batch->last - batch->first + 1;
        p.position = batch->last;
        p.applied = m.MinCheckpoint();
        if (progress && !progress(p)) s = Status::Aborted("projection catch-up stopped");
      }
      if (!s.ok() && !stop) {
        written = s;
        stop = true;
      }
      cv.notify_all();
      if (stop) return;
    }
  };
  std::vector<std::thread> writers;
  for (size_t i = 0; i < m.parts.size(); ++i) writers.emplace_back(write, i);
  // Until the last batch, the letters and public rows that batches touched wait in the fold
  // (up to deferred_records of them): each is then written once, as it stands at the end, instead
  // of once per batch that touched it.
  auto hand_over = [&](Batch& batch, bool last) {
    m.fold.Seal(batch, !last && m.fold.touched() < m.options.deferred_records);
    auto sealed = std::make_shared<const Batch>(std::move(batch));
    batch = Batch();
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < 2 || stop; });
    if (stop) return false;  // a writer failed or was stopped
    queue.push_back(std::move(sealed));
    cv.notify_all();
    return true;
  };
  Batch batch;
  size_t count = 0;
  Status read = Status::Ok();
  if (m.fold.position() < upto) {
    read = store.ReadAll(m.fold.position() + 1, [&](events::Position pos, std::string_view bytes) {
      if (pos > upto) return false;
      if (count == 0) {  // a new batch: room for all its events at once
        batch.events.reserve(std::min<uint64_t>(m.options.batch_events, upto - pos + 1));
      }
      failure = m.fold.Apply(pos, *fb::GetEvent(bytes.data()), &batch);
      if (!failure.ok()) return false;
      ++count;
      if (count >= m.options.batch_events || pos == upto || boundaries.contains(pos)) {
        count = 0;
        if (!hand_over(batch, pos == upto)) return false;
      }
      return pos < upto;
    });
    if (read.ok() && failure.ok() && !batch.empty()) hand_over(batch, true);
  }
  {
    std::lock_guard lock(mu);
    done = true;
    if (!read.ok() || !failure.ok()) stop = true;
  }
  cv.notify_all();
  for (std::thread& t : writers) t.join();
  if (!read.ok() || !failure.ok() || !written.ok()) {
    // The fold may be ahead of what was written: this runner cannot go on.
    m.broken = true;
    SHUGO_RETURN_IF_ERROR(written);
    SHUGO_RETURN_IF_ERROR(read);
    return failure;
  }
  if (m.fold.touched() > 0) {
    // The last batch handed over waited for a later one that never came (the log ended before
    // `upto`): its letters and public rows are in no file. Never reached while ReadAll reads to
    // the head; if it were, the runner must not go on as if they were written.
    m.broken = true;
    return Status::Internal("projection catch-up ended before its last batch");
  }
  return m.BuildPendingIndexes();
}

Status Runner::Apply(const std::vector<events::RecordedEvent>& events) {
  Impl& m = *impl_;
  if (m.broken) return Status::Unavailable("projection runner stopped after a failed write");
  Batch batch;
  // Any failure leaves the fold ahead of the file: the runner is broken (reopen to go on).
  auto fail = [&m](Status s) {
    m.broken = true;
    return s;
  };
  for (const events::RecordedEvent& e : events) {
    if (e.position() <= m.fold.position()) continue;
    if (e.position() != m.fold.position() + 1) {
      return fail(Status::DataLoss("projection runner: position " + std::to_string(e.position()) +
                                   " follows " + std::to_string(m.fold.position())));
    }
    if (Status s = m.fold.Apply(e.position(), e.event(), &batch); !s.ok()) return fail(s);
    if (m.IsBoundary(e.position())) {
      SHUGO_RETURN_IF_ERROR(m.SealAndWrite(batch));
      batch = Batch();
    }
  }
  return m.SealAndWrite(batch);
}

events::Position Runner::position() const { return impl_->MinCheckpoint(); }

std::vector<Checkpoint> Runner::checkpoints() const {
  std::lock_guard lock(impl_->checkpoints_mu);
  return impl_->checkpoints;
}

Result<std::string> Runner::ContentHash(const std::string& projection) {
  Impl& m = *impl_;
  const int i = m.IndexOf(projection);
  if (i < 0) return Status::InvalidArgument("projection", "知らない投影です: " + projection);
  const Part& part = m.parts[static_cast<size_t>(i)];
  const Database& db = part.db;
  Hasher h;
  for (const std::string& table : part.projection->tables()) {
    // Primary-key columns, in key order; none: a rowid table (FTS5 included).
    SHUGO_ASSIGN_OR_RETURN(
        Statement info,
        db.Prepare("SELECT name, pk FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk"));
    info.Bind(1, table);
    std::string order;
    for (;;) {
      SHUGO_ASSIGN_OR_RETURN(bool row, info.Step());
      if (!row) break;
      if (!order.empty()) order += ", ";
      order += "\"" + std::string(info.Text(0)) + "\"";
    }
    const std::string sql = order.empty() ? "SELECT rowid, * FROM " + table + " ORDER BY rowid"
                                          : "SELECT * FROM " + table + " ORDER BY " + order;
    SHUGO_ASSIGN_OR_RETURN(Statement rows, db.Prepare(sql));
    h.Add('T', table);
    for (;;) {
      SHUGO_ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      h.Add('R', {});
      for (int c = 0; c < rows.columns(); ++c) {
        const int type = rows.Type(c);  // before Blob(), which may convert the value
        h.Add(static_cast<char>('0' + type), rows.Blob(c));
      }
    }
  }
  return h.Hex();
}

Status Runner::Flush() {
  // Each file's WAL into the file and synced, the files in parallel.
  std::vector<Status> results(impl_->parts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < impl_->parts.size(); ++i) {
    threads.emplace_back([this, i, &results] {
      results[i] = impl_->parts[i].db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    });
  }
  Status main = impl_->main.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) SHUGO_RETURN_IF_ERROR(s);
  return main;
}

std::filesystem::path ProjectionFile(const std::filesystem::path& path, std::string_view name) {
  return path.parent_path() /
         (path.stem().string() + "." + std::string(name) + path.extension().string());
}

std::vector<std::filesystem::path> ProjectionFiles(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files{path};
  for (const std::string& name : ProjectionNames()) files.push_back(ProjectionFile(path, name));
  return files;
}

Result<sqlite::Database> OpenForReading(const std::filesystem::path& path) {
  SHUGO_ASSIGN_OR_RETURN(Database db, Database::Open(path.string(), Database::Mode::kReadOnly));
  for (const std::string& name : ProjectionNames()) {
    SHUGO_RETURN_IF_ERROR(db.Exec("ATTACH DATABASE " +
                                  sqlite::QuoteLiteral(ProjectionFile(path, name).string()) +
                                  " AS " + name));
  }
  return db;
}

}  // namespace shugo::projections
