// F-7 解除依頼 (docs/core.md "F-7 termination requests"; seed F-7 "任意接種の委託関係ある他自治体
// の求めに応じて医療機関所在地近辺の委託関係のある自治体が集合契約から外す", FG-10-002): a
// municipality or union with a voluntary contract relation with an institution, but without the
// locating authority, asks the institution's locating authority — found by the system
// (対象医療機関の 最寄り自治体検索) — to terminate its letters; the addressee terminates them (F-7,
// F_画面10-1-2) or declines. The request is its own aggregate, stream "termination-request-<id>".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/state.h"

namespace shugo::core {

class Draft;

// 対象医療機関の解除依頼: the acting municipality or union asks the locating authority of the
// institution with code `code` to terminate its letters. The request's id is returned in
// Outcome::created.
struct RequestTermination {
  std::string code;               // 医療機関コード (or a non-insured site's 類似コード)
  std::string reason;             // 解除理由, required
  std::optional<JapanDate> date;  // the 解除日 wished (today or later), optional
};

// 集合契約を解除するかどうか判断: the addressee (or the union its municipality is a member of)
// terminates every live letter of the institution with 解除日 `date` and reason `reason` — the
// rules of TerminateLetter (F-7), a future date scheduled — or declines with a reason.
struct AnswerTerminationRequest {
  TerminationRequestId request = 0;
  bool terminate = false;
  std::string reason;             // 解除理由, or the reason to decline; required
  std::optional<JapanDate> date;  // 解除日: required to terminate, refused to decline
};

// The locating authority of `institution` (the 最寄り自治体): the municipality where an insured
// institution is located, a non-insured site's prefecture; nullptr when it is not registered.
const Organisation* LocatingAuthorityOf(const State& s, const Organisation& institution);

// The voluntary contract types (任意委託, 任意助成) in which `municipal` (a municipality or union)
// has a contract relation with `institution` on `day` (**project**, docs/core.md): the
// institution has an original letter of the type in force (集合契約中 or 脱退予定) and a fee of
// `municipal` of that type applies to it on `day` (FeesFor: its F-2-4 契約先自治体 for the type is
// 全国, `municipal` or its union, and `municipal` has a vaccine of the type in force then, not
// 市内医療機関のみ for an institution located elsewhere). In ContractType order.
std::vector<ContractType> VoluntaryRelation(const State& s, OrgId municipal, OrgId institution,
                                            JapanDate day);

// Whether organisation `viewer` may see request `id` (F-8, **project**): its requester, its
// addressee, the union the addressee is a member of (which may decide it), 厚生労働省 and
// 国保中央会. False for unknown ids. projections::ListTerminationRequests is the same rule in SQL.
bool MaySeeTerminationRequest(const State& s, OrgId viewer, TerminationRequestId id);

// ---- deciding (internal to core/: called by processor.cc)

Status DecideRequestTermination(Draft& d, const RequestTermination& r);
// `expected`: the version of the request's stream.
Status DecideAnswerTerminationRequest(Draft& d, const AnswerTerminationRequest& r,
                                      std::optional<uint64_t> expected);
// After every command: the open requests about an institution whose last live letter this command
// ended otherwise (seceded, terminated directly, withdrawn …) are closed as lapsed, in the same
// command (**project**).
Status CloseLapsedTerminationRequests(Draft& d);

}  // namespace shugo::core
