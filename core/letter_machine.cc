// The letter's state machine (docs/domain.md §3) with Boost.MSM. The only translation unit that
// includes MSM; its transition table is longer than MPL's default 20 rows, so shugo_core defines
// BOOST_MPL_LIMIT_VECTOR_SIZE / BOOST_MPL_LIMIT_MAP_SIZE (core/CMakeLists.txt).
#include <array>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <type_traits>

#include "core/letter.h"

namespace shugo::core {

namespace {

namespace msmf = boost::msm::front;

// Events: the command, with the facts its guards read.
template <LetterCommand C>
struct Cmd {
  static constexpr LetterCommand kCommand = C;
  const LetterFacts* facts;
};
using Apply = Cmd<LetterCommand::kApply>;
using Reapply = Cmd<LetterCommand::kReapply>;
using Approve = Cmd<LetterCommand::kApprove>;
using Return = Cmd<LetterCommand::kReturn>;
using Withdraw = Cmd<LetterCommand::kWithdraw>;
using Activate = Cmd<LetterCommand::kActivate>;
using Open = Cmd<LetterCommand::kOpen>;
using UnionLeave = Cmd<LetterCommand::kUnionLeave>;
using RequestSecession = Cmd<LetterCommand::kRequestSecession>;
using HelpdeskSecession = Cmd<LetterCommand::kHelpdeskSecession>;
using Secede = Cmd<LetterCommand::kSecede>;
using SecedeBySystem = Cmd<LetterCommand::kSecedeBySystem>;
using Terminate = Cmd<LetterCommand::kTerminate>;
using Rekey = Cmd<LetterCommand::kRekey>;
using CreateRedelegation = Cmd<LetterCommand::kCreateRedelegation>;
using EndRedelegation = Cmd<LetterCommand::kEndRedelegation>;
using ScheduleTermination = Cmd<LetterCommand::kScheduleTermination>;

// Loading a stored letter: the machine starts in None and is moved to the letter's status by
// this event, through the restore rows at the end of the table (MSM has no public setter for the
// current state).
template <LetterStatus S>
struct Restore {};

// States, each knowing its status.
template <LetterStatus S>
struct St : msmf::state<> {
  static constexpr LetterStatus kStatus = S;
};
using None = St<LetterStatus::kNone>;
using Applied = St<LetterStatus::kApplied>;
using Returned = St<LetterStatus::kReturned>;
using Approved = St<LetterStatus::kApproved>;
using InContract = St<LetterStatus::kInContract>;
using SecessionScheduled = St<LetterStatus::kSecessionScheduled>;
using Withdrawn = St<LetterStatus::kWithdrawn>;
using Seceded = St<LetterStatus::kSeceded>;
using Terminated = St<LetterStatus::kTerminated>;

// Guards: each checks the rules of one row of §3 and, when it refuses, leaves the reason in
// fsm.refusal (a guard that refuses does not trigger no_transition's "no such row").
#define SHUGO_GUARD(Name, body)                                   \
  struct Name {                                                   \
    template <class Evt, class Fsm, class Src, class Tgt>         \
    bool operator()(const Evt& evt, Fsm& fsm, Src&, Tgt&) const { \
      const LetterFacts& f = *evt.facts;                          \
      body                                                        \
    }                                                             \
  }

template <class Fsm>
bool Refuse(Fsm& fsm, Status s) {
  fsm.refusal = std::move(s);
  return false;
}

template <class Fsm>
bool Actor(Fsm& fsm, const LetterFacts& f, LetterActor want, const char* who) {
  if (f.actor == want) return true;
  return Refuse(fsm, Status(StatusCode::kPermissionDenied,
                            std::string("この操作は") + who + "だけが行えます"));
}

template <class Fsm>
bool Reason(Fsm& fsm, const LetterFacts& f) {
  if (!f.reason.empty()) return true;
  return Refuse(fsm, Status::InvalidArgument("reason", "理由を入力してください"));
}

// People act on original letters only; re-delegations are created and ended by the system.
template <class Fsm>
bool Original(Fsm& fsm, const LetterFacts& f) {
  if (!f.redelegation) return true;
  return Refuse(fsm, Status::FailedPrecondition(
                         "再委任状はシステムが作成・終了します（元の委任状を操作してください）"));
}

template <class Fsm>
bool System(Fsm& fsm, const LetterFacts& f) {
  return Actor(fsm, f, LetterActor::kSystem, "システム（日次処理）");
}

// An approved letter may be returned or withdrawn only until it takes effect.
template <class Src, class Fsm>
bool NotInEffect(Fsm& fsm, const LetterFacts& f, const char* what) {
  if constexpr (std::is_same_v<Src, Approved>) {
    if (!f.contract_date)
      return Refuse(fsm, Status::Internal("承認済の委任状に契約日がありません"));
    if (f.took_effect()) {
      return Refuse(
          fsm, Status::FailedPrecondition("契約日（" + f.contract_date->ToString() +
                                          "）以降、効力の生じた委任状は" + what + "できません"));
    }
  }
  return true;
}

// F-3: the delegator applies (a temporary letter only within a campaign: the handler's check).
SHUGO_GUARD(CanApply, return Actor(fsm, f, LetterActor::kDelegator, "委任元") && Original(fsm, f););
SHUGO_GUARD(CanReapply,
            return Actor(fsm, f, LetterActor::kDelegator, "委任元") && Original(fsm, f););
// F-4: the delegate approves.
SHUGO_GUARD(CanApprove,
            return Actor(fsm, f, LetterActor::kDelegate, "委任先") && Original(fsm, f););

// F-4 差戻: the delegate, with a reason, until the letter takes effect.
SHUGO_GUARD(CanReturn, return Actor(fsm, f, LetterActor::kDelegate, "委任先") && Reason(fsm, f) &&
                              Original(fsm, f) && NotInEffect<Src>(fsm, f, "差し戻し"););

// F-3-4 取下げ: the delegator, with a reason, before the letter takes effect (**project**).
SHUGO_GUARD(CanWithdraw, return Actor(fsm, f, LetterActor::kDelegator, "委任元") &&
                                Reason(fsm, f) && Original(fsm, f) &&
                                NotInEffect<Src>(fsm, f, "取り下げ"););

// Day job: on its 契約日; a municipal letter only once payment consignment is registered (F-5-2)
// and the municipality is open (F-1-8); a re-delegation together with the letter under it.
SHUGO_GUARD(CanActivate, {
  if (!System(fsm, f)) return false;
  if (!f.contract_date || f.today < *f.contract_date) {
    return Refuse(fsm, Status::FailedPrecondition("契約日前の委任状は有効化できません"));
  }
  if (f.municipal_letter() && !f.payment_consignment) {
    return Refuse(fsm,
                  Status::FailedPrecondition(
                      "支払事務委託が登録されていない自治体の委任状は有効化できません（F-5-2）"));
  }
  if (f.opening_date && f.today < *f.opening_date) {
    return Refuse(
        fsm, Status::FailedPrecondition("開設日前の自治体の委任状は有効化できません（F-1-8）"));
  }
  if (f.redelegation && !f.underlying_in_force) {
    return Refuse(fsm,
                  Status::FailedPrecondition("再委任状は配下の委任状と同時にのみ有効化されます"));
  }
  return true;
});

// F-1-8-1: a municipality opening on its 開設日 puts a letter approved before it into force.
SHUGO_GUARD(CanOpen, {
  if (!System(fsm, f)) return false;
  if (!f.municipal_letter() || !f.opening_date || !f.contract_date) {
    return Refuse(fsm,
                  Status::FailedPrecondition("開設日の有効化は開設予定の自治体の委任状だけです"));
  }
  if (f.today < *f.opening_date) return Refuse(fsm, Status::FailedPrecondition("開設日前です"));
  if (!(*f.contract_date < *f.opening_date) && !f.dated_by_former_opening) {
    return Refuse(fsm,
                  Status::FailedPrecondition("契約日が開設日以後の委任状は通常の有効化によります"));
  }
  if (!f.payment_consignment) {
    return Refuse(fsm,
                  Status::FailedPrecondition(
                      "支払事務委託が登録されていない自治体の委任状は有効化できません（F-5-2）"));
  }
  return true;
});

// F-1-9-2: a municipality leaving its union; its own letter's 契約日 moves, it stays approved.
SHUGO_GUARD(CanUnionLeave, {
  if (!System(fsm, f)) return false;
  if (f.delegator_kind != OrganisationKind::kMunicipality) {
    return Refuse(fsm, Status::FailedPrecondition("広域連合からの脱退は市区町村の委任状だけです"));
  }
  return true;
});

// F-6: a 市区町村/広域連合 or an institution, 脱退日 tomorrow or later, a reason; never for
// temporary letters (F-10-4) nor re-delegations.
SHUGO_GUARD(CanRequestSecession, {
  if (!Actor(fsm, f, LetterActor::kDelegator, "委任元") || !Reason(fsm, f)) return false;
  if (!f.date || *f.date < f.today.AddDays(1)) {
    return Refuse(fsm, Status::InvalidArgument("date", "脱退日は明日以降の日付を入力してください"));
  }
  if (!Original(fsm, f)) return false;
  if (!f.municipal_letter() && !f.institution_letter()) {
    return Refuse(
        fsm, Status::FailedPrecondition("脱退を申請できるのは市区町村・広域連合と医療機関です"));
  }
  if (f.contract_type == ContractType::kTemporary) {
    return Refuse(
        fsm, Status::FailedPrecondition(
                 "臨時接種の委任状は自己都合で脱退できません（ヘルプデスクへご相談ください）"));
  }
  return true;
});

// F-10-4: 国保中央会 registers the secession of a temporary letter, 脱退日 one month ahead; the
// reason (the consultation it followed) is **project**.
SHUGO_GUARD(CanHelpdeskSecession, {
  if (!Actor(fsm, f, LetterActor::kCentralFederation, "国保中央会") || !Reason(fsm, f)) {
    return false;
  }
  if (!f.date || *f.date < f.today.AddMonths(1)) {
    return Refuse(fsm, Status::InvalidArgument(
                           "date", "脱退日は本日から1か月以上先の日付を入力してください"));
  }
  if (!Original(fsm, f)) return false;
  if (f.contract_type != ContractType::kTemporary) {
    return Refuse(
        fsm, Status::FailedPrecondition("ヘルプデスクによる脱退登録は臨時接種の委任状だけです"));
  }
  return true;
});

// Day job: on or after the scheduled 脱退日.
SHUGO_GUARD(SecessionDue, {
  if (!System(fsm, f)) return false;
  if (!f.date || f.today < *f.date) {
    return Refuse(fsm, Status::FailedPrecondition("脱退日前の委任状は脱退済みにできません"));
  }
  return true;
});

// F-7 解除: institution letters only, by the locating authority, with a reason and a 解除日 of
// today or later (**project**: no retroactive termination, docs/core.md). A 解除日 of today
// terminates the letter at once (kTerminate); a later one is scheduled (kScheduleTermination) and
// the day job terminates the letter on it (kTerminate by the system).
template <class Fsm>
bool TerminationRequest(Fsm& fsm, const LetterFacts& f) {
  if (!Actor(fsm, f, LetterActor::kLocatingAuthority,
             "医療機関の所在地の自治体（非保険医療機関は都道府県）") ||
      !Reason(fsm, f)) {
    return false;
  }
  if (!f.date || *f.date < f.today) {
    return Refuse(fsm, Status::InvalidArgument("date", "解除日は本日以降の日付を入力してください"));
  }
  if (!f.institution_letter() || f.redelegation) {
    return Refuse(fsm, Status::FailedPrecondition("解除できるのは医療機関の委任状だけです"));
  }
  return true;
}

SHUGO_GUARD(CanTerminate, {
  if (f.actor == LetterActor::kSystem) {  // the day job, on the scheduled 解除日
    if (!f.date || f.today < *f.date) {
      return Refuse(fsm, Status::FailedPrecondition("解除日前の委任状は解除できません"));
    }
    return true;
  }
  if (!TerminationRequest(fsm, f)) return false;
  if (*f.date > f.today) {
    return Refuse(fsm, Status::FailedPrecondition(
                           "未来の解除日は解除予定として登録します（本日の解除ではありません）"));
  }
  return true;
});

SHUGO_GUARD(CanScheduleTermination, {
  if (!TerminationRequest(fsm, f)) return false;
  if (*f.date <= f.today) {
    return Refuse(fsm, Status::FailedPrecondition("本日の解除日は予定ではなく即時の解除です"));
  }
  return true;
});

SHUGO_GUARD(BySystem, return System(fsm, f););

// F-4: re-delegations belong to the system: created approved, ended while not yet in force.
SHUGO_GUARD(ForRedelegation, {
  if (!System(fsm, f)) return false;
  if (!f.redelegation) return Refuse(fsm, Status::FailedPrecondition("再委任状ではありません"));
  return true;
});

#undef SHUGO_GUARD

struct LetterDef : msmf::state_machine_def<LetterDef> {
  using initial_state = None;
  // clang-format off
  struct transition_table : boost::mpl::vector<
      //         from                event              to                  action      guard
      msmf::Row<None,               Apply,             Applied,            msmf::none, CanApply>,              // F-3
      msmf::Row<Returned,           Reapply,           Applied,            msmf::none, CanReapply>,            // F-3
      msmf::Row<Applied,            Approve,           Approved,           msmf::none, CanApprove>,            // F-4
      msmf::Row<Applied,            Return,            Returned,           msmf::none, CanReturn>,             // F-4
      msmf::Row<Approved,           Return,            Returned,           msmf::none, CanReturn>,             // F-4
      msmf::Row<Applied,            Withdraw,          Withdrawn,          msmf::none, CanWithdraw>,           // F-3-4
      msmf::Row<Returned,           Withdraw,          Withdrawn,          msmf::none, CanWithdraw>,           // F-3-4
      msmf::Row<Approved,           Withdraw,          Withdrawn,          msmf::none, CanWithdraw>,           // F-3-4
      msmf::Row<Approved,           Activate,          InContract,         msmf::none, CanActivate>,           // day job
      msmf::Row<Approved,           Open,              InContract,         msmf::none, CanOpen>,               // F-1-8-1
      msmf::Row<Approved,           UnionLeave,        Approved,           msmf::none, CanUnionLeave>,          // F-1-9-2
      msmf::Row<InContract,         RequestSecession,  SecessionScheduled, msmf::none, CanRequestSecession>,   // F-6
      msmf::Row<InContract,         HelpdeskSecession, SecessionScheduled, msmf::none, CanHelpdeskSecession>,  // F-10-4
      msmf::Row<SecessionScheduled, Secede,            Seceded,            msmf::none, SecessionDue>,          // day job
      msmf::Row<Approved,           SecedeBySystem,    Seceded,            msmf::none, BySystem>,              // F-1-8-2 …
      msmf::Row<InContract,         SecedeBySystem,    Seceded,            msmf::none, BySystem>,
      msmf::Row<SecessionScheduled, SecedeBySystem,    Seceded,            msmf::none, BySystem>,
      msmf::Row<Approved,           Terminate,         Terminated,         msmf::none, CanTerminate>,          // F-7
      msmf::Row<InContract,         Terminate,         Terminated,         msmf::none, CanTerminate>,
      msmf::Row<SecessionScheduled, Terminate,         Terminated,         msmf::none, CanTerminate>,
      msmf::Row<Approved,           ScheduleTermination, Approved,         msmf::none, CanScheduleTermination>,  // F-7
      msmf::Row<InContract,         ScheduleTermination, InContract,       msmf::none, CanScheduleTermination>,
      msmf::Row<SecessionScheduled, ScheduleTermination, SecessionScheduled, msmf::none, CanScheduleTermination>,
      msmf::Row<Applied,            Rekey,             Applied,            msmf::none, BySystem>,              // F-1-4-3
      msmf::Row<Returned,           Rekey,             Returned,           msmf::none, BySystem>,
      msmf::Row<Approved,           Rekey,             Approved,           msmf::none, BySystem>,
      msmf::Row<InContract,         Rekey,             InContract,         msmf::none, BySystem>,
      msmf::Row<SecessionScheduled, Rekey,             SecessionScheduled, msmf::none, BySystem>,
      msmf::Row<None,               CreateRedelegation, Approved,          msmf::none, ForRedelegation>,       // F-4
      msmf::Row<Approved,           EndRedelegation,   Withdrawn,          msmf::none, ForRedelegation>,       // F-4
      // Restore rows: how a stored letter is loaded, not transitions of the domain.
      msmf::Row<None, Restore<LetterStatus::kApplied>,            Applied>,
      msmf::Row<None, Restore<LetterStatus::kReturned>,           Returned>,
      msmf::Row<None, Restore<LetterStatus::kApproved>,           Approved>,
      msmf::Row<None, Restore<LetterStatus::kInContract>,         InContract>,
      msmf::Row<None, Restore<LetterStatus::kSecessionScheduled>, SecessionScheduled>,
      msmf::Row<None, Restore<LetterStatus::kWithdrawn>,          Withdrawn>,
      msmf::Row<None, Restore<LetterStatus::kSeceded>,            Seceded>,
      msmf::Row<None, Restore<LetterStatus::kTerminated>,         Terminated>
  > {};
  // clang-format on

  // No row for (state, event): the caller answers kFailedPrecondition naming both.
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {
    no_row = true;
  }

  Status refusal;
  bool no_row = false;
};

using LetterMachine = boost::msm::back::state_machine<LetterDef>;

void StartIn(LetterMachine& m, LetterStatus s) {
  m.start();
  switch (s) {
    case LetterStatus::kNone:
      return;
    case LetterStatus::kApplied:
      m.process_event(Restore<LetterStatus::kApplied>{});
      return;
    case LetterStatus::kReturned:
      m.process_event(Restore<LetterStatus::kReturned>{});
      return;
    case LetterStatus::kApproved:
      m.process_event(Restore<LetterStatus::kApproved>{});
      return;
    case LetterStatus::kInContract:
      m.process_event(Restore<LetterStatus::kInContract>{});
      return;
    case LetterStatus::kSecessionScheduled:
      m.process_event(Restore<LetterStatus::kSecessionScheduled>{});
      return;
    case LetterStatus::kWithdrawn:
      m.process_event(Restore<LetterStatus::kWithdrawn>{});
      return;
    case LetterStatus::kSeceded:
      m.process_event(Restore<LetterStatus::kSeceded>{});
      return;
    case LetterStatus::kTerminated:
      m.process_event(Restore<LetterStatus::kTerminated>{});
      return;
  }
}

// The status of the machine's current state, read through the states' kStatus.
struct StatusOf {
  LetterStatus* out;
  int id;
  template <class State>
  void operator()(boost::msm::wrap<State> const&) const {
    if (boost::msm::back::get_state_id<LetterMachine::stt, State>::value == id)
      *out = State::kStatus;
  }
};

LetterStatus CurrentStatus(const LetterMachine& m) {
  LetterStatus s = LetterStatus::kNone;
  using States = boost::msm::back::generate_state_set<LetterMachine::stt>::type;
  boost::mpl::for_each<States, boost::msm::wrap<boost::mpl::placeholders::_1>>(
      StatusOf{&s, m.current_state()[0]});
  return s;
}

template <class Event>
void Process(LetterMachine& m, const LetterFacts& facts) {
  m.process_event(Event{&facts});
}

void Dispatch(LetterMachine& m, LetterCommand c, const LetterFacts& f) {
  switch (c) {
    case LetterCommand::kApply:
      return Process<Apply>(m, f);
    case LetterCommand::kReapply:
      return Process<Reapply>(m, f);
    case LetterCommand::kApprove:
      return Process<Approve>(m, f);
    case LetterCommand::kReturn:
      return Process<Return>(m, f);
    case LetterCommand::kWithdraw:
      return Process<Withdraw>(m, f);
    case LetterCommand::kActivate:
      return Process<Activate>(m, f);
    case LetterCommand::kOpen:
      return Process<Open>(m, f);
    case LetterCommand::kUnionLeave:
      return Process<UnionLeave>(m, f);
    case LetterCommand::kRequestSecession:
      return Process<RequestSecession>(m, f);
    case LetterCommand::kHelpdeskSecession:
      return Process<HelpdeskSecession>(m, f);
    case LetterCommand::kSecede:
      return Process<Secede>(m, f);
    case LetterCommand::kSecedeBySystem:
      return Process<SecedeBySystem>(m, f);
    case LetterCommand::kTerminate:
      return Process<Terminate>(m, f);
    case LetterCommand::kRekey:
      return Process<Rekey>(m, f);
    case LetterCommand::kCreateRedelegation:
      return Process<CreateRedelegation>(m, f);
    case LetterCommand::kEndRedelegation:
      return Process<EndRedelegation>(m, f);
    case LetterCommand::kScheduleTermination:
      return Process<ScheduleTermination>(m, f);
  }
}

constexpr std::array<Named<LetterStatus>, 9> kStatuses = {{
    {LetterStatus::kNone, "none", "（未申請）"},
    {LetterStatus::kApplied, "applied", "申請中"},
    {LetterStatus::kReturned, "returned", "差戻"},
    {LetterStatus::kApproved, "approved", "承認済"},
    {LetterStatus::kInContract, "in_contract", "集合契約中"},
    {LetterStatus::kSecessionScheduled, "secession_scheduled", "脱退予定"},
    {LetterStatus::kWithdrawn, "withdrawn", "取下げ"},
    {LetterStatus::kSeceded, "seceded", "脱退済み"},
    {LetterStatus::kTerminated, "terminated", "解除"},
}};

constexpr std::array<Named<LetterCommand>, 17> kCommands = {{
    {LetterCommand::kApply, "apply", "申請"},
    {LetterCommand::kReapply, "reapply", "再申請"},
    {LetterCommand::kApprove, "approve", "承認"},
    {LetterCommand::kReturn, "return", "差戻"},
    {LetterCommand::kWithdraw, "withdraw", "取下げ"},
    {LetterCommand::kActivate, "activate", "有効化"},
    {LetterCommand::kOpen, "open", "開設に伴う有効化"},
    {LetterCommand::kUnionLeave, "union_leave", "広域連合脱退に伴う契約日変更"},
    {LetterCommand::kRequestSecession, "request_secession", "脱退申請"},
    {LetterCommand::kHelpdeskSecession, "helpdesk_secession", "ヘルプデスクによる脱退登録"},
    {LetterCommand::kSecede, "secede", "脱退"},
    {LetterCommand::kSecedeBySystem, "secede_by_system", "システムによる脱退"},
    {LetterCommand::kTerminate, "terminate", "解除"},
    {LetterCommand::kRekey, "rekey", "医療機関コード変更"},
    {LetterCommand::kCreateRedelegation, "create_redelegation", "再委任状の作成"},
    {LetterCommand::kEndRedelegation, "end_redelegation", "再委任状の終了"},
    {LetterCommand::kScheduleTermination, "schedule_termination", "解除予定の登録"},
}};

}  // namespace

std::span<const Named<LetterStatus>> LetterStatuses() { return kStatuses; }
std::string_view CodeName(LetterStatus s) { return FindNamed<LetterStatus>(kStatuses, s).code; }
std::string_view JapaneseName(LetterStatus s) {
  return FindNamed<LetterStatus>(kStatuses, s).japanese;
}
std::string_view CodeName(LetterCommand c) { return FindNamed<LetterCommand>(kCommands, c).code; }
std::string_view JapaneseName(LetterCommand c) {
  return FindNamed<LetterCommand>(kCommands, c).japanese;
}

bool LetterFacts::took_effect() const {
  return contract_date && today >= *contract_date && (!municipal_letter() || payment_consignment) &&
         (!opening_date || today >= *opening_date);
}

std::span<const Named<LetterCommand>> LetterCommands() { return kCommands; }

bool IsTerminal(LetterStatus s) {
  return s == LetterStatus::kWithdrawn || s == LetterStatus::kSeceded ||
         s == LetterStatus::kTerminated;
}

namespace {

// The request's own fields and who acts come before the status (docs/core.md "Order of checks"):
// for a command the machine has no row for from the letter's status, the refusal its guard gives
// for those from the first status that has a row (kInvalidArgument, kPermissionDenied), else Ok.
Status FieldOrActorRefusal(LetterCommand command, const LetterFacts& facts) {
  for (const auto& row : kStatuses) {
    LetterMachine probe;
    StartIn(probe, row.value);
    Dispatch(probe, command, facts);
    if (probe.no_row) continue;
    const StatusCode code = probe.refusal.code();
    if (code == StatusCode::kInvalidArgument || code == StatusCode::kPermissionDenied) {
      return probe.refusal;
    }
    return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

Result<LetterStatus> DecideTransition(LetterStatus from, LetterCommand command,
                                      const LetterFacts& facts) {
  LetterMachine machine;
  StartIn(machine, from);
  Dispatch(machine, command, facts);
  if (!machine.refusal.ok()) return machine.refusal;
  if (machine.no_row) {
    SHUGO_RETURN_IF_ERROR(FieldOrActorRefusal(command, facts));
    return Status::FailedPrecondition("「" + std::string(JapaneseName(from)) + "」の委任状に「" +
                                      std::string(JapaneseName(command)) +
                                      "」はできません（status: " + std::string(CodeName(from)) +
                                      ", command: " + std::string(CodeName(command)) + "）");
  }
  return CurrentStatus(machine);
}

}  // namespace shugo::core
