#include "core/non_insured.h"

#include <algorithm>
#include <cctype>

#include "core/draft.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;
using RS = RegistrationStatus;

std::string Label(RegistrationId id) { return "非保険医療機関の登録" + std::to_string(id); }

}  // namespace

namespace {

// The institution's email address in lower case, or kInvalidArgument("email"). A plain check of
// the form (local@domain.tld, printable ASCII without spaces or quoting); whether it receives
// mail is seen when the account mail is sent.
Result<std::string> CheckEmail(const std::string& email) {
  if (email.empty()) return Status::InvalidArgument("email", "メールアドレスを入力してください");
  const auto bad = [] {
    return Status::InvalidArgument("email", "メールアドレスの形式が正しくありません");
  };
  if (email.size() > 254) return bad();
  const size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != std::string::npos) {
    return bad();
  }
  const std::string domain = email.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string::npos || domain.find("..") != std::string::npos) {
    return bad();
  }
  std::string lower;
  lower.reserve(email.size());
  for (char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("\"(),:;<>[\\]").find(c) != std::string::npos) {
      return bad();
    }
    lower.push_back(static_cast<char>(std::tolower(u)));
  }
  return lower;
}

// A Japanese phone number: 0 then 9 or 10 more digits, hyphens allowed between them.
Status CheckPhone(const std::string& phone) {
  if (phone.empty()) return Status::InvalidArgument("phone", "電話番号を入力してください");
  size_t digits = 0;
  bool ok = phone.front() == '0';
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-') {
      ok = false;
    }
  }
  if (!ok || digits < 10 || digits > 11 || phone.back() == '-' ||
      phone.find("--") != std::string::npos) {
    return Status::InvalidArgument(
        "phone", "電話番号は0から始まる10桁または11桁の数字で入力してください（ハイフン可）");
  }
  return Status::Ok();
}

// Why registration `r` is not in the status a command needs; `what` tells a returned one what to
// do next.
Status NotIn(const NonInsuredRegistration& r, const char* what) {
  switch (r.status) {
    case RS::kIssued:
      return Status::FailedPrecondition(Label(r.id) + "はまだ入力されていません");
    case RS::kSubmitted:
      return Status::FailedPrecondition(Label(r.id) + "は入力済みです（承認待ち）");
    case RS::kApproved:
      return Status::FailedPrecondition(Label(r.id) + "は承認済みです");
    case RS::kReturned:
      return Status::FailedPrecondition(Label(r.id) + "は差戻済みです。" + what);
  }
  return Status::Internal("登録の状態が不明です");
}

}  // namespace

std::string_view CodeName(RegistrationStatus status) {
  switch (status) {
    case RS::kIssued:
      return "issued";
    case RS::kSubmitted:
      return "submitted";
    case RS::kApproved:
      return "approved";
    case RS::kReturned:
      return "returned";
  }
  return "";
}

std::string_view JapaneseName(RegistrationStatus status) {
  switch (status) {
    case RS::kIssued:
      return "入力待ち";
    case RS::kSubmitted:
      return "承認待ち";
    case RS::kApproved:
      return "承認済";
    case RS::kReturned:
      return "差戻";
  }
  return "";
}

std::vector<RegistrationId> RegistrationsAwaitingApproval(const State& s, OrgId approver) {
  std::vector<RegistrationId> out;
  for (const NonInsuredRegistration& r : s.registrations()) {
    if (r.status == RS::kSubmitted && r.approver == approver) out.push_back(r.id);
  }
  return out;
}

Status DecideIssueNonInsuredLink(Draft& d, const IssueNonInsuredLink& r) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by == nullptr || (by->kind != K::kPrefecture && by->kind != K::kMunicipality) ||
      by->abolished) {
    return Status(StatusCode::kPermissionDenied,
                  "非保険医療機関の入力リンクは都道府県または市区町村が発行します（F-1-5）");
  }
  if (r.expires < d.today()) {
    return Status::InvalidArgument(
        "expires", "有効期限は本日（" + d.today().ToString() + "）以降の日付を入力してください");
  }
  const Organisation* pref = d.state().PrefectureOf(by->prefecture);
  if (pref == nullptr) return Status::FailedPrecondition("承認する都道府県が登録されていません");
  NonInsuredLinkIssued e;
  e.id = d.state().next_registration_id();
  e.issuer = by->id;
  e.approver = pref->id;
  e.expires = r.expires;
  d.created().push_back(e.id);
  return d.Emit(e, std::nullopt);
}

Status DecideSubmitNonInsuredRegistration(Draft& d, const SubmitNonInsuredRegistration& r) {
  if (!d.actor().system() || d.actor().user != kInputLinkUser) {
    return Status(StatusCode::kPermissionDenied, "非保険医療機関の情報は入力リンクから入力します");
  }
  const State& s = d.state();
  const NonInsuredRegistration* reg = s.FindRegistration(r.registration);
  if (reg == nullptr)
    return Status::NotFound("入力リンク（" + Label(r.registration) + "）は存在しません");
  // The entry's own fields first, then the link's state (docs/core.md "Order of checks").
  SHUGO_RETURN_IF_ERROR(CheckText(r.name, "name", "医療機関名", true));
  SHUGO_RETURN_IF_ERROR(CheckText(r.kana, "kana", "カナ名称", false));
  SHUGO_RETURN_IF_ERROR(CheckText(r.address, "address", "所在地", true));
  if (r.municipality_code.empty()) {
    return Status::InvalidArgument("municipality_code", "所在市区町村を入力してください");
  }
  SHUGO_ASSIGN_OR_RETURN(
      const Organisation* m,
      OrgOfKind(s, r.municipality_code, "municipality_code", {K::kMunicipality}, "市区町村"));
  const Organisation& approver = d.Org(reg->approver);
  if (m->prefecture != approver.prefecture) {
    return Status::InvalidArgument(
        "municipality_code", "所在市区町村は" + approver.name + "内の市区町村を入力してください");
  }
  SHUGO_RETURN_IF_ERROR(CheckText(r.site_kind, "site_kind", "施設の種別", true, 100));
  SHUGO_ASSIGN_OR_RETURN(std::string email, CheckEmail(r.email));
  // One address per institution (seed: アドレス重複チェック). Municipal addresses are not in the
  // state yet (organisations have no email field): only other entries are checked.
  if (r.email_digest.empty() || r.email_digest.size() > 128) {
    return Status::InvalidArgument(
        "email_digest", "メールアドレスの照合値がありません（入力リンクから送ってください）");
  }
  const std::string& digest = r.email_digest;
  // (The entry's own address is no other's: a second entry through a used link is refused for
  // the link below.)
  if (const NonInsuredRegistration* other = s.RegistrationByEmail(digest);
      other != nullptr && other->id != reg->id) {
    return Status::InvalidArgument(
        "email",
        "このメールアドレスは他の医療機関の登録に使われています。医療機関ごとにメールアドレスを用意"
        "してください");
  }
  SHUGO_RETURN_IF_ERROR(CheckPhone(r.phone));
  if (reg->status != RS::kIssued) {
    return NotIn(*reg, "発行元に新しい入力リンクの発行を依頼してください");
  }
  if (reg->expired_on(d.today())) {
    return Status::FailedPrecondition(
        "入力リンクの有効期限（" + reg->expires.ToString() +
        "）が過ぎています。発行元に新しい入力リンクの発行を依頼してください");
  }
  NonInsuredRegistrationSubmitted e;
  e.id = reg->id;
  e.name = r.name;
  e.kana = r.kana;
  e.address = r.address;
  e.municipality = m->id;
  e.site_kind = r.site_kind;
  // The address and the phone number go to the account store with the account issued on approval
  // (the accounts issue); the log keeps only the digest (invariant 11).
  e.email_sha256 = digest;
  return d.Emit(std::move(e), std::nullopt);
}

Status DecideReviewNonInsuredRegistration(Draft& d, const ReviewNonInsuredRegistration& r,
                                          std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  const NonInsuredRegistration* reg = s.FindRegistration(r.registration);
  if (reg == nullptr) return Status::NotFound(Label(r.registration) + "は存在しません");
  if (by == nullptr || by->id != reg->approver) {
    return Status(StatusCode::kPermissionDenied,
                  "承認・差戻は" + d.Org(reg->approver).name + "が行います（F-1-5）");
  }
  if (expected && *expected != reg->version) {
    return Status::Aborted(Label(reg->id) + "は他の操作で更新されています。画面を更新してください",
                           "registration-" + std::to_string(reg->id));
  }
  if (!r.approve) {
    SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));
  } else {
    SHUGO_RETURN_IF_ERROR(CheckText(r.reason, "reason", "コメント", false, 2000));
  }
  if (reg->status != RS::kSubmitted) return NotIn(*reg, "新しい入力リンクを発行してください");
  const NonInsuredRegistrationSubmitted& data = *reg->data;
  if (!r.approve) {  // 差戻 (FG-7-003/004): closed; the institution is told by mail
    return d.Emit(NonInsuredRegistrationDecided{reg->id, false, 0, r.reason}, d.today());
  }
  // The institution enters the master as any non-insured site would (F-1-5 新規登録分): the
  // system numbers its 類似コード; its setting-up authority is the issuer, which routes its letters
  // (domain.md §3, the municipal or prefectural site row).
  RegisterOrganisation reg_org;
  reg_org.kind = K::kNonInsuredInstitution;
  reg_org.name = data.name;
  reg_org.kana = data.kana;
  reg_org.address = data.address;
  reg_org.prefecture = by->prefecture;
  reg_org.municipality_code = d.Org(data.municipality).code;
  reg_org.parent_code = d.Org(reg->issuer).code;
  SHUGO_RETURN_IF_ERROR(DecideRegister(d, reg_org));
  const OrgId org = d.created().back();
  return d.Emit(NonInsuredRegistrationDecided{reg->id, true, org, r.reason}, d.today());
}

}  // namespace shugo::core
