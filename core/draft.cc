#include "core/draft.h"

#include <algorithm>

namespace shugo::core {

using K = OrganisationKind;

std::string LetterLabel(LetterId id) { return "委任状" + std::to_string(id); }

bool IsMunicipal(K kind) { return kind == K::kMunicipality || kind == K::kWideAreaUnion; }
bool IsInstitution(K kind) {
  return kind == K::kInsuredInstitution || kind == K::kNonInsuredInstitution;
}

Result<const Organisation*> ActingOrg(const Draft& d) {
  if (d.actor().system()) return static_cast<const Organisation*>(nullptr);
  const Organisation* o = d.state().FindOrgByCode(d.actor().org_code);
  if (o == nullptr) {
    return Status(StatusCode::kPermissionDenied,
                  "操作する組織（" + d.actor().org_code + "）が登録されていません");
  }
  return o;
}

// The municipality or union where an institution is located, or a non-insured site's prefecture
// (F-7).
bool IsLocatingAuthority(const State& s, const Organisation& actor, const Organisation& inst) {
  if (inst.kind == K::kNonInsuredInstitution) {
    return actor.kind == K::kPrefecture && actor.prefecture == inst.prefecture;
  }
  if (actor.id == inst.municipality) return true;
  const Organisation* m = s.FindOrg(inst.municipality);
  return m != nullptr && m->in_union && m->union_id == actor.id;
}

bool DecidesFor(const State& s, const Organisation& by, OrgId authority) {
  if (by.id == authority) return true;
  const Organisation* m = s.FindOrg(authority);
  return m != nullptr && m->in_union && m->union_id == by.id;
}

Result<LetterActor> RelationOf(const Draft& d, const Letter& l, LetterCommand command) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* o, ActingOrg(d));
  if (o == nullptr) return LetterActor::kSystem;
  if (command == LetterCommand::kTerminate &&
      IsLocatingAuthority(d.state(), *o, d.Org(l.delegator))) {
    return LetterActor::kLocatingAuthority;
  }
  if (o->id == l.delegator) return LetterActor::kDelegator;
  if (o->id == l.delegate) return LetterActor::kDelegate;
  if (o->kind == K::kCentralFederation) return LetterActor::kCentralFederation;
  return LetterActor::kOther;
}

Result<const Letter*> FindOriginal(const Draft& d, LetterId id,
                                   std::optional<uint64_t> expected_version) {
  const Letter* l = d.state().FindLetter(id);
  if (l == nullptr) return Status::NotFound(LetterLabel(id) + "は存在しません");
  if (expected_version && *expected_version != l->version) {
    return Status::Aborted(LetterLabel(id) + "は他の操作で更新されています（表示した版 " +
                               std::to_string(*expected_version) + "、現在の版 " +
                               std::to_string(l->version) + "）。画面を更新してください",
                           "letter-" + std::to_string(id));
  }
  return l;
}

std::string NonInsuredCode(int prefecture, OrgId id) {
  std::string serial = std::to_string(id);
  std::string pref = std::to_string(prefecture);
  if (pref.size() < 2) pref.insert(0, 1, '0');
  return pref + "9" + std::string(7 - std::min<size_t>(7, serial.size()), '0') + serial;
}

Affiliation InstitutionAffiliation(const State& s, OrgId parent, OrgId member_of) {
  if (const Organisation* p = s.FindOrg(parent); p != nullptr) {
    return p->kind == K::kPrefecture ? Affiliation::kPrefecturalSite : Affiliation::kMunicipalSite;
  }
  const Organisation* m = s.FindOrg(member_of);
  if (m == nullptr) return Affiliation::kNoMembership;
  return m->kind == K::kOtherAggregator ? Affiliation::kOtherAggregator
                                        : Affiliation::kMedicalAssociation;
}

Status NeedReason(const std::string& reason) {
  if (reason.empty()) return Status::InvalidArgument("reason", "理由を入力してください");
  if (reason.size() > 2000) {
    return Status::InvalidArgument("reason", "理由は2000バイト以内で入力してください");
  }
  return Status::Ok();
}

Status CheckText(const std::string& value, const char* field, const char* label, bool required,
                 size_t max_bytes) {
  if (required && value.empty()) {
    return Status::InvalidArgument(field, std::string(label) + "を入力してください");
  }
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(
        field, std::string(label) + "が長すぎます（" + std::to_string(max_bytes) + "バイトまで）");
  }
  return Status::Ok();
}

Result<const Organisation*> OrgOfKind(const State& s, const std::string& code, const char* field,
                                      std::initializer_list<OrganisationKind> kinds,
                                      const char* label) {
  const Organisation* o = s.FindOrgByCode(code);
  if (o == nullptr) {
    return Status::InvalidArgument(field,
                                   std::string(label) + "（" + code + "）が登録されていません");
  }
  if (std::find(kinds.begin(), kinds.end(), o->kind) == kinds.end()) {
    return Status::InvalidArgument(field, code + "は" + std::string(JapaneseName(o->kind)) +
                                              "です（" + label + "を指定してください）");
  }
  return o;
}

}  // namespace shugo::core
