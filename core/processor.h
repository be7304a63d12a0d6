// The command processor (docs/core.md): each command is decided on the event store's single writer
// thread, in log order, against the in-memory State, and its events are appended atomically with
// the stream versions it decided on. The state is built from the log at start.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/campaigns.h"
#include "core/fees.h"
#include "core/non_insured.h"
#include "core/state.h"
#include "core/termination_requests.h"
#include "core/users.h"
#include "events/event_store.h"

namespace shugo::core {

// Who issues a command: a user acting for an organisation (by its current code), or the system
// (initial setup by the operator, the day job).
struct Actor {
  std::string user;
  std::string org_code;  // empty for the system
  static Actor System(std::string user = "system") { return Actor{std::move(user), {}}; }
  bool system() const { return org_code.empty(); }
};

// ---- F-1 masters
struct RegisterOrganisation {
  OrganisationKind kind = OrganisationKind::kMunicipality;
  std::string code;  // empty for kinds the system numbers (取りまとめ団体, 非保険医療機関)
  std::string name, kana, address;
  int prefecture = 0;             // for kinds whose code does not carry it (医師会, 団体)
  std::string municipality_code;  // where it is located (institutions, 医師会)
  std::string parent_code;     // 委任先医師会; the authority that set up a non-insured site
  std::string member_of_code;  // an institution's 郡市区医師会 or 取りまとめ団体
  std::optional<JapanDate> opening_date;  // F-1-8-1, future only
  // F-1-1 （旧）全国地方公共団体コード: the municipalities (or unions) a new one succeeds.
  std::vector<std::string> former_codes;
};

// The message of the refusal of a change that changes nothing (a preview shows it as such).
inline constexpr std::string_view kNothingToChange = "変更内容がありません";

// The members set are the new values; an absent one is unchanged.
struct ChangeOrganisation {
  std::string code;
  std::optional<std::string> name, kana, address, member_of_code;
  // Where an institution or 郡市区医師会 is located (a reorganisation moves them by itself when
  // the abolished municipality has one successor).
  std::optional<std::string> municipality_code;
  std::optional<std::vector<std::string>> former_codes;  // F-1-1, the whole new list
};

// F-1-8 開設日/廃止日, F-1-9 加入日/脱退日, F-5-2 締結日/解除日 entered for an organisation.
struct EnterOrganisationDate {
  std::string code;
  OrganisationDateKind kind = OrganisationDateKind::kOpeningScheduled;
  JapanDate date;
  std::string union_code;  // kUnionJoinScheduled
};

// ---- F-3 … F-7 letters
struct ApplyLetter {
  ContractType contract_type = ContractType::kRoutine;
  CampaignId campaign = 0;
  bool document_confirmed = false;  // 委託契約書を確認したうえで (F-3)
  // The delegate's code the client expects (empty: whichever the chain table routes to); a
  // different one is refused (kInvalidArgument, field "delegate").
  std::string delegate_code = {};
};
struct ReapplyLetter {
  LetterId letter = 0;
};
struct ApproveLetters {  // one, or 一括承認 (all or none)
  std::vector<LetterId> letters;
};
struct ReturnLetter {
  LetterId letter = 0;
  std::string reason;
};
struct WithdrawLetter {
  LetterId letter = 0;
  std::string reason;
};
struct RequestSecession {  // F-6 (and F-10-4 by 国保中央会 for temporary letters)
  LetterId letter = 0;
  JapanDate date;
  std::string reason;
};
struct TerminateLetter {  // F-7
  LetterId letter = 0;
  JapanDate date;
  std::string reason;
};

// ---- F-1-4-1, F-1-4-3, F-11-3, F-5-1 (core/code_changes.cc)

// F_バッチ_2-1: rows of the オンライン資格確認 institution master (the system only; at most 5,000
// rows a command).
struct ImportEligibilityMaster {
  std::vector<EligibilityRow> rows;
  std::vector<std::string> removed;
};

// F_画面11-2-1: the acting institution asks for a new code, a merger into `new_code` (an existing
// institution, or a new code several merge into), or to become non-insured.
struct RequestCodeChange {
  CodeChangeKind change = CodeChangeKind::kCodeChange;
  std::string new_code;
  std::string reason;          // 移転, 組織変更, 代表者変更, 合併 …
  bool consent = false;        // claims, debts and patient data pass to the new code
  bool personal_data = false;  // the old institution hands its personal data on
  bool designation_copy = false;  // a copy of the 保険医療機関指定通知 is attached (optional)
};

// F_画面11-2-2: the approver (the new location's municipality or union; the prefecture for a
// non-insured institution) approves or returns request `request` of institution `code`.
struct ReviewCodeChange {
  std::string code;
  uint32_t request = 0;
  bool approve = false;
  std::string reason;  // required to return
};

// F-5-1 (F_画面6-1-1): 国保中央会 announces the collective contract signed on `date`.
struct AnnounceCollectiveContract {
  JapanDate date;
  std::string note;
};

// F-10 campaigns: DeclareCampaign, ChangeCampaignFees, SetAdditionalFees, RegisterCampaignEnd
// (core/campaigns.h); F-2 fees and vaccines (core/fees.h); F-1-5 entries through an input link:
// IssueNonInsuredLink, SubmitNonInsuredRegistration, ReviewNonInsuredRegistration
// (core/non_insured.h); user accounts: RecordUser (core/users.h); F-7 解除依頼:
// RequestTermination, AnswerTerminationRequest (core/termination_requests.h).
using Request =
    std::variant<RegisterOrganisation, ChangeOrganisation, EnterOrganisationDate, ApplyLetter,
                 ReapplyLetter, ApproveLetters, ReturnLetter, WithdrawLetter, RequestSecession,
                 TerminateLetter, ImportEligibilityMaster, RequestCodeChange, ReviewCodeChange,
                 AnnounceCollectiveContract, DeclareCampaign, ChangeCampaignFees, SetAdditionalFees,
                 RegisterCampaignEnd, SetMunicipalVaccine, EndMunicipalVaccine,
                 SetVaccineSettingUnit, SetContractMunicipality, SetInstitutionVaccine, SetFeeFloor,
                 IssueNonInsuredLink, SubmitNonInsuredRegistration, ReviewNonInsuredRegistration,
                 RecordUser, RequestTermination, AnswerTerminationRequest>;

struct CommandRequest {
  std::string id;  // idempotency key (invariant 5)
  Actor actor;
  // The version of the target (organisation or the one letter) the user saw; a different current
  // version is a conflict (kAborted, invariant 4). Not set: decide on the current version. The
  // target of RequestCodeChange is the acting institution, of AnnounceCollectiveContract the
  // "contract" stream (0 until signed), of AnswerTerminationRequest the request. Commands that
  // create their record (RegisterOrganisation, ApplyLetter, DeclareCampaign, IssueNonInsuredLink,
  // RequestTermination) or that no user saw a version of
  // (ImportEligibilityMaster, SubmitNonInsuredRegistration) refuse one (kInvalidArgument, field
  // "expected_version").
  std::optional<uint64_t> expected_version;
  Request request;
  // A digest of the request the command came from (an HTTP command: method, route and body),
  // recorded with its events. A command id seen before with another digest is refused
  // (kInvalidArgument, field "idempotency_key"), appending nothing; empty: not compared.
  std::string request_digest = {};
};

struct Outcome {
  events::AppendResult append;
  std::vector<uint64_t> created;  // ids of the organisations, letters, campaigns, F-1-5
                                  // registrations or F-7 解除依頼 the command created
};

struct DayReport {
  std::optional<JapanDate> first, last;  // the business dates closed by this run
  uint64_t commands = 0;                 // transitions carried out
};

struct ProcessorOptions {
  // The system's go-live date: the 契約日 of letters approved before it (F-4
  // "初回のみシステム稼働日").
  std::optional<JapanDate> go_live;
  // 適合基準日 (F-11): until the day before it the transition-period rules hold: an institution's
  // 契約先自治体 is limited (F-11-1/2), a relocated institution leaves the contract unless its new
  // municipality takes part (F-11-3). Not set: no transition period.
  std::optional<JapanDate> conformance_date;
  // The 疾病・ワクチン master (VaccineCatalog::Load, data/reference): the vaccines F-2 settings and
  // F-10 campaigns may name; commands naming a vaccine are refused without it.
  std::shared_ptr<const VaccineCatalog> vaccines;
};

class Processor {
 public:
  // Loads the state from the log (every domain event from position 1).
  static Result<std::unique_ptr<Processor>> Open(events::EventStore* store, const Clock* clock,
                                                 ProcessorOptions options = {});

  // Decides and appends one command. Refusals append nothing: kInvalidArgument (field named),
  // kNotFound, kPermissionDenied, kFailedPrecondition (a status the command does not allow,
  // naming both), kAlreadyExists, kAborted (version conflict). Messages are in Japanese.
  Result<Outcome> Execute(const CommandRequest& request);

  // Decides `request` on the current state with every rule of Execute and answers the events it
  // would append, appending nothing (a preview before a confirmation, F-1). Refusals as Execute's;
  // the state may move before a later Execute, which decides again (send its version).
  Result<std::vector<DomainEvent>> Preview(const CommandRequest& request) const;

  // The letters a refused 一括承認 (ApproveLetters of `letters` by `actor`, F-4 "all or none") is
  // about: each letter whose approval on its own is refused with every rule of Execute on the
  // current state (unknown, not addressed to the actor, a status or a campaign deadline that does
  // not allow it, a delegator that may not delegate …), and each named a second time; in the
  // order given, appending nothing. Empty when every letter alone would be approved (the state
  // moved on since the refusal).
  std::vector<LetterId> RefusedApprovals(const Actor& actor,
                                         const std::vector<LetterId>& letters) const;

  // The day job (F_バッチ_3-1, F_バッチ_5-1) up to business date `upto` (≤ today): every
  // transition effective on or before each day not yet applied, day by day from the day after the
  // last closed one, then a DayClosed per day. Idempotent.
  Result<DayReport> RunDays(JapanDate upto);

  // Calls `read` with the state under a shared lock (never on the writer thread).
  template <typename F>
  auto Read(F&& read) const {
    std::shared_lock lock(mu_);
    return read(static_cast<const State&>(state_));
  }

  // Whether commands can be written, for health checks and 503 answers (thread-safe, cheap). Ok
  // while they can. Otherwise why not, until a restart: the log refused a write (its first error,
  // EventStore::write_failure(): kResourceExhausted for a full disk, kInternal for an I/O error
  // …), or this processor could not rebuild its state from the log after a refused write
  // (kUnavailable). Every command gets kUnavailable meanwhile. A refused write never leaves
  // anything of its commands in the state: it is put back to what the log holds at once.
  Status write_failure() const;

  JapanDate Today() const { return clock_->Today(); }
  const ProcessorOptions& options() const { return options_; }
  events::EventStore& store() const { return *store_; }
  // The log position the state reflects at Open(), and how many domain events it applied.
  events::Position loaded_position() const { return loaded_position_; }
  uint64_t loaded_events() const { return loaded_events_; }

 private:
  Processor(events::EventStore* store, const Clock* clock, ProcessorOptions options)
      : store_(store), clock_(clock), options_(options) {}
  Result<Outcome> Submit(const std::string& command_id, const Actor& actor,
                         const std::function<Status(class Draft&)>& decide,
                         const std::string& request_digest = {});
  Result<bool> RunOneDue(JapanDate day);
  void DiscardUnwritten();  // writer thread

  events::EventStore* store_;
  const Clock* clock_;
  ProcessorOptions options_;
  mutable std::shared_mutex mu_;
  std::mutex day_mu_;  // one day job at a time (the schedule and an admin's request)
  State state_;
  std::atomic<bool> broken_{false};
  bool ahead_ = false;  // writer thread: decisions applied whose group is not written yet
  events::Position loaded_position_ = 0;
  uint64_t loaded_events_ = 0;
};

}  // namespace shugo::core
