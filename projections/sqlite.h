// The one place SQLite enters (docs/style.md §3), for the projections and the account store: a
// connection and a prepared statement as RAII values, with every SQLite error turned into a Status.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/japan_date.h"
#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace shugo::sqlite {

class Statement;
struct StatementCache;

class Database {
 public:
  enum class Mode { kReadOnly, kReadWrite };
  // Opens (and with kReadWrite creates) `path`. Busy waits up to 5 s for another connection's
  // lock. kUnavailable when the file cannot be opened.
  static Result<Database> Open(const std::string& path, Mode mode);
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results. kInternal with SQLite's message on failure.
  Status Exec(std::string_view sql);
  // A statement of `sql`. Statements are kept per connection once used (at most a few hundred
  // texts): preparing the same text again takes one from there, reset and unbound.
  Result<Statement> Prepare(std::string_view sql) const;
  // The single integer of a one-row, one-column query (nullopt when there is no row).
  Result<std::optional<int64_t>> QueryInt(std::string_view sql) const;
  bool is_open() const { return db_ != nullptr; }
  sqlite3* raw() const { return db_; }

 private:
  explicit Database(sqlite3* db);
  void Close();
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
};

// `text` as an SQL string literal ('it''s'), for the few statements that cannot bind it (ATTACH,
// VACUUM INTO a file name).
std::string QuoteLiteral(std::string_view text);

// A prepared statement. Bind indexes are 1-based, as in SQLite.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)),
        db_(other.db_),
        cache_(std::move(other.cache_)) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);  // copied by SQLite
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<JapanDate>& date);  // 'YYYY-MM-DD' or NULL
  Statement& Bind(int index, JapanDate date);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, static_cast<int64_t>(*value)) : BindNull(index);
  }

  // One step: true when a row is ready, false when done. kInternal (or kUnavailable when the
  // database is busy) with SQLite's message.
  Result<bool> Step();
  // Steps to the end (a statement without results), then resets it for the next use.
  Status Run();
  // Clears bindings and rewinds; call before reusing a statement that returned rows.
  void Reset();

  int64_t Int(int column) const;
  std::string_view Text(int column) const;  // valid until the next Step/Reset
  double Real(int column) const;
  bool IsNull(int column) const;
  int columns() const;
  // The column's raw value as a byte string tagged with its type, for content hashes.
  std::string_view Blob(int column) const;
  int Type(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::shared_ptr<StatementCache> cache)
      : stmt_(stmt), db_(db), cache_(std::move(cache)) {}
  void Release();  // back to the connection's cache (or finalized)
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
};

}  // namespace shugo::sqlite
