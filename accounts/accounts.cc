#include "accounts/accounts.h"

#include <sodium.h>
#include <zxcvbn.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "base/text.h"
#include "core/domain_events.h"
#include "projections/sqlite.h"

namespace shugo::accounts {

namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS users (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- the user id the log names
  login_id          TEXT NOT NULL UNIQUE,
  org               INTEGER NOT NULL,
  role              TEXT NOT NULL,      -- admin, user
  name              TEXT NOT NULL,
  kana              TEXT NOT NULL,
  email             TEXT NOT NULL,
  phone             TEXT NOT NULL,
  password_hash     TEXT NOT NULL,      -- argon2id (libsodium crypto_pwhash_str)
  must_change       INTEGER NOT NULL,   -- a temporary password
  temporary_until   INTEGER,            -- µs: a temporary password expires
  institution_confirmed INTEGER NOT NULL,
  second_factor_at  INTEGER,            -- µs of the last code entered
  failed_logins     INTEGER NOT NULL DEFAULT 0,
  locked_until      INTEGER,
  suspended         INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_org ON users (org);
CREATE INDEX IF NOT EXISTS users_email ON users (email);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash  TEXT PRIMARY KEY,  -- BLAKE2b of the cookie's token; the token itself is not kept
  user        INTEGER NOT NULL,
  stage       TEXT NOT NULL,
  csrf        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS second_factors (
  user        INTEGER PRIMARY KEY,
  code_hash   TEXT NOT NULL,
  expires     INTEGER NOT NULL,
  attempts    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS email_changes (
  token_hash  TEXT PRIMARY KEY,
  user        INTEGER NOT NULL,
  email       TEXT NOT NULL,
  expires     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mail_outbox (
  id          INTEGER PRIMARY KEY,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  purpose     TEXT NOT NULL,     -- temporary_password, second_factor, login_id, email_change
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER            -- the notifications issue delivers by SMTP
);
CREATE TABLE IF NOT EXISTS trusted_devices (   -- browsers that passed the second factor
  token_hash  TEXT PRIMARY KEY,                -- BLAKE2b of the shugo_device cookie's token
  user        INTEGER NOT NULL,
  expires     INTEGER NOT NULL,                -- µs: the second factor is asked again after
  created_at  INTEGER NOT NULL,
  id          TEXT,                            -- what the user names it by (not the token)
  last_used   INTEGER,                         -- µs of the last sign-in it spared a code
  user_agent  TEXT NOT NULL DEFAULT ''         -- a summary: "Chrome / Windows"
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trusted_devices_user ON trusted_devices (user);
CREATE TABLE IF NOT EXISTS password_resets (   -- F-9-2: a temporary password not used yet
  user          INTEGER PRIMARY KEY,
  password_hash TEXT NOT NULL,                 -- argon2id of the mailed temporary password
  expires       INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
DROP TABLE IF EXISTS unknown_logins;          -- replaced by login_failures
CREATE TABLE IF NOT EXISTS login_failures (    -- wrong passwords by login id (real or not)
  login        TEXT NOT NULL,                  -- BLAKE2b of the login id tried
  address      TEXT NOT NULL,                  -- the client's address block; '*': all of them
  failures     INTEGER NOT NULL,               -- in the window that began at `since`
  since        INTEGER NOT NULL,               -- µs
  locked_until INTEGER NOT NULL,               -- µs: this address is locked out of this id
  PRIMARY KEY (login, address)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS input_links (       -- F-1-5: an institution enters its data by a link
  token_hash   TEXT PRIMARY KEY,                -- BLAKE2b of the link's token
  registration INTEGER NOT NULL,                -- the log's registration-<id>
  expires      TEXT NOT NULL,                   -- YYYY-MM-DD, the last business day
  issued_at    INTEGER NOT NULL,
  used_by      TEXT,                            -- the command that used it
  used_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS input_links_registration ON input_links (registration);
CREATE TABLE IF NOT EXISTS store_keys (        -- secrets of this file, made once
  name         TEXT PRIMARY KEY,                -- email_digest: the F-1-5 address digest's key
  key          TEXT NOT NULL                    -- hex
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS input_link_entries (  -- what an entry gave to be reached by
  registration INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  phone        TEXT NOT NULL,
  submitted_at INTEGER NOT NULL
);
)";

constexpr int64_t kCodeLifetimeUs = int64_t{10} * 60'000'000;
constexpr int kCodeAttempts = 5;
// Below this estimate (bits of zxcvbn) a password is refused as common or guessable: "password1234"
// is 3, "sunshine2025" 14, "alllowercaseletters" 32, "Another-Pass-2025" 41.
constexpr double kMinimumPasswordBits = 35;
constexpr int64_t kEmailLinkLifetimeUs = int64_t{24} * 3'600'000'000;
constexpr int64_t kLastSeenPersistUs = int64_t{60} * 1'000'000;

// BLAKE2b-256 of a token or code, as stored (a stolen file gives no usable token).
std::string Digest(std::string_view text, std::string_view salt = {}) {
  std::array<unsigned char, 32> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_generichash_final(&st, out.data(), out.size());
  return HexOf(out);
}

// What login_failures count a login id by, real or not.
std::string LoginDigest(std::string_view login_id) { return Digest(login_id, "login"); }

std::string RandomToken() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  const size_t size =
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// A temporary password that meets the rule: 14 characters without look-alikes (0/O, 1/l/I).
std::string TemporaryPassword() {
  static constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view kLower = "abcdefghijkmnpqrstuvwxyz";
  static constexpr std::string_view kDigit = "23456789";
  static constexpr std::string_view kSymbol = "#%+-=?@";
  const std::string_view sets[] = {kUpper, kLower, kDigit, kSymbol};
  std::string out;
  for (int i = 0; i < 14; ++i) {
    const std::string_view set = sets[static_cast<size_t>(i) % 4];
    out += set[randombytes_uniform(static_cast<uint32_t>(set.size()))];
  }
  // Shuffle (Fisher–Yates) so the classes do not sit in a fixed order.
  for (size_t i = out.size() - 1; i > 0; --i) {
    std::swap(out[i], out[randombytes_uniform(static_cast<uint32_t>(i + 1))]);
  }
  return out;
}

bool ValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.')
    return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' ||
        c == ';' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
      return false;
  }
  return true;
}

bool ValidPhone(std::string_view phone) {
  size_t digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-') {
      return false;
    }
  }
  return digits >= 10 && digits <= 11;
}

bool ValidLoginId(std::string_view id) {
  if (id.size() < 3 || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// What a device list shows of a User-Agent header: the browser and the system it names
// ("Chrome / Windows"), or its first 60 printable characters when it names neither.
std::string DeviceSummary(std::string_view ua) {
  const auto has = [&](std::string_view s) { return ua.find(s) != std::string_view::npos; };
  std::string browser, system;
  if (has("Edg/")) {
    browser = "Edge";
  } else if (has("OPR/")) {
    browser = "Opera";
  } else if (has("Firefox/")) {
    browser = "Firefox";
  } else if (has("Chrome/") || has("CriOS/")) {
    browser = "Chrome";
  } else if (has("Safari/")) {
    browser = "Safari";
  }
  if (has("iPhone")) {
    system = "iPhone";
  } else if (has("iPad")) {
    system = "iPad";
  } else if (has("Android")) {
    system = "Android";
  } else if (has("Windows")) {
    system = "Windows";
  } else if (has("Mac OS X") || has("Macintosh")) {
    system = "macOS";
  } else if (has("CrOS")) {
    system = "ChromeOS";
  } else if (has("Linux")) {
    system = "Linux";
  }
  if (!browser.empty() || !system.empty()) {
    return browser + (!browser.empty() && !system.empty() ? " / " : "") + system;
  }
  std::string out;
  for (char c : ua) {
    if (out.size() == 60) break;
    if (c >= 0x20 && c < 0x7f) out += c;
  }
  return out;
}

// RFC 2047 encoded word for a header in UTF-8.
std::string EncodedWord(std::string_view text) {
  const size_t size = sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string b64(size, '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string MailDate(int64_t micros) {
  const std::time_t t = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

Role RoleOf(std::string_view s) { return s == "admin" ? Role::kAdmin : Role::kUser; }

Stage StageOf(std::string_view s) {
  if (s == "password_change") return Stage::kPasswordChange;
  if (s == "second_factor") return Stage::kSecondFactor;
  if (s == "institution_code") return Stage::kInstitutionCode;
  return Stage::kReady;
}

constexpr std::string_view kUserColumns =
    "id, login_id, org, role, name, kana, email, phone, must_change, institution_confirmed, "
    "suspended, second_factor_at, locked_until, failed_logins, created_at";

User ReadUser(const Statement& st) {
  User u;
  u.id = static_cast<uint64_t>(st.Int(0));
  u.login_id = std::string(st.Text(1));
  u.org = static_cast<core::OrgId>(st.Int(2));
  u.role = RoleOf(st.Text(3));
  u.name = std::string(st.Text(4));
  u.kana = std::string(st.Text(5));
  u.email = std::string(st.Text(6));
  u.phone = std::string(st.Text(7));
  u.must_change_password = st.Int(8) != 0;
  u.institution_code_confirmed = st.Int(9) != 0;
  u.suspended = st.Int(10) != 0;
  if (!st.IsNull(11)) u.second_factor_at = st.Int(11);
  if (!st.IsNull(12)) u.locked_until = st.Int(12);
  u.failed_logins = static_cast<int>(st.Int(13));
  u.created_at = st.Int(14);
  return u;
}

}  // namespace

std::string_view CodeName(Role role) { return role == Role::kAdmin ? "admin" : "user"; }

std::string_view CodeName(Stage stage) {
  switch (stage) {
    case Stage::kPasswordChange:
      return "password_change";
    case Stage::kSecondFactor:
      return "second_factor";
    case Stage::kInstitutionCode:
      return "institution_code";
    case Stage::kReady:
      return "ready";
  }
  return "ready";
}

RecordFact RecordInLog(core::Processor& processor) {
  return [&processor](const UserFact& f) -> Status {
    SHUGO_ASSIGN_OR_RETURN(core::UserChange change, core::ParseUserChange(f.change, "change"));
    auto code_of = [&](core::OrgId id) {
      return processor.Read([&](const core::State& s) {
        const core::Organisation* o = s.FindOrg(id);
        return o ? o->code : std::string();
      });
    };
    const std::string org_code = code_of(f.org);
    core::CommandRequest c;
    c.id = "user-" + std::to_string(f.user) + "-" + RandomToken();
    c.actor =
        f.by ? core::Actor{"user-" + std::to_string(f.by), f.by_org ? code_of(f.by_org) : org_code}
             : core::Actor::System("accounts");
    c.request = core::RecordUser{f.user, org_code, change, std::string(CodeName(f.role)), f.fields};
    return processor.Execute(c).status();
  };
}

struct AccountStore::Impl {
  AccountOptions options;
  RecordFact record;
  std::mutex mu;  // the connection and everything below
  Database db;
  // The live sessions, by token digest, under their own lock (every signed-in request reads
  // them; they never wait for a slow write of the file). Lock order: mu, then smu.
  std::mutex smu;
  std::unordered_map<std::string, Session> sessions;
  std::unordered_map<std::string, int64_t> persisted_seen;
  uint64_t finds = 0;

  int64_t Now() const { return options.clock->NowMicros(); }

  // Runs `body` in one transaction; a failure (of the body or of recording the fact) rolls back.
  // Mail files wait for the commit: a rolled-back mail is never seen.
  Status InTransaction(const std::function<Status()>& body) {
    SHUGO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    in_transaction = true;
    Status s = body();
    in_transaction = false;
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) db.Exec("ROLLBACK").IgnoreError();
    std::vector<std::pair<std::filesystem::path, std::string>> files;
    files.swap(pending_files);
    if (s.ok()) {
      for (const auto& [path, text] : files) WriteFile(path, text).IgnoreError();
    }
    return s;
  }
  bool in_transaction = false;
  std::vector<std::pair<std::filesystem::path, std::string>> pending_files;

  // Written whole under a temporary name, then renamed; readable by the owner only.
  static Status WriteFile(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) return Status::Unavailable("cannot write " + tmp.string());
    }
    std::error_code ec;
    std::filesystem::permissions(
        tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Status::Unavailable("cannot write " + path.string() + ": " + ec.message());
    return Status::Ok();
  }

  Result<std::string> Hash(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    const unsigned long long ops =
        options.hash_ops ? options.hash_ops : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const size_t mem =
        options.hash_memory ? options.hash_memory : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return Status::Internal("argon2id: out of memory");
    }
    return std::string(out);
  }

  Result<std::optional<User>> Find(std::string_view where,
                                   const std::function<void(Statement&)>& bind) {
    SHUGO_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT " + std::string(kUserColumns) +
                                                    " FROM users WHERE " + std::string(where)));
    bind(st);
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<User>();
    return std::optional<User>(ReadUser(st));
  }
  Result<std::string> PasswordHash(uint64_t id) {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           db.Prepare("SELECT password_hash FROM users WHERE id = ?1"));
    st.Bind(1, static_cast<int64_t>(id));
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? std::string(st.Text(0)) : std::string();
  }
  Result<std::optional<int64_t>> TemporaryUntil(uint64_t id) {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           db.Prepare("SELECT temporary_until FROM users WHERE id = ?1"));
    st.Bind(1, static_cast<int64_t>(id));
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(st.Int(0));
  }
  // One more failure inside a session (a wrong second-factor code, or a wrong current password on
  // a mail change: whoever made it knew the password) on the user as it is now; at
  // max_failed_logins the account itself locks for lockout_us, its sessions end, and the log
  // records it. Under `mu`. True when it locked now.
  Result<bool> CountFailure(const User& u) {
    const int failures = u.failed_logins + 1;
    const bool lock_now = failures >= options.max_failed_logins;
    Status t = InTransaction([&]() -> Status {
      SHUGO_ASSIGN_OR_RETURN(
          Statement st,
          db.Prepare("UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1"));
      st.Bind(1, static_cast<int64_t>(u.id)).Bind(2, int64_t{lock_now ? 0 : failures});
      if (lock_now) st.Bind(3, Now() + options.lockout_us);
      SHUGO_RETURN_IF_ERROR(st.Run());
      if (!lock_now) return Status::Ok();
      SHUGO_RETURN_IF_ERROR(DropSessionsOf(u.id));
      return Record(u.id, u.org, "locked", u.role, {});
    });
    if (!t.ok()) return t;
    return lock_now;
  }
  // The row of login id digest `login` and `address` ('*': the id's count over all addresses):
  // failures in its window, the window's start, the lock. Under `mu`.
  struct FailureRow {
    int64_t failures = 0, since = 0, locked_until = 0;
  };
  Result<FailureRow> Failures(const std::string& login, std::string_view address) {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           db.Prepare("SELECT failures, since, locked_until FROM login_failures "
                                      "WHERE login = ?1 AND address = ?2"));
    st.Bind(1, login).Bind(2, address);
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    FailureRow r;
    if (row) r = FailureRow{st.Int(0), st.Int(1), st.Int(2)};
    st.Reset();
    return r;
  }
  Status PutFailures(const std::string& login, std::string_view address, const FailureRow& r) {
    SHUGO_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("INSERT OR REPLACE INTO login_failures (login, address, "
                                 "failures, since, locked_until) VALUES (?1, ?2, ?3, ?4, ?5)"));
    return st.Bind(1, login)
        .Bind(2, address)
        .Bind(3, r.failures)
        .Bind(4, r.since)
        .Bind(5, r.locked_until)
        .Run();
  }
  // How long a try on `login` waits before its check: nothing until slowdown_failures wrong
  // passwords from all addresses in the window, then slowdown_step_us per failure past it, at
  // most max_delay_us. Under `mu`.
  Result<int64_t> SlowdownOf(const std::string& login) {
    SHUGO_ASSIGN_OR_RETURN(FailureRow all, Failures(login, "*"));
    if (all.since + options.slowdown_window_us <= Now()) return int64_t{0};
    const int64_t past = all.failures - options.slowdown_failures + 1;
    if (past <= 0) return int64_t{0};
    return std::min(options.max_delay_us, past * options.slowdown_step_us);
  }
  // A wrong password on `login` from `address`, counted the same for a real login id and one that
  // does not exist (the same rows, the same write): the wait before `address` may try `login`
  // again (0: none). A try while `address` is locked out does not count. Under `mu`.
  Result<int64_t> WrongPassword(const std::string& login, std::string_view address) {
    const int64_t now = Now();
    int64_t wait = 0;
    Status t = InTransaction([&]() -> Status {
      SHUGO_ASSIGN_OR_RETURN(FailureRow one, Failures(login, address));
      if (one.locked_until > now) {
        wait = one.locked_until - now;
        return Status::Ok();
      }
      if (one.since + options.lockout_us <= now) one = FailureRow{0, now, 0};
      if (++one.failures >= options.max_failed_logins) {
        one = FailureRow{0, now, now + options.lockout_us};
        wait = options.lockout_us;
      }
      SHUGO_RETURN_IF_ERROR(PutFailures(login, address, one));
      SHUGO_ASSIGN_OR_RETURN(FailureRow all, Failures(login, "*"));
      if (all.since + options.slowdown_window_us <= now) all = FailureRow{0, now, 0};
      ++all.failures;
      return PutFailures(login, "*", all);
    });
    if (!t.ok()) return t;
    return wait;
  }
  // The lock of `address` on `login`: µs left, 0 when none. Under `mu`.
  Result<int64_t> AddressLock(const std::string& login, std::string_view address) {
    SHUGO_ASSIGN_OR_RETURN(FailureRow one, Failures(login, address));
    return one.locked_until > Now() ? one.locked_until - Now() : int64_t{0};
  }
  Status DropFailures(const std::string& login, std::optional<std::string_view> address) {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           db.Prepare(address ? "DELETE FROM login_failures WHERE login = ?1 AND "
                                                "address = ?2"
                                              : "DELETE FROM login_failures WHERE login = ?1"));
    st.Bind(1, login);
    if (address) st.Bind(2, *address);
    return st.Run();
  }
  std::atomic<int> delayed{0};  // sign-ins waiting out a slowdown now
  // The key of the F-1-5 address digest (store_keys), read when the store opens.
  std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> email_key{};
  std::string dummy_hash;  // argon2id at the store's cost: what an unknown login id is checked by
  std::atomic<uint64_t> verifications{0};
  // One argon2id verification (tens of milliseconds by design); outside `mu`.
  bool Verify(const std::string& hash, std::string_view password) {
    verifications.fetch_add(1, std::memory_order_relaxed);
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  }

  // Whether `device` (a shugo_device cookie's token) passed the second factor for `user` and has
  // not expired; `used`: it spares a code now (its last use moves). Under `mu`.
  Result<bool> Trusted(uint64_t user, std::string_view device, bool used = false) {
    if (device.empty() || device.size() > 128) return false;
    SHUGO_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT 1 FROM trusted_devices WHERE token_hash = ?1 AND user = ?2 AND "
                   "expires > ?3"));
    st.Bind(1, Digest(device, "device")).Bind(2, static_cast<int64_t>(user)).Bind(3, Now());
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    st.Reset();
    if (row && used) {
      SHUGO_ASSIGN_OR_RETURN(
          Statement up,
          db.Prepare("UPDATE trusted_devices SET last_used = ?2 WHERE token_hash = ?1"));
      SHUGO_RETURN_IF_ERROR(up.Bind(1, Digest(device, "device")).Bind(2, Now()).Run());
    }
    return row;
  }
  // A user's pending F-9-2 temporary password: its hash and expiry, or nullopt. Under `mu`.
  Result<std::optional<std::pair<std::string, int64_t>>> PendingReset(uint64_t user) {
    SHUGO_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT password_hash, expires FROM password_resets WHERE user = ?1"));
    st.Bind(1, static_cast<int64_t>(user));
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<std::pair<std::string, int64_t>>();
    return std::optional<std::pair<std::string, int64_t>>(
        std::make_pair(std::string(st.Text(0)), st.Int(1)));
  }
  Status DropPendingReset(uint64_t user) {
    SHUGO_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM password_resets WHERE user = ?1"));
    return st.Bind(1, static_cast<int64_t>(user)).Run();
  }

  Result<std::optional<User>> ById(uint64_t id) {
    return Find("id = ?1", [&](Statement& st) { st.Bind(1, static_cast<int64_t>(id)); });
  }

  // Writes the mail to the outbox and, in demo/test mode, as an .eml file.
  Status SendMail(std::string_view to, std::string_view purpose, std::string_view subject,
                  std::string_view body) {
    const int64_t now = Now();
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           db.Prepare("INSERT INTO mail_outbox (recipient, subject, body, purpose, "
                                      "created_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    SHUGO_RETURN_IF_ERROR(
        st.Bind(1, to).Bind(2, subject).Bind(3, body).Bind(4, purpose).Bind(5, now).Run());
    if (options.mail_dir.empty()) return Status::Ok();
    SHUGO_ASSIGN_OR_RETURN(auto id, db.QueryInt("SELECT last_insert_rowid()"));
    std::error_code ec;
    std::filesystem::create_directories(options.mail_dir, ec);
    std::filesystem::permissions(options.mail_dir, std::filesystem::perms::owner_all, ec);
    char name[64];
    std::snprintf(name, sizeof name, "%06lld-", static_cast<long long>(id.value_or(0)));
    const std::filesystem::path path = options.mail_dir / (name + std::string(purpose) + ".eml");
    std::string text(body);
    size_t at = 0;
    while ((at = text.find('\n', at)) != std::string::npos) {
      text.replace(at, 1, "\r\n");
      at += 2;
    }
    std::ostringstream eml;
    eml << "From: shugo <no-reply@shugo.invalid>\r\n"
        << "To: <" << to << ">\r\n"
        << "Subject: " << EncodedWord(subject) << "\r\n"
        << "Date: " << MailDate(now) << "\r\n"
        << "Message-ID: <" << id.value_or(0) << "." << now << "@shugo.invalid>\r\n"
        << "MIME-Version: 1.0\r\n"
        << "Content-Type: text/plain; charset=UTF-8\r\n"
        << "Content-Transfer-Encoding: 8bit\r\n"
        << "X-Shugo-Purpose: " << purpose << "\r\n\r\n"
        << text << "\r\n";
    if (in_transaction) {
      pending_files.emplace_back(path, eml.str());
      return Status::Ok();
    }
    return WriteFile(path, eml.str());
  }

  Status MailTemporaryPassword(const User& u, std::string_view password, bool reset) {
    const std::string body =
        u.name + " 様\n\n予防接種 集合契約システムの" +
        std::string(reset ? "仮パスワードを再発行しました" : "アカウントを発行しました") +
        "。\n\nログインID: " + u.login_id + "\n仮パスワード: " + std::string(password) +
        "\n\n初回ログイン時にパスワードを変更してください。仮パスワードの有効期限は7日間です。\n"
        "このメールに心当たりがない場合は、ヘルプデスクへご連絡ください。\n";
    return SendMail(u.email, "temporary_password",
                    reset ? "【予防接種集合契約】仮パスワード再発行のお知らせ"
                          : "【予防接種集合契約】アカウント発行のお知らせ",
                    body);
  }

  Status Record(uint64_t user, core::OrgId org, std::string change, Role role,
                std::vector<std::string> fields, uint64_t by = 0, core::OrgId by_org = 0) {
    if (!record) return Status::Ok();
    return record(UserFact{user, org, std::move(change), role, std::move(fields), by, by_org});
  }

  Status PersistSession(const std::string& digest, const Session& s) {
    SHUGO_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("INSERT OR REPLACE INTO sessions (token_hash, user, stage, csrf, "
                                 "created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    return st.Bind(1, digest)
        .Bind(2, static_cast<int64_t>(s.user))
        .Bind(3, CodeName(s.stage))
        .Bind(4, s.csrf)
        .Bind(5, s.created_at)
        .Bind(6, s.last_seen)
        .Run();
  }

  // Under `mu`.
  Status DropSessionsOf(uint64_t user) {
    {
      std::lock_guard slock(smu);
      for (auto it = sessions.begin(); it != sessions.end();) {
        if (it->second.user == user) {
          persisted_seen.erase(it->first);
          it = sessions.erase(it);
        } else {
          ++it;
        }
      }
    }
    SHUGO_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM sessions WHERE user = ?1"));
    return st.Bind(1, static_cast<int64_t>(user)).Run();
  }

  Status IssueTemporaryPassword(const User& u, bool reset) {
    const std::string password = TemporaryPassword();
    SHUGO_ASSIGN_OR_RETURN(std::string hash, Hash(password));
    SHUGO_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE users SET password_hash = ?2, must_change = 1, temporary_until = ?3, "
                   "failed_logins = 0, locked_until = NULL, updated_at = ?4 WHERE id = ?1"));
    SHUGO_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(u.id))
                              .Bind(2, hash)
                              .Bind(3, Now() + options.temporary_password_us)
                              .Bind(4, Now())
                              .Run());
    SHUGO_RETURN_IF_ERROR(DropSessionsOf(u.id));
    SHUGO_RETURN_IF_ERROR(DropPendingReset(u.id));
    SHUGO_RETURN_IF_ERROR(DropFailures(LoginDigest(u.login_id), std::nullopt));
    return MailTemporaryPassword(u, password, reset);
  }
};

AccountStore::AccountStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccountStore::~AccountStore() = default;

Result<std::unique_ptr<AccountStore>> AccountStore::Open(AccountOptions options,
                                                         RecordFact record) {
  if (options.clock == nullptr) return Status::InvalidArgument("clock", "no clock");
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  auto impl = std::make_unique<Impl>();
  SHUGO_ASSIGN_OR_RETURN(impl->db,
                         Database::Open(options.file.string(), Database::Mode::kReadWrite));
  SHUGO_RETURN_IF_ERROR(impl->db.Exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;"));
  SHUGO_RETURN_IF_ERROR(impl->db.Exec(kSchema));
  // A file from before devices could be listed: their columns, and an id for each device.
  SHUGO_ASSIGN_OR_RETURN(auto listed, impl->db.QueryInt("SELECT count(*) FROM pragma_table_info("
                                                        "'trusted_devices') WHERE name = 'id'"));
  if (listed.value_or(0) == 0) {
    SHUGO_RETURN_IF_ERROR(impl->db.Exec(
        "ALTER TABLE trusted_devices ADD COLUMN id TEXT; "
        "ALTER TABLE trusted_devices ADD COLUMN last_used INTEGER; "
        "ALTER TABLE trusted_devices ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''"));
  }
  SHUGO_RETURN_IF_ERROR(
      impl->db.Exec("UPDATE trusted_devices SET id = lower(hex(randomblob(8))) WHERE id IS NULL; "
                    "CREATE INDEX IF NOT EXISTS trusted_devices_id ON trusted_devices (id)"));
  // Hashes, sessions and the outbox (which holds temporary passwords and codes until the
  // notifications issue delivers and clears them): the owner only.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::permissions(
        options.file.string() + suffix,
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  }
  impl->options = std::move(options);
  impl->record = std::move(record);
  // Sessions survive a restart while they are valid.
  const int64_t now = impl->Now();
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      impl->db.Prepare("SELECT s.token_hash, s.user, s.stage, s.csrf, s.created_at, s.last_seen, "
                       "u.org, u.role FROM sessions s JOIN users u ON u.id = s.user"));
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Session s;
    s.user = static_cast<uint64_t>(st.Int(1));
    s.stage = StageOf(st.Text(2));
    s.csrf = std::string(st.Text(3));
    s.created_at = st.Int(4);
    s.last_seen = st.Int(5);
    s.org = static_cast<core::OrgId>(st.Int(6));
    s.role = RoleOf(st.Text(7));
    if (now - s.last_seen > impl->options.session_idle_us ||
        now - s.created_at > impl->options.session_absolute_us)
      continue;
    impl->persisted_seen[std::string(st.Text(0))] = s.last_seen;
    impl->sessions.emplace(std::string(st.Text(0)), s);
  }
  st.Reset();
  SHUGO_ASSIGN_OR_RETURN(Statement purge,
                         impl->db.Prepare("DELETE FROM sessions WHERE last_seen < ?1"));
  SHUGO_RETURN_IF_ERROR(purge.Bind(1, now - impl->options.session_idle_us).Run());
  for (const char* sql :
       {"DELETE FROM trusted_devices WHERE expires <= ?1",
        "DELETE FROM password_resets WHERE expires <= ?1",
        "DELETE FROM login_failures WHERE locked_until <= ?1 AND since <= ?1 - 86400000000"}) {
    SHUGO_ASSIGN_OR_RETURN(Statement stale, impl->db.Prepare(sql));
    SHUGO_RETURN_IF_ERROR(stale.Bind(1, now).Run());
  }
  // The key of the F-1-5 address digest: made with the file, kept in it.
  {
    std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> fresh{};
    crypto_auth_hmacsha256_keygen(fresh.data());
    SHUGO_ASSIGN_OR_RETURN(
        Statement put,
        impl->db.Prepare(
            "INSERT OR IGNORE INTO store_keys (name, key) VALUES ('email_digest', ?1)"));
    SHUGO_RETURN_IF_ERROR(put.Bind(1, HexOf(fresh)).Run());
    sodium_memzero(fresh.data(), fresh.size());
    SHUGO_ASSIGN_OR_RETURN(
        Statement get, impl->db.Prepare("SELECT key FROM store_keys WHERE name = 'email_digest'"));
    SHUGO_ASSIGN_OR_RETURN(bool row, get.Step());
    const std::string_view hex = row ? get.Text(0) : std::string_view();
    size_t size = 0;
    if (sodium_hex2bin(impl->email_key.data(), impl->email_key.size(), hex.data(), hex.size(),
                       nullptr, &size, nullptr) != 0 ||
        size != impl->email_key.size()) {
      return Status::Internal("the account store's email_digest key is missing or malformed");
    }
    get.Reset();
  }
  // What an unknown login id is checked against: a hash at the store's own cost, made once here
  // so that no sign-in pays for it.
  SHUGO_ASSIGN_OR_RETURN(impl->dummy_hash, impl->Hash(RandomToken()));
  return std::unique_ptr<AccountStore>(new AccountStore(std::move(impl)));
}

Status AccountStore::CheckPassword(std::string_view password, std::string_view login_id,
                                   std::string_view field) {
  const std::string f(field);
  if (!IsValidUtf8(password)) {
    return Status::InvalidArgument(f, "パスワードに使えない文字が含まれています");
  }
  // OWASP ASVS 2.1 (docs/security.md): length over composition — 12 to 128 characters of any
  // kind (2.1.1, 2.1.2, 2.1.4, 2.1.9), no control characters.
  size_t characters = 0;
  for (size_t i = 0; i < password.size(); ++i) {
    const auto c = static_cast<unsigned char>(password[i]);
    if ((c & 0xC0) != 0x80) ++characters;
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument(f, "パスワードに制御文字は使えません");
    }
  }
  if (characters < 12 || characters > 128) {
    return Status::InvalidArgument(f, "パスワードは12文字以上128文字以内で設定してください");
  }
  if (!login_id.empty()) {
    std::string lower_pw(password), lower_id(login_id);
    for (char& c : lower_pw) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : lower_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower_pw.find(lower_id) != std::string::npos) {
      return Status::InvalidArgument(f, "パスワードにログインIDを含めることはできません");
    }
  }
  // Common and guessable passwords (2.1.7): zxcvbn's shipped lists of leaked passwords, words,
  // names, keyboard walks, repeats and dates, with the login id as a word of its own.
  const std::string text(password);
  const std::string id(login_id);
  const char* user_words[] = {id.c_str(), "shugo", nullptr};
  if (ZxcvbnMatch(text.c_str(), user_words, nullptr) < kMinimumPasswordBits) {
    return Status::InvalidArgument(
        f,
        "よく使われるパスワードや推測されやすい並び（単語・キーボード"
        "配列・連続した文字・日付など）です。別のパスワードにしてください");
  }
  return Status::Ok();
}

Result<User> AccountStore::CreateUser(const NewUser& n) {
  Impl& m = *impl_;
  if (n.name.empty() || n.name.size() > 200 || !IsValidUtf8(n.name)) {
    return Status::InvalidArgument("name", "担当者名を200バイト以内で入力してください");
  }
  if (!IsValidUtf8(n.kana) || n.kana.size() > 200) {
    return Status::InvalidArgument("kana", "担当者名（カナ）が長すぎます");
  }
  if (!ValidEmail(n.email)) {
    return Status::InvalidArgument("email", "メールアドレスの形式が正しくありません");
  }
  if (!n.phone.empty() && !ValidPhone(n.phone)) {
    return Status::InvalidArgument("phone",
                                   "電話番号は数字10〜11桁（ハイフン可）で入力してください");
  }
  if (!n.login_id.empty() && !ValidLoginId(n.login_id)) {
    return Status::InvalidArgument("login_id",
                                   "ログインIDは英数字と - _ . の3〜64文字で入力してください");
  }
  std::lock_guard lock(m.mu);
  std::string login_id = n.login_id;
  if (login_id.empty()) {
    SHUGO_ASSIGN_OR_RETURN(Statement count,
                           m.db.Prepare("SELECT count(*) FROM users WHERE org = ?1"));
    count.Bind(1, static_cast<int64_t>(n.org));
    SHUGO_ASSIGN_OR_RETURN(bool row, count.Step());
    int64_t next = row ? count.Int(0) + 1 : 1;
    count.Reset();
    for (;; ++next) {
      char suffix[32];
      std::snprintf(suffix, sizeof suffix, "-%02lld", static_cast<long long>(next));
      login_id = n.org_code + suffix;
      SHUGO_ASSIGN_OR_RETURN(auto taken,
                             m.Find("login_id = ?1", [&](Statement& st) { st.Bind(1, login_id); }));
      if (!taken) break;
    }
  } else {
    SHUGO_ASSIGN_OR_RETURN(auto taken,
                           m.Find("login_id = ?1", [&](Statement& st) { st.Bind(1, login_id); }));
    if (taken) {
      return Status(StatusCode::kAlreadyExists, "このログインIDはすでに使われています: " + login_id,
                    "login_id");
    }
  }
  if (n.password) SHUGO_RETURN_IF_ERROR(CheckPassword(*n.password, login_id, "password"));
  const std::string password = n.password ? *n.password : TemporaryPassword();
  SHUGO_ASSIGN_OR_RETURN(std::string hash, m.Hash(password));
  const int64_t now = m.Now();
  User u;
  // A user id the log already names (an earlier store whose commit failed after its fact was
  // recorded, or a restored older file) is skipped: the next id is tried.
  for (int attempt = 0;; ++attempt) {
    Status t = m.InTransaction([&]() -> Status {
      if (n.first_admin) {
        SHUGO_ASSIGN_OR_RETURN(auto admin, m.db.Prepare("SELECT 1 FROM users WHERE org = ?1 AND "
                                                        "role = 'admin' AND suspended = 0"));
        admin.Bind(1, static_cast<int64_t>(n.org));
        SHUGO_ASSIGN_OR_RETURN(bool exists, admin.Step());
        if (exists) {
          return Status(StatusCode::kAlreadyExists,
                        "この組織にはすでに管理者がいます。利用者はその管理者が発行します",
                        "organisation");
        }
      }
      SHUGO_ASSIGN_OR_RETURN(Statement st, m.db.Prepare(R"(
INSERT INTO users (login_id, org, role, name, kana, email, phone, password_hash, must_change,
  temporary_until, institution_confirmed, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11))"));
      st.Bind(1, login_id)
          .Bind(2, static_cast<int64_t>(n.org))
          .Bind(3, CodeName(n.role))
          .Bind(4, n.name)
          .Bind(5, n.kana)
          .Bind(6, n.email)
          .Bind(7, n.phone)
          .Bind(8, hash)
          .Bind(9, int64_t{n.password ? 0 : 1});
      if (!n.password) st.Bind(10, now + m.options.temporary_password_us);
      SHUGO_RETURN_IF_ERROR(st.Bind(11, now).Run());
      SHUGO_ASSIGN_OR_RETURN(auto id, m.db.QueryInt("SELECT last_insert_rowid()"));
      SHUGO_ASSIGN_OR_RETURN(auto created, m.ById(static_cast<uint64_t>(id.value_or(0))));
      if (!created) return Status::Internal("the new user is missing");
      u = *created;
      if (!n.password) SHUGO_RETURN_IF_ERROR(m.MailTemporaryPassword(u, password, false));
      return m.Record(u.id, u.org, "created", u.role, {"login_id", "name", "email", "role"}, n.by,
                      n.by_org);
    });
    if (t.ok()) return u;
    if (t.code() != StatusCode::kAlreadyExists || t.field() == "organisation" || attempt == 3) {
      return t;
    }
    SHUGO_RETURN_IF_ERROR(
        m.db.Exec("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'users'; "
                  "INSERT INTO sqlite_sequence (name, seq) SELECT 'users', 1 WHERE NOT EXISTS "
                  "(SELECT 1 FROM sqlite_sequence WHERE name = 'users')"));
  }
}

std::string AccountStore::EmailDigest(std::string_view email) const {
  std::string lower(email);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256(out.data(), reinterpret_cast<const unsigned char*>(lower.data()),
                         lower.size(), impl_->email_key.data());
  return HexOf(out);
}

uint64_t AccountStore::password_verifications() const {
  return impl_->verifications.load(std::memory_order_relaxed);
}

Status AccountStore::health() {
  std::lock_guard lock(impl_->mu);
  return impl_->db.Exec("SELECT count(*) FROM users WHERE id = 0");
}

Result<std::optional<User>> AccountStore::FindUser(uint64_t id) {
  std::lock_guard lock(impl_->mu);
  return impl_->ById(id);
}

Result<std::optional<User>> AccountStore::FindByLogin(std::string_view login_id) {
  std::lock_guard lock(impl_->mu);
  return impl_->Find("login_id = ?1", [&](Statement& st) { st.Bind(1, login_id); });
}

Result<std::vector<User>> AccountStore::UsersOf(core::OrgId org) {
  std::lock_guard lock(impl_->mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         impl_->db.Prepare("SELECT " + std::string(kUserColumns) +
                                           " FROM users WHERE org = ?1 ORDER BY login_id"));
  st.Bind(1, static_cast<int64_t>(org));
  std::vector<User> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadUser(st));
  }
  return out;
}

Result<LoginResult> AccountStore::CheckLogin(std::string_view login_id, std::string_view password,
                                             std::string_view device, std::string_view address) {
  Impl& m = *impl_;
  const std::string login = LoginDigest(login_id);
  std::string hash;
  std::optional<User> user;
  std::optional<std::pair<std::string, int64_t>> pending;
  int64_t delay = 0;
  {
    std::lock_guard lock(m.mu);
    const auto by_login = [&](Statement& st) { st.Bind(1, login_id); };
    SHUGO_ASSIGN_OR_RETURN(user, m.Find("login_id = ?1", by_login));
    if (user) {
      SHUGO_ASSIGN_OR_RETURN(hash, m.PasswordHash(user->id));
      SHUGO_ASSIGN_OR_RETURN(pending, m.PendingReset(user->id));
    }
    // A login id under attack: a browser that is not a trusted device of the user waits first
    // (the owner's own browser does not), whatever the password, so that the wait tells nothing.
    SHUGO_ASSIGN_OR_RETURN(delay, m.SlowdownOf(login));
    SHUGO_ASSIGN_OR_RETURN(const bool trusted, m.Trusted(user ? user->id : 0, device));
    if (trusted) delay = 0;
  }
  LoginResult r;
  if (delay > 0) {
    // On this worker thread, but never on more than max_delayed_logins at once: the others are
    // answered as locked, unchecked, so that an attack cannot hold every worker.
    if (m.delayed.fetch_add(1) >= m.options.max_delayed_logins) {
      m.delayed.fetch_sub(1);
      r.kind = LoginResult::Kind::kLocked;
      r.retry_after_us = m.options.max_delay_us;
      return r;
    }
    if (m.options.sleep) {
      m.options.sleep(delay);
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(delay));
    }
    m.delayed.fetch_sub(1);
    r.delayed_us = delay;
  }
  // Hashing runs outside the lock (tens of milliseconds by design); what it decides is applied
  // under the lock to the rows as they are then, so concurrent tries count one by one. Every try
  // runs two verifications: the password, and a pending F-9-2 temporary password (both stay
  // valid until the temporary one is used or expires) or the dummy hash when none is pending, so
  // that the time taken tells neither whether a reset is pending nor whether the id exists.
  const bool match = m.Verify(user ? hash : m.dummy_hash, password) && user.has_value();
  const bool second = m.Verify(pending ? pending->first : m.dummy_hash, password);
  const bool temporary_match = !match && pending && second;
  std::lock_guard lock(m.mu);
  std::optional<User> fresh;
  if (user) {
    SHUGO_ASSIGN_OR_RETURN(fresh, m.ById(user->id));
  }
  const int64_t now = m.Now();
  if (fresh && fresh->locked_until && *fresh->locked_until > now) {
    r.kind = LoginResult::Kind::kLocked;
    r.retry_after_us = *fresh->locked_until - now;
    return r;
  }
  // This address is locked out of this login id: even the right password waits.
  SHUGO_ASSIGN_OR_RETURN(const int64_t held, m.AddressLock(login, address));
  if (held > 0) {
    r.kind = LoginResult::Kind::kLocked;
    r.retry_after_us = held;
    return r;
  }
  if (!fresh) {
    // An unknown login id: the same writes and the same lock as a real one's wrong password.
    SHUGO_ASSIGN_OR_RETURN(const int64_t wait, m.WrongPassword(login, address));
    if (wait > 0) {
      r.kind = LoginResult::Kind::kLocked;
      r.retry_after_us = wait;
    }
    return r;
  }
  SHUGO_ASSIGN_OR_RETURN(auto temporary_until, m.TemporaryUntil(fresh->id));
  const bool expired =
      (match && fresh->must_change_password && temporary_until && *temporary_until < now) ||
      (temporary_match && pending->second < now);
  if ((!match && !temporary_match) || expired) {
    SHUGO_ASSIGN_OR_RETURN(const int64_t wait, m.WrongPassword(login, address));
    if (wait > 0) {
      r.kind = LoginResult::Kind::kLocked;
      r.retry_after_us = wait;
    }
    return r;
  }
  if (fresh->suspended) {
    r.kind = LoginResult::Kind::kSuspended;
    return r;
  }
  const bool was_locked = fresh->locked_until.has_value();
  // This address's wrong passwords on this login id are forgotten now. The count of wrong codes
  // starts again once signing in is complete: now, unless a mailed code is still to come on this
  // browser (wrong codes add up across sign-ins until one is right).
  SHUGO_ASSIGN_OR_RETURN(const bool trusted, m.Trusted(fresh->id, device, true));
  const bool code_due = !trusted;
  if (Status t = m.InTransaction([&]() -> Status {
        if (temporary_match) {
          // The mailed temporary password replaces the old one now; it must be changed at once.
          SHUGO_ASSIGN_OR_RETURN(
              Statement up, m.db.Prepare("UPDATE users SET password_hash = ?2, must_change = 1, "
                                         "temporary_until = ?3, updated_at = ?4 WHERE id = ?1"));
          SHUGO_RETURN_IF_ERROR(up.Bind(1, static_cast<int64_t>(fresh->id))
                                    .Bind(2, pending->first)
                                    .Bind(3, pending->second)
                                    .Bind(4, now)
                                    .Run());
          SHUGO_RETURN_IF_ERROR(m.DropPendingReset(fresh->id));
          SHUGO_RETURN_IF_ERROR(m.DropSessionsOf(fresh->id));
          SHUGO_RETURN_IF_ERROR(
              m.Record(fresh->id, fresh->org, "password_reset", fresh->role, {"password"}));
        }
        SHUGO_RETURN_IF_ERROR(m.DropFailures(login, address));
        SHUGO_ASSIGN_OR_RETURN(
            Statement st,
            m.db.Prepare("UPDATE users SET failed_logins = CASE WHEN ?2 THEN failed_logins "
                         "ELSE 0 END, locked_until = NULL WHERE id = ?1"));
        SHUGO_RETURN_IF_ERROR(
            st.Bind(1, static_cast<int64_t>(fresh->id)).Bind(2, int64_t{code_due}).Run());
        if (was_locked) return m.Record(fresh->id, fresh->org, "unlocked", fresh->role, {});
        return Status::Ok();
      });
      !t.ok()) {
    return t;
  }
  if (temporary_match) fresh->must_change_password = true;
  if (!code_due) fresh->failed_logins = 0;
  fresh->locked_until.reset();
  r.kind = LoginResult::Kind::kOk;
  r.user = std::move(fresh);
  return r;
}

Result<bool> AccountStore::TrustedDevice(uint64_t user, std::string_view device) {
  std::lock_guard lock(impl_->mu);
  return impl_->Trusted(user, device);
}

Stage AccountStore::FirstStage(const User& user, bool insured_institution,
                               bool trusted_device) const {
  if (user.must_change_password) return Stage::kPasswordChange;
  if (!trusted_device) return Stage::kSecondFactor;
  if (insured_institution && !user.institution_code_confirmed) return Stage::kInstitutionCode;
  return Stage::kReady;
}

Result<std::pair<std::string, Session>> AccountStore::OpenSession(const User& user, Stage stage) {
  Impl& m = *impl_;
  Session s;
  s.user = user.id;
  s.org = user.org;
  s.role = user.role;
  s.stage = stage;
  s.csrf = RandomToken();
  s.created_at = s.last_seen = m.Now();
  std::string token = RandomToken();
  const std::string digest = Digest(token);
  std::lock_guard lock(m.mu);
  SHUGO_RETURN_IF_ERROR(m.PersistSession(digest, s));
  std::lock_guard slock(m.smu);
  m.sessions[digest] = s;
  m.persisted_seen[digest] = s.last_seen;
  return std::make_pair(std::move(token), s);
}

std::optional<Session> AccountStore::FindSession(std::string_view token) {
  Impl& m = *impl_;
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string digest = Digest(token);
  const int64_t now = m.Now();
  const auto expired = [&](const Session& s) {
    return now - s.last_seen > m.options.session_idle_us ||
           now - s.created_at > m.options.session_absolute_us;
  };
  std::lock_guard slock(m.smu);
  // Now and then, sessions nobody came back for leave memory (the file is purged at start).
  if (++m.finds % 4096 == 0) {
    std::erase_if(m.sessions, [&](const auto& e) { return expired(e.second); });
    std::erase_if(m.persisted_seen, [&](const auto& e) { return !m.sessions.contains(e.first); });
  }
  auto it = m.sessions.find(digest);
  if (it == m.sessions.end()) return std::nullopt;
  Session& s = it->second;
  if (expired(s)) {
    m.sessions.erase(it);
    m.persisted_seen.erase(digest);
    return std::nullopt;
  }
  s.last_seen = now;
  // The file learns of activity at most once a minute, and only when the file is free (a
  // restart may cut a session's idle time by that much, never lengthen it).
  if (now - m.persisted_seen[digest] > kLastSeenPersistUs) {
    std::unique_lock dblock(m.mu, std::try_to_lock);
    if (dblock.owns_lock() && m.PersistSession(digest, s).ok()) m.persisted_seen[digest] = now;
  }
  return s;
}

Status AccountStore::CloseSession(std::string_view token) {
  Impl& m = *impl_;
  const std::string digest = Digest(token);
  std::lock_guard lock(m.mu);
  {
    std::lock_guard slock(m.smu);
    m.sessions.erase(digest);
    m.persisted_seen.erase(digest);
  }
  SHUGO_ASSIGN_OR_RETURN(Statement st, m.db.Prepare("DELETE FROM sessions WHERE token_hash = ?1"));
  return st.Bind(1, digest).Run();
}

Status AccountStore::SendSecondFactor(const User& user) {
  Impl& m = *impl_;
  char code[8];
  std::snprintf(code, sizeof code, "%06u", randombytes_uniform(1'000'000));
  std::lock_guard lock(m.mu);
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("INSERT OR REPLACE INTO second_factors (user, code_hash, "
                                        "expires, attempts) VALUES (?1, ?2, ?3, 0)"));
    SHUGO_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(user.id))
                              .Bind(2, Digest(code, std::to_string(user.id)))
                              .Bind(3, m.Now() + kCodeLifetimeUs)
                              .Run());
    return m.SendMail(
        user.email, "second_factor", "【予防接種集合契約】ログイン認証コード",
        user.name + " 様\n\nログイン認証コード: " + code +
            "\n\nこのコードの有効期限は10分です。ログイン画面に入力してください。\n"
            "心当たりがない場合は、このメールを破棄し、ヘルプデスクへご連絡ください。\n");
  });
}

Result<std::string> AccountStore::VerifySecondFactor(uint64_t user, std::string_view code,
                                                     std::string_view user_agent) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      m.db.Prepare("SELECT code_hash, expires, attempts FROM second_factors WHERE user = ?1"));
  st.Bind(1, static_cast<int64_t>(user));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::InvalidArgument("code",
                                   "認証コードが発行されていません。再度ログインしてください");
  }
  const std::string hash(st.Text(0));
  const int64_t expires = st.Int(1);
  const int64_t attempts = st.Int(2);
  st.Reset();
  if (expires < m.Now() || attempts >= kCodeAttempts) {
    SHUGO_ASSIGN_OR_RETURN(Statement del,
                           m.db.Prepare("DELETE FROM second_factors WHERE user = ?1"));
    SHUGO_RETURN_IF_ERROR(del.Bind(1, static_cast<int64_t>(user)).Run());
    return Status::InvalidArgument(
        "code", "認証コードの有効期限が切れたか、誤りが続きました。再度ログインしてください");
  }
  if (Digest(code, std::to_string(user)) != hash) {
    SHUGO_ASSIGN_OR_RETURN(
        Statement up,
        m.db.Prepare("UPDATE second_factors SET attempts = attempts + 1 WHERE user = ?1"));
    SHUGO_RETURN_IF_ERROR(up.Bind(1, static_cast<int64_t>(user)).Run());
    // Wrong codes count toward the lockout like wrong passwords (a new login mails a new code).
    SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
    if (u) {
      SHUGO_ASSIGN_OR_RETURN(bool locked, m.CountFailure(*u));
      if (locked) {
        return Status(StatusCode::kResourceExhausted,
                      "誤りが続いたため、このアカウントを一時的にロックしました", "code");
      }
    }
    return Status::InvalidArgument("code", "認証コードが正しくありません");
  }
  // This browser is trusted for the period (a cookie; the file keeps the token's digest).
  const std::string device = RandomToken();
  const int64_t now = m.Now();
  Status t = m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement del,
                           m.db.Prepare("DELETE FROM second_factors WHERE user = ?1"));
    SHUGO_RETURN_IF_ERROR(del.Bind(1, static_cast<int64_t>(user)).Run());
    SHUGO_ASSIGN_OR_RETURN(
        Statement up,
        m.db.Prepare("UPDATE users SET second_factor_at = ?2, failed_logins = 0 WHERE id = ?1"));
    SHUGO_RETURN_IF_ERROR(up.Bind(1, static_cast<int64_t>(user)).Bind(2, now).Run());
    SHUGO_ASSIGN_OR_RETURN(
        Statement old,
        m.db.Prepare("DELETE FROM trusted_devices WHERE user = ?1 AND expires <= ?2"));
    SHUGO_RETURN_IF_ERROR(old.Bind(1, static_cast<int64_t>(user)).Bind(2, now).Run());
    SHUGO_ASSIGN_OR_RETURN(
        Statement ins,
        m.db.Prepare("INSERT INTO trusted_devices (token_hash, user, expires, created_at, id, "
                     "user_agent) VALUES (?1, ?2, ?3, ?4, lower(hex(randomblob(8))), ?5)"));
    return ins.Bind(1, Digest(device, "device"))
        .Bind(2, static_cast<int64_t>(user))
        .Bind(3, now + m.options.second_factor_every_us)
        .Bind(4, now)
        .Bind(5, DeviceSummary(user_agent))
        .Run();
  });
  if (!t.ok()) return t;
  return device;
}

Result<std::vector<TrustedDeviceInfo>> AccountStore::TrustedDevicesOf(uint64_t user,
                                                                      std::string_view device) {
  Impl& m = *impl_;
  const std::string current =
      device.empty() || device.size() > 128 ? std::string() : Digest(device, "device");
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      m.db.Prepare("SELECT id, created_at, coalesce(last_used, 0), expires, user_agent, "
                   "token_hash = ?3 FROM trusted_devices WHERE user = ?1 AND expires > ?2 "
                   "ORDER BY created_at DESC, id"));
  st.Bind(1, static_cast<int64_t>(user)).Bind(2, m.Now()).Bind(3, current);
  std::vector<TrustedDeviceInfo> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(TrustedDeviceInfo{std::string(st.Text(0)), st.Int(1), st.Int(2), st.Int(3),
                                    std::string(st.Text(4)), st.Int(5) != 0});
  }
  return out;
}

Result<bool> AccountStore::RevokeDevice(uint64_t user, std::string_view id,
                                        std::string_view device) {
  Impl& m = *impl_;
  const std::string current =
      device.empty() || device.size() > 128 ? std::string() : Digest(device, "device");
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         m.db.Prepare("SELECT token_hash FROM trusted_devices WHERE id = ?1 AND "
                                      "user = ?2 AND expires > ?3"));
  st.Bind(1, id).Bind(2, static_cast<int64_t>(user)).Bind(3, m.Now());
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  // Another user's device is not there for this user.
  if (!row) return Status(StatusCode::kNotFound, "この信頼済みの端末は見つかりません", "id");
  const std::string token_hash(st.Text(0));
  st.Reset();
  SHUGO_ASSIGN_OR_RETURN(Statement del,
                         m.db.Prepare("DELETE FROM trusted_devices WHERE token_hash = ?1"));
  SHUGO_RETURN_IF_ERROR(del.Bind(1, token_hash).Run());
  return token_hash == current;
}

Status AccountStore::MarkInstitutionConfirmed(uint64_t user) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         m.db.Prepare("UPDATE users SET institution_confirmed = 1 WHERE id = ?1"));
  return st.Bind(1, static_cast<int64_t>(user)).Run();
}

Status AccountStore::ChangePassword(uint64_t user, std::string_view current,
                                    std::string_view next) {
  Impl& m = *impl_;
  std::string hash;
  std::optional<User> u;
  {
    std::lock_guard lock(m.mu);
    SHUGO_ASSIGN_OR_RETURN(u, m.ById(user));
    if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("SELECT password_hash FROM users WHERE id = ?1"));
    st.Bind(1, static_cast<int64_t>(user));
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) hash = std::string(st.Text(0));
  }
  if (crypto_pwhash_str_verify(hash.c_str(), current.data(), current.size()) != 0) {
    return Status::InvalidArgument("current", "現在のパスワードが正しくありません");
  }
  SHUGO_RETURN_IF_ERROR(CheckPassword(next, u->login_id, "new"));
  if (next == current) {
    return Status::InvalidArgument("new", "新しいパスワードは現在のものと異なるものにしてください");
  }
  SHUGO_ASSIGN_OR_RETURN(std::string fresh, m.Hash(next));
  std::lock_guard lock(m.mu);
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("UPDATE users SET password_hash = ?2, must_change = 0, "
                                        "temporary_until = NULL, updated_at = ?3 WHERE id = ?1"));
    SHUGO_RETURN_IF_ERROR(
        st.Bind(1, static_cast<int64_t>(user)).Bind(2, fresh).Bind(3, m.Now()).Run());
    SHUGO_RETURN_IF_ERROR(m.DropSessionsOf(u->id));  // the caller opens a new one
    SHUGO_RETURN_IF_ERROR(m.DropPendingReset(u->id));
    return m.Record(u->id, u->org, "changed", u->role, {"password"}, u->id);
  });
}

Status AccountStore::VerifyPassword(uint64_t user, std::string_view password) {
  Impl& m = *impl_;
  std::string hash;
  {
    std::lock_guard lock(m.mu);
    SHUGO_ASSIGN_OR_RETURN(hash, m.PasswordHash(user));
  }
  if (!hash.empty() &&
      crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0) {
    return Status::Ok();
  }
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (u) SHUGO_RETURN_IF_ERROR(m.CountFailure(*u).status());
  return Status::InvalidArgument("password", "パスワードが正しくありません");
}

Result<bool> AccountStore::ForgotPassword(std::string_view login_id, std::string_view email) {
  Impl& m = *impl_;
  const std::string password = TemporaryPassword();
  SHUGO_ASSIGN_OR_RETURN(std::string hash, m.Hash(password));
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u,
                         m.Find("login_id = ?1", [&](Statement& st) { st.Bind(1, login_id); }));
  if (!u || u->email != email || u->suspended) return false;
  // The password stays as it is: anyone who knows a login id and its address could ask. The
  // temporary one waits beside it until it is used (CheckLogin) or expires; a later request
  // replaces it.
  if (Status t = m.InTransaction([&]() -> Status {
        const int64_t now = m.Now();
        SHUGO_ASSIGN_OR_RETURN(
            Statement st,
            m.db.Prepare("INSERT OR REPLACE INTO password_resets (user, password_hash, expires, "
                         "created_at) VALUES (?1, ?2, ?3, ?4)"));
        SHUGO_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(u->id))
                                  .Bind(2, hash)
                                  .Bind(3, now + m.options.temporary_password_us)
                                  .Bind(4, now)
                                  .Run());
        return m.MailTemporaryPassword(*u, password, true);
      });
      !t.ok()) {
    return t;
  }
  return true;
}

Result<bool> AccountStore::ForgotLoginId(std::string_view email, std::string_view phone) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         m.db.Prepare("SELECT login_id, name FROM users WHERE email = ?1 AND "
                                      "replace(phone, '-', '') = replace(?2, '-', '') AND "
                                      "phone <> '' AND suspended = 0 ORDER BY id"));
  st.Bind(1, email).Bind(2, phone);
  std::string ids, name;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids += "  " + std::string(st.Text(0)) + "\n";
    name = std::string(st.Text(1));
  }
  st.Reset();
  if (ids.empty()) return false;
  SHUGO_RETURN_IF_ERROR(m.SendMail(email, "login_id", "【予防接種集合契約】ログインIDのお知らせ",
                                   name + " 様\n\nご登録のログインIDは次のとおりです。\n\n" + ids +
                                       "\n心当たりがない場合は、ヘルプデスクへご連絡ください。\n"));
  return true;
}

Status AccountStore::ResetPassword(uint64_t user, uint64_t by) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
  return m.InTransaction([&]() -> Status {
    SHUGO_RETURN_IF_ERROR(m.IssueTemporaryPassword(*u, true));
    return m.Record(u->id, u->org, "password_reset", u->role, {"password"}, by);
  });
}

Status AccountStore::SetSuspended(uint64_t user, bool suspended, uint64_t by) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
  if (u->suspended == suspended) {
    return Status(
        StatusCode::kFailedPrecondition,
        suspended ? "この利用者はすでに停止されています" : "この利用者は停止されていません",
        "user");
  }
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(
        Statement st,
        m.db.Prepare("UPDATE users SET suspended = ?2, updated_at = ?3 WHERE id = ?1"));
    SHUGO_RETURN_IF_ERROR(
        st.Bind(1, static_cast<int64_t>(user)).Bind(2, int64_t{suspended}).Bind(3, m.Now()).Run());
    if (suspended) SHUGO_RETURN_IF_ERROR(m.DropSessionsOf(user));
    return m.Record(u->id, u->org, suspended ? "suspended" : "resumed", u->role, {}, by);
  });
}

Status AccountStore::UpdateProfile(uint64_t user, const std::optional<std::string>& name,
                                   const std::optional<std::string>& kana,
                                   const std::optional<std::string>& phone) {
  if (name && (name->empty() || name->size() > 200 || !IsValidUtf8(*name))) {
    return Status::InvalidArgument("name", "担当者名を200バイト以内で入力してください");
  }
  if (kana && (kana->size() > 200 || !IsValidUtf8(*kana))) {
    return Status::InvalidArgument("kana", "担当者名（カナ）が長すぎます");
  }
  if (phone && !phone->empty() && !ValidPhone(*phone)) {
    return Status::InvalidArgument("phone",
                                   "電話番号は数字10〜11桁（ハイフン可）で入力してください");
  }
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
  std::vector<std::string> fields;
  if (name && *name != u->name) fields.emplace_back("name");
  if (kana && *kana != u->kana) fields.emplace_back("kana");
  if (phone && *phone != u->phone) fields.emplace_back("phone");
  if (fields.empty()) return Status::Ok();
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("UPDATE users SET name = ?2, kana = ?3, phone = ?4, "
                                        "updated_at = ?5 WHERE id = ?1"));
    SHUGO_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(user))
                              .Bind(2, name.value_or(u->name))
                              .Bind(3, kana.value_or(u->kana))
                              .Bind(4, phone.value_or(u->phone))
                              .Bind(5, m.Now())
                              .Run());
    return m.Record(u->id, u->org, "changed", u->role, fields, u->id);
  });
}

Status AccountStore::RequestEmailChange(uint64_t user, std::string_view email,
                                        std::string_view link_base) {
  if (!ValidEmail(email)) {
    return Status::InvalidArgument("email", "メールアドレスの形式が正しくありません");
  }
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
  if (u->email == email) {
    return Status::InvalidArgument("email", "現在と同じメールアドレスです");
  }
  const std::string token = RandomToken();
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("INSERT INTO email_changes (token_hash, user, email, "
                                        "expires) VALUES (?1, ?2, ?3, ?4)"));
    SHUGO_RETURN_IF_ERROR(st.Bind(1, Digest(token))
                              .Bind(2, static_cast<int64_t>(user))
                              .Bind(3, email)
                              .Bind(4, m.Now() + kEmailLinkLifetimeUs)
                              .Run());
    return m.SendMail(email, "email_change", "【予防接種集合契約】メールアドレス変更の確認",
                      u->name +
                          " 様\n\nメールアドレスの変更を受け付けました。次のリンクを開くと変更が"
                          "確定します（24時間有効）。\n\n" +
                          std::string(link_base) + token +
                          "\n\n心当たりがない場合は、このメールを破棄してください。\n");
  });
}

Result<uint64_t> AccountStore::ConfirmEmail(std::string_view token) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      m.db.Prepare("SELECT user, email, expires FROM email_changes WHERE token_hash = ?1"));
  st.Bind(1, Digest(token));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.Int(2) < m.Now()) {
    return Status::InvalidArgument("token", "確認リンクが無効か、有効期限が切れています");
  }
  const auto user = static_cast<uint64_t>(st.Int(0));
  const std::string email(st.Text(1));
  st.Reset();
  SHUGO_ASSIGN_OR_RETURN(auto u, m.ById(user));
  if (!u) return Status(StatusCode::kNotFound, "利用者が見つかりません");
  if (Status t = m.InTransaction([&]() -> Status {
        SHUGO_ASSIGN_OR_RETURN(
            Statement up,
            m.db.Prepare("UPDATE users SET email = ?2, updated_at = ?3 WHERE id = ?1"));
        SHUGO_RETURN_IF_ERROR(
            up.Bind(1, static_cast<int64_t>(user)).Bind(2, email).Bind(3, m.Now()).Run());
        SHUGO_ASSIGN_OR_RETURN(Statement del,
                               m.db.Prepare("DELETE FROM email_changes WHERE user = ?1"));
        SHUGO_RETURN_IF_ERROR(del.Bind(1, static_cast<int64_t>(user)).Run());
        return m.Record(u->id, u->org, "changed", u->role, {"email"}, u->id);
      });
      !t.ok()) {
    return t;
  }
  return user;
}

Result<std::optional<std::string>> AccountStore::IssueInputLink(uint64_t registration,
                                                                JapanDate expires) {
  Impl& m = *impl_;
  const std::string token = RandomToken();
  bool used = false;
  std::lock_guard lock(m.mu);
  Status t = m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(
        Statement seen,
        m.db.Prepare("SELECT 1 FROM input_links WHERE registration = ?1 AND used_by IS NOT NULL"));
    seen.Bind(1, static_cast<int64_t>(registration));
    SHUGO_ASSIGN_OR_RETURN(used, seen.Step());
    seen.Reset();
    if (used) return Status::Ok();
    SHUGO_ASSIGN_OR_RETURN(Statement drop,
                           m.db.Prepare("DELETE FROM input_links WHERE registration = ?1"));
    SHUGO_RETURN_IF_ERROR(drop.Bind(1, static_cast<int64_t>(registration)).Run());
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("INSERT INTO input_links (token_hash, registration, "
                                        "expires, issued_at) VALUES (?1, ?2, ?3, ?4)"));
    return st.Bind(1, Digest(token, "input-link"))
        .Bind(2, static_cast<int64_t>(registration))
        .Bind(3, expires)
        .Bind(4, m.Now())
        .Run();
  });
  if (!t.ok()) return t;
  if (used) return std::optional<std::string>();
  return std::optional<std::string>(token);
}

Result<std::optional<InputLink>> AccountStore::FindInputLink(std::string_view token) {
  Impl& m = *impl_;
  if (token.empty() || token.size() > 128) return std::optional<InputLink>();
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         m.db.Prepare("SELECT registration, expires, used_by FROM input_links "
                                      "WHERE token_hash = ?1"));
  st.Bind(1, Digest(token, "input-link"));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<InputLink>();
  InputLink link;
  link.registration = static_cast<uint64_t>(st.Int(0));
  SHUGO_ASSIGN_OR_RETURN(link.expires, JapanDate::Parse(st.Text(1), "expires"));
  if (!st.IsNull(2)) link.used_by = std::string(st.Text(2));
  return std::optional<InputLink>(std::move(link));
}

Status AccountStore::UseInputLink(std::string_view token, const InputLinkContact& contact,
                                  std::string_view command_id,
                                  const std::function<Status()>& submit) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  return m.InTransaction([&]() -> Status {
    SHUGO_ASSIGN_OR_RETURN(Statement st,
                           m.db.Prepare("UPDATE input_links SET used_by = ?2, used_at = ?3 WHERE "
                                        "token_hash = ?1 AND used_by IS NULL"));
    SHUGO_RETURN_IF_ERROR(
        st.Bind(1, Digest(token, "input-link")).Bind(2, command_id).Bind(3, m.Now()).Run());
    SHUGO_ASSIGN_OR_RETURN(auto changed, m.db.QueryInt("SELECT changes()"));
    if (changed.value_or(0) != 1) {
      return Status(StatusCode::kFailedPrecondition, "この入力リンクはすでに使われています",
                    "token");
    }
    SHUGO_ASSIGN_OR_RETURN(Statement entry,
                           m.db.Prepare("INSERT OR REPLACE INTO input_link_entries (registration, "
                                        "name, email, phone, submitted_at) VALUES (?1, ?2, ?3, "
                                        "?4, ?5)"));
    SHUGO_RETURN_IF_ERROR(entry.Bind(1, static_cast<int64_t>(contact.registration))
                              .Bind(2, contact.name)
                              .Bind(3, contact.email)
                              .Bind(4, contact.phone)
                              .Bind(5, m.Now())
                              .Run());
    return submit();
  });
}

Result<std::optional<InputLinkContact>> AccountStore::InputLinkContactOf(uint64_t registration) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  SHUGO_ASSIGN_OR_RETURN(Statement st, m.db.Prepare("SELECT name, email, phone, submitted_at FROM "
                                                    "input_link_entries WHERE registration = ?1"));
  st.Bind(1, static_cast<int64_t>(registration));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<InputLinkContact>();
  return std::optional<InputLinkContact>(InputLinkContact{registration, std::string(st.Text(0)),
                                                          std::string(st.Text(1)),
                                                          std::string(st.Text(2)), st.Int(3)});
}

int64_t AccountStore::trusted_device_us() const { return impl_->options.second_factor_every_us; }

Result<std::vector<Mail>> AccountStore::Outbox(size_t limit) {
  std::lock_guard lock(impl_->mu);
  SHUGO_ASSIGN_OR_RETURN(
      Statement st, impl_->db.Prepare("SELECT id, recipient, subject, body, purpose, "
                                      "created_at FROM mail_outbox ORDER BY id DESC LIMIT ?1"));
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<Mail> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(Mail{static_cast<uint64_t>(st.Int(0)), std::string(st.Text(1)),
                       std::string(st.Text(2)), std::string(st.Text(3)), std::string(st.Text(4)),
                       st.Int(5)});
  }
  return out;
}

}  // namespace shugo::accounts
