// F-1-5 non-insured institutions (docs/domain.md §4.6, seed F-1 "5：非保険医療機関情報"): the
// prefecture, or a municipality for a site only it knows, issues an input link with an expiry
// (F_画面1-2-1); the institution enters its data through it, without an account; the prefecture
// approves — the system numbers the 類似コード and registers the institution — or returns it (差戻,
// closed: a new link is needed) (F_画面7-1-1/7-1-2). The registration is its own aggregate, stream
// "registration-<id>".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/state.h"

namespace shugo::core {

class Draft;

// The user of Actor::System that enters data through an input link (the HTTP layer checks the
// link's token before it submits as this user).
inline constexpr char kInputLinkUser[] = "input-link";

// F_画面1-2-1: the acting prefecture or municipality gets an input link usable until `expires`
// (inclusive; today or later). The registration's id is returned in Outcome::created.
struct IssueNonInsuredLink {
  JapanDate expires;
};

// The institution enters its data through link `registration` (Actor::System(kInputLinkUser)).
// Required: name, address, municipality_code (a municipality of the link's prefecture),
// site_kind, email (not used by another registration), phone; kana is optional. The log keeps
// only `email_digest` of the address (invariant 11): a keyed digest that the caller computes
// (the HTTP layer: AccountStore::EmailDigest, HMAC-SHA-256 under a key of the account store,
// of the address in lower case) — the core holds no key and never hashes the address itself.
struct SubmitNonInsuredRegistration {
  RegistrationId registration = 0;
  std::string name, kana, address;
  std::string municipality_code;  // where the site is
  std::string site_kind;          // 集団接種会場, 職域接種, 矯正施設 …
  std::string email, phone;
  std::string email_digest;  // required: equal for the same address in any case
};

// F_画面7-1-2: the approving prefecture approves entry `registration` (the institution is
// registered) or returns it with a reason.
struct ReviewNonInsuredRegistration {
  RegistrationId registration = 0;
  bool approve = false;
  std::string reason;  // required to return
};

std::string_view CodeName(RegistrationStatus status);      // issued, submitted, …
std::string_view JapaneseName(RegistrationStatus status);  // 入力待ち, 承認待ち, …

// F_画面7-1-1: the entries awaiting `approver`'s approval (submitted), in id order.
std::vector<RegistrationId> RegistrationsAwaitingApproval(const State& s, OrgId approver);

// ---- deciding (internal to core/: called by processor.cc)

Status DecideIssueNonInsuredLink(Draft& d, const IssueNonInsuredLink& r);
Status DecideSubmitNonInsuredRegistration(Draft& d, const SubmitNonInsuredRegistration& r);
Status DecideReviewNonInsuredRegistration(Draft& d, const ReviewNonInsuredRegistration& r,
                                          std::optional<uint64_t> expected);

}  // namespace shugo::core
