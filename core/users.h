// User accounts in the log (invariant 11): the account store (login ids, password hashes, names,
// mail addresses, phones) lives outside the log; the log records only the fact that a user account
// was created, changed, locked …, naming the user by its opaque numeric id, its organisation and
// role, and which attributes changed by name. Stream "user-<id>". Who may create or change whom is
// the HTTP layer's check, not the processor's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/kinds.h"

namespace shugo::core {

class Draft;

// The roles a user can have.
inline constexpr std::string_view kUserRoleAdmin = "admin";
inline constexpr std::string_view kUserRoleUser = "user";

// The attribute names a UserRecorded event may name (never their values).
inline constexpr std::array<std::string_view, 7> kUserFields = {
    "name", "kana", "email", "phone", "role", "password", "login_id"};

// Records that user `user` (the account store's id, never 0) of the organisation with current code
// `org_code` was created, changed, locked … Actor: the system or a user (the HTTP layer
// authorises). Refusals (Japanese messages, nothing appended):
// - kInvalidArgument: `user` 0; `role` not "admin"/"user"; `fields` naming an attribute outside
//   kUserFields, twice, or none for `changed`; `role` different from the recorded one without
//   "role" among `fields`; `org_code` not the user's organisation (every change but `created`).
// - kAlreadyExists: `created` for a user already recorded.
// - kNotFound: `created` for an unknown organisation or a code that is not current (field
//   `org_code`); any other change of a user never created (field `user`).
// - kFailedPrecondition: `created` in an abolished organisation (field `org_code`).
// - kAborted: `expected_version` given and not the user stream's version.
struct RecordUser {
  uint64_t user = 0;
  std::string org_code;
  UserChange change = UserChange::kCreated;
  std::string role;                 // "admin" or "user"
  std::vector<std::string> fields;  // names from kUserFields
};

// ---- deciding (internal to core/: called by processor.cc)

Status DecideRecordUser(Draft& d, const RecordUser& r, std::optional<uint64_t> expected);

}  // namespace shugo::core
