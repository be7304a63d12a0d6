#include "core/users.h"

#include <algorithm>
#include <set>

#include "base/text.h"
#include "core/draft.h"

namespace shugo::core {

namespace {

std::string Label(uint64_t user) { return "ユーザー（ID " + std::to_string(user) + "）"; }

Status CheckRole(const std::string& role) {
  if (role == kUserRoleAdmin || role == kUserRoleUser) return Status::Ok();
  return Status::InvalidArgument(
      "role", "権限" + QuoteInput(role) + "はありません（指定できる値: admin, user）");
}

// Names only, each from kUserFields, each once; `changed` names at least one.
Status CheckFields(const RecordUser& r) {
  if (r.change == UserChange::kChanged && r.fields.empty()) {
    return Status::InvalidArgument("fields", "変更した項目を指定してください");
  }
  std::set<std::string_view> seen;
  for (const std::string& f : r.fields) {
    if (std::find(kUserFields.begin(), kUserFields.end(), f) == kUserFields.end()) {
      std::string accepted;
      for (std::string_view name : kUserFields) {
        accepted += (accepted.empty() ? "" : ", ") + std::string(name);
      }
      return Status::InvalidArgument(
          "fields", "変更項目" + QuoteInput(f) + "はありません（指定できる値: " + accepted + "）");
    }
    if (!seen.insert(f).second) {
      return Status::InvalidArgument("fields", "変更項目「" + f + "」が重複しています");
    }
  }
  return Status::Ok();
}

// The organisation a new user acts for: by its current code, not abolished.
Result<const Organisation*> OrgForNewUser(const State& s, const std::string& code) {
  const Organisation* o = s.FindOrgByCode(code);
  if (o == nullptr || o->code != code) {
    std::string message = "組織コード" + QuoteInput(code) + "の組織は登録されていません";
    if (o != nullptr) message += "（現在のコードは" + o->code + "です）";
    return Status(StatusCode::kNotFound, message, "org_code");
  }
  if (o->abolished) {
    return Status(StatusCode::kFailedPrecondition,
                  o->name + "は廃止済みのため、ユーザーを作成できません", "org_code");
  }
  return o;
}

}  // namespace

Status DecideRecordUser(Draft& d, const RecordUser& r, std::optional<uint64_t> expected) {
  if (r.user == 0) return Status::InvalidArgument("user", "ユーザーIDが指定されていません");
  SHUGO_RETURN_IF_ERROR(CheckRole(r.role));
  SHUGO_RETURN_IF_ERROR(CheckFields(r));
  const State& s = d.state();
  const User* user = s.FindUser(r.user);
  UserRecorded e;
  e.user = r.user;
  e.change = r.change;
  e.role = r.role;
  e.fields = r.fields;
  if (r.change == UserChange::kCreated) {
    SHUGO_ASSIGN_OR_RETURN(const Organisation* org, OrgForNewUser(s, r.org_code));
    if (user != nullptr) return Status::AlreadyExists(Label(r.user) + "は作成済みです");
    e.org = org->id;
  } else {
    if (user == nullptr) {
      return Status(StatusCode::kNotFound, Label(r.user) + "は作成されていません", "user");
    }
    const Organisation& org = d.Org(user->org);
    if (r.org_code != org.code) {
      return Status::InvalidArgument(
          "org_code", Label(r.user) + "は" + org.name + "（" + org.code + "）のユーザーです");
    }
    if (r.role != user->role &&
        std::find(r.fields.begin(), r.fields.end(), "role") == r.fields.end()) {
      return Status::InvalidArgument(
          "role", "権限を" + user->role + "から" + r.role +
                      "に変えるときは、変更項目（fields）に role を含めてください");
    }
    if (expected && *expected != user->version) {
      return Status::Aborted(Label(r.user) + "は他の操作で更新されています。画面を更新してください",
                             "user-" + std::to_string(r.user));
    }
    e.org = user->org;
  }
  return d.Emit(std::move(e), std::nullopt);
}

}  // namespace shugo::core
