// Projections (docs/projections.md): the runner's exactly-once checkpoints (invariant 7),
// determinism of live and rebuilt files (invariant 1), read-your-writes (invariant 8), the online
// rebuild and its swap, name search (F-8) and the visibility columns and rule (F-8).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "core/visibility.h"
#include "projections/queries.h"
#include "projections/runner.h"
#include "projections/search_text.h"
#include "projections/service.h"
#include "projections/sqlite.h"
#include "tests/core/random_run.h"
#include "tests/core/world.h"
#include "tests/testing/temp_dir.h"

namespace shugo::projections {
namespace {

using core::ContractType;
using core::LetterId;
using core::OrgId;
using core::test::As;
using core::test::Day;
using core::test::K;
using core::test::World;
using events::Position;

std::shared_ptr<const core::VaccineCatalog> Catalog() {
  static const auto catalog = [] {
    auto c = core::VaccineCatalog::Load(SHUGO_REFERENCE_DIR);
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    return *c;
  }();
  return catalog;
}

RunnerOptions Options() {
  RunnerOptions o;
  o.catalog = Catalog();
  return o;
}

std::unique_ptr<Runner> OpenRunner(const std::filesystem::path& path,
                                   RunnerOptions options = Options()) {
  auto r = Runner::Open(path, std::move(options));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

std::map<std::string, std::string> Hashes(Runner& runner) {
  std::map<std::string, std::string> out;
  for (const std::string& name : ProjectionNames()) {
    auto h = runner.ContentHash(name);
    REQUIRE_MESSAGE(h.ok(), h.status().ToString());
    out[name] = *h;
  }
  return out;
}

// A fresh file built from position 0 up to `upto`, in batches of `batch_events` records.
std::map<std::string, std::string> RebuiltHashes(const World& w, const std::filesystem::path& path,
                                                 Position upto, size_t batch_events = 100'000,
                                                 size_t deferred_records = 2'000'000) {
  RunnerOptions options = Options();
  options.batch_events = batch_events;
  options.deferred_records = deferred_records;
  auto runner = OpenRunner(path, options);
  Status s = runner->CatchUp(*w.store, upto);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK_EQ(runner->position(), upto);
  return Hashes(*runner);
}

// Some letters in every status of F-3/F-4/F-6 and a day run, on top of the world's organisations.
void SomeLetters(World& w) {
  const LetterId a = w.Apply(w.inst_member);
  w.Approve({a});
  const LetterId b = w.Apply(w.inst_nonmember);
  w.Ok(As(w.Code(w.chuo_ma)), core::ReturnLetter{b, "書類不備"});
  w.ApplyApproved(w.chiyoda);
  w.Apply(w.inst_aggregated);
  w.RegisterPaymentConsignment(w.chiyoda);
  w.clock.SetMicros(Day(3).StartUnixMicros());
  w.RunTo(Day(3));
}

// Runs `work` on a runner of `path` in a child process that is killed (SIGKILL) at the commit
// hook (RunnerOptions::before_commit) of the first batch `die` names, between the batch's rows and
// its COMMIT; requires that the child died so. The hook holds a lock until the signal lands, so
// no other file's writer passes its own hook meanwhile.
void RunKilled(const std::filesystem::path& path, RunnerOptions options,
               std::function<bool(Position)> die, const std::function<void(Runner&)>& work) {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto gate = std::make_shared<std::mutex>();
    options.before_commit = [gate, die = std::move(die)](Position p) {
      std::lock_guard lock(*gate);
      if (!die(p)) return;
      kill(getpid(), SIGKILL);
      for (;;) pause();  // until the signal lands, still holding the gate
    };
    auto r = Runner::Open(path, options);
    if (!r.ok()) _exit(2);
    work(**r);
    _exit(0);  // not reached
  }
  int status = 0;
  REQUIRE_EQ(waitpid(child, &status, 0), child);
  REQUIRE(WIFSIGNALED(status));
  CHECK_EQ(WTERMSIG(status), SIGKILL);
}

TEST_CASE(
    "invariant 7: a catch-up killed before its last batch writes what it deferred on restart") {
  World w;
  SomeLetters(w);
  const Position head = w.Head();
  REQUIRE_GT(head, 30u);
  const std::filesystem::path path = w.dir.path() / "killed.sqlite";
  // The child catches up in batches of 10 records and is killed at the first commit of a batch
  // ending at 30 or later. Each file is written on its own thread, at most two batches apart: the
  // other files hold one or two batches, while the letters and public rows, deferred to the last
  // batch, hold nothing yet.
  RunnerOptions options = Options();
  options.batch_events = 10;
  RunKilled(
      path, options, [](Position p) { return p >= 30; },
      [&](Runner& r) { (void)r.CatchUp(*w.store, head); });

  auto runner = OpenRunner(path);
  const std::set<std::string> from_state{"letters", "public_search"};
  for (const Checkpoint& c : runner->checkpoints()) {
    CAPTURE(c.projection);
    if (from_state.contains(c.projection)) {
      CHECK_EQ(c.position, 0u);
    } else {
      CHECK((c.position == 10 || c.position == 20));
    }
  }
  REQUIRE(runner->CatchUp(*w.store, head).ok());
  const auto all = w.store->ReadRange(1, SIZE_MAX);
  REQUIRE(all.ok());
  for (const Checkpoint& c : runner->checkpoints()) {
    CAPTURE(c.projection);
    CHECK_EQ(c.position, head);
    CHECK_EQ(c.events, all->size());
  }
  CHECK(Hashes(*runner) == RebuiltHashes(w, w.dir.path() / "fresh.sqlite", head));
}

TEST_CASE("invariant 7: a runner killed before its commit loses nothing and repeats nothing") {
  World w;
  SomeLetters(w);
  auto all = w.store->ReadRange(1, SIZE_MAX);
  REQUIRE(all.ok());
  const size_t n = all->size();
  REQUIRE_GT(n, 30u);
  const std::filesystem::path path = w.dir.path() / "killed.sqlite";
  // The child applies the log in batches of 10 events (positions 1–10, 11–20, …) and is killed
  // (SIGKILL) after writing the rows of the third batch to the first file, before its COMMIT.
  RunKilled(
      path, Options(), [](Position p) { return p >= 30; },
      [&](Runner& r) {
        for (size_t i = 0; i < n; i += 10) {
          std::vector<events::RecordedEvent> batch(
              all->begin() + static_cast<long>(i),
              all->begin() + static_cast<long>(std::min(n, i + 10)));
          if (!r.Apply(batch).ok()) _exit(3);
        }
      });

  // Reopened, the file stands at the second batch, and catching up completes it exactly.
  auto runner = OpenRunner(path);
  for (const Checkpoint& c : runner->checkpoints()) {
    CAPTURE(c.projection);
    CHECK_EQ(c.position, 20u);
  }
  REQUIRE(runner->CatchUp(*w.store, w.Head()).ok());
  CHECK_EQ(runner->position(), w.Head());
  for (const Checkpoint& c : runner->checkpoints()) CHECK_EQ(c.events, n);
  CHECK(Hashes(*runner) == RebuiltHashes(w, w.dir.path() / "fresh.sqlite", w.Head()));
}

TEST_CASE("invariant 7: projections at different checkpoints catch up without repeating events") {
  World w;
  SomeLetters(w);
  const std::filesystem::path path = w.dir.path() / "mixed.sqlite";
  {
    auto first = OpenRunner(path);
    REQUIRE(first->CatchUp(*w.store, 20).ok());  // every projection at 20
  }
  // letters and history start again from 0, the others stay at 20: batches end at 20, where the
  // others join in, so nothing is applied to any projection twice.
  auto runner = OpenRunner(path);
  REQUIRE(runner->Reset({"letters", "history"}).ok());
  std::map<std::string, Position> at;
  for (const Checkpoint& c : runner->checkpoints()) at[c.projection] = c.position;
  CHECK_EQ(at["letters"], 0u);
  CHECK_EQ(at["organisations"], 20u);
  REQUIRE(runner->CatchUp(*w.store, w.Head()).ok());
  uint64_t domain_events = 0;
  for (const events::RecordedEvent& e : w.All()) domain_events += core::Decode(e.event()).ok();
  for (const Checkpoint& c : runner->checkpoints()) {
    CAPTURE(c.projection);
    CHECK_EQ(c.position, w.Head());
    CHECK_EQ(c.events, domain_events);
  }
  CHECK(Hashes(*runner) == RebuiltHashes(w, w.dir.path() / "fresh.sqlite", w.Head()));
}

TEST_CASE("invariant 1: after the randomized command sequence the live file equals two rebuilds") {
  World w;
  const std::filesystem::path path = w.dir.path() / "live.sqlite";
  auto live = OpenRunner(path);
  auto sub = w.store->Subscribe(0);
  int batches = 0;
  // The live runner follows the log as it grows, in the batches a subscription delivers.
  auto follow = [&](int) {
    auto events = sub->Poll();
    REQUIRE(events.ok());
    if (events->empty()) return;
    ++batches;
    Status s = live->Apply(*events);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  };
  const core::test::RandomRun run = core::test::RunRandomCommands(w, follow);
  follow(0);
  MESSAGE("seed " << run.seed << ": " << w.Head() << " events in " << batches << " live batches");
  CHECK_GT(batches, 1000);
  REQUIRE_EQ(live->position(), w.Head());
  const auto hashes = Hashes(*live);
  // Rebuilt in one batch, and again in batches of 7 records: rows never depend on where a
  // batch ends.
  CHECK(hashes == RebuiltHashes(w, w.dir.path() / "a.sqlite", w.Head()));
  CHECK(hashes == RebuiltHashes(w, w.dir.path() / "b.sqlite", w.Head(), 7));
  // And with at most 20 records waiting for the last batch: the batches carry them on the way.
  CHECK(hashes == RebuiltHashes(w, w.dir.path() / "c.sqlite", w.Head(), 7, 20));
  for (const Checkpoint& c : live->checkpoints()) CHECK_EQ(c.position, w.Head());

  // The rows say what the state says: every letter's status, parties and dates, every
  // organisation's code, name and place.
  ServiceOptions so;
  so.catalog = Catalog();
  auto service = ProjectionService::Open(*w.store, w.dir.path(), so);
  REQUIRE(service.ok());
  REQUIRE((*service)->WaitFor(w.Head(), std::chrono::seconds(60)).ok());
  w.proc->Read([&](const core::State& s) {
    (*service)->ReadWith([&](const Reader& r) {
      for (const core::Letter& l : s.letters()) {
        CAPTURE(l.id);
        auto row = FindLetter(r, Viewer{}, l.id);
        REQUIRE(row.ok());
        REQUIRE(row->has_value());
        CHECK_EQ((*row)->status, core::CodeName(l.status));
        CHECK_EQ((*row)->delegator, l.delegator);
        CHECK_EQ((*row)->delegate, l.delegate);
        // The parties' codes and names copied into the row follow renames and code changes.
        CHECK_EQ((*row)->delegator_code, s.FindOrg(l.delegator)->code);
        CHECK_EQ((*row)->delegator_name, s.FindOrg(l.delegator)->name);
        CHECK_EQ((*row)->delegate_code, s.FindOrg(l.delegate)->code);
        CHECK_EQ((*row)->delegate_name, s.FindOrg(l.delegate)->name);
        CHECK_EQ((*row)->contract_date, l.contract_date ? l.contract_date->ToString() : "");
        CHECK_EQ((*row)->upper, l.upper);
        CHECK_EQ((*row)->version, l.version);
      }
      for (const core::Organisation& o : s.organisations()) {
        CAPTURE(o.id);
        auto row = FindOrganisation(r, o.id);
        REQUIRE(row.ok());
        REQUIRE(row->has_value());
        CHECK_EQ((*row)->code, o.code);
        CHECK_EQ((*row)->name, o.name);
        CHECK_EQ((*row)->prefecture, o.prefecture);
        CHECK_EQ((*row)->municipality, o.municipality);
        CHECK_EQ((*row)->merged_into, o.merged_into);
        CHECK_EQ((*row)->old_codes.size(), o.old_codes.size());
      }
    });
    return 0;
  });
}

// ---- the service: read-your-writes, search, visibility, online rebuild

struct Served {
  explicit Served(World& world, ServiceOptions options = {}) : w(world) {
    options.catalog = Catalog();
    auto s = ProjectionService::Open(*w.store, w.dir.path(), std::move(options));
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    service = std::move(s).value();
    Sync();
  }
  void Sync() {
    Status s = service->WaitFor(w.Head(), std::chrono::seconds(30));
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  World& w;
  std::unique_ptr<ProjectionService> service;
};

TEST_CASE("invariant 8: a query may wait for the position a command answered") {
  World w;
  Served p(w);
  const core::Outcome applied =
      w.Ok(As(w.Code(w.inst_member)), core::ApplyLetter{ContractType::kRoutine, 0, true});
  const LetterId id = applied.created.at(0);
  const Position position = applied.append.last_position;
  REQUIRE(p.service->WaitFor(position, std::chrono::seconds(30)).ok());
  auto found = p.service->Read([&](const Reader& r) { return FindLetter(r, Viewer{}, id); });
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK_EQ((*found)->status, "applied");
  CHECK_EQ((*found)->delegator, w.inst_member);
  CHECK_EQ((*found)->delegate, w.chiyoda_ma);
  // A position the log has not reached: a bounded wait, then a clear refusal.
  Status later = p.service->WaitFor(w.Head() + 1000, std::chrono::milliseconds(20));
  CHECK_EQ(later.code(), StatusCode::kUnavailable);
  CHECK(core::test::Contains(later.message(), "追いついていません"));
}

TEST_CASE("invariant 8: a kept read snapshot never hides a later position nor holds the WAL") {
  World w;
  Served p(w);
  auto count = [&] {
    auto page = p.service->Read([&](const Reader& r) { return ListLetters(r, Viewer{}, {}); });
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    return page->total;
  };
  const int64_t before = count();
  CHECK_EQ(count(), before);  // the same connection and snapshot while nothing moved
  const core::Outcome applied =
      w.Ok(As(w.Code(w.inst_member)), core::ApplyLetter{ContractType::kRoutine, 0, true});
  REQUIRE(p.service->WaitFor(applied.append.last_position, std::chrono::seconds(30)).ok());
  // The idle connection's transaction ended when the position moved: nothing reads the WAL, so a
  // checkpoint can move every frame into the file and reset the WAL (busy = 0, no frames left).
  const std::string file =
      ProjectionFile(ProjectionsDir(w.dir.path()) / p.service->current_file(), "letters").string();
  auto db = sqlite::Database::Open(file, sqlite::Database::Mode::kReadWrite);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  auto opened = db->QueryInt("SELECT count(*) FROM letters");  // opens the WAL
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  auto checkpoint = db->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(checkpoint.ok());
  auto row = checkpoint->Step();
  REQUIRE((row.ok() && *row));
  CHECK_EQ(checkpoint->Int(0), 0);  // not busy: no reader held the WAL
  CHECK_EQ(std::filesystem::file_size(file + "-wal"), 0u);
  CHECK_EQ(count(), before + 1);
}

TEST_CASE(
    "invariant 1: a projection file of another version is replaced by one built from the log") {
  World w;
  SomeLetters(w);
  // A file of version 1 (every projection in one file) is what CURRENT names.
  const std::filesystem::path dir = ProjectionsDir(w.dir.path());
  std::filesystem::create_directories(dir);
  {
    auto old = sqlite::Database::Open((dir / "read-000001.sqlite").string(),
                                      sqlite::Database::Mode::kReadWrite);
    REQUIRE(old.ok());
    REQUIRE(old->Exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                      "INSERT INTO meta VALUES ('file_version', '1');"
                      "CREATE TABLE letters (id INTEGER PRIMARY KEY);")
                .ok());
    std::ofstream(dir / "CURRENT") << "read-000001.sqlite\n";
  }
  Served p(w);
  CHECK_EQ(p.service->current_file(), "read-000002.sqlite");
  CHECK_FALSE(std::filesystem::exists(dir / "read-000001.sqlite"));
  std::ifstream current(dir / "CURRENT");
  std::string named;
  std::getline(current, named);
  CHECK_EQ(named, "read-000002.sqlite");
  auto page = p.service->Read([&](const Reader& r) { return ListLetters(r, Viewer{}, {}); });
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  w.proc->Read([&](const core::State& s) {
    CHECK_EQ(page->total, static_cast<int64_t>(s.letters().size()));
    return 0;
  });
}

std::vector<std::string> NamesFound(ProjectionService& s, const std::string& q,
                                    std::optional<K> kind = std::nullopt) {
  auto page = s.Read([&](const Reader& r) {
    OrganisationFilter f;
    f.q = q;
    f.kind = kind;
    f.per_page = 500;
    return SearchOrganisations(r, f);
  });
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  std::vector<std::string> names;
  for (const auto& it : page->items) names.push_back(it.name);
  return names;
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_CASE("F-8 search: any width or kana or part of a kanji name or a code finds it") {
  World w;
  Served p(w);
  // 紀尾井町クリニック (千代田区, data/reference/medical_institutions_sample.csv)
  for (const char* q :
       {"クリニック", "ｸﾘﾆｯｸ", "くりにっく", "紀尾井", "尾井町ｸﾘ", "紀尾井町 クリニック"}) {
    CAPTURE(q);
    CHECK(Has(NamesFound(*p.service, q), "紀尾井町クリニック"));
  }
  CHECK_FALSE(Has(NamesFound(*p.service, "クリニックス"), "紀尾井町クリニック"));
  // One or two characters (below a trigram), also at the end of the name, and the kana reading
  // of a municipality (ちよだく).
  for (const char* q : {"井町", "ック", "ｯｸ", "紀", "ク"}) {
    CAPTURE(q);
    CHECK(Has(NamesFound(*p.service, q, K::kInsuredInstitution), "紀尾井町クリニック"));
  }
  CHECK_FALSE(Has(NamesFound(*p.service, "クニ"), "紀尾井町クリニック"));
  CHECK(Has(NamesFound(*p.service, "井町"), "紀尾井町クリニック"));
  CHECK(Has(NamesFound(*p.service, "ﾁﾖﾀﾞ", K::kMunicipality), "千代田区"));
  CHECK(Has(NamesFound(*p.service, "チヨダク"), "千代田区"));
  // A code, or the start of one; the kind filter.
  CHECK(Has(NamesFound(*p.service, "1310129668"), "紀尾井町クリニック"));
  CHECK(Has(NamesFound(*p.service, "１３１０１２９"), "紀尾井町クリニック"));
  CHECK(NamesFound(*p.service, "クリニック", K::kMunicipality).empty());
  // A name change is found under the new name only.
  core::ChangeOrganisation change;
  change.code = w.Code(w.inst_member);
  change.name = "紀尾井町こどもクリニック";
  w.Ok(As(World::kChiyoda), change);
  p.Sync();
  CHECK(Has(NamesFound(*p.service, "ｺﾄﾞﾓ"), "紀尾井町こどもクリニック"));
  CHECK_FALSE(Has(NamesFound(*p.service, "紀尾井"), "紀尾井町クリニック"));
  CHECK_EQ(SearchText("ＡＢＣ ｸﾘﾆｯｸ"), "abcクリニック");
}

TEST_CASE("F-1-2 and F-1-4-3: a party's new name or code shows in each of its letters") {
  World w;
  SomeLetters(w);
  Served p(w);
  // 中央区医師会 is the delegate of a returned letter, 紀尾井町クリニック the delegator of an
  // approved one; each changes its name (F-1-2 by 国保中央会, F-1-1 by its municipality).
  core::ChangeOrganisation ma;
  ma.code = w.Code(w.chuo_ma);
  ma.name = "中央区医師会（改称）";
  w.Ok(As(World::kChuokai), ma);
  core::ChangeOrganisation inst;
  inst.code = w.Code(w.inst_member);
  inst.name = "紀尾井町こどもクリニック";
  w.Ok(As(World::kChiyoda), inst);
  p.Sync();
  auto page = p.service->Read([&](const Reader& r) { return ListLetters(r, Viewer{}, {}); });
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  int as_delegate = 0, as_delegator = 0;
  for (const LetterItem& it : page->items) {
    CAPTURE(it.id);
    if (it.delegate == w.chuo_ma) {
      ++as_delegate;
      CHECK_EQ(it.delegate_name, "中央区医師会（改称）");
      CHECK_EQ(it.delegate_code, w.Code(w.chuo_ma));
    }
    if (it.delegator == w.inst_member) {
      ++as_delegator;
      CHECK_EQ(it.delegator_name, "紀尾井町こどもクリニック");
      auto one = p.service->Read([&](const Reader& r) { return FindLetter(r, Viewer{}, it.id); });
      REQUIRE(one.ok());
      REQUIRE(one->has_value());
      CHECK_EQ((*one)->delegator_name, "紀尾井町こどもクリニック");
    }
  }
  CHECK_GT(as_delegate, 0);
  CHECK_GT(as_delegator, 0);
  // The live rows equal a rebuild's, which copies the names as they stand.
  auto live = OpenRunner(w.dir.path() / "live.sqlite");
  REQUIRE(live->CatchUp(*w.store, w.Head() - 2).ok());
  REQUIRE(live->CatchUp(*w.store, w.Head()).ok());
  CHECK(Hashes(*live) == RebuiltHashes(w, w.dir.path() / "rebuilt.sqlite", w.Head()));
}

// What a letter's viewer may see, computed here from the state (not from the projection), by the
// reading of domain.md §5 that core/visibility.h tabulates.
bool Visible(const core::State& s, const core::Organisation& viewer, const core::Letter& l) {
  if (l.delegator == viewer.id || l.delegate == viewer.id) return true;
  const core::Organisation& from = *s.FindOrg(l.delegator);
  const bool institution =
      from.kind == K::kInsuredInstitution || from.kind == K::kNonInsuredInstitution;
  switch (viewer.kind) {
    case K::kMhlw:
    case K::kCentralFederation:
      return true;
    case K::kPrefecturalFederation:
      return from.prefecture == viewer.prefecture;
    case K::kPrefecture:
      return institution && from.prefecture == viewer.prefecture;
    case K::kMunicipality:
      return institution && from.municipality == viewer.id;
    case K::kWideAreaUnion: {  // its member municipalities are its area
      const core::Organisation* place = s.FindOrg(from.municipality);
      return institution && place && place->in_union && place->union_id == viewer.id;
    }
    default:
      return false;
  }
}

TEST_CASE("F-8 visibility: each organisation sees exactly what its kind may see") {
  World w;
  SomeLetters(w);
  w.ApplyApproved(w.inst_member2);
  w.ApplyApproved(w.chuo);
  w.Apply(w.site_municipal);
  w.Apply(w.site_prefectural);
  w.Apply(w.wide_union);
  // 八王子市 joins the union (F-1-9-1); a letter of an institution there is in the union's area.
  const OrgId hachioji_inst = w.RegisterInstitution("1312929628");
  w.Ok(As(World::kMhlw),
       core::EnterOrganisationDate{World::kHachioji, core::test::DK::kUnionJoinScheduled, Day(5),
                                   World::kUnion});
  w.clock.SetMicros(Day(6).StartUnixMicros());
  w.RunTo(Day(6));
  const LetterId in_union_area = w.Apply(hachioji_inst);
  Served p(w);
  const auto [orgs, letters] = w.proc->Read(
      [](const core::State& s) { return std::make_pair(s.organisations(), s.letters()); });
  REQUIRE_GT(letters.size(), 10u);
  std::set<K> kinds;
  for (const core::Organisation& viewer : orgs) {
    CAPTURE(viewer.code);
    kinds.insert(viewer.kind);
    std::set<LetterId> want;
    w.proc->Read([&](const core::State& s) {
      for (const core::Letter& l : letters) {
        if (Visible(s, viewer, l)) want.insert(l.id);
        // The commands' reading of the rule (core::MaySeeLetter) agrees with the queries'.
        CHECK_EQ(core::MaySeeLetter(s, viewer.id, l.id), Visible(s, viewer, l));
      }
      return 0;
    });
    auto got = p.service->Read([&](const Reader& r) -> Result<std::set<LetterId>> {
      SHUGO_ASSIGN_OR_RETURN(Viewer v, ViewerOf(r, viewer.id));
      LetterFilter f;
      f.per_page = 500;
      SHUGO_ASSIGN_OR_RETURN(auto page, ListLetters(r, v, f));
      std::set<LetterId> ids;
      for (const auto& it : page.items) ids.insert(it.id);
      CHECK_EQ(page.total, static_cast<int64_t>(ids.size()));
      // The record route answers exactly the same (404 for the others).
      for (const core::Letter& l : letters) {
        SHUGO_ASSIGN_OR_RETURN(auto one, FindLetter(r, v, l.id));
        CHECK_EQ(one.has_value(), ids.contains(l.id));
      }
      return ids;
    });
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == want);
    if (viewer.id == w.wide_union) CHECK(got->contains(in_union_area));
  }
  // The world has every kind of organisation but the non-insured one registered by F-1-5.
  CHECK_GE(kinds.size(), 12u);
  // The table covers every kind, in order.
  const auto rules = core::VisibilityRules();
  REQUIRE_EQ(rules.size(), core::OrganisationKinds().size());
  for (size_t i = 0; i < rules.size(); ++i) CHECK_EQ(static_cast<size_t>(rules[i].kind), i);
}

TEST_CASE(
    "F-21 public search: by residence and disease and place of the institutions in contract") {
  World w;
  using core::SetContractMunicipality;
  using core::SetInstitutionVaccine;
  const auto inst = As(w.Code(w.inst_member));  // 紀尾井町クリニック, 千代田区
  w.ApplyApproved(w.inst_member);
  w.ApplyApproved(w.chiyoda);
  w.RegisterPaymentConsignment(w.chiyoda);
  w.Ok(inst,
       SetContractMunicipality{ContractType::kRoutine, World::kChiyoda, Day(0), std::nullopt});
  w.Ok(inst,
       SetInstitutionVaccine{"mr_mearubik", ContractType::kRoutine, "10000", Day(0), std::nullopt});
  w.Apply(w.inst_member2);  // applied only: not in contract
  w.clock.SetMicros(Day(3).StartUnixMicros());
  w.RunTo(Day(3));
  Served p(w);
  auto search = [&](PublicFilter f) {
    f.today = Day(3);
    auto page = p.service->Read([&](const Reader& r) { return PublicSearch(r, f); });
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    std::set<std::string> codes;
    for (const PublicItem& it : page->items) codes.insert(it.code);
    CHECK_EQ(page->total, static_cast<int64_t>(codes.size()));
    return std::make_pair(codes, page->items);
  };
  PublicFilter f;
  f.residence = w.chiyoda;
  f.disease = "measles";
  auto [codes, items] = search(f);
  CHECK_EQ(codes, std::set<std::string>{w.Code(w.inst_member)});
  REQUIRE_EQ(items.size(), 1u);
  CHECK_EQ(items[0].name, "紀尾井町クリニック");
  CHECK_EQ(items[0].prefecture_name, "東京都");
  CHECK_EQ(items[0].municipality_name, "千代田区");
  CHECK_FALSE(items[0].digital_questionnaire.has_value());
  bool measles = false;
  for (const PublicVaccine& v : items[0].vaccines) measles |= v.disease == "麻しん";
  CHECK(measles);
  // Another disease, another residence, another place, a reading, another contract type.
  f.disease = "pertussis";
  CHECK(search(f).first.empty());
  f.disease = "measles";
  f.residence = w.chuo;
  CHECK(search(f).first.empty());
  PublicFilter place;
  place.prefecture = 13;
  CHECK_EQ(search(place).first, std::set<std::string>{w.Code(w.inst_member)});
  place.municipality = w.chuo;
  CHECK(search(place).first.empty());
  PublicFilter name;
  name.q = "紀尾井町病院";
  CHECK(search(name).first.empty());
  name.q = "ｸﾘﾆｯｸ";  // any width
  CHECK_EQ(search(name).first.size(), 1u);
  name.q = "尾井町";
  CHECK_EQ(search(name).first.size(), 1u);
  name.contract_type = ContractType::kVoluntarySubsidy;
  CHECK(search(name).first.empty());
}

TEST_CASE("online rebuild: queries answer during a rebuild and see every event after the swap") {
  World w;
  SomeLetters(w);
  // The rebuild stops just before its swap until the test has checked what happens meanwhile.
  std::promise<void> reached, release;
  std::shared_future<void> released = release.get_future().share();
  ServiceOptions options;
  options.before_swap = [&] {
    reached.set_value();
    released.wait();
  };
  Served p(w, options);
  const std::string before = p.service->current_file();
  auto count = [&] {
    return p.service->Read(
        [](const Reader& r) { return ListLetters(r, Viewer{}, LetterFilter{}); });
  };
  REQUIRE(count().ok());
  const int64_t letters_before = count()->total;

  REQUIRE(p.service->StartRebuild({}).ok());
  reached.get_future().wait();
  CHECK(p.service->rebuild_state().running);
  // A second rebuild meanwhile is refused with a message that says why.
  Status second = p.service->StartRebuild({"letters"});
  CHECK_EQ(second.code(), StatusCode::kAlreadyExists);
  CHECK(core::test::Contains(second.message(), "すでに実行中"));
  // Commands go on, and the old file keeps answering and following the log, while it runs.
  const LetterId late = w.Apply(w.inst_member2);
  p.Sync();
  auto during = count();
  REQUIRE_MESSAGE(during.ok(), during.status().ToString());
  CHECK_EQ(during->total, letters_before + 1);
  CHECK_EQ(p.service->current_file(), before);
  release.set_value();
  REQUIRE(p.service->WaitRebuild().ok());
  p.Sync();
  CHECK_NE(p.service->current_file(), before);
  auto found = p.service->Read([&](const Reader& r) { return FindLetter(r, Viewer{}, late); });
  REQUIRE(found.ok());
  CHECK(found->has_value());
  CHECK_EQ(count()->total, letters_before + 1);
  CHECK_FALSE(std::filesystem::exists(ProjectionsDir(w.dir.path()) / before));
  // The swapped-in file equals a fresh build of the same log.
  const RebuildState state = p.service->rebuild_state();
  REQUIRE(state.last.has_value());
  CHECK_FALSE(state.running);
  p.service->Stop();
  auto after = OpenRunner(ProjectionsDir(w.dir.path()) / p.service->current_file());
  REQUIRE(after->CatchUp(*w.store, w.Head()).ok());
  CHECK(Hashes(*after) == RebuiltHashes(w, w.dir.path() / "fresh.sqlite", w.Head()));
}

TEST_CASE("rebuild of one projection copies the others and gives the same content") {
  World w;
  SomeLetters(w);
  {
    Served p(w);
    p.service->Stop();
  }
  auto report = RebuildOffline(*w.store, w.dir.path(), {"letters", "history"}, Options());
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_EQ(report->position, w.Head());
  auto differ = CheckOffline(*w.store, w.dir.path(), {}, Options());
  REQUIRE_MESSAGE(differ.ok(), differ.status().ToString());
  CHECK(differ->empty());
  auto unknown = RebuildOffline(*w.store, w.dir.path(), {"nope"}, Options());
  CHECK_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
}

TEST_CASE("history: a user account's events are entity user with field names and no values") {
  World w;
  const core::Actor accounts = core::Actor::System("accounts");
  w.Ok(accounts, core::RecordUser{
                     42, World::kChiyoda, core::UserChange::kCreated, "admin", {"name", "email"}});
  w.Ok(As(World::kChiyoda),
       core::RecordUser{42, World::kChiyoda, core::UserChange::kLocked, "admin", {}});
  Served p(w);
  auto history = p.service->Read([](const Reader& r) { return History(r, "user", 42); });
  REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  REQUIRE_EQ(history->size(), 2u);
  const HistoryItem& created = history->at(0);
  CHECK_EQ(created.type, "user_recorded");
  CHECK_EQ(created.version, 1u);
  CHECK_EQ(created.actor_user, "accounts");
  CHECK_EQ(created.detail, R"({"change":"created","org":)" + std::to_string(w.chiyoda) +
                               R"(,"role":"admin","fields":["name","email"]})");
  CHECK_EQ(history->at(1).version, 2u);
  CHECK_EQ(history->at(1).actor_org, World::kChiyoda);
  CHECK_EQ(history->at(1).detail, R"({"change":"locked","org":)" + std::to_string(w.chiyoda) +
                                      R"(,"role":"admin","fields":[]})");
}

TEST_CASE(
    "sqlite: a statement prepared again starts reset and unbound and two open at once differ") {
  testing::TempDir dir;
  auto db = sqlite::Database::Open((dir.path() / "t.sqlite").string(),
                                   sqlite::Database::Mode::kReadWrite);
  REQUIRE(db.ok());
  REQUIRE(db->Exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1), (2), (3);").ok());
  const std::string sql = "SELECT v FROM t WHERE v >= ?1 ORDER BY v";
  {
    auto first = db->Prepare(sql);
    REQUIRE(first.ok());
    first->Bind(1, int64_t{2});
    REQUIRE(*first->Step());
    CHECK_EQ(first->Int(0), 2);
    // The same text while the first is open (mid-iteration): another statement.
    auto second = db->Prepare(sql);
    REQUIRE(second.ok());
    second->Bind(1, int64_t{3});
    REQUIRE(*second->Step());
    CHECK_EQ(second->Int(0), 3);
    REQUIRE(*first->Step());
    CHECK_EQ(first->Int(0), 3);
  }  // both go back to the connection's cache, left mid-iteration and bound
  for (int round = 0; round < 3; ++round) {
    auto again = db->Prepare(sql);
    REQUIRE(again.ok());
    // Unbound: ?1 is NULL, so no row; bound, every row from the start.
    CHECK_FALSE(*again->Step());
    again->Reset();
    again->Bind(1, int64_t{1});
    std::vector<int64_t> rows;
    while (*again->Step()) rows.push_back(again->Int(0));
    CHECK_EQ(rows, std::vector<int64_t>{1, 2, 3});
  }
  // The statements kept in the cache were reset, so they hold no lock on the file: a writer on
  // another connection commits at once.
  auto other = sqlite::Database::Open((dir.path() / "t.sqlite").string(),
                                      sqlite::Database::Mode::kReadWrite);
  REQUIRE(other.ok());
  CHECK(other->Exec("INSERT INTO t VALUES (4)").ok());
}

}  // namespace
}  // namespace shugo::projections
