// The delegation letter's statuses and the one place that decides a status change: the Boost.MSM
// machine of docs/domain.md §3 (core/letter_machine.cc). Nothing else writes a letter's status.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/japan_date.h"
#include "base/status.h"
#include "core/kinds.h"

namespace shugo::core {

enum class LetterStatus {
  kNone,  // before the application: the machine's initial state, never stored
  kApplied,
  kReturned,
  kApproved,
  kInContract,
  kSecessionScheduled,
  kWithdrawn,
  kSeceded,
  kTerminated,
};

// Every command or system event that may change a letter's status (docs/domain.md §3).
enum class LetterCommand {
  kApply,              // F-3: delegator
  kReapply,            // F-3: delegator, after 差戻
  kApprove,            // F-4: delegate (one, or in bulk)
  kReturn,             // F-4 差戻: delegate, until the letter takes effect
  kWithdraw,           // F-3-4 取下げ: delegator
  kActivate,           // day job: on its 契約日
  kOpen,               // F-1-8-1: the municipality opens (契約日 := 開設日)
  kUnionLeave,         // F-1-9-2: 契約日 := union 脱退日 + 1, stays approved
  kRequestSecession,   // F-6: delegator, 脱退日 ≥ tomorrow
  kHelpdeskSecession,  // F-10-4: 国保中央会, temporary letters, 脱退日 ≥ today + 1 month
  kSecede,             // day job: on the scheduled 脱退日
  kSecedeBySystem,     // F-1-8-2, F-1-9-1, F-5-2, F-10-4, F-11-3
  kTerminate,          // F-7 解除: the locating municipality/union or prefecture
  kRekey,              // F-1-4-3: institution code change or merger approved
};

// Who asks, relative to the letter. The command handler works it out from the session.
enum class LetterActor {
  kDelegator,
  kDelegate,
  kSystem,             // the day job and system transitions
  kCentralFederation,  // 国保中央会 (helpdesk)
  kLocatingAuthority,  // the municipality/union where an institution is, or a non-insured site's
                       // prefecture
  kOther,
};

// The facts the machine's guards need; the caller reads them from the aggregates.
struct LetterFacts {
  LetterActor actor = LetterActor::kOther;
  JapanDate today;  // the business date
  ContractType contract_type = ContractType::kRoutine;
  bool institution_letter = false;         // the delegator is an institution
  bool municipal_letter = false;           // the delegator is a 市区町村 or 広域連合
  bool payment_consignment = false;        // F-5-2 registered for the municipality
  std::optional<JapanDate> contract_date;  // 契約日, once approved
  std::optional<JapanDate> date;           // the date the command carries (脱退日, 解除日)
  std::string reason;                      // 差戻・取下げ・脱退・解除 reasons
};

std::span<const Named<LetterStatus>> LetterStatuses();
std::string_view CodeName(LetterStatus status);
std::string_view JapaneseName(LetterStatus status);
std::string_view CodeName(LetterCommand command);
std::string_view JapaneseName(LetterCommand command);
bool IsTerminal(LetterStatus status);

// The status after `command`, decided by the letter's state machine. Pure: no clock, no store.
//   kFailedPrecondition: the machine has no such transition from `from` (names both);
//   kPermissionDenied: the actor may not do it; kInvalidArgument: a required field is missing or
//   a date breaks a rule (names the field). Messages are in Japanese.
Result<LetterStatus> DecideTransition(LetterStatus from, LetterCommand command,
                                      const LetterFacts& facts);

}  // namespace shugo::core
