// Who may see which letters and organisations (F-8, F_画面9-1-1/10-1-3): the seed says only
// "based on the searcher's viewing rights", so this one table is the project's reading of
// domain.md §5. Projections turn it into SQL; the HTTP layer applies it to every list, search,
// record, history and export, from the caller's organisation, never from a client's parameter.
#pragma once

#include <span>
#include <string_view>

#include "core/domain_events.h"
#include "core/kinds.h"

namespace shugo::core {

// Beyond its own letters (as delegator or delegate, which every organisation sees, with the
// re-delegations above them, whose delegator it then is), what an organisation may see.
enum class LetterScope {
  kOwn,  // nothing more (institutions, 医師会, aggregators, 全国知事会, 日本医師会)
  kMunicipalityArea,  // + letters of institutions located in it (市区町村, 広域連合)
  kPrefectureArea,    // + letters of institutions located in its prefecture (都道府県)
  kPrefecture,        // + every letter whose delegator is in its prefecture (国保連合会)
  kAll,               // everything (厚生労働省, 国保中央会)
};

struct VisibilityRule {
  OrganisationKind kind;
  LetterScope letters;
  std::string_view why;  // the reading of domain.md §5 it implements
};

// One row per organisation kind, in the enumerators' order.
std::span<const VisibilityRule> VisibilityRules();
LetterScope LetterScopeOf(OrganisationKind kind);
std::string_view CodeName(LetterScope scope);

class State;
// The same rule on the domain state, for commands (the projections' SQL in projections/queries.cc
// is its other reading; tests/projections checks that both agree for every organisation and
// letter): whether organisation `viewer` may see letter `letter`. False for unknown ids.
bool MaySeeLetter(const State& state, OrgId viewer, LetterId letter);

// Whether organisation `viewer` may see the whole record of organisation `org` (membership, union,
// payment consignment, pending code change, letters, history) rather than only its public master
// facts, which every signed-in user sees. The reading of domain.md §5 for organisations: itself;
// every one for 厚生労働省 and 国保中央会 (LetterScope::kAll); its prefecture's for a 国保連合会
// (kPrefecture); the institutions in its area (kMunicipalityArea, kPrefectureArea), and for a
// 広域連合 its members; the organisations the chain table of domain.md §3 routes to it — an
// institution's 医師会 or 団体 (member_of), a 郡市区医師会's 都道府県医師会 and a site's setting-up
// authority (parent), every delegator kind that reaches it as 日本医師会 or 全国知事会, and for a
// 都道府県 the delegator kinds that reach it as their own prefecture, in that prefecture; the other
// party of any of its letters (as delegator or delegate, every status); the institutions merged
// into it (F-1-4-3). False for unknown ids. projections::OrganisationsInScope is the same rule in
// SQL (tests/http/visibility_matrix_test.cc checks both agree for every pair of the test world).
bool MaySeeOrganisationRecord(const State& state, OrgId viewer, OrgId org);

}  // namespace shugo::core
