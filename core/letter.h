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
  kApply,               // F-3: delegator
  kReapply,             // F-3: delegator, after 差戻
  kApprove,             // F-4: delegate (one, or in bulk)
  kReturn,              // F-4 差戻: delegate, until the letter takes effect
  kWithdraw,            // F-3-4 取下げ: delegator
  kActivate,            // day job: on its 契約日
  kOpen,                // F-1-8-1: the municipality opens (契約日 := 開設日)
  kUnionLeave,          // F-1-9-2: 契約日 := union 脱退日 + 1, stays approved
  kRequestSecession,    // F-6: delegator, 脱退日 ≥ tomorrow
  kHelpdeskSecession,   // F-10-4: 国保中央会, temporary letters, 脱退日 ≥ today + 1 month
  kSecede,              // day job: on the scheduled 脱退日
  kSecedeBySystem,      // F-1-8-2, F-1-9-1, F-5-2, F-10-4, F-11-3
  kTerminate,           // F-7 解除: the locating municipality/union or prefecture
  kRekey,               // F-1-4-3: institution code change or merger approved
  kCreateRedelegation,  // F-4: a re-delegation is created already approved
  kEndRedelegation,     // no approved letter remains under a re-delegation that never took effect
  kScheduleTermination,  // F-7: a future 解除日 entered by the locating authority; status kept
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

// The facts the machine's guards need; the caller reads them from the aggregates. Who acts, the
// business date, the contract type and the delegator's kind are required, so no rule is switched
// off by a forgotten default.
struct LetterFacts {
  LetterFacts(LetterActor actor_, JapanDate today_, ContractType contract_type_,
              OrganisationKind delegator_kind_)
      : actor(actor_),
        today(today_),
        contract_type(contract_type_),
        delegator_kind(delegator_kind_) {}

  LetterActor actor;
  JapanDate today;  // the business date
  ContractType contract_type;
  OrganisationKind delegator_kind;
  bool redelegation = false;         // a 再委任状: created and ended by the system only
  bool payment_consignment = false;  // F-5-2 registered for the municipality or union
  bool underlying_in_force = false;  // a re-delegation: the letter under it takes effect with it
  std::optional<JapanDate> contract_date;  // 契約日, once approved
  std::optional<JapanDate> opening_date;  // 開設日 of a municipality opening in the future (F-1-8)
  // F-1-8-1: the 契約日 is a 開設日 entered before and moved earlier since.
  bool dated_by_former_opening = false;
  std::optional<JapanDate> date;  // the date the command carries (脱退日, 解除日)
  std::string reason;             // 差戻・取下げ・脱退・解除 reasons

  bool municipal_letter() const {
    return delegator_kind == OrganisationKind::kMunicipality ||
           delegator_kind == OrganisationKind::kWideAreaUnion;
  }
  bool institution_letter() const {
    return delegator_kind == OrganisationKind::kInsuredInstitution ||
           delegator_kind == OrganisationKind::kNonInsuredInstitution;
  }
  // Whether an approved letter is legally in force today (docs/domain.md §3 Time): from 00:00 of
  // its 契約日, for a municipal letter only with payment consignment and once the municipality is
  // open. False without a 契約日.
  bool took_effect() const;
};

std::span<const Named<LetterStatus>> LetterStatuses();
std::span<const Named<LetterCommand>> LetterCommands();
std::string_view CodeName(LetterStatus status);
std::string_view JapaneseName(LetterStatus status);
std::string_view CodeName(LetterCommand command);
std::string_view JapaneseName(LetterCommand command);
bool IsTerminal(LetterStatus status);
// Approved, in force or scheduled to secede: what keeps a re-delegation alive (docs/domain.md §3).
constexpr bool IsLive(LetterStatus s) {
  return s == LetterStatus::kApproved || s == LetterStatus::kInContract ||
         s == LetterStatus::kSecessionScheduled;
}

// The status after `command`, decided by the letter's state machine. Pure: no clock, no store.
//   kFailedPrecondition: the machine has no such transition from `from` (names both);
//   kPermissionDenied: the actor may not do it; kInvalidArgument: a required field is missing or
//   a date breaks a rule (names the field). Messages are in Japanese.
Result<LetterStatus> DecideTransition(LetterStatus from, LetterCommand command,
                                      const LetterFacts& facts);

}  // namespace shugo::core
