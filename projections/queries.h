// The queries the screens, exports and feeds run on the projections (docs/projections.md). Each
// takes a Reader (a read-only connection lent by ProjectionService::Read) and applies the F-8
// visibility of the viewer given to it; the HTTP layer fills the viewer from the session, never
// from a request parameter.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/japan_date.h"
#include "base/status.h"
#include "core/domain_events.h"
#include "core/kinds.h"
#include "core/letter.h"
#include "projections/service.h"

namespace shugo::projections {

// Who is asking (F-8). `org` 0 is the system itself (the CLI, benchmarks): it sees everything.
struct Viewer {
  core::OrgId org = 0;
  core::OrganisationKind kind = core::OrganisationKind::kMhlw;
  int prefecture = 0;
};
// The viewer for organisation `org`, from the organisations projection. kNotFound if unknown.
Result<Viewer> ViewerOf(const Reader& reader, core::OrgId org);

// Totals are counted up to this many rows; beyond, `more` is set (a screen shows "10,000件以上"
// and asks for a narrower search), so that no list costs a scan of the whole country.
inline constexpr int64_t kCountLimit = 10'000;

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // rows matching, over all pages (at most kCountLimit)
  bool more = false;  // more than kCountLimit rows match
};

// ---- letters (F-8 一覧, F_画面9-1-1/10-1-3)

struct LetterFilter {
  std::optional<core::LetterStatus> status;
  std::optional<core::ContractType> contract_type;
  core::OrgId delegator = 0, delegate = 0;  // 0: any
  std::string q;                            // part of the delegator's or delegate's name or kana
  int page = 1, per_page = 50;              // per_page at most 500
  // The total and `more` of the same filter and viewer counted before at the same projection
  // position: the count is skipped (the HTTP layer keeps them while the position stays).
  std::optional<std::pair<int64_t, bool>> known_total;
};

struct LetterItem {
  core::LetterId id = 0;
  core::OrgId delegator = 0, delegate = 0;
  std::string delegator_code, delegator_name, delegate_code, delegate_name;
  std::string contract_type, status;
  core::CampaignId campaign = 0;
  int depth = 0;
  core::LetterId under = 0, upper = 0;
  std::string contract_date, end_date, reason;  // empty when none
  std::string termination_date;                 // a F-7 解除日 scheduled; empty when none
  int64_t applied_at = 0, updated_at = 0;       // µs
  uint64_t version = 0;
  // The position of the last event that changed any of the above (the letter's own, or a party's
  // new code or name): equal revisions, equal items.
  events::Position revision = 0;
};

// A page of letters, newest first. With `have`, a row for which have(id, revision) answers true is
// not read: its item carries only `id` and `revision` (the caller holds a copy of that revision).
Result<Page<LetterItem>> ListLetters(
    const Reader& reader, const Viewer& viewer, const LetterFilter& filter,
    const std::function<bool(core::LetterId, events::Position)>& have = {});
// nullopt when the letter does not exist or the viewer may not see it (both answer 404).
Result<std::optional<LetterItem>> FindLetter(const Reader& reader, const Viewer& viewer,
                                             core::LetterId id);

// ---- history (detail screens)

struct HistoryItem {
  events::Position position = 0;
  uint64_t version = 0;
  std::string type;
  int64_t recorded_at = 0;
  std::string effective_date, actor_user, actor_org, status, reason, detail;
};
// `entity` is letter, organisation, campaign, registration or user.
Result<std::vector<HistoryItem>> History(const Reader& reader, const std::string& entity,
                                         int64_t id);

// ---- organisations (F-8 検索)

struct OrganisationFilter {
  std::optional<core::OrganisationKind> kind;
  int prefecture = 0;  // 0: any
  std::string q;       // part of the name or kana (any width, kana or case), or a code's start
  int page = 1, per_page = 50;
};

struct OrganisationItem {
  core::OrgId id = 0;
  std::string kind, code, name, kana, address;
  int prefecture = 0;
  core::OrgId municipality = 0, parent = 0, member_of = 0, merged_into = 0;
  bool abolished = false;
  std::vector<std::string> old_codes;
  // The rest of the master (domain.md §2, F-1-8, F-1-9, F-5-2, F-1-4-3); dates 'YYYY-MM-DD' or
  // empty when none.
  std::string affiliation;  // none, medical_association, no_membership, other_aggregator, …
  std::string opening_date, abolition_date;
  core::OrgId union_id = 0;  // the 広域連合 it is a member of (from 加入日) or will join
  std::string union_join_date, union_leave_date;
  bool in_union = false;
  bool payment_consignment = false;  // 支払委託契約 registered and not cancelled
  std::string payment_consignment_date, payment_consignment_cancel_date;
  std::string pending_code;  // a code change awaiting approval: the new code
  uint64_t version = 0;      // its stream's version
};

Result<Page<OrganisationItem>> SearchOrganisations(const Reader& reader,
                                                   const OrganisationFilter& filter);
Result<std::optional<OrganisationItem>> FindOrganisation(const Reader& reader, core::OrgId id);
// The organisation that holds or held `code` (F-1-4-3 keeps old codes), or nullopt.
Result<std::optional<OrganisationItem>> FindOrganisationByCode(const Reader& reader,
                                                               const std::string& code);

// ---- one organisation's record (F-8 reading for organisations, docs/api.md "Organisations")

// Every signed-in user sees the public master facts of every organisation (code, name, kana,
// address, kind, place); the rest of a record — membership, union, payment consignment, pending
// code change, letters, history — only a viewer whose organisation deals with it: itself; every
// one for 厚生労働省 and 国保中央会; its prefecture's for a 国保連合会; the institutions in its
// area (domain.md §5; a prefecture also its municipalities and unions, a 広域連合 its members); the
// organisations the chain table (domain.md §3) routes to it; its letters' other parties; the
// institutions merged into it (F-1-4-3). Answers those of `ids` the viewer may see in full.
Result<std::vector<core::OrgId>> OrganisationsInScope(const Reader& reader, const Viewer& viewer,
                                                      const std::vector<core::OrgId>& ids);
// The municipalities whose 広域連合 is `union_id` (members from their 加入日, and those that
// will join), in code order.
Result<std::vector<OrganisationItem>> UnionMembers(const Reader& reader, core::OrgId union_id);
// F-1-1 （旧）全国地方公共団体コード: the municipalities (or unions) `org` succeeds and those that
// succeed it, each by code.
struct Successions {
  std::vector<OrganisationItem> predecessors, successors;
};
Result<Successions> SuccessionsOf(const Reader& reader, core::OrgId org);
// The letters whose delegator is `org` and which `viewer` may see (F-8), newest first, at most
// `limit`.
Result<std::vector<LetterItem>> LettersFrom(const Reader& reader, const Viewer& viewer,
                                            core::OrgId org, int limit);

// ---- F-7 解除依頼 (core/termination_requests.h)

enum class RequestBox {
  kAll,       // every request the viewer may see
  kReceived,  // addressed to the viewer (or, for a 広域連合, to one of its members)
  kSent,      // sent by the viewer
};

struct TerminationRequestFilter {
  RequestBox box = RequestBox::kAll;
  std::string status;  // open, terminated, declined, lapsed; empty: any
  int page = 1, per_page = 50;
};

// One party of a request: its id, current code and name.
struct PartyItem {
  core::OrgId id = 0;
  std::string code, name;
};

struct TerminationRequestItem {
  core::TerminationRequestId id = 0;
  PartyItem institution, requester, addressee;
  std::string status, reason, date, contract_types;     // date: the 解除日 wished, or empty
  std::string decision_reason, decision_date, letters;  // letters: ids, comma separated
  uint64_t version = 0;
};

// The requests the viewer may see (F-8, **project**: its requester, its addressee and the union
// the addressee is a member of, 厚生労働省 and 国保中央会 — core::MaySeeTerminationRequest), in the
// box asked for, newest first.
Result<Page<TerminationRequestItem>> ListTerminationRequests(
    const Reader& reader, const Viewer& viewer, const TerminationRequestFilter& filter);
// nullopt when the request does not exist or the viewer may not see it (both answer 404).
Result<std::optional<TerminationRequestItem>> FindTerminationRequest(const Reader& reader,
                                                                     const Viewer& viewer,
                                                                     core::TerminationRequestId id);

// ---- public search (F-21, no login)

struct PublicFilter {
  JapanDate today;               // what is in force is decided for this day
  core::OrgId residence = 0;     // 居住自治体 (0: any)
  std::string disease;           // disease id of routine_diseases.csv (empty: any)
  int prefecture = 0;            // 医療機関所在地: prefecture …
  core::OrgId municipality = 0;  // … or municipality (0: any)
  std::string q;                 // part of the name
  core::ContractType contract_type = core::ContractType::kRoutine;
  int page = 1, per_page = 50;
};

struct PublicVaccine {
  std::string disease, vaccine_group;  // 疾病名, ワクチン種別
};

struct PublicItem {
  core::OrgId org = 0;
  std::string code, name, address, prefecture_name, municipality_name, phone;
  std::optional<bool> digital_questionnaire;  // デジタル予診票 (not entered yet: nullopt)
  std::vector<PublicVaccine> vaccines;        // in force today, for the contract type
};

Result<Page<PublicItem>> PublicSearch(const Reader& reader, const PublicFilter& filter);
// The F-21 CSV: every row PublicSearch would page through, in the same order, read in one
// transaction (each projection as it stood at one moment). When more than `limit` (≤ kCountLimit)
// match: `more`, no items, and `total` counted up to kCountLimit. Ignores page and per_page.
Result<Page<PublicItem>> PublicSearchAll(const Reader& reader, const PublicFilter& filter,
                                         int64_t limit);

}  // namespace shugo::projections
