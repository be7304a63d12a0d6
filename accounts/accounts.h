// The account store (domain.md §5, F-9, seed 003; docs/accounts.md): users, their password hashes
// (argon2id), sessions, e-mailed second-factor codes, mail-address confirmations and the mail
// outbox, in their own SQLite file beside the log. Invariant 11: none of it enters the event log;
// the log records only that a user was created, changed or locked (core::RecordUser), by user id.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/japan_date.h"
#include "base/status.h"
#include "core/domain_events.h"
#include "core/processor.h"

namespace shugo::accounts {

enum class Role { kAdmin, kUser };
std::string_view CodeName(Role role);

// What a signed-in session still has to do before it may use the system (F-9-1).
enum class Stage {
  kPasswordChange,   // first login or a reset: change the temporary password
  kSecondFactor,     // enter the code mailed now (first login, then every few months)
  kInstitutionCode,  // an insured institution's first login: confirm its 医療機関コード
  kReady,
};
std::string_view CodeName(Stage stage);

struct User {
  uint64_t id = 0;
  std::string login_id;
  core::OrgId org = 0;
  Role role = Role::kUser;
  std::string name, kana, email, phone;
  bool must_change_password = true;
  bool institution_code_confirmed = false;
  bool suspended = false;
  std::optional<int64_t> second_factor_at;  // µs of the last code entered
  std::optional<int64_t> locked_until;      // µs; too many wrong codes inside a session
  int failed_logins = 0;                    // wrong codes (and current passwords) in a session
  int64_t created_at = 0;
};

struct Session {
  uint64_t user = 0;
  core::OrgId org = 0;
  Role role = Role::kUser;
  Stage stage = Stage::kReady;
  std::string csrf;  // sent back in X-CSRF-Token on every state-changing request
  int64_t created_at = 0, last_seen = 0;
};

// A mail as the outbox keeps it (and as an .eml file in demo/test mode).
struct Mail {
  uint64_t id = 0;
  std::string to, subject, body, purpose;
  int64_t created_at = 0;
};

// An F-1-5 input link as the account store keeps it (the token itself is not kept).
struct InputLink {
  uint64_t registration = 0;
  JapanDate expires;    // the last business day it may be used
  std::string used_by;  // the command that used it; empty while unused
};

// A browser that passed the second factor (GET /api/me/devices): never its token.
struct TrustedDeviceInfo {
  std::string id;  // 64 random bits as hex: names the device to revoke it
  int64_t created_at = 0, last_used = 0, expires = 0;  // µs; last_used 0: not used to sign in yet
  std::string
      user_agent;  // a summary of the browser's User-Agent when it passed ("Chrome / Windows")
  bool current = false;  // the browser asking
};

// What an F-1-5 entry gave to be reached by (invariant 11: not in the log, which keeps only the
// address's digest).
struct InputLinkContact {
  uint64_t registration = 0;
  std::string name;  // the institution's name as entered
  std::string email, phone;
  int64_t submitted_at = 0;
};

struct AccountOptions {
  std::filesystem::path file;      // accounts.sqlite
  std::filesystem::path mail_dir;  // demo/test mode: every mail also as <id>-<purpose>.eml here
  const Clock* clock = nullptr;    // real time: sessions, codes, lockouts
  int64_t session_idle_us = int64_t{30} * 60'000'000;
  int64_t session_absolute_us = int64_t{12} * 3'600'000'000;
  int64_t second_factor_every_us = int64_t{90} * 86'400'000'000;  // about 3 months
  int64_t temporary_password_us = int64_t{7} * 86'400'000'000;
  // Wrong passwords (docs/security.md "Sign-in throttling"): max_failed_logins from one client
  // address on one login id lock that address out of that login id for lockout_us (the owner
  // elsewhere still signs in); wrong second-factor codes and a wrong current password inside a
  // session lock the account itself for lockout_us.
  int max_failed_logins = 5;
  int64_t lockout_us = int64_t{15} * 60'000'000;
  // A login id under attack: past slowdown_failures wrong passwords from all addresses within
  // slowdown_window_us, every further try from a browser that is not a trusted device of the user
  // waits slowdown_step_us more per failure past it, at most max_delay_us, before it is checked;
  // at most max_delayed_logins such waits at once (the others answer 429 unchecked).
  int slowdown_failures = 20;
  int64_t slowdown_window_us = int64_t{15} * 60'000'000;
  int64_t slowdown_step_us = 250'000;
  int64_t max_delay_us = 3'000'000;
  int max_delayed_logins = 2;
  // How a wait is spent (tests: recorded); empty: the calling thread sleeps.
  std::function<void(int64_t)> sleep;
  // argon2id cost (libsodium crypto_pwhash): interactive by default; tests use the minimum.
  unsigned long long hash_ops = 0;  // 0: crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t hash_memory = 0;           // 0: crypto_pwhash_MEMLIMIT_INTERACTIVE
};

struct NewUser {
  std::string login_id;  // empty: <organisation code>-<nn>
  core::OrgId org = 0;
  std::string org_code;  // for login id generation
  Role role = Role::kUser;
  std::string name, kana, email, phone;
  // The demo's ready users: a known password, no change at first login.
  std::optional<std::string> password;
  bool first_admin = false;  // only while the organisation has no (active) admin
  uint64_t by = 0;           // the admin issuing it (0: the system)
  core::OrgId by_org = 0;    // the admin's organisation (the level above for a first admin)
};

// What the log must record about a change of a user (core::RecordUser); called inside the
// store's transaction, so a refusal there leaves the store unchanged.
struct UserFact {
  uint64_t user = 0;
  core::OrgId org = 0;
  std::string change;  // created, changed, locked, unlocked, suspended, resumed, password_reset
  Role role = Role::kUser;
  std::vector<std::string> fields;
  uint64_t by = 0;         // the user who did it (0: the user themself, or the system)
  core::OrgId by_org = 0;  // their organisation (0: the user's own)
};
using RecordFact = std::function<Status(const UserFact&)>;

// Records each fact as a core::RecordUser command (stream user-<id>), by the acting user or the
// system. `processor` must outlive the store.
RecordFact RecordInLog(core::Processor& processor);

// The outcome of a password check (POST /api/session).
struct LoginResult {
  enum class Kind { kOk, kWrong, kLocked, kSuspended } kind = Kind::kWrong;
  std::optional<User> user;
  int64_t retry_after_us = 0;  // kLocked
  int64_t delayed_us = 0;      // how long the try waited before its check (a login id under attack)
};

class AccountStore {
 public:
  static Result<std::unique_ptr<AccountStore>> Open(AccountOptions options, RecordFact record);
  ~AccountStore();
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  // Password rule (docs/accounts.md): 10–128 characters, three of upper case, lower case, digits
  // and symbols, not containing the login id. kInvalidArgument naming `field`, in Japanese.
  static Status CheckPassword(std::string_view password, std::string_view login_id,
                              std::string_view field);

  // Issues a user with a temporary password mailed to them (or the demo's known password).
  Result<User> CreateUser(const NewUser& user);
  Result<std::optional<User>> FindUser(uint64_t id);
  Result<std::optional<User>> FindByLogin(std::string_view login_id);
  Result<std::vector<User>> UsersOf(core::OrgId org);

  // Checks a password (or a pending F-9-2 temporary one, which then replaces it) from client
  // `address` (its block: AddressBlock). Failures count per login id and address: after
  // max_failed_logins that address is locked out of that login id (kLocked), and past
  // slowdown_failures from all addresses every untrusted try waits first (AccountOptions). A
  // login id that does not exist costs and writes the same. `device`: the browser's shugo_device
  // cookie (a trusted browser waits for no slowdown; its user's code failures are reset now,
  // others' once the mailed code is right).
  Result<LoginResult> CheckLogin(std::string_view login_id, std::string_view password,
                                 std::string_view device = {}, std::string_view address = {});
  // A new session for `user` at `stage`: its token (the cookie's value) and the session.
  Result<std::pair<std::string, Session>> OpenSession(const User& user, Stage stage);
  // The live session of a cookie's token (idle and absolute expiry), its last_seen moved on.
  std::optional<Session> FindSession(std::string_view token);
  Status CloseSession(std::string_view token);

  // Whether `device` (a shugo_device cookie's token) passed the second factor for `user` within
  // second_factor_every_us.
  Result<bool> TrustedDevice(uint64_t user, std::string_view device);
  // The stage a user with a checked password starts at: the second factor unless the browser is
  // a trusted device of the user.
  Stage FirstStage(const User& user, bool insured_institution, bool trusted_device) const;
  // Mails a fresh six-digit code (valid 10 minutes, 5 tries).
  Status SendSecondFactor(const User& user);
  // kInvalidArgument (field "code") for a wrong or expired code. Right: the token of a new trusted
  // device (the shugo_device cookie), valid second_factor_every_us for this user only;
  // `user_agent` (the request's header) is kept as a summary to tell the device by.
  Result<std::string> VerifySecondFactor(uint64_t user, std::string_view code,
                                         std::string_view user_agent = {});
  // The user's live trusted devices, newest first; `device` (the asking browser's shugo_device
  // cookie) marks the current one.
  Result<std::vector<TrustedDeviceInfo>> TrustedDevicesOf(uint64_t user, std::string_view device);
  // Ends trusted device `id` of `user`: its next sign-in asks the mailed code again. kNotFound
  // (field "id") when the user has no such live device. True when it was `device` (the asking
  // browser's cookie).
  Result<bool> RevokeDevice(uint64_t user, std::string_view id, std::string_view device);
  Status MarkInstitutionConfirmed(uint64_t user);
  // The user changes their password (current checked); kInvalidArgument naming the field.
  Status ChangePassword(uint64_t user, std::string_view current, std::string_view next);
  // The user's current password (a wrong one counts toward the lockout); kInvalidArgument
  // naming "password" when wrong.
  Status VerifyPassword(uint64_t user, std::string_view password);
  // F-9-2: login id + mail address → a temporary password by mail, valid beside the current one
  // until it is used (it then replaces it) or expires. False when they do not match (the caller
  // answers the same either way).
  Result<bool> ForgotPassword(std::string_view login_id, std::string_view email);
  // F-9-3: mail address + phone → the login ids to that address.
  Result<bool> ForgotLoginId(std::string_view email, std::string_view phone);
  // An admin resets a user's password: a temporary one by mail, sessions closed, lock lifted.
  Status ResetPassword(uint64_t user, uint64_t by);
  Status SetSuspended(uint64_t user, bool suspended, uint64_t by);
  // The user's own name, kana and phone.
  Status UpdateProfile(uint64_t user, const std::optional<std::string>& name,
                       const std::optional<std::string>& kana,
                       const std::optional<std::string>& phone);
  // A new mail address takes effect once the link mailed to it is opened (ConfirmEmail).
  Status RequestEmailChange(uint64_t user, std::string_view email, std::string_view link_base);
  Result<uint64_t> ConfirmEmail(std::string_view token);

  Result<std::vector<Mail>> Outbox(size_t limit);
  // How long a trusted device stays trusted (the shugo_device cookie's Max-Age).
  int64_t trusted_device_us() const;

  // ---- F-1-5 input links (seed F-1 "5：非保険医療機関情報", docs/accounts.md "Input links"): the
  // token is the only way in for an institution without an account; the file keeps its digest.

  // A fresh token for `registration`, usable until `expires` (the business date, inclusive). An
  // unused earlier token of the registration stops working (a retried issue answers a new link);
  // nullopt when the registration's link was already used.
  Result<std::optional<std::string>> IssueInputLink(uint64_t registration, JapanDate expires);
  // The link of a token, or nullopt for a token never issued (or replaced).
  Result<std::optional<InputLink>> FindInputLink(std::string_view token);
  // In one transaction: the token is marked used by `command_id`, the entry's contact is stored,
  // and `submit` runs (the core command); a refusal of `submit` rolls all of it back.
  // kFailedPrecondition (field "token") when the token was used meanwhile.
  Status UseInputLink(std::string_view token, const InputLinkContact& contact,
                      std::string_view command_id, const std::function<Status()>& submit);
  // The contact an entry gave (for the first user of the institution on approval).
  Result<std::optional<InputLinkContact>> InputLinkContactOf(uint64_t registration);

  // The digest the log keeps of an F-1-5 entry's mail address (invariant 11, the core's
  // SubmitNonInsuredRegistration::email_digest): HMAC-SHA-256 of the address in lower case under
  // this store's key (256 random bits made when the file was created, kept in the file, never in
  // the log), as 64 hex digits. Without the file the digest cannot be computed from an address.
  std::string EmailDigest(std::string_view email) const;

  // Whether the store's file answers a query (for /api/health).
  Status health();

  // How many argon2id verifications sign-ins have run so far (tests: every path of CheckLogin
  // costs the same number).
  uint64_t password_verifications() const;

 private:
  struct Impl;
  explicit AccountStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shugo::accounts
