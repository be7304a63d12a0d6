// The in-memory state the command processor decides against (docs/core.md): every organisation
// and letter, with the indexes the rules need. Built only by applying domain events, live (as a
// decided command joins its group) and at start (from the log), through the same Apply().
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/domain_events.h"
#include "core/fee_book.h"

namespace shugo::core {

struct Organisation {
  OrgId id = 0;
  OrganisationKind kind = OrganisationKind::kMhlw;
  std::string code;
  std::vector<std::string> old_codes;  // F-1-4-3: kept after a code change
  std::string name, kana, address;
  int prefecture = 0;
  OrgId municipality = 0, parent = 0, member_of = 0;
  Affiliation affiliation = Affiliation::kNone;
  std::optional<JapanDate> opening_date;  // F-1-8-1, while the municipality is not yet open
  // F-1-8-1: 開設日 entered before `opening_date` and moved since (letters approved meanwhile
  // carry one as their 契約日), until the municipality opens.
  std::vector<JapanDate> former_opening_dates;
  std::optional<JapanDate> abolition_date;  // F-1-8-2, once entered
  bool abolished = false;
  OrgId union_id = 0;  // F-1-9: the union it is a member of (from 加入日) or will join
  std::optional<JapanDate> union_join_date, union_leave_date;
  bool in_union = false;
  std::optional<JapanDate> payment_consignment_date;  // F-5-2 締結日
  std::optional<JapanDate> payment_consignment_cancel_date;
  bool payment_consignment = false;
  // F-1-4-3
  // F-1-1 （旧）全国地方公共団体コード: a municipality or union and the ones it succeeds; the
  // successors are the other side of the same links, kept by the state.
  std::vector<OrgId> predecessors, successors;
  OrgId merged_into = 0;              // merged into this survivor (its codes now find the survivor)
  std::vector<OrgId> merged_from;     // the institutions merged into it
  uint32_t code_change_requests = 0;  // requests made so far (numbers them)
  std::optional<CodeChangeRequested> pending_code_change;  // awaiting its approver
  uint64_t version = 0;                                    // its stream's version

  // The municipality or union is open on `day` (F-1-8-1).
  bool open_on(JapanDate day) const { return !opening_date || day >= *opening_date; }
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

struct Letter {
  LetterId id = 0;
  OrgId delegator = 0, delegate = 0;
  ContractType contract_type = ContractType::kRoutine;
  CampaignId campaign = 0;
  LetterStatus status = LetterStatus::kNone;
  bool redelegation = false;
  LetterId under = 0;  // a re-delegation: the letter whose approval created it
  LetterId upper = 0;  // the re-delegation this letter stands under, once approved
  std::optional<JapanDate> contract_date;
  std::optional<JapanDate> date;  // 脱退日 or 解除日
  // F-7: a 解除日 scheduled for the future and its reason, until the day job terminates the letter
  // on it (cleared once the letter ends, whichever way).
  std::optional<JapanDate> termination_date;
  std::string termination_reason;
  std::string reason;       // the last reason given
  uint32_t live_below = 0;  // a re-delegation: letters under it approved or in force
  uint64_t version = 0;

  // Approved, in force or scheduled to secede: what keeps a re-delegation alive.
  bool live() const { return IsLive(status); }
  friend bool operator==(const Letter&, const Letter&) = default;
};

// F-10: a temporary-vaccination campaign (core/campaigns.h).
struct Campaign {
  CampaignId id = 0;
  OrgId declared_by = 0;  // MHLW, or a prefecture (予防接種法第6条第1項)
  std::string name;
  JapanDate start_date;
  CampaignImplementer implementer = CampaignImplementer::kMunicipalities;
  bool national = false;
  std::vector<int> prefectures;         // 発令エリア unless national
  std::map<std::string, int64_t> fees;  // 基本委託料 by vaccine
  std::map<OrgId, std::map<std::string, int64_t>> additional_fees;  // 加算委託料 by municipality
  JapanDate application_deadline, approval_deadline;
  std::optional<JapanDate> end_date;  // 脱退日 (F-10-4), once registered
  bool ended = false;                 // carried out by the day job
  uint64_t version = 0;

  // Whether prefecture number `prefecture` is in the 発令エリア.
  bool InArea(int prefecture) const {
    return national ||
           std::find(prefectures.begin(), prefectures.end(), prefecture) != prefectures.end();
  }
  friend bool operator==(const Campaign&, const Campaign&) = default;
};

// F-1-5: an entry of a non-insured institution through an input link (core/non_insured.h).
// issued → submitted → approved | returned; a link past its expiry stays issued and is refused.
enum class RegistrationStatus { kIssued, kSubmitted, kApproved, kReturned };

struct NonInsuredRegistration {
  RegistrationId id = 0;
  OrgId issuer = 0;    // the prefecture or municipality that issued the link
  OrgId approver = 0;  // the prefecture that approves or returns the entry
  JapanDate expires;   // the last day the link may be used
  RegistrationStatus status = RegistrationStatus::kIssued;
  std::optional<NonInsuredRegistrationSubmitted> data;  // what the institution entered
  OrgId org = 0;                                        // approved: the organisation registered
  std::string reason;  // returned: why (approved: the approver's comment, if any)
  uint64_t version = 0;

  // The link can no longer be used on `day`.
  bool expired_on(JapanDate day) const { return day > expires; }
  friend bool operator==(const NonInsuredRegistration&, const NonInsuredRegistration&) = default;
};

// A user account as the log knows it (core/users.h): only its organisation and role. Everything
// else about the person is in the account store (invariant 11).
struct User {
  UserId id = 0;
  OrgId org = 0;     // the organisation the user acts for (fixed at creation)
  std::string role;  // "admin" or "user", as last recorded
  UserChange last_change = UserChange::kCreated;
  uint64_t version = 0;  // its stream's version
  friend bool operator==(const User&, const User&) = default;
};

// F-7 解除依頼 (core/termination_requests.h): asked by a municipality or union with a voluntary
// contract relation, addressed to the institution's locating authority; open until the addressee
// terminates or declines, or the system closes it when the letters end otherwise.
struct TerminationRequest {
  TerminationRequested asked;                         // who asked whom, about what, and why
  std::optional<TerminationRequestDecided> decision;  // none while open
  uint64_t version = 0;                               // its stream's version

  bool open() const { return !decision.has_value(); }
  friend bool operator==(const TerminationRequest&, const TerminationRequest&) = default;
};

// Who delegates what to whom: at most one non-terminal original letter per key (**project**).
struct LetterKey {
  OrgId delegator = 0;
  OrgId delegate = 0;  // 0 for an original letter's key (the delegate follows from the chain)
  ContractType contract_type = ContractType::kRoutine;
  CampaignId campaign = 0;
  friend auto operator<=>(const LetterKey&, const LetterKey&) = default;
};

class State {
 public:
  // Applies one event. kDataLoss when the event contradicts the state (an unknown id, a second
  // registration of an id): the log and the code disagree, which must stop a start-up.
  Status Apply(const DomainEvent& event);

  const Organisation* FindOrg(OrgId id) const;
  // By current or former code (F-1-4-3 keeps old codes).
  const Organisation* FindOrgByCode(std::string_view code) const;
  const Letter* FindLetter(LetterId id) const;
  // The non-terminal original letter of `delegator` for this type and campaign, or nullptr.
  const Letter* OpenLetter(OrgId delegator, ContractType type, CampaignId campaign) const;
  // The live re-delegation from → to for this type and campaign, or nullptr.
  const Letter* LiveRedelegation(OrgId from, OrgId to, ContractType type,
                                 CampaignId campaign) const;
  // The single organisation of a national kind (日本医師会, 全国知事会, …), or nullptr.
  const Organisation* Singleton(OrganisationKind kind) const;
  // The 都道府県 with this number, or nullptr.
  const Organisation* PrefectureOf(int prefecture) const;
  // The 郡市区医師会 covering municipality `municipality`: the one seated there, else the first
  // registered in its prefecture (**project**: the seed names no area map). nullptr if none.
  const Organisation* AreaAssociation(const Organisation& institution) const;
  // Letters whose delegator is `org` (every status), in id order.
  const std::vector<LetterId>& LettersOf(OrgId org) const;
  // Letters whose delegate is `org` (originals and re-delegations, every status), in id order.
  const std::vector<LetterId>& LettersTo(OrgId org) const;
  // The オンライン資格確認 master row of a 医療機関コード (F-1-4-1), or nullptr.
  const EligibilityRow* FindEligible(std::string_view code) const;
  size_t eligibility_size() const { return eligibility_.size(); }
  uint64_t eligibility_version() const { return eligibility_version_; }
  // F-5-1: the collective contract's signing, once announced.
  const std::optional<CollectiveContractSigned>& collective_contract() const { return contract_; }
  uint64_t contract_version() const { return contract_version_; }
  // The organisations abolished so far (F-1-8-2), in the order of their abolition.
  const std::vector<OrgId>& abolished() const { return abolished_; }
  // Members of a union (every member that ever joined or is scheduled to, once each).
  const std::vector<OrgId>& MembersOf(OrgId union_id) const;
  // The organisations located in a municipality (institutions, 医師会), in id order.
  const std::vector<OrgId>& LocatedIn(OrgId municipality) const;

  // ---- F-10 campaigns
  const Campaign* FindCampaign(CampaignId id) const;
  // Every letter of a campaign, re-delegations included, in id order.
  const std::vector<LetterId>& LettersOfCampaign(CampaignId id) const;
  // The campaign's original letters approved, in force or scheduled to secede (F-10-4 ends them).
  const std::set<LetterId>& LiveLettersOfCampaign(CampaignId id) const;
  // Campaigns whose 脱退日 is registered and not yet carried out, by 脱退日.
  const std::set<std::pair<JapanDate, CampaignId>>& campaign_ends() const { return campaign_ends_; }
  const std::vector<Campaign>& campaigns() const { return campaigns_; }  // index = id − 1
  CampaignId next_campaign_id() const { return campaigns_.size() + 1; }

  // ---- F-1-5 entries through an input link
  const NonInsuredRegistration* FindRegistration(RegistrationId id) const;
  // The registration, submitted or approved, whose address has this digest (EmailDigest), or
  // nullptr. A returned entry frees its address.
  const NonInsuredRegistration* RegistrationByEmail(std::string_view email_sha256) const;
  const std::vector<NonInsuredRegistration>& registrations() const {  // index = id − 1
    return registrations_;
  }
  RegistrationId next_registration_id() const { return registrations_.size() + 1; }

  // ---- user accounts (core/users.h)
  const User* FindUser(UserId id) const;
  const std::unordered_map<UserId, User>& users() const { return users_; }

  // ---- F-7 解除依頼 (core/termination_requests.h)
  const TerminationRequest* FindTerminationRequest(TerminationRequestId id) const;
  const std::vector<TerminationRequest>& termination_requests() const {  // index = id − 1
    return termination_requests_;
  }
  TerminationRequestId next_termination_request_id() const {
    return termination_requests_.size() + 1;
  }
  // The open request of `requester` about `institution`, or nullptr (one at a time).
  const TerminationRequest* OpenTerminationRequest(OrgId institution, OrgId requester) const;
  // The open requests about `institution`, in requester order.
  std::vector<TerminationRequestId> OpenTerminationRequestsAbout(OrgId institution) const;
  bool any_open_termination_request() const { return !open_termination_.empty(); }

  // Approved letters waiting for their day (activation), by 契約日.
  const std::set<std::pair<JapanDate, LetterId>>& approved_by_date() const { return approved_; }
  // Letters scheduled to secede, by 脱退日.
  const std::set<std::pair<JapanDate, LetterId>>& secessions_by_date() const { return secessions_; }
  // Letters with a 解除日 scheduled (F-7), by 解除日.
  const std::set<std::pair<JapanDate, LetterId>>& terminations_by_date() const {
    return terminations_;
  }
  // Dated organisation changes entered and not yet carried out, by date.
  struct Pending {
    JapanDate date;
    OrganisationDateKind kind;  // the *_scheduled kind (or payment_consignment_cancel_scheduled)
    OrgId org;
    friend auto operator<=>(const Pending&, const Pending&) = default;
  };
  const std::set<Pending>& pending() const { return pending_; }
  // The earliest date something scheduled above (a date, an activation, a 解除日, a 脱退日, a
  // campaign's end) falls due, if any.
  std::optional<JapanDate> EarliestDue() const;
  // Whether `org` has a date of this *_scheduled kind entered and not yet carried out.
  bool HasPending(OrgId org, OrganisationDateKind kind) const;

  const std::vector<Organisation>& organisations() const { return orgs_; }  // index = id − 1
  const std::vector<Letter>& letters() const { return letters_; }           // index = id − 1
  OrgId next_org_id() const { return orgs_.size() + 1; }
  LetterId next_letter_id() const { return letters_.size() + 1; }
  std::optional<JapanDate> last_closed_day() const { return last_closed_day_; }
  uint64_t day_version() const { return day_version_; }
  // F-2 fees and vaccines (core/fee_book.h, core/fees.h).
  const FeeBook& fees() const { return fees_; }

 private:
  Status ApplyEvent(const OrganisationRegistered& e);
  Status ApplyEvent(const OrganisationChanged& e);
  Status ApplyEvent(const OrganisationDated& e);
  Status ApplyEvent(const LetterApplied& e);
  Status ApplyEvent(const RedelegationCreated& e);
  Status ApplyEvent(const LetterTransitioned& e);
  Status ApplyEvent(const DayClosed& e);
  Status ApplyEvent(const EligibilityMasterImported& e);
  Status ApplyEvent(const CodeChangeRequested& e);
  Status ApplyEvent(const CodeChangeDecided& e);
  Status ApplyEvent(const LetterRekeyed& e);
  Status ApplyEvent(const CollectiveContractSigned& e);
  Status ApplyEvent(const CampaignDeclared& e);
  Status ApplyEvent(const CampaignFeesChanged& e);
  Status ApplyEvent(const CampaignEndRegistered& e);
  Status ApplyEvent(const CampaignEnded& e);
  Status ApplyEvent(const NonInsuredLinkIssued& e);
  Status ApplyEvent(const NonInsuredRegistrationSubmitted& e);
  Status ApplyEvent(const NonInsuredRegistrationDecided& e);
  Status ApplyEvent(const UserRecorded& e);
  Status ApplyEvent(const TerminationRequested& e);
  Status ApplyEvent(const TerminationRequestDecided& e);
  // Links `o` to the municipalities it succeeds (replacing its earlier list) and them to it.
  Status Succeed(Organisation& o, const std::vector<OrgId>& predecessors);
  Campaign* MutableCampaign(CampaignId id);
  Organisation* MutableOrg(OrgId id);
  Letter* MutableLetter(LetterId id);
  // Keeps the date indexes and the live counts right around a status change.
  void Unindex(const Letter& letter);
  void Index(const Letter& letter);
  void SetLive(Letter& letter, bool was_live);

  std::vector<Organisation> orgs_;
  std::vector<Letter> letters_;
  std::unordered_map<std::string, OrgId> by_code_;
  std::map<LetterKey, LetterId> open_;         // originals, non-terminal
  std::map<LetterKey, LetterId> redelegated_;  // re-delegations, live
  std::unordered_map<OrgId, std::vector<LetterId>> letters_of_;
  std::unordered_map<OrgId, std::vector<LetterId>> letters_to_;
  std::unordered_map<OrgId, std::vector<OrgId>> members_of_;
  std::unordered_map<OrgId, std::vector<OrgId>> associations_by_municipality_;
  std::unordered_map<OrgId, std::vector<OrgId>> located_in_;  // each sorted
  std::map<int, std::vector<OrgId>> associations_by_prefecture_;
  std::map<int, OrgId> prefectures_;
  std::map<OrganisationKind, OrgId> singletons_;
  std::set<std::pair<JapanDate, LetterId>> approved_;
  std::set<std::pair<JapanDate, LetterId>> secessions_;
  std::set<std::pair<JapanDate, LetterId>> terminations_;
  std::set<Pending> pending_;
  std::optional<JapanDate> last_closed_day_;
  uint64_t day_version_ = 0;
  std::vector<OrgId> abolished_;
  std::unordered_map<std::string, EligibilityRow> eligibility_;
  uint64_t eligibility_version_ = 0;
  std::optional<CollectiveContractSigned> contract_;
  uint64_t contract_version_ = 0;
  std::vector<Campaign> campaigns_;
  std::unordered_map<CampaignId, std::vector<LetterId>> campaign_letters_;
  std::unordered_map<CampaignId, std::set<LetterId>> campaign_live_;
  std::set<std::pair<JapanDate, CampaignId>> campaign_ends_;
  FeeBook fees_;
  std::vector<NonInsuredRegistration> registrations_;
  std::unordered_map<std::string, RegistrationId> registration_emails_;
  std::unordered_map<UserId, User> users_;
  std::vector<TerminationRequest> termination_requests_;
  std::map<std::pair<OrgId, OrgId>, TerminationRequestId> open_termination_;  // (inst, requester)
};

}  // namespace shugo::core
