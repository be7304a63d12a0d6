#include "core/visibility.h"

#include <algorithm>
#include <array>

#include "core/chains.h"
#include "core/state.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;
using S = LetterScope;

constexpr std::array kRules{
    VisibilityRule{K::kMhlw, S::kAll, "厚生労働省: すべて"},
    VisibilityRule{K::kCentralFederation, S::kAll, "国保中央会: すべて"},
    VisibilityRule{K::kPrefecturalFederation, S::kPrefecture, "国保連合会: その都道府県"},
    VisibilityRule{K::kGovernorsAssociation, S::kOwn, "全国知事会: 宛てられた委任状とその上の連鎖"},
    VisibilityRule{K::kJma, S::kOwn, "日本医師会: 宛てられた委任状とその上の連鎖"},
    VisibilityRule{K::kPrefecture, S::kPrefectureArea, "都道府県: 自らの委任状と域内の医療機関"},
    VisibilityRule{K::kMunicipality, S::kMunicipalityArea,
                   "市区町村: 自らの委任状と域内の医療機関"},
    VisibilityRule{K::kWideAreaUnion, S::kMunicipalityArea,
                   "広域連合: 自らの委任状と域内の医療機関"},
    VisibilityRule{K::kPrefecturalMedicalAssociation, S::kOwn,
                   "都道府県医師会: 宛てられた委任状とその上の連鎖"},
    VisibilityRule{K::kLocalMedicalAssociation, S::kOwn,
                   "郡市区医師会: 宛てられた委任状とその上の連鎖"},
    VisibilityRule{K::kOtherAggregator, S::kOwn, "取りまとめ団体: 宛てられた委任状とその上の連鎖"},
    VisibilityRule{K::kInsuredInstitution, S::kOwn, "保険医療機関: 自らの委任状"},
    VisibilityRule{K::kNonInsuredInstitution, S::kOwn, "非保険医療機関: 自らの委任状"},
};

}  // namespace

std::span<const VisibilityRule> VisibilityRules() { return kRules; }

LetterScope LetterScopeOf(OrganisationKind kind) {
  return kRules[static_cast<size_t>(kind)].letters;
}

std::string_view CodeName(LetterScope scope) {
  switch (scope) {
    case S::kOwn:
      return "own";
    case S::kMunicipalityArea:
      return "municipality_area";
    case S::kPrefectureArea:
      return "prefecture_area";
    case S::kPrefecture:
      return "prefecture";
    case S::kAll:
      return "all";
  }
  return "own";
}

bool MaySeeLetter(const State& state, OrgId viewer, LetterId letter) {
  const Letter* l = state.FindLetter(letter);
  const Organisation* v = state.FindOrg(viewer);
  if (l == nullptr || v == nullptr) return false;
  const LetterScope scope = LetterScopeOf(v->kind);
  if (scope == S::kAll || l->delegator == viewer || l->delegate == viewer) return true;
  const Organisation* from = state.FindOrg(l->delegator);
  if (from == nullptr) return false;
  const bool institution =
      from->kind == K::kInsuredInstitution || from->kind == K::kNonInsuredInstitution;
  switch (scope) {
    case S::kMunicipalityArea: {
      if (!institution || from->municipality == 0) return false;
      if (v->kind != K::kWideAreaUnion) return from->municipality == viewer;
      // A 広域連合's area: its member municipalities (from their 加入日).
      const Organisation* m = state.FindOrg(from->municipality);
      return m != nullptr && m->union_id == viewer && m->in_union;
    }
    case S::kPrefectureArea:
      return institution && from->prefecture == v->prefecture;
    case S::kPrefecture:
      return from->prefecture == v->prefecture;
    default:
      return false;
  }
}

namespace {

bool IsInstitution(K kind) {
  return kind == K::kInsuredInstitution || kind == K::kNonInsuredInstitution;
}

// Whether a hop of the chain table (domain.md §3) of kind `hop` reaches an organisation of kind
// `to` from one of kind `from` (the rule's delegator kinds for the first hop, then the kind the
// previous hop reached).
bool ChainRoutes(K from, K to, Hop hop) {
  for (const ChainRule& rule : ChainRules()) {
    std::vector<K> before = rule.delegators;
    std::vector<ChainStep> steps{rule.delegate};
    steps.insert(steps.end(), rule.redelegations.begin(), rule.redelegations.end());
    for (const ChainStep& step : steps) {
      if (step.kind == to && step.hop == hop &&
          std::find(before.begin(), before.end(), from) != before.end()) {
        return true;
      }
      before = {step.kind};
    }
  }
  return false;
}

// Whether `a` is the delegator and `b` the delegate of one of the letters (every status).
bool Delegates(const State& state, OrgId a, OrgId b) {
  const std::vector<LetterId>& ids = state.LettersOf(a);
  return std::any_of(ids.begin(), ids.end(), [&](LetterId id) {
    const Letter* l = state.FindLetter(id);
    return l != nullptr && l->delegate == b;
  });
}

}  // namespace

bool MaySeeOrganisationRecord(const State& state, OrgId viewer, OrgId org) {
  const Organisation* v = state.FindOrg(viewer);
  const Organisation* o = state.FindOrg(org);
  if (v == nullptr || o == nullptr) return false;
  const LetterScope scope = LetterScopeOf(v->kind);
  // Itself; everything for the national supervisors.
  if (scope == S::kAll || org == viewer) return true;
  // Its neighbours in the chains, the institutions merged into it, its letters' other parties.
  if (o->member_of == viewer || o->parent == viewer || o->merged_into == viewer) return true;
  if (Delegates(state, viewer, org) || Delegates(state, org, viewer)) return true;
  // Its area.
  switch (scope) {
    case S::kMunicipalityArea: {
      if (v->kind == K::kWideAreaUnion && o->union_id == viewer) return true;  // its members
      if (!IsInstitution(o->kind) || o->municipality == 0) break;
      if (v->kind != K::kWideAreaUnion) {
        if (o->municipality == viewer) return true;
        break;
      }
      const Organisation* m = state.FindOrg(o->municipality);
      if (m != nullptr && m->union_id == viewer && m->in_union) return true;
      break;
    }
    case S::kPrefectureArea:
      if (IsInstitution(o->kind) && o->prefecture == v->prefecture) return true;
      break;
    case S::kPrefecture:
      if (o->prefecture == v->prefecture) return true;
      break;
    default:
      break;
  }
  // The kinds the chain table routes to it as a national body, or as their own prefecture.
  if (ChainRoutes(o->kind, v->kind, Hop::kJma) ||
      ChainRoutes(o->kind, v->kind, Hop::kGovernorsAssociation)) {
    return true;
  }
  return o->prefecture == v->prefecture && ChainRoutes(o->kind, v->kind, Hop::kOwnPrefecture);
}

}  // namespace shugo::core
