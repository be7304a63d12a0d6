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

constexpr std::string_view kFileVersion = "1";

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

struct Runner::Impl {
  RunnerOptions options;
  Database db;
  std::vector<std::unique_ptr<internal::Projection>> projections;
  std::vector<Checkpoint> checkpoints;  // parallel to projections
  std::set<std::string> pending_indexes;
  internal::Fold fold;
  Statement set_checkpoint;
  bool broken = false;

  Status Init();
  Status EnterBulk();
  Status LeaveBulk();
  Status CreateTables(internal::Projection& p);
  Status DropTables(const internal::Projection& p) {
    for (const std::string& t : p.dependents())
      SHUGO_RETURN_IF_ERROR(db.Exec("DROP TABLE IF EXISTS " + t));
    for (const std::string& t : p.tables())
      SHUGO_RETURN_IF_ERROR(db.Exec("DROP TABLE IF EXISTS " + t));
    return Status::Ok();
  }
  // Writes a sealed batch (Fold::Seal) in one transaction with the checkpoints.
  Status WriteBatch(const Batch& batch);
  Status SealAndWrite(Batch& batch) {
    fold.Seal(batch);
    return WriteBatch(batch);
  }
  Status BuildPendingIndexes();
  events::Position MinCheckpoint() const {
    events::Position m = UINT64_MAX;
    for (const Checkpoint& c : checkpoints) m = std::min(m, c.position);
    return checkpoints.empty() ? 0 : m;
  }
  // Whether some projection becomes active after `position` (a batch must end there).
  bool IsBoundary(events::Position position) const {
    for (const Checkpoint& c : checkpoints) {
      if (c.position == position) return true;
    }
    return false;
  }
  int IndexOf(const std::string& name) const {
    for (size_t i = 0; i < projections.size(); ++i) {
      if (projections[i]->name() == name) return static_cast<int>(i);
    }
    return -1;
  }
};

Status Runner::Impl::CreateTables(internal::Projection& p) {
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
  SHUGO_RETURN_IF_ERROR(
      meta.Bind(1, "schema:" + std::string(p.name())).Bind(2, Sha256Hex(schema)).Run());
  SHUGO_RETURN_IF_ERROR(
      meta.Bind(1, "indexes_pending:" + std::string(p.name())).Bind(2, "1").Run());
  SHUGO_RETURN_IF_ERROR(meta.Bind(1, "reference:" + std::string(p.name()))
                            .Bind(2, Sha256Hex(p.ReferenceFingerprint()))
                            .Run());
  pending_indexes.insert(std::string(p.name()));
  return Status::Ok();
}

Status Runner::Impl::Init() {
  SHUGO_RETURN_IF_ERROR(db.Exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; "
      "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;"));
  SHUGO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    SHUGO_RETURN_IF_ERROR(db.Exec(schemas::k_common_sql));
    SHUGO_ASSIGN_OR_RETURN(Statement get, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
    auto meta = [&](const std::string& key) -> Result<std::optional<std::string>> {
      get.Bind(1, key);
      SHUGO_ASSIGN_OR_RETURN(bool row, get.Step());
      std::optional<std::string> v;
      if (row) v = std::string(get.Text(0));
      get.Reset();
      return v;
    };
    SHUGO_ASSIGN_OR_RETURN(auto version, meta("file_version"));
    if (version && *version != kFileVersion) {
      return Status::DataLoss("projection file version " + *version + ", expected " +
                              std::string(kFileVersion) + ": rebuild it (shugo rebuild)");
    }
    SHUGO_RETURN_IF_ERROR(
        db.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('file_version', '" +
                std::string(kFileVersion) + "')"));
    for (auto& p : projections) {
      const std::string name(p->name());
      SHUGO_ASSIGN_OR_RETURN(auto schema_hash, meta("schema:" + name));
      if (!schema_hash) {
        SHUGO_RETURN_IF_ERROR(CreateTables(*p));
      } else if (*schema_hash != Sha256Hex(p->schema())) {
        // The projection's tables changed shape in this version: rebuild it from the log.
        SHUGO_RETURN_IF_ERROR(DropTables(*p));
        SHUGO_RETURN_IF_ERROR(CreateTables(*p));
      } else {
        SHUGO_ASSIGN_OR_RETURN(auto pending, meta("indexes_pending:" + name));
        if (pending) pending_indexes.insert(name);
        // New reference data (data/reference) replaces the rows that came from the old (a runner
        // opened without reference data leaves them).
        const std::string fingerprint = p->ReferenceFingerprint();
        SHUGO_ASSIGN_OR_RETURN(auto seeded, meta("reference:" + name));
        if (!fingerprint.empty() && (!seeded || *seeded != Sha256Hex(fingerprint))) {
          SHUGO_RETURN_IF_ERROR(p->Reseed(db));
          SHUGO_RETURN_IF_ERROR(
              db.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES "
                      "('reference:" +
                      name + "', '" + Sha256Hex(fingerprint) + "')"));
        }
      }
    }
    return Status::Ok();
  }();
  if (!s.ok()) {
    db.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  SHUGO_RETURN_IF_ERROR(db.Exec("COMMIT"));
  for (auto& p : projections) SHUGO_RETURN_IF_ERROR(p->Prepare(db));
  SHUGO_ASSIGN_OR_RETURN(
      set_checkpoint,
      db.Prepare(
          "UPDATE checkpoints SET position = ?2, events = events + ?3 WHERE projection = ?1"));
  SHUGO_ASSIGN_OR_RETURN(
      Statement read, db.Prepare("SELECT position, events FROM checkpoints WHERE projection = ?1"));
  for (auto& p : projections) {
    Checkpoint c;
    c.projection = std::string(p->name());
    read.Bind(1, c.projection);
    SHUGO_ASSIGN_OR_RETURN(bool row, read.Step());
    if (row) {
      c.position = static_cast<events::Position>(read.Int(0));
      c.events = static_cast<uint64_t>(read.Int(1));
    }
    read.Reset();
    checkpoints.push_back(std::move(c));
  }
  if (!pending_indexes.empty()) SHUGO_RETURN_IF_ERROR(EnterBulk());
  return Status::Ok();
}

Status Runner::Impl::EnterBulk() {
  if (options.private_file) {
    SHUGO_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = OFF; PRAGMA locking_mode = EXCLUSIVE"));
  }
  // Index builds may sort on a second thread.
  return db.Exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; PRAGMA threads = 2");
}

Status Runner::Impl::LeaveBulk() {
  if (options.private_file) {
    SHUGO_RETURN_IF_ERROR(db.Exec("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL"));
  }
  // Statistics for the query planner (an approximate ANALYZE: a few hundred rows per index).
  return db.Exec(
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA analysis_limit = 400; "
      "ANALYZE;");
}

Status Runner::Impl::WriteBatch(const Batch& batch) {
  if (batch.empty()) return Status::Ok();
  if (broken) return Status::Unavailable("projection runner stopped after a failed write");
  SHUGO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    for (size_t i = 0; i < projections.size(); ++i) {
      if (checkpoints[i].position >= batch.first) continue;  // already has these events
      SHUGO_RETURN_IF_ERROR(projections[i]->Write(batch));
      SHUGO_RETURN_IF_ERROR(set_checkpoint.Bind(1, checkpoints[i].projection)
                                .Bind(2, static_cast<int64_t>(batch.last))
                                .Bind(3, static_cast<int64_t>(batch.events.size()))
                                .Run());
    }
    if (options.before_commit) options.before_commit(batch.last);
    return db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    db.Exec("ROLLBACK").IgnoreError();
    broken = true;  // the fold is ahead of the file now: reopen to go on
    return s;
  }
  for (Checkpoint& c : checkpoints) {
    if (c.position < batch.first) {
      c.position = batch.last;
      c.events += batch.events.size();
    }
  }
  return Status::Ok();
}

Status Runner::Impl::BuildPendingIndexes() {
  if (pending_indexes.empty()) return Status::Ok();
  SHUGO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    for (const std::string& name : pending_indexes) {
      const int i = IndexOf(name);
      if (i < 0) continue;
      const std::string schema = projections[static_cast<size_t>(i)]->schema();
      SHUGO_RETURN_IF_ERROR(db.Exec(internal::SplitSchema(schema).second));
      SHUGO_RETURN_IF_ERROR(db.Exec("DELETE FROM meta WHERE key = 'indexes_pending:" + name + "'"));
    }
    return db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    db.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  pending_indexes.clear();
  return LeaveBulk();
}

Runner::Runner(std::unique_ptr<Impl> impl, std::filesystem::path path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

Runner::~Runner() = default;

Result<std::unique_ptr<Runner>> Runner::Open(const std::filesystem::path& path,
                                             RunnerOptions options) {
  auto impl = std::make_unique<Impl>();
  SHUGO_ASSIGN_OR_RETURN(impl->db, Database::Open(path.string(), Database::Mode::kReadWrite));
  impl->projections = internal::MakeProjections(options.catalog);
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
  SHUGO_RETURN_IF_ERROR(m.db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    for (const std::string& name : names) {
      auto& p = *m.projections[static_cast<size_t>(m.IndexOf(name))];
      SHUGO_RETURN_IF_ERROR(m.DropTables(p));
      SHUGO_RETURN_IF_ERROR(m.CreateTables(p));
    }
    return m.db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    m.db.Exec("ROLLBACK").IgnoreError();
    return s;
  }
  for (const std::string& name : names) {
    const auto i = static_cast<size_t>(m.IndexOf(name));
    SHUGO_RETURN_IF_ERROR(m.projections[i]->Prepare(m.db));
    m.checkpoints[i].position = 0;
    m.checkpoints[i].events = 0;
  }
  return m.EnterBulk();
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
  // The fold (this thread) seals batches that a writer thread writes meanwhile, at most two
  // ahead: each batch's rows are copies, so the fold may go on. A batch ends at every checkpoint
  // above the fold (where another projection joins in), every batch_events records, and `upto`.
  std::set<events::Position> boundaries;
  for (const Checkpoint& c : m.checkpoints) {
    if (c.position > m.fold.position()) boundaries.insert(c.position);
  }
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Batch> queue;
  bool done = false;
  Status written;
  CatchUpProgress p;
  p.target = upto;
  std::thread writer([&] {
    for (;;) {
      Batch batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) return;
        batch = std::move(queue.front());
        queue.pop_front();
      }
      cv.notify_all();
      Status s = m.WriteBatch(batch);
      bool go_on = s.ok();
      if (s.ok()) {
        p.events_written += batch.last - batch.first + 1;
        p.position = batch.last;
        if (progress && !progress(p)) {
          s = Status::Aborted("projection catch-up stopped");
          go_on = false;
        }
      }
      std::lock_guard lock(mu);
      if (!go_on) {
        written = s;
        done = true;
        queue.clear();
        cv.notify_all();
        return;
      }
    }
  });
  auto hand_over = [&](Batch& batch) {
    m.fold.Seal(batch);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < 2 || done; });
    if (done) return false;  // the writer failed or was stopped
    queue.push_back(std::move(batch));
    batch = Batch();
    cv.notify_all();
    return true;
  };
  Batch batch;
  size_t count = 0;
  Status read = Status::Ok();
  if (m.fold.position() < upto) {
    read = store.ReadAll(m.fold.position() + 1, [&](events::Position pos, std::string_view bytes) {
      if (pos > upto) return false;
      failure = m.fold.Apply(pos, *fb::GetEvent(bytes.data()), &batch);
      if (!failure.ok()) return false;
      ++count;
      if (count >= m.options.batch_events || pos == upto || boundaries.contains(pos)) {
        count = 0;
        if (!hand_over(batch)) return false;
      }
      return pos < upto;
    });
    if (read.ok() && failure.ok() && !batch.empty()) hand_over(batch);
  }
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  writer.join();
  if (!read.ok() || !failure.ok() || !written.ok()) {
    // The fold may be ahead of what was written: this runner cannot go on.
    m.broken = true;
    SHUGO_RETURN_IF_ERROR(written);
    SHUGO_RETURN_IF_ERROR(read);
    return failure;
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

std::vector<Checkpoint> Runner::checkpoints() const { return impl_->checkpoints; }

Result<std::string> Runner::ContentHash(const std::string& projection) {
  Impl& m = *impl_;
  const int i = m.IndexOf(projection);
  if (i < 0) return Status::InvalidArgument("projection", "知らない投影です: " + projection);
  Hasher h;
  for (const std::string& table : m.projections[static_cast<size_t>(i)]->tables()) {
    // Primary-key columns, in key order; none: a rowid table (FTS5 included).
    SHUGO_ASSIGN_OR_RETURN(
        Statement info,
        m.db.Prepare("SELECT name, pk FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk"));
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
    SHUGO_ASSIGN_OR_RETURN(Statement rows, m.db.Prepare(sql));
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

Status Runner::Flush() { return impl_->db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

}  // namespace shugo::projections
