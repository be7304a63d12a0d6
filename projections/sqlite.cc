#include "projections/sqlite.h"

#include <sqlite3.h>

#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shugo::sqlite {

namespace {

Status Error(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Status::Unavailable(std::move(message));
  if (rc == SQLITE_FULL) return Status::ResourceExhausted(std::move(message));
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return Status::DataLoss(std::move(message));
  return Status::Internal(std::move(message));
}

}  // namespace

// The statements of one connection not in use, by their SQL text. `closed` once the connection
// is: a statement released after that is finalized.
struct StatementCache {
  static constexpr size_t kTexts = 256;  // beyond, statements of new texts are not kept
  static constexpr size_t kPerText = 4;
  // Looked up by the caller's string_view, without a copy of the text.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, Hash, std::equal_to<>> idle;
  bool closed = false;

  void FinalizeAll() {
    for (auto& [sql, stmts] : idle) {
      for (sqlite3_stmt* st : stmts) sqlite3_finalize(st);
    }
    idle.clear();
    closed = true;
  }
};

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

Database::Database(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

void Database::Close() {
  if (cache_) cache_->FinalizeAll();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
  cache_.reset();
}

Result<Database> Database::Open(const std::string& path, Mode mode) {
  // Once per process, before SQLite initialises: no global statistics of memory use, whose mutex
  // every allocation would otherwise take (each connection is used by one thread at a time).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Status::Unavailable("opening " + path + ": " +
                                   (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 0);
  return Database(db);
}

Database::~Database() { Close(); }

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string why = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  Status s = Error(nullptr, rc, why);
  return Status(s.code(), why);
}

Result<Statement> Database::Prepare(std::string_view sql) const {
  if (cache_) {
    auto it = cache_->idle.find(sql);
    if (it != cache_->idle.end() && !it->second.empty()) {
      sqlite3_stmt* kept = it->second.back();
      it->second.pop_back();
      return Statement(kept, db_, cache_);
    }
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(db_, rc, "preparing " + std::string(sql.substr(0, 80)));
  return Statement(stmt, db_, cache_);
}

Result<std::optional<int64_t>> Database::QueryInt(std::string_view sql) const {
  SHUGO_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(st.Int(0));
}

void Statement::Release() {
  if (stmt_ == nullptr) return;
  sqlite3_stmt* st = std::exchange(stmt_, nullptr);
  if (cache_ && !cache_->closed) {
    const char* sql = sqlite3_sql(st);
    auto it = cache_->idle.find(std::string_view(sql ? sql : ""));
    if (it == cache_->idle.end() && cache_->idle.size() < StatementCache::kTexts && sql) {
      it = cache_->idle.emplace(sql, std::vector<sqlite3_stmt*>{}).first;
    }
    if (it != cache_->idle.end() && it->second.size() < StatementCache::kPerText) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      it->second.push_back(st);
      cache_.reset();
      return;
    }
  }
  sqlite3_finalize(st);
  cache_.reset();
}

Statement::~Statement() { Release(); }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would bind as NULL: text is text
  // (BindNull binds NULL).
  sqlite3_bind_text64(stmt_, index, text.data() == nullptr ? "" : text.data(), text.size(),
                      SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::Bind(int index, JapanDate date) { return Bind(index, date.ToString()); }

Statement& Statement::Bind(int index, const std::optional<JapanDate>& date) {
  return date ? Bind(index, *date) : BindNull(index);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  return Error(db_, rc, std::string("running ") + std::string(sql ? sql : "").substr(0, 80));
}

Status Statement::Run() {
  Result<bool> r = Step();
  while (r.ok() && *r) r = Step();
  Reset();
  return r.ok() ? Status::Ok() : r.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::columns() const { return sqlite3_column_count(stmt_); }

std::string_view Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  if (!p) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

int Statement::Type(int column) const { return sqlite3_column_type(stmt_, column); }

}  // namespace shugo::sqlite
