#include "core/visibility.h"

#include <array>

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

}  // namespace shugo::core
