#include "projections/service.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "projections/internal/sqlite.h"

namespace shugo::projections {

namespace {

using internal::Database;
namespace fs = std::filesystem;

constexpr std::string_view kCurrent = "CURRENT";

std::string FileName(uint64_t generation) {
  char name[32];
  std::snprintf(name, sizeof name, "read-%06llu.sqlite",
                static_cast<unsigned long long>(generation));
  return name;
}

uint64_t GenerationOf(const std::string& name) {
  unsigned long long g = 0;
  if (std::sscanf(name.c_str(), "read-%llu.sqlite", &g) != 1) return 0;
  return g;
}

// Removes a generation: its main file and each projection's file, with their WAL files.
void RemoveFile(const fs::path& path) {
  std::error_code ignored;
  for (const fs::path& file : ProjectionFiles(path)) {
    fs::remove(file, ignored);
    fs::remove(file.string() + "-wal", ignored);
    fs::remove(file.string() + "-shm", ignored);
  }
}

Status SyncPath(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::Internal("opening " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Internal("syncing " + path.string());
}

// The name of the current file, or empty when there is none yet.
std::string ReadCurrent(const fs::path& dir) {
  std::ifstream in(dir / kCurrent);
  std::string name;
  std::getline(in, name);
  return name;
}

// Makes `name` current: written beside, synced, renamed over CURRENT, directory synced.
Status WriteCurrent(const fs::path& dir, const std::string& name) {
  const fs::path tmp = dir / "CURRENT.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << "\n";
    out.close();
    if (out.fail()) return Status::Internal("writing " + tmp.string());
  }
  SHUGO_RETURN_IF_ERROR(SyncPath(tmp));
  std::error_code ec;
  fs::rename(tmp, dir / kCurrent, ec);
  if (ec) return Status::Internal("renaming " + tmp.string() + ": " + ec.message());
  return SyncPath(dir);
}

// Removes projection files of generations other than `keep`'s (left by a rebuild that did not
// finish): read-000001.sqlite keeps read-000001.*.
void RemoveStrays(const fs::path& dir, const std::string& keep) {
  const std::string generation = keep.substr(0, keep.find('.') + 1);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = (name.starts_with("read-") || name.starts_with("check-")) &&
                      name.find(".sqlite") != std::string::npos;
    if (ours && !name.starts_with(generation)) fs::remove(entry.path(), ec);
  }
}

Status CheckNames(const std::vector<std::string>& names) {
  const std::vector<std::string> all = ProjectionNames();
  for (const std::string& n : names) {
    if (std::find(all.begin(), all.end(), n) == all.end()) {
      std::string known;
      for (const std::string& a : all) known += (known.empty() ? "" : ", ") + a;
      return Status::InvalidArgument("projections",
                                     "知らない投影です: " + n + "（あるもの: " + known + "）");
    }
  }
  return Status::Ok();
}

using Progress = std::function<bool(const CatchUpProgress&)>;

// A new generation whose main file is `target`, holding `names` (empty: all) rebuilt from position
// 0 and the others copied from the generation of `current` (may be empty), caught up to the head
// of the log at the call.
Result<std::unique_ptr<Runner>> BuildShadow(const events::EventStore& store,
                                            const fs::path& current, const fs::path& target,
                                            const std::vector<std::string>& names,
                                            const RunnerOptions& options,
                                            const Progress& progress) {
  RemoveFile(target);
  const bool partial = !names.empty() && !current.empty() && fs::exists(current);
  if (partial) {
    // A consistent copy of each current file (each its own read transaction: a projection and its
    // checkpoint are in one file), then the named projections emptied.
    const std::vector<fs::path> from = ProjectionFiles(current), to = ProjectionFiles(target);
    for (size_t i = 0; i < from.size(); ++i) {
      if (!fs::exists(from[i])) continue;  // the runner creates it
      SHUGO_ASSIGN_OR_RETURN(Database source,
                             Database::Open(from[i].string(), Database::Mode::kReadOnly));
      SHUGO_RETURN_IF_ERROR(source.Exec("VACUUM INTO " + sqlite::QuoteLiteral(to[i].string())));
    }
  }
  RunnerOptions private_options = options;
  private_options.private_file = true;  // nobody reads it before the swap
  SHUGO_ASSIGN_OR_RETURN(auto runner, Runner::Open(target, private_options));
  if (partial) SHUGO_RETURN_IF_ERROR(runner->Reset(names));
  SHUGO_RETURN_IF_ERROR(runner->CatchUp(store, store.head(), progress));
  return runner;
}

}  // namespace

fs::path ProjectionsDir(const fs::path& data_dir) { return data_dir / "projections"; }

Result<RebuildReport> RebuildOffline(
    const events::EventStore& store, const fs::path& data_dir, std::vector<std::string> names,
    const RunnerOptions& options,
    const std::function<void(events::Position, events::Position, uint64_t)>& progress) {
  SHUGO_RETURN_IF_ERROR(CheckNames(names));
  const fs::path dir = ProjectionsDir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("creating " + dir.string() + ": " + ec.message());
  const std::string current = ReadCurrent(dir);
  const std::string next = FileName(GenerationOf(current) + 1);
  const auto start = std::chrono::steady_clock::now();
  RebuildReport report;
  report.projections = names.empty() ? ProjectionNames() : names;
  report.file = next;
  auto runner = BuildShadow(store, current.empty() ? fs::path() : dir / current, dir / next, names,
                            options, [&](const CatchUpProgress& p) {
                              report.events = p.events_written;
                              if (progress) progress(p.position, p.target, p.events_written);
                              return true;
                            });
  if (!runner.ok()) {
    RemoveFile(dir / next);
    return runner.status();
  }
  report.position = (*runner)->position();
  SHUGO_RETURN_IF_ERROR((*runner)->Flush());
  runner->reset();
  SHUGO_RETURN_IF_ERROR(WriteCurrent(dir, next));  // from here on the new file is current
  if (!current.empty()) RemoveFile(dir / current);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<std::vector<std::string>> CheckOffline(const events::EventStore& store,
                                              const fs::path& data_dir,
                                              std::vector<std::string> names,
                                              const RunnerOptions& options) {
  SHUGO_RETURN_IF_ERROR(CheckNames(names));
  if (names.empty()) names = ProjectionNames();
  const fs::path dir = ProjectionsDir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string current = ReadCurrent(dir);
  if (current.empty()) {
    current = FileName(1);
    SHUGO_RETURN_IF_ERROR(WriteCurrent(dir, current));
  }
  SHUGO_ASSIGN_OR_RETURN(auto live, Runner::Open(dir / current, options));
  SHUGO_RETURN_IF_ERROR(live->CatchUp(store, store.head()));
  const fs::path scratch = dir / ("check-" + std::to_string(::getpid()) + ".sqlite");
  RemoveFile(scratch);
  std::vector<std::string> differ;
  Status s = [&]() -> Status {
    RunnerOptions scratch_options = options;
    scratch_options.private_file = true;
    SHUGO_ASSIGN_OR_RETURN(auto fresh, Runner::Open(scratch, scratch_options));
    SHUGO_RETURN_IF_ERROR(fresh->CatchUp(store, live->position()));
    for (const std::string& name : names) {
      SHUGO_ASSIGN_OR_RETURN(std::string a, live->ContentHash(name));
      SHUGO_ASSIGN_OR_RETURN(std::string b, fresh->ContentHash(name));
      if (a != b) differ.push_back(name);
    }
    return Status::Ok();
  }();
  RemoveFile(scratch);
  SHUGO_RETURN_IF_ERROR(s);
  return differ;
}

// ---- the service

struct ProjectionService::Generation {
  explicit Generation(fs::path p) : path(std::move(p)) {}
  ~Generation() {
    idle.clear();
    if (retired) RemoveFile(path);
  }
  const fs::path path;
  std::mutex mu;
  // A connection waiting to be lent, with the read transaction it may hold open: `snapshot` is
  // the published view when that transaction began (it sees at least what that view showed).
  struct Idle {
    std::unique_ptr<Database> db;
    std::optional<uint64_t> snapshot;
  };
  std::vector<Idle> idle;
  std::atomic<bool> retired{false};
};

ProjectionService::ProjectionService(events::EventStore& store, fs::path dir,
                                     ServiceOptions options)
    : store_(store), dir_(std::move(dir)), options_(std::move(options)) {}

Result<std::unique_ptr<ProjectionService>> ProjectionService::Open(events::EventStore& store,
                                                                   const fs::path& data_dir,
                                                                   ServiceOptions options) {
  const fs::path dir = ProjectionsDir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("creating " + dir.string() + ": " + ec.message());
  std::string current = ReadCurrent(dir);
  if (current.empty()) {
    current = FileName(1);
    SHUGO_RETURN_IF_ERROR(WriteCurrent(dir, current));
  }
  RemoveStrays(dir, current);
  std::unique_ptr<ProjectionService> s(new ProjectionService(store, dir, std::move(options)));
  RunnerOptions ro;
  ro.catalog = s->options_.catalog;
  ro.before_commit = s->options_.before_commit;
  auto runner = Runner::Open(dir / current, ro);
  if (runner.status().code() == StatusCode::kDataLoss) {
    // Not a projection file of this version (or damaged): the log rebuilds a new generation.
    std::fprintf(stderr, "shugo: projections: %s; building %s from the log\n",
                 runner.status().ToString().c_str(), FileName(GenerationOf(current) + 1).c_str());
    const std::string old = current;
    current = FileName(GenerationOf(current) + 1);
    RemoveFile(dir / current);
    SHUGO_RETURN_IF_ERROR(WriteCurrent(dir, current));
    RemoveFile(dir / old);
    runner = Runner::Open(dir / current, ro);
  }
  if (!runner.ok()) return runner.status();
  s->runner_ = std::move(*runner);
  s->generation_ = std::make_shared<Generation>(dir / current);
  s->position_ = s->runner_->position();
  s->PublishState();
  // The log's head when the service starts: until the projections reach it they are catching up
  // (a first start, or a new generation built from the log), and their reads are not answers yet.
  s->start_target_ = store.head();
  s->live_thread_ = std::thread([p = s.get()] { p->RunLive(); });
  return s;
}

ProjectionService::~ProjectionService() { Stop(); }

void ProjectionService::Stop() {
  {
    std::lock_guard lock(position_mu_);  // a waiter sees it before it sleeps
    stopping_ = true;
  }
  {
    std::lock_guard lock(subscription_mu_);
    if (subscription_) subscription_->Cancel();
  }
  position_cv_.notify_all();
  if (live_thread_.joinable()) live_thread_.join();
  std::thread rebuild;
  {
    std::lock_guard lock(rebuild_mu_);
    rebuild = std::move(rebuild_thread_);
  }
  if (rebuild.joinable()) rebuild.join();
}

void ProjectionService::Publish(events::Position position) {
  PublishState();  // first: a waiter woken for `position` sees checkpoints at least as far
  const bool moved = position_.load() != position;
  {
    std::lock_guard lock(position_mu_);
    position_ = position;
    if (moved) ++view_;  // before a waiter wakes: its next query must not reuse an older snapshot
  }
  position_cv_.notify_all();
  if (moved) EndStaleSnapshots();
}

void ProjectionService::Reshaped() {
  ++view_;
  EndStaleSnapshots();
}

std::vector<Checkpoint> ProjectionService::checkpoints() const {
  std::lock_guard lock(state_mu_);
  return checkpoints_;
}

Status ProjectionService::health() const {
  std::lock_guard lock(state_mu_);
  return reported_failure_;
}

void ProjectionService::PublishState() {
  std::lock_guard lock(state_mu_);
  checkpoints_ = runner_->checkpoints();
  reported_failure_ = failure_;
}

Status ProjectionService::WaitFor(events::Position position,
                                  std::chrono::milliseconds timeout) const {
  std::unique_lock lock(position_mu_);
  ++waiting_;
  position_cv_.wait_for(lock, timeout,
                        [&] { return position_.load() >= position || stopping_.load(); });
  --waiting_;
  if (position_.load() >= position) return Status::Ok();
  return Status::Unavailable("投影が位置 " + std::to_string(position) +
                             " にまだ追いついていません（現在 " + std::to_string(position_.load()) +
                             "）。少し待って再度お試しください");
}

std::string ProjectionService::current_file() const {
  std::lock_guard lock(generation_mu_);
  return generation_->path.filename().string();
}

// Each query runs inside a read transaction. A connection keeps its transaction open between
// queries while the published view (the position, and the indexes a catch-up built) stays what
// it was when the transaction began: starting and ending one takes the WAL-index's read lock (two
// fcntl calls) under a mutex that every connection of the process shares, which cost more than a
// one-letter query itself with two I/O threads (docs/benchmarks.md "HTTP"). A stale transaction
// is ended when the connection is lent again, or as soon as the view moves (Publish, Reshaped),
// so old snapshots never hold the WAL back nor hide new indexes.
void ProjectionService::ReadWith(const std::function<void(const Reader&)>& query) const {
  std::shared_ptr<Generation> generation;
  {
    std::lock_guard lock(generation_mu_);
    generation = generation_;
  }
  const uint64_t published = view_.load();
  Generation::Idle lent;
  {
    std::lock_guard lock(generation->mu);
    if (!generation->idle.empty()) {
      lent = std::move(generation->idle.back());
      generation->idle.pop_back();
    }
  }
  if (!lent.db) {
    auto opened = OpenForReading(generation->path);
    lent.db = std::make_unique<Database>(opened.ok() ? std::move(*opened) : Database());
    for (const std::string& name : ProjectionNames()) {
      if (!lent.db->is_open()) break;
      lent.db
          ->Exec("PRAGMA " + name + ".cache_size = -8192; PRAGMA " + name +
                 ".mmap_size = 268435456;")
          .IgnoreError();
    }
  }
  Database& db = *lent.db;
  if (db.is_open() && lent.snapshot != published) {
    if (lent.snapshot) db.Exec("COMMIT").IgnoreError();
    // Deferred: the snapshot is taken by the query's first statement, after `published`.
    lent.snapshot = db.Exec("BEGIN").ok() ? std::optional(published) : std::nullopt;
  }
  query(Reader(db));
  if (!db.is_open()) return;
  if (lent.snapshot && view_.load() != *lent.snapshot) {
    db.Exec("COMMIT").IgnoreError();
    lent.snapshot.reset();
  }
  std::lock_guard lock(generation->mu);
  if (generation->idle.size() < 16) generation->idle.push_back(std::move(lent));
}

void ProjectionService::EndStaleSnapshots() const {
  const uint64_t view = view_.load();
  std::shared_ptr<Generation> generation;
  {
    std::lock_guard lock(generation_mu_);
    generation = generation_;
  }
  std::lock_guard lock(generation->mu);
  for (Generation::Idle& idle : generation->idle) {
    if (idle.snapshot && *idle.snapshot != view) {
      idle.db->Exec("COMMIT").IgnoreError();
      idle.snapshot.reset();
    }
  }
}

void ProjectionService::RunLive() {
  auto progress = [this](const CatchUpProgress& p) {
    Publish(p.applied);  // on a catch-up's writer thread, under the catch-up's lock
    // The files that do not wait for the last batch took this one although `applied` may stay:
    // no kept read snapshot may hold their WAL back for the whole catch-up.
    Reshaped();
    return !stopping_.load();
  };
  std::unique_ptr<events::Subscription> sub;
  auto fail = [this](const Status& s) {
    std::fprintf(stderr, "shugo: projections: %s\n", s.ToString().c_str());
    failure_ = s;
  };
  {
    std::lock_guard lock(runner_mu_);
    Status s = runner_->CatchUp(store_, store_.head(), progress);
    if (!s.ok() && !stopping_) fail(s);
    Publish(runner_->position());
    Reshaped();  // the catch-up may have built indexes and statistics after its last position
    std::lock_guard slock(subscription_mu_);
    sub = store_.Subscribe(runner_->position());
    subscription_ = sub.get();
    if (stopping_) sub->Cancel();
  }
  int failures = 0;
  while (!stopping_) {
    Result<std::vector<events::RecordedEvent>> batch = sub->Next(options_.live_batch);
    if (stopping_) break;
    std::unique_lock lock(runner_mu_);
    Status s = batch.status();
    // Nothing delivered: the subscription was cancelled by a swap; follow the new file.
    const bool resubscribe = s.ok() && (swapped_ || batch->empty());
    if (s.ok() && !resubscribe) {
      s = runner_->Apply(*batch);
      if (s.ok()) {
        failures = 0;
        Publish(runner_->position());
        continue;
      }
    }
    if (!s.ok()) {
      // A failed write rolled back (a full disk, a record that does not decode): wait 1 s, 2 s …
      // up to a minute, then reopen the file (its checkpoints say where it stands) and catch up
      // again; meanwhile queries read what was committed and /api/health shows the error.
      fail(s);
      PublishState();
      lock.unlock();
      {
        std::unique_lock wait(position_mu_);
        position_cv_.wait_for(wait, std::chrono::seconds(1 << std::min(failures, 6)),
                              [&] { return stopping_.load(); });
      }
      ++failures;
      if (stopping_) break;
      lock.lock();
      RunnerOptions ro;
      ro.catalog = options_.catalog;
      ro.before_commit = options_.before_commit;
      auto reopened = Runner::Open(runner_->path(), ro);
      if (reopened.ok()) {
        runner_ = std::move(*reopened);
        Status again = runner_->CatchUp(store_, store_.head(), progress);
        if (again.ok()) failure_ = Status::Ok();
        Reshaped();
      }
    }
    swapped_ = false;
    Publish(runner_->position());
    std::lock_guard slock(subscription_mu_);
    sub = store_.Subscribe(runner_->position());
    subscription_ = sub.get();
    if (stopping_) sub->Cancel();
  }
  std::lock_guard slock(subscription_mu_);
  subscription_ = nullptr;
}

Status ProjectionService::StartRebuild(std::vector<std::string> names) {
  SHUGO_RETURN_IF_ERROR(CheckNames(names));
  std::lock_guard lock(rebuild_mu_);
  if (rebuild_.running) {
    std::string which;
    for (const std::string& n : rebuild_.projections) which += (which.empty() ? "" : ", ") + n;
    return Status::AlreadyExists(
        "投影の再構築はすでに実行中です（" + which + "、位置 " + std::to_string(rebuild_.position) +
        " / " + std::to_string(rebuild_.target) + "）。終わってから始めてください");
  }
  if (stopping_) return Status::Unavailable("停止中です");
  if (rebuild_thread_.joinable()) rebuild_thread_.join();  // a finished one
  rebuild_.running = true;
  rebuild_.projections = names.empty() ? ProjectionNames() : names;
  rebuild_.position = rebuild_.target = rebuild_.events = 0;
  rebuild_.seconds = 0;
  rebuild_.error.clear();
  rebuild_thread_ = std::thread([this, names = std::move(names)] { RunRebuild(names); });
  return Status::Ok();
}

RebuildState ProjectionService::rebuild_state() const {
  std::lock_guard lock(rebuild_mu_);
  return rebuild_;
}

Status ProjectionService::WaitRebuild() const {
  std::unique_lock lock(rebuild_mu_);
  rebuild_cv_.wait(lock, [&] { return !rebuild_.running; });
  return rebuild_.error.empty() ? Status::Ok() : Status::Internal(rebuild_.error);
}

void ProjectionService::RunRebuild(std::vector<std::string> names) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  fs::path current;
  {
    std::lock_guard lock(generation_mu_);
    current = generation_->path;
  }
  const std::string next = FileName(GenerationOf(current.filename().string()) + 1);
  RunnerOptions ro;
  ro.catalog = options_.catalog;
  uint64_t read = 0;
  auto progress = [&](const CatchUpProgress& p) {
    std::lock_guard lock(rebuild_mu_);
    rebuild_.position = p.position;
    rebuild_.target = p.target;
    rebuild_.events = read + p.events_written;
    rebuild_.seconds = elapsed();
    return !stopping_.load();
  };
  bool committed = false;  // CURRENT names the new file
  Status s = [&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(auto runner,
                           BuildShadow(store_, current, dir_ / next, names, ro, progress));
    // Catch up with what was appended meanwhile, until little is left for the swap.
    const events::Position near = options_.live_batch;
    while (!stopping_ && store_.head() > runner->position() + near) {
      read = rebuild_state().events;
      SHUGO_RETURN_IF_ERROR(runner->CatchUp(store_, store_.head(), progress));
    }
    read = rebuild_state().events;
    if (stopping_) return Status::Aborted("停止しました");
    if (options_.before_swap) options_.before_swap();
    std::unique_ptr<Runner> old;
    std::shared_ptr<Generation> old_generation;
    {
      // The live runner pauses; the new file takes the last events and becomes current.
      std::lock_guard lock(runner_mu_);
      SHUGO_RETURN_IF_ERROR(runner->CatchUp(store_, store_.head(), progress));
      SHUGO_RETURN_IF_ERROR(runner->Flush());
      if (Status w = WriteCurrent(dir_, next); !w.ok()) {
        // CURRENT may already name the new file (the directory's sync failed): keep it.
        if (ReadCurrent(dir_) == next) committed = true;
        return w;
      }
      committed = true;
      old = std::move(runner_);
      runner_ = std::move(runner);
      swapped_ = true;
      failure_ = Status::Ok();
      {
        std::lock_guard glock(generation_mu_);
        old_generation = generation_;
        old_generation->retired = true;
        generation_ = std::make_shared<Generation>(dir_ / next);
      }
      Publish(runner_->position());
      {
        // Wake the live thread (still holding runner_mu_, so it is the old subscription that is
        // cancelled): it subscribes again from the new file's position.
        std::lock_guard slock(subscription_mu_);
        if (subscription_) subscription_->Cancel();
      }
      std::lock_guard lock2(rebuild_mu_);
      RebuildReport report;
      report.projections = rebuild_.projections;
      report.position = runner_->position();
      report.events = rebuild_.events;
      report.seconds = elapsed();
      report.file = next;
      rebuild_.last = report;
    }
    old.reset();  // its writer closes before the old file goes with its last reader
    return Status::Ok();
  }();
  if (!s.ok() && !committed) RemoveFile(dir_ / next);
  {
    std::lock_guard lock(rebuild_mu_);
    rebuild_.running = false;
    rebuild_.seconds = elapsed();
    if (!s.ok()) rebuild_.error = s.ToString();
  }
  rebuild_cv_.notify_all();
}

}  // namespace shugo::projections
