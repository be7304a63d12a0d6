#include "core/processor.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "core/code_changes.h"
#include "core/codes.h"
#include "core/draft.h"
#include "core/non_insured.h"
#include "core/termination_requests.h"
#include "core/users.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;
using DK = OrganisationDateKind;

// ---- F-1 masters

// The kind of organisation that keeps the master of each kind (F-1-1 … F-1-5); the system (initial
// setup) may register any.
bool MayKeepMaster(K registrar, K kind) {
  switch (kind) {
    case K::kPrefecture:
    case K::kMunicipality:
    case K::kWideAreaUnion:
    case K::kOtherAggregator:
      return registrar == K::kMhlw;  // F-1-1, F-1-3
    case K::kPrefecturalMedicalAssociation:
    case K::kLocalMedicalAssociation:
      return registrar == K::kCentralFederation;  // F-1-2
    case K::kInsuredInstitution:
      return registrar == K::kMunicipality || registrar == K::kWideAreaUnion;  // F-1-4-2
    case K::kNonInsuredInstitution:
      return registrar == K::kPrefecture;  // F-1-5 (a municipality issues an input link)
    default:
      return false;  // national bodies and 国保連合会: initial setup only
  }
}

// The keeper of a record by kind and by area (docs/core.md "The keeper of a master record"):
// MHLW and 国保中央会 keep theirs for all Japan; an insured institution is kept by the
// municipality where it is located or the union that municipality is a member of (F-1-4-2), a
// non-insured site by the prefecture where it is (F-1-5). `municipality` and `prefecture` are
// the record's location; `verb` is 登録 or 変更; `field` the member a refusal names.
Status MayKeep(const State& s, const Organisation& by, K kind, OrgId municipality, int prefecture,
               const std::string& what, const char* verb, const char* field) {
  if (!MayKeepMaster(by.kind, kind)) {
    return Status(StatusCode::kPermissionDenied,
                  std::string(JapaneseName(by.kind)) + "は" + what + "を" + verb + "できません",
                  field);
  }
  if (!IsInstitution(kind)) return Status::Ok();
  Organisation at;  // the record's location, read as F-7's locating authority reads it
  at.kind = kind;
  at.municipality = municipality;
  at.prefecture = prefecture;
  if (IsLocatingAuthority(s, by, at)) return Status::Ok();
  std::string where;
  if (kind == K::kInsuredInstitution) {
    const Organisation* m = s.FindOrg(municipality);
    where = m == nullptr ? std::string("他の市区町村") : m->name;
  } else {
    const Organisation* p = s.PrefectureOf(prefecture);
    where = p == nullptr ? std::string("他の都道府県") : p->name;
  }
  return Status(
      StatusCode::kPermissionDenied,
      by.name + "は" + where + "に所在する" + what + "を" + verb + "できません（" +
          (kind == K::kInsuredInstitution ? "所在地の市区町村またはその広域連合が行います、F-1-4-2"
                                          : "所在地の都道府県が行います、F-1-5") +
          "）",
      field);
}

// The 郡市区医師会 or 取りまとめ団体 an institution joins (F-1-4-2 所属先): one abolished or about
// to be (F-1-2, F-1-3) is refused, naming the field.
Result<const Organisation*> MembershipOf(const State& s, const std::string& code) {
  SHUGO_ASSIGN_OR_RETURN(
      const Organisation* m,
      OrgOfKind(s, code, "member_of_code", {K::kLocalMedicalAssociation, K::kOtherAggregator},
                "郡市区医師会または取りまとめ団体"));
  if (m->abolished || m->abolition_date) {
    return Status::InvalidArgument("member_of_code",
                                   m->name + "は廃止（予定）のため所属先に指定できません");
  }
  return m;
}

// The municipalities (or unions) a municipal record of kind `kind` succeeds, named by their
// （旧）全国地方公共団体コード (F-1-1): registered, of its own kind, each once, not itself and not
// one that succeeds it. `self` is 0 at registration. A municipality may be named by several
// (分立: the old area is split).
Result<std::vector<OrgId>> PredecessorsOf(const State& s, K kind, OrgId self,
                                          const std::vector<std::string>& codes) {
  constexpr size_t kMaxFormerCodes = 64;
  if (codes.empty()) return std::vector<OrgId>();
  if (!IsMunicipal(kind)) {
    return Status::InvalidArgument("former_codes",
                                   "（旧）コードを持つのは市区町村・広域連合だけです");
  }
  if (codes.size() > kMaxFormerCodes) {
    return Status::InvalidArgument(
        "former_codes", "（旧）コードは" + std::to_string(kMaxFormerCodes) + "件まで入力できます");
  }
  std::vector<OrgId> out;
  for (const std::string& text : codes) {
    SHUGO_ASSIGN_OR_RETURN(LocalGovCode code, LocalGovCode::Parse(text, "former_codes"));
    SHUGO_ASSIGN_OR_RETURN(
        const Organisation* p,
        OrgOfKind(s, code.str(), "former_codes", {kind},
                  kind == K::kMunicipality ? "（旧）市区町村" : "（旧）広域連合"));
    if (p->id == self) {
      return Status::InvalidArgument("former_codes", "自身のコードは（旧）コードに指定できません");
    }
    if (std::find(out.begin(), out.end(), p->id) != out.end()) {
      return Status::InvalidArgument("former_codes",
                                     "（旧）コード" + code.str() + "が重複しています");
    }
    if (self != 0 &&
        std::find(p->predecessors.begin(), p->predecessors.end(), self) != p->predecessors.end()) {
      return Status::InvalidArgument("former_codes",
                                     p->name + "はこの自治体を（旧）コードとしています");
    }
    out.push_back(p->id);
  }
  return out;
}

// The codes of `ids`, comma-separated: how a change of the list is shown and recorded.
std::string CodesOf(const State& s, const std::vector<OrgId>& ids) {
  std::string out;
  for (OrgId id : ids) {
    if (!out.empty()) out += ",";
    if (const Organisation* o = s.FindOrg(id)) out += o->code;
  }
  return out;
}

}  // namespace

// Also the approval of a F-1-5 entry (core/non_insured.cc).
Status DecideRegister(Draft& d, const RegisterOrganisation& r) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by != nullptr && !MayKeepMaster(by->kind, r.kind)) {
    return Status(StatusCode::kPermissionDenied,
                  std::string(JapaneseName(by->kind)) + "は" + std::string(JapaneseName(r.kind)) +
                      "を登録できません",
                  "kind");
  }
  const State& s = d.state();
  OrganisationRegistered e;
  e.id = s.next_org_id();
  e.kind = r.kind;
  e.name = r.name;
  e.kana = r.kana;
  e.address = r.address;
  if (r.kind == K::kInsuredInstitution) {
    // F-1-4-2: only a code of the オンライン資格確認 master, whose name and address fill what the
    // municipality left empty.
    SHUGO_ASSIGN_OR_RETURN(MedicalInstitutionCode code,
                           MedicalInstitutionCode::Parse(r.code, "code"));
    const EligibilityRow* row = s.FindEligible(code.str());
    if (row == nullptr) {
      return Status::InvalidArgument(
          "code", "医療機関コード" + code.str() +
                      "はオンライン資格確認の医療機関情報に登録されていません（F-1-4-2）");
    }
    if (e.name.empty()) e.name = row->name;
    if (e.address.empty()) e.address = row->address;
  }
  SHUGO_RETURN_IF_ERROR(CheckText(e.name, "name", "名称", true));
  SHUGO_RETURN_IF_ERROR(CheckText(e.kana, "kana", "カナ名称", false));
  SHUGO_RETURN_IF_ERROR(CheckText(e.address, "address", "所在地", false));
  switch (r.kind) {
    case K::kPrefecture:
    case K::kMunicipality:
    case K::kWideAreaUnion: {
      SHUGO_ASSIGN_OR_RETURN(LocalGovCode code, LocalGovCode::Parse(r.code, "code"));
      if ((r.kind == K::kPrefecture) != code.is_prefecture()) {
        return Status::InvalidArgument(
            "code", r.kind == K::kPrefecture ? "都道府県のコードは下3桁目までが000です"
                                             : "都道府県のコードは市区町村・広域連合に使えません");
      }
      e.code = code.str();
      e.prefecture = code.prefecture().number();
      break;
    }
    case K::kInsuredInstitution: {
      SHUGO_ASSIGN_OR_RETURN(MedicalInstitutionCode code,
                             MedicalInstitutionCode::Parse(r.code, "code"));
      e.code = code.str();
      e.prefecture = code.prefecture().number();
      break;
    }
    case K::kNonInsuredInstitution:
    case K::kOtherAggregator: {
      if (!r.code.empty()) {
        return Status::InvalidArgument(
            "code", std::string(JapaneseName(r.kind)) + "のコードはシステムが採番します");
      }
      SHUGO_ASSIGN_OR_RETURN(PrefectureCode pref,
                             PrefectureCode::FromNumber(r.prefecture, "prefecture"));
      e.prefecture = pref.number();
      // 類似コード (F-1-5) and 団体コード (F-1-3), **project** formats: a non-insured site's code
      // looks like a 医療機関コード with 点数表 9, which no insured institution has.
      std::string serial = std::to_string(e.id);
      if (r.kind == K::kNonInsuredInstitution) {
        e.code = NonInsuredCode(pref.number(), e.id);
      } else {
        e.code = "AG" + std::string(6 - std::min<size_t>(6, serial.size()), '0') + serial;
      }
      break;
    }
    case K::kPrefecturalMedicalAssociation:
    case K::kLocalMedicalAssociation:
    case K::kPrefecturalFederation: {
      // 医師会コード / 国保連合会: digits, **project** (the seed gives no format).
      if (r.code.empty() || r.code.size() > 10 ||
          !std::all_of(r.code.begin(), r.code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Status::InvalidArgument("code", "コードは1〜10桁の数字で入力してください");
      }
      SHUGO_ASSIGN_OR_RETURN(PrefectureCode pref,
                             PrefectureCode::FromNumber(r.prefecture, "prefecture"));
      e.code = r.code;
      e.prefecture = pref.number();
      break;
    }
    default: {
      SHUGO_RETURN_IF_ERROR(CheckText(r.code, "code", "コード", true, 40));
      e.code = r.code;
      break;
    }
  }
  if (!r.municipality_code.empty()) {
    SHUGO_ASSIGN_OR_RETURN(
        const Organisation* m,
        OrgOfKind(s, r.municipality_code, "municipality_code", {K::kMunicipality}, "市区町村"));
    e.municipality = m->id;
    if (e.prefecture != 0 && m->prefecture != e.prefecture) {
      return Status::InvalidArgument("municipality_code", "所在市区町村が別の都道府県です");
    }
  } else if (IsInstitution(r.kind) || r.kind == K::kLocalMedicalAssociation) {
    return Status::InvalidArgument("municipality_code", "所在市区町村を入力してください");
  }
  if (r.kind == K::kLocalMedicalAssociation) {
    SHUGO_ASSIGN_OR_RETURN(const Organisation* p,
                           OrgOfKind(s, r.parent_code, "parent_code",
                                     {K::kPrefecturalMedicalAssociation}, "委任先医師会"));
    e.parent = p->id;
  } else if (r.kind == K::kNonInsuredInstitution && !r.parent_code.empty()) {
    SHUGO_ASSIGN_OR_RETURN(const Organisation* p,
                           OrgOfKind(s, r.parent_code, "parent_code",
                                     {K::kMunicipality, K::kPrefecture}, "設置した自治体"));
    if (p->prefecture != e.prefecture) {
      return Status::InvalidArgument("parent_code",
                                     "設置した自治体（" + p->name + "）が会場と別の都道府県です");
    }
    e.parent = p->id;
  } else if (!r.parent_code.empty()) {
    return Status::InvalidArgument("parent_code", "この種別には上位の組織を指定できません");
  }
  if (!r.member_of_code.empty()) {
    if (!IsInstitution(r.kind)) {
      return Status::InvalidArgument("member_of_code", "所属先を指定できるのは医療機関だけです");
    }
    SHUGO_ASSIGN_OR_RETURN(const Organisation* m, MembershipOf(s, r.member_of_code));
    e.member_of = m->id;
  }
  if (IsInstitution(r.kind)) e.affiliation = InstitutionAffiliation(s, e.parent, e.member_of);
  SHUGO_ASSIGN_OR_RETURN(e.predecessors, PredecessorsOf(s, r.kind, 0, r.former_codes));
  if (r.opening_date) {
    if (!IsMunicipal(r.kind)) {
      return Status::InvalidArgument("opening_date", "開設日を持つのは市区町村・広域連合だけです");
    }
    if (*r.opening_date <= d.today()) {
      return Status::InvalidArgument("opening_date", "開設日は未来の日付を入力してください");
    }
    e.opening_date = r.opening_date;
  }
  if (by != nullptr) {  // by area: the location just read (F-1-4-2, F-1-5)
    SHUGO_RETURN_IF_ERROR(
        MayKeep(s, *by, r.kind, e.municipality, e.prefecture, std::string(JapaneseName(r.kind)),
                "登録", r.kind == K::kInsuredInstitution ? "municipality_code" : "prefecture"));
  }
  // The state last (docs/core.md "Order of checks"): a national body once, a code once.
  if (s.Singleton(r.kind) != nullptr) {
    return Status::AlreadyExists(std::string(JapaneseName(r.kind)) + "は登録済みです");
  }
  if (const Organisation* dup = s.FindOrgByCode(e.code); dup != nullptr) {
    return Status::AlreadyExists("コード" + e.code + "は" + dup->name + "に登録済みです");
  }
  d.created().push_back(e.id);
  return d.Emit(std::move(e), std::nullopt);
}

namespace {

Status DecideChange(Draft& d, const ChangeOrganisation& c, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  const Organisation* o = s.FindOrgByCode(c.code);
  if (o == nullptr) return Status::NotFound("組織（" + c.code + "）が登録されていません");
  OrganisationChanged e;
  e.id = o->id;
  auto diff = [&](const std::optional<std::string>& v, const std::string& now, const char* field,
                  const char* label, bool required) -> Status {
    if (!v || *v == now) return Status::Ok();
    SHUGO_RETURN_IF_ERROR(CheckText(*v, field, label, required));
    e.changes.push_back({field, now, *v});
    return Status::Ok();
  };
  SHUGO_RETURN_IF_ERROR(diff(c.name, o->name, "name", "名称", true));
  SHUGO_RETURN_IF_ERROR(diff(c.kana, o->kana, "kana", "カナ名称", false));
  SHUGO_RETURN_IF_ERROR(diff(c.address, o->address, "address", "所在地", false));
  if (c.member_of_code) {
    if (!IsInstitution(o->kind)) {
      return Status::InvalidArgument("member_of_code", "所属先を変更できるのは医療機関だけです");
    }
    const Organisation* now = s.FindOrg(o->member_of);
    const std::string now_code = now == nullptr ? "" : now->code;
    if (*c.member_of_code != now_code) {
      OrgId next = 0;
      if (!c.member_of_code->empty()) {
        SHUGO_ASSIGN_OR_RETURN(const Organisation* m, MembershipOf(s, *c.member_of_code));
        next = m->id;
      }
      e.changes.push_back({"member_of", now_code, *c.member_of_code});
      e.member_of = next;
    }
  }
  // Moved to another municipality of its prefecture, by hand (a reorganisation into one
  // successor moves it by itself on the 廃止日, DecideReorganisationDue).
  const Organisation* moved_to = nullptr;
  if (c.municipality_code) {
    if (!IsInstitution(o->kind) && o->kind != K::kLocalMedicalAssociation) {
      return Status::InvalidArgument("municipality_code",
                                     "所在市区町村を変更できるのは医療機関・郡市区医師会だけです");
    }
    const Organisation* now = s.FindOrg(o->municipality);
    const std::string now_code = now == nullptr ? "" : now->code;
    if (*c.municipality_code != now_code) {
      SHUGO_ASSIGN_OR_RETURN(moved_to, OrgOfKind(s, *c.municipality_code, "municipality_code",
                                                 {K::kMunicipality}, "市区町村"));
      if (moved_to->prefecture != o->prefecture) {
        return Status::InvalidArgument("municipality_code", "所在市区町村が別の都道府県です");
      }
      if (moved_to->abolished) {
        return Status::InvalidArgument(
            "municipality_code", moved_to->name + "は廃止済みのため所在市区町村に指定できません");
      }
      e.changes.push_back({"municipality_code", now_code, moved_to->code});
      e.municipality = moved_to->id;
    }
  }
  if (c.former_codes) {
    SHUGO_ASSIGN_OR_RETURN(std::vector<OrgId> ids,
                           PredecessorsOf(s, o->kind, o->id, *c.former_codes));
    if (ids != o->predecessors) {
      e.changes.push_back({"former_codes", CodesOf(s, o->predecessors), CodesOf(s, ids)});
      e.predecessors = std::move(ids);
    }
  }
  // The keeper changes a record, by kind and by area; the organisation itself reports its
  // changes to its keeper (F-1-1, F-1-3 "厚生労働省に報告する", F-1-4-2, F-1-5 "都道府県に報告し").
  // An institution left in an abolished municipality is moved out by that municipality's
  // successor it moves into (the area was split, so no one successor takes it by itself).
  const bool successor_takes_it =
      by != nullptr && moved_to != nullptr && moved_to->id == by->id &&
      o->kind == K::kInsuredInstitution && by->kind == K::kMunicipality &&
      std::find(by->predecessors.begin(), by->predecessors.end(), o->municipality) !=
          by->predecessors.end() &&
      s.FindOrg(o->municipality) != nullptr && s.FindOrg(o->municipality)->abolished;
  if (by != nullptr && !successor_takes_it) {
    SHUGO_RETURN_IF_ERROR(
        MayKeep(s, *by, o->kind, o->municipality, o->prefecture, o->name, "変更", "code"));
  }
  if (expected && *expected != o->version) {
    return Status::Aborted(o->name + "は他の操作で更新されています。画面を更新してください",
                           "org-" + std::to_string(o->id));
  }
  if (e.changes.empty()) return Status::InvalidArgument("code", std::string(kNothingToChange));
  return d.Emit(std::move(e), std::nullopt);
}

Status DecideDate(Draft& d, const EnterOrganisationDate& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  const Organisation* o = s.FindOrgByCode(r.code);
  if (o == nullptr) return Status::NotFound("組織（" + r.code + "）が登録されていません");
  if (expected && *expected != o->version) {
    return Status::Aborted(o->name + "は他の操作で更新されています。画面を更新してください",
                           "org-" + std::to_string(o->id));
  }
  auto need_kind = [&](std::initializer_list<K> kinds, const char* what) -> Status {
    if (std::find(kinds.begin(), kinds.end(), o->kind) != kinds.end()) return Status::Ok();
    return Status::FailedPrecondition(o->name + "（" + std::string(JapaneseName(o->kind)) +
                                      "）には" + what + "を登録できません");
  };
  auto need_by = [&](K kind, const char* who) -> Status {
    if (by == nullptr || by->kind == kind) return Status::Ok();
    return Status(StatusCode::kPermissionDenied, std::string("この登録は") + who + "が行います",
                  "code");
  };
  auto future = [&](const char* label) -> Status {
    if (r.date > d.today()) return Status::Ok();
    return Status::InvalidArgument("date", std::string(label) + "は未来の日付を入力してください");
  };
  OrganisationDated e;
  e.id = o->id;
  e.kind = r.kind;
  e.date = r.date;
  switch (r.kind) {
    case DK::kOpeningScheduled:  // F-1-8-1
      SHUGO_RETURN_IF_ERROR(future("開設日"));
      SHUGO_RETURN_IF_ERROR(need_by(K::kMhlw, "厚生労働省"));
      SHUGO_RETURN_IF_ERROR(need_kind({K::kMunicipality, K::kWideAreaUnion}, "開設日"));
      if (!o->opening_date) {
        return Status::FailedPrecondition(o->name + "は開設済みです");
      }
      break;
    case DK::kAbolitionScheduled:  // F-1-8-2; F-1-2, F-1-3 (**project**, docs/core.md)
      SHUGO_RETURN_IF_ERROR(future("廃止日"));
      // The keeper of the master enters it: 国保中央会 for a 医師会 (its abolition is reported to
      // it by the 医師会 or via MHLW, F-1-2), MHLW for the others.
      SHUGO_RETURN_IF_ERROR(o->kind == K::kLocalMedicalAssociation ||
                                    o->kind == K::kPrefecturalMedicalAssociation
                                ? need_by(K::kCentralFederation, "国保中央会")
                                : need_by(K::kMhlw, "厚生労働省"));
      // A 都道府県医師会 (the top of its prefecture's chains) and the national bodies are not.
      SHUGO_RETURN_IF_ERROR(need_kind(
          {K::kMunicipality, K::kWideAreaUnion, K::kLocalMedicalAssociation, K::kOtherAggregator},
          "廃止日"));
      if (o->abolished) return Status::FailedPrecondition(o->name + "は廃止済みです");
      break;
    case DK::kUnionJoinScheduled: {  // F-1-9-1
      SHUGO_RETURN_IF_ERROR(future("加入日"));
      SHUGO_ASSIGN_OR_RETURN(const Organisation* u, OrgOfKind(s, r.union_code, "union_code",
                                                              {K::kWideAreaUnion}, "広域連合"));
      SHUGO_RETURN_IF_ERROR(need_by(K::kMhlw, "厚生労働省"));
      SHUGO_RETURN_IF_ERROR(need_kind({K::kMunicipality}, "広域連合への加入日"));
      // **project**: a union of its own prefecture, whose 国保連合会 and prefecture its letters
      // go to (domain.md §3, F-5-2).
      if (u->prefecture != o->prefecture) {
        return Status::InvalidArgument(
            "union_code", o->name + "は別の都道府県の広域連合（" + u->name + "）に加入できません");
      }
      if (u->abolished || u->abolition_date) {
        return Status::FailedPrecondition(u->name + "は廃止（予定）のため加入できません");
      }
      // One union at a time: a member leaves (and the leave is carried out) before it joins
      // again, so the join and leave dates of one membership never overlap.
      if (o->in_union || s.HasPending(o->id, DK::kUnionJoinScheduled) ||
          s.HasPending(o->id, DK::kUnionLeaveScheduled)) {
        return Status::FailedPrecondition(
            o->name +
            "は広域連合に加入中または加入・脱退の予定があります（脱退後に登録してください）");
      }
      e.other = u->id;
      break;
    }
    case DK::kUnionLeaveScheduled:  // F-1-9-2
      SHUGO_RETURN_IF_ERROR(future("脱退日"));
      if (o->union_join_date && r.date < *o->union_join_date) {
        return Status::InvalidArgument("date", "脱退日は加入日（" + o->union_join_date->ToString() +
                                                   "）以降の日付を入力してください");
      }
      SHUGO_RETURN_IF_ERROR(need_by(K::kMhlw, "厚生労働省"));
      if (!o->in_union && !s.HasPending(o->id, DK::kUnionJoinScheduled)) {
        return Status::FailedPrecondition(o->name + "は広域連合に加入していません");
      }
      e.other = o->union_id;
      break;
    case DK::kPaymentConsignmentRegistered:         // F-5-2 締結日
    case DK::kPaymentConsignmentCancelScheduled: {  // F-5-2 解除日
      if (r.kind == DK::kPaymentConsignmentRegistered && r.date > d.today()) {
        return Status::InvalidArgument("date", "締結日に未来の日付は入力できません");
      }
      if (r.kind == DK::kPaymentConsignmentCancelScheduled && r.date < d.today()) {
        return Status::InvalidArgument("date", "解除日は本日以降の日付を入力してください");
      }
      SHUGO_RETURN_IF_ERROR(need_by(K::kPrefecturalFederation, "国保連合会"));
      SHUGO_RETURN_IF_ERROR(need_kind({K::kMunicipality, K::kWideAreaUnion}, "支払事務委託"));
      if (by != nullptr && by->prefecture != o->prefecture) {
        return Status(StatusCode::kPermissionDenied,
                      "他の都道府県の自治体の支払事務委託は登録できません", "code");
      }
      if (r.kind == DK::kPaymentConsignmentRegistered) {
        if (o->payment_consignment) {
          return Status::AlreadyExists(o->name + "の支払事務委託は登録済みです");
        }
      } else if (!o->payment_consignment) {
        return Status::FailedPrecondition(o->name + "の支払事務委託は登録されていません");
      }
      break;
    }
    default:
      return Status::InvalidArgument("kind", "日次処理が記録する種類は入力できません");
  }
  SHUGO_RETURN_IF_ERROR(d.Emit(e, std::nullopt));
  if (r.kind == DK::kUnionLeaveScheduled) {
    // F-1-9-2: the member's approved letter takes effect the day after the union 脱退日.
    const JapanDate from = r.date.AddDays(1);
    for (LetterId id : s.LettersOf(o->id)) {
      const Letter& l = *s.FindLetter(id);
      if (l.redelegation || d.StatusOf(l) != LetterStatus::kApproved) continue;
      if (l.contract_date && *l.contract_date >= from) continue;
      LetterFacts f = d.Facts(l, LetterActor::kSystem);
      f.reason = "広域連合からの脱退（F-1-9-2）";
      SHUGO_RETURN_IF_ERROR(d.Transition(l, LetterCommand::kUnionLeave, f, std::nullopt, from));
    }
  }
  return Status::Ok();
}

// ---- F-3 … F-7 letters

Result<const Organisation*> Resolve(const State& s, Hop hop, const Organisation& from,
                                    const Organisation& delegator) {
  const Organisation* to = nullptr;
  switch (hop) {
    case Hop::kMemberAssociation:
    case Hop::kMemberAggregator:
      to = s.FindOrg(from.member_of);
      break;
    case Hop::kAreaAssociation:
      to = s.AreaAssociation(from);
      break;
    case Hop::kParentAssociation:
    case Hop::kSettingUpAuthority:
      to = s.FindOrg(from.parent);
      break;
    case Hop::kJma:
      to = s.Singleton(K::kJma);
      break;
    case Hop::kOwnPrefecture:
      to = s.PrefectureOf(from.prefecture);
      break;
    case Hop::kGovernorsAssociation:
      to = s.Singleton(K::kGovernorsAssociation);
      break;
  }
  if (to == nullptr) {
    return Status::FailedPrecondition(delegator.name + "の委任先（" + std::string(from.name) +
                                      "の上位）が登録されていません");
  }
  return to;
}

// Whether `o` may have an original letter applied, re-applied or approved: not abolished (nor
// about to be, F-1-8-2), and not a member of a union, which applies for it (F-1-9).
Status MayDelegate(const State& s, const Organisation& o) {
  if (o.abolished || o.abolition_date) {
    return Status::FailedPrecondition(o.name + "は廃止（予定）のため委任状を申請・承認できません");
  }
  if (o.kind == K::kMunicipality && o.union_id != 0 && !o.union_leave_date) {
    const Organisation* u = s.FindOrg(o.union_id);
    if (u == nullptr || !u->abolition_date) {
      return Status::FailedPrecondition(
          o.name + "は広域連合（" + (u == nullptr ? std::string() : u->name) +
          "）の構成市区町村です。脱退日または広域連合の廃止日の登録後に申請できます（F-1-9-2）");
    }
  }
  return Status::Ok();
}

// Whether letters may be applied or re-applied to `delegate`: not abolished nor about to be
// (F-1-8-2, F-1-2, F-1-3); its letters secede on its 廃止日.
Status MayBeDelegate(const Organisation& delegate) {
  if (!delegate.abolished && !delegate.abolition_date) return Status::Ok();
  return Status::FailedPrecondition("委任先（" + delegate.name +
                                    "）は廃止（予定）のため申請できません（所属先の変更後に申請して"
                                    "ください）");
}

// The delegate code an application names (F-3), as the request's own field: a code that names
// no organisation is refused naming `delegate`, with the code's own rule when it breaks one (a
// 全国地方公共団体コード's or 医療機関コード's check digit).
Status CheckDelegateCode(const State& s, const std::string& code) {
  if (code.empty() || s.FindOrgByCode(code) != nullptr) return Status::Ok();
  if (IsDigits(code, 6)) SHUGO_RETURN_IF_ERROR(LocalGovCode::Parse(code, "delegate").status());
  if (IsDigits(code, 10)) {
    SHUGO_RETURN_IF_ERROR(MedicalInstitutionCode::Parse(code, "delegate").status());
  }
  return Status::InvalidArgument("delegate", "委任先（" + code + "）が登録されていません");
}

// F-3. Checks in the order of every command: the request's fields (the 委託契約書, the campaign,
// the delegate's code), then who applies (for a temporary letter: the campaign's area, 実施主体
// and deadlines) and where the chain table routes it (the delegate named must be the routed
// one), then the state (the delegator's abolition or union, a live letter of the type: 409).
Status DecideApply(Draft& d, const ApplyLetter& r) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* o, ActingOrg(d));
  if (o == nullptr) {
    return Status(StatusCode::kPermissionDenied, "委任状は委任元の組織が申請します");
  }
  const State& s = d.state();
  if (!r.document_confirmed) {
    return Status::InvalidArgument("document_confirmed",
                                   "委託契約書を確認したうえで申請してください（F-3）");
  }
  // F-10-2: the campaign named (one for a temporary letter, none otherwise, a declared one) is
  // the request's field; whether the campaign takes an application from this delegator comes
  // after the other fields.
  const Status campaign = CheckCampaignApplication(d, *o, r.contract_type, r.campaign);
  if (campaign.code() == StatusCode::kInvalidArgument) return campaign;
  SHUGO_RETURN_IF_ERROR(CheckDelegateCode(s, r.delegate_code));
  SHUGO_RETURN_IF_ERROR(campaign);
  SHUGO_ASSIGN_OR_RETURN(const ChainRule* rule,
                         FindChainRule(o->kind, o->affiliation, r.contract_type));
  SHUGO_ASSIGN_OR_RETURN(const Organisation* delegate, Resolve(s, rule->delegate.hop, *o, *o));
  if (delegate->kind != rule->delegate.kind) {
    return Status::FailedPrecondition(o->name + "の委任先（" + delegate->name + "）は" +
                                      std::string(JapaneseName(rule->delegate.kind)) +
                                      "ではありません");
  }
  // A client that names the delegate it expects must name the routed one (F-3: the chain table
  // decides, the delegator does not choose).
  if (!r.delegate_code.empty() && r.delegate_code != delegate->code) {
    return Status::InvalidArgument(
        "delegate", o->name + "の「" + std::string(JapaneseName(r.contract_type)) +
                        "」の委任先は " + delegate->name + "（" + delegate->code + "）です");
  }
  LetterFacts f(LetterActor::kDelegator, d.today(), r.contract_type, o->kind);
  SHUGO_RETURN_IF_ERROR(DecideTransition(LetterStatus::kNone, LetterCommand::kApply, f).status());
  SHUGO_RETURN_IF_ERROR(MayDelegate(s, *o));
  SHUGO_RETURN_IF_ERROR(MayBeDelegate(*delegate));
  if (const Letter* open = s.OpenLetter(o->id, r.contract_type, r.campaign); open != nullptr) {
    return Status::AlreadyExists(
        "「" + std::string(JapaneseName(r.contract_type)) + "」の" + LetterLabel(open->id) + "（" +
        std::string(JapaneseName(open->status)) + "）があるため、新たに申請できません");
  }
  LetterApplied e;
  e.id = d.NewLetterId();
  e.delegator = o->id;
  e.delegate = delegate->id;
  e.contract_type = r.contract_type;
  e.campaign = r.campaign;
  e.document_confirmed = true;
  d.created().push_back(e.id);
  return d.Emit(e, std::nullopt);
}

// The routing row of a letter follows its delegate, chosen when it was applied for: a membership
// changed since (F-1-4-2 account info) routes the next application, not this approval.
Affiliation ChainAffiliation(const Organisation& delegator, const Organisation& delegate) {
  if (!IsInstitution(delegator.kind)) return delegator.affiliation;
  switch (delegate.kind) {
    case K::kOtherAggregator:
      return Affiliation::kOtherAggregator;
    case K::kMunicipality:
      return Affiliation::kMunicipalSite;
    case K::kPrefecture:
      return Affiliation::kPrefecturalSite;
    default:
      return delegator.affiliation == Affiliation::kNoMembership ? Affiliation::kNoMembership
                                                                 : Affiliation::kMedicalAssociation;
  }
}

// F-4: 契約日 = the next day, or the municipality's 開設日, or the day after a union 脱退日, or the
// go-live date for the first run, whichever is latest.
JapanDate ContractDate(const Draft& d, const Organisation& delegator) {
  JapanDate date = d.today().AddDays(1);
  if (d.options().go_live && *d.options().go_live > date) date = *d.options().go_live;
  if (delegator.opening_date && *delegator.opening_date > date) date = *delegator.opening_date;
  if (delegator.union_leave_date && delegator.union_leave_date->AddDays(1) > date) {
    date = delegator.union_leave_date->AddDays(1);
  }
  // A member of a union whose 廃止日 is entered leaves it on that date (F-1-9-2).
  if (delegator.in_union) {
    const Organisation* u = d.state().FindOrg(delegator.union_id);
    if (u != nullptr && u->abolition_date && *u->abolition_date > date) date = *u->abolition_date;
  }
  return date;
}

Status DecideApprove(Draft& d, const ApproveLetters& r, std::optional<uint64_t> expected) {
  if (r.letters.empty())
    return Status::InvalidArgument("letters", "承認する委任状を選んでください");
  if (r.letters.size() > 200) {
    return Status::InvalidArgument("letters", "一括承認は一度に200件までです");
  }
  if (expected && r.letters.size() != 1) {
    return Status::InvalidArgument("expected_version", "版の指定は1件の承認にだけ使えます");
  }
  std::unordered_set<LetterId> seen;
  // Re-delegations this command creates, so that two letters of one bulk share them.
  std::map<LetterKey, LetterId> created;
  const State& s = d.state();
  for (LetterId id : r.letters) {
    if (!seen.insert(id).second) {
      return Status::InvalidArgument("letters", LetterLabel(id) + "が二重に選ばれています");
    }
    SHUGO_ASSIGN_OR_RETURN(const Letter* l, FindOriginal(d, id, expected));
    SHUGO_ASSIGN_OR_RETURN(LetterActor actor, RelationOf(d, *l, LetterCommand::kApprove));
    LetterFacts f = d.Facts(*l, actor);
    SHUGO_RETURN_IF_ERROR(DecideTransition(d.StatusOf(*l), LetterCommand::kApprove, f).status());
    SHUGO_RETURN_IF_ERROR(CheckCampaignLetter(d, *l, LetterCommand::kApprove));  // F-10-3
    const Organisation& delegator = d.Org(l->delegator);
    // An abolished municipality has no letter of its own to approve (one approved before the
    // abolition secedes with it, F-1-8-2); a union member only once its 脱退日 or the union's
    // 廃止日 is entered (F-1-9).
    if (delegator.abolished) {
      return Status::FailedPrecondition(LetterLabel(l->id) + "の委任元（" + delegator.name +
                                        "）は廃止されました。承認できません（F-1-8-2）");
    }
    if (const Organisation& delegate = d.Org(l->delegate); delegate.abolished) {
      return Status::FailedPrecondition(LetterLabel(l->id) + "の委任先（" + delegate.name +
                                        "）は廃止されました。承認できません");
    }
    if (delegator.in_union) {
      Status member = MayDelegate(s, delegator);
      if (!member.ok()) {
        return Status::FailedPrecondition(LetterLabel(l->id) + "は承認できません：" +
                                          member.message());
      }
    }
    const JapanDate contract_date = ContractDate(d, delegator);
    SHUGO_ASSIGN_OR_RETURN(
        const ChainRule* rule,
        FindChainRule(delegator.kind, ChainAffiliation(delegator, d.Org(l->delegate)),
                      l->contract_type));
    // The chain above the delegate, bottom up.
    std::vector<std::pair<const Organisation*, const Organisation*>> hops;
    const Organisation* from = &d.Org(l->delegate);
    for (const ChainStep& step : rule->redelegations) {
      SHUGO_ASSIGN_OR_RETURN(const Organisation* to, Resolve(s, step.hop, *from, delegator));
      hops.emplace_back(from, to);
      from = to;
    }
    // Top down: reuse a live re-delegation, else create one under the one above it.
    LetterId upper = 0;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      LetterKey key{it->first->id, it->second->id, l->contract_type, l->campaign};
      if (auto c = created.find(key); c != created.end()) {
        upper = c->second;
        continue;
      }
      const Letter* live =
          s.LiveRedelegation(key.delegator, key.delegate, key.contract_type, key.campaign);
      if (live != nullptr && d.StatusOf(*live) != LetterStatus::kApproved &&
          d.StatusOf(*live) != LetterStatus::kInContract) {
        live = nullptr;  // ending in this command or scheduled to secede: start a new one
      }
      if (live != nullptr) {
        upper = live->id;
        continue;
      }
      Letter draft;  // the machine's view of the new re-delegation
      draft.redelegation = true;
      draft.delegator = key.delegator;
      draft.contract_type = key.contract_type;
      LetterFacts rf(LetterActor::kSystem, d.today(), key.contract_type, it->first->kind);
      rf.redelegation = true;
      SHUGO_RETURN_IF_ERROR(
          DecideTransition(LetterStatus::kNone, LetterCommand::kCreateRedelegation, rf).status());
      RedelegationCreated e;
      e.id = d.NewLetterId();
      e.delegator = key.delegator;
      e.delegate = key.delegate;
      e.contract_type = key.contract_type;
      e.campaign = key.campaign;
      e.under = l->id;
      e.contract_date = contract_date;
      e.upper = upper;
      SHUGO_RETURN_IF_ERROR(d.Emit(e, std::nullopt));
      d.created().push_back(e.id);
      created.emplace(key, e.id);
      upper = e.id;
    }
    SHUGO_RETURN_IF_ERROR(
        d.Transition(*l, LetterCommand::kApprove, f, std::nullopt, contract_date, upper));
  }
  return Status::Ok();
}

Status DecideSimple(Draft& d, LetterId id, LetterCommand command, std::optional<JapanDate> date,
                    const std::string& reason, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Letter* l, FindOriginal(d, id, expected));
  SHUGO_ASSIGN_OR_RETURN(LetterActor actor, RelationOf(d, *l, command));
  if (command == LetterCommand::kRequestSecession && actor == LetterActor::kCentralFederation) {
    command = LetterCommand::kHelpdeskSecession;  // F-10-4
  }
  LetterFacts f = d.Facts(*l, actor);
  f.date = date;
  f.reason = reason;
  if (command != LetterCommand::kReapply) SHUGO_RETURN_IF_ERROR(NeedReason(reason));
  if (command == LetterCommand::kReapply) {
    SHUGO_RETURN_IF_ERROR(DecideTransition(d.StatusOf(*l), command, f).status());
    SHUGO_RETURN_IF_ERROR(MayDelegate(d.state(), d.Org(l->delegator)));  // F-1-8-2, F-1-9
    SHUGO_RETURN_IF_ERROR(MayBeDelegate(d.Org(l->delegate)));            // F-1-2, F-1-3
  }
  if (command == LetterCommand::kReapply && l->contract_type == ContractType::kTemporary) {
    SHUGO_RETURN_IF_ERROR(DecideTransition(d.StatusOf(*l), command, f).status());
    SHUGO_RETURN_IF_ERROR(CheckCampaignLetter(d, *l, command));  // F-10-2
  }
  return d.Transition(*l, command, f, std::nullopt, std::nullopt);
}

}  // namespace

// F-7 解除 by the locating authority: a 解除日 of today terminates the letter at once (in effect
// from that date); a later one is scheduled on the letter (its status does not change) and the
// day job terminates it on that date; an earlier one is refused (**project**, docs/core.md). A
// scheduled 解除日 may be moved, or brought forward to today; one on or after a 脱退日 already
// scheduled is refused (the letter secedes first).
Status DecideTerminate(Draft& d, const TerminateLetter& r, std::optional<uint64_t> expected) {
  SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));
  SHUGO_ASSIGN_OR_RETURN(const Letter* l, FindOriginal(d, r.letter, expected));
  SHUGO_ASSIGN_OR_RETURN(LetterActor actor, RelationOf(d, *l, LetterCommand::kTerminate));
  LetterFacts f = d.Facts(*l, actor);
  f.date = r.date;
  f.reason = r.reason;
  const LetterCommand command =
      r.date > d.today() ? LetterCommand::kScheduleTermination : LetterCommand::kTerminate;
  SHUGO_RETURN_IF_ERROR(DecideTransition(d.StatusOf(*l), command, f).status());
  if (d.StatusOf(*l) == LetterStatus::kSecessionScheduled && l->date && r.date >= *l->date) {
    return Status::InvalidArgument("date", "脱退日（" + l->date->ToString() +
                                               "）に脱退する委任状です。解除日はそれより前の日付を"
                                               "入力してください");
  }
  return d.Transition(*l, command, f,
                      command == LetterCommand::kTerminate ? std::optional(r.date) : std::nullopt,
                      std::nullopt);
}

namespace {

// The state the log holds: every domain event from position 1 up to the head. Sets the position
// read to and how many domain events were applied.
Status LoadState(const events::EventStore& store, State& state, events::Position& last,
                 uint64_t& applied) {
  Status failure;
  Status read = store.ReadAll(1, [&](events::Position pos, std::string_view bytes) {
    last = pos;
    Result<DomainEvent> e = Decode(*fb::GetEvent(bytes.data()));
    if (!e.ok()) {
      if (e.status().code() == StatusCode::kNotFound) return true;  // not a domain event
      failure = Status::DataLoss("position " + std::to_string(pos) + ": " + e.status().message());
      return false;
    }
    if (Status s = state.Apply(*e); !s.ok()) {
      failure = Status::DataLoss("position " + std::to_string(pos) + ": " + s.message());
      return false;
    }
    ++applied;
    return true;
  });
  SHUGO_RETURN_IF_ERROR(read);
  return failure;
}

}  // namespace

Result<std::unique_ptr<Processor>> Processor::Open(events::EventStore* store, const Clock* clock,
                                                   ProcessorOptions options) {
  std::unique_ptr<Processor> p(new Processor(store, clock, options));
  SHUGO_RETURN_IF_ERROR(LoadState(*store, p->state_, p->loaded_position_, p->loaded_events_));
  return p;
}

Status Processor::write_failure() const {
  if (broken_.load()) {
    return Status::Unavailable(
        "書き込みに失敗した後、状態をイベントログから復元できませんでした。再起動してください");
  }
  return store_->write_failure();
}

// On the writer thread, when a group this processor applied decisions of could not be written:
// the state goes back to exactly what the log holds (its head did not move), before the writer
// decides anything else. Once per failed group (the first discard; the others find it done).
void Processor::DiscardUnwritten() {
  if (!ahead_) return;
  ahead_ = false;
  State durable;
  events::Position last = 0;
  uint64_t applied = 0;
  if (!LoadState(*store_, durable, last, applied).ok()) {
    broken_.store(true);  // neither state can be trusted: refuse commands until a restart
    return;
  }
  std::unique_lock lock(mu_);
  state_ = std::move(durable);
}

Result<Outcome> Processor::Submit(const std::string& command_id, const Actor& actor,
                                  const std::function<Status(Draft&)>& decide,
                                  const std::string& request_digest) {
  if (broken_.load()) {
    return Status::Unavailable("書き込みに失敗したため停止しています。再起動してください");
  }
  if (Status failed = store_->write_failure(); !failed.ok()) {  // sticky until a restart
    return Status::Unavailable(
        "イベントログへの書き込みに失敗したため停止しています。再起動してください（" +
        failed.message() + "）");
  }
  std::vector<uint64_t> created;
  Result<events::AppendResult> r =
      store_->AppendDecided(command_id, [&](events::Position) -> Result<events::Decision> {
        Draft d(state_, clock_->Today(), options_, actor);
        SHUGO_RETURN_IF_ERROR(decide(d));
        SHUGO_RETURN_IF_ERROR(CloseLapsedTerminationRequests(d));  // F-7 解除依頼
        if (d.out().empty()) return Status::FailedPrecondition("変更する内容がありません");
        events::Decision decision;
        decision.command.actor_user = actor.user;
        decision.command.actor_org = actor.org_code;
        decision.command.request_digest = request_digest;
        auto decided = std::make_shared<std::vector<DomainEvent>>();
        decided->reserve(d.out().size());
        for (Draft::Out& o : d.out()) {
          if (decision.command.streams.empty() ||
              decision.command.streams.back().stream != o.stream) {
            events::StreamAppend sa;
            sa.stream = o.stream;
            sa.expected = events::ExpectedVersion::Exact(o.version);
            decision.command.streams.push_back(std::move(sa));
          }
          decided->push_back(o.event);
          decision.command.streams.back().events.push_back(Encode(std::move(o.event), o.effective));
        }
        created = std::move(d.created());
        decision.apply = [this, decided] {
          ahead_ = true;  // until the group is written
          std::unique_lock lock(mu_);
          for (const DomainEvent& e : *decided) {
            if (!state_.Apply(e).ok()) broken_.store(true);
          }
        };
        // The group was not written: nothing of this decision may stay in the state.
        decision.discard = [this] { DiscardUnwritten(); };
        return decision;
      });
  if (!r.ok()) return r.status();
  if (r->duplicate && r->first_position != 0) {
    // A retry answers the first result (invariant 5): what it created is read back from the log.
    // Its id sent with another request than the first is refused instead, appending nothing.
    bool reused = false;
    SHUGO_RETURN_IF_ERROR(store_->ReadAll(r->first_position, [&](events::Position pos,
                                                                 std::string_view bytes) {
      if (pos > r->last_position) return false;
      const fb::Event& record = *fb::GetEvent(bytes.data());
      if (pos == r->first_position && !request_digest.empty() &&
          record.request_digest() != nullptr && record.request_digest()->str() != request_digest) {
        reused = true;
        return false;
      }
      Result<DomainEvent> e = Decode(record);
      if (e.ok()) {
        std::visit(
            [&](const auto& ev) {
              using E = std::decay_t<decltype(ev)>;
              if constexpr (std::is_same_v<E, OrganisationRegistered> ||
                            std::is_same_v<E, LetterApplied> ||
                            std::is_same_v<E, RedelegationCreated> ||
                            std::is_same_v<E, CampaignDeclared> ||
                            std::is_same_v<E, NonInsuredLinkIssued> ||
                            std::is_same_v<E, TerminationRequested>) {
                created.push_back(ev.id);
              }
            },
            *e);
      }
      return pos < r->last_position;
    }));
    if (reused) {
      return Status::InvalidArgument(
          "idempotency_key",
          "この Idempotency-Key は別の内容の操作に使われています。新しい操作には新しいキーを指定"
          "してください（同じキーで再送できるのは最初と同じ内容の操作だけです）");
    }
  }
  return Outcome{std::move(*r), std::move(created)};
}

namespace {

// Commands that create the record they act on (a new organisation, letter, campaign or input
// link), or that no user sees a version of (the system's master import, an entry through an input
// link): no version the caller saw can be checked, so one sent is refused rather than ignored.
// Retries are answered by the command id (invariant 5), a second registration of a code or a
// second open letter by the rules (kAlreadyExists).
template <typename T>
constexpr bool kTakesNoVersion =
    std::is_same_v<T, RegisterOrganisation> || std::is_same_v<T, ApplyLetter> ||
    std::is_same_v<T, DeclareCampaign> || std::is_same_v<T, IssueNonInsuredLink> ||
    std::is_same_v<T, ImportEligibilityMaster> || std::is_same_v<T, SubmitNonInsuredRegistration> ||
    std::is_same_v<T, RequestTermination>;

// A refusal of the request itself (its fields, its target) or of who sends it, as opposed to a
// conflict with the state (kFailedPrecondition, kAlreadyExists, kAborted: HTTP 409).
bool RequestOrAuthorityRefusal(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kPermissionDenied ||
         s.code() == StatusCode::kNotFound || s.code() == StatusCode::kUnauthenticated;
}

Status DecideOn(Draft& d, const CommandRequest& request, std::optional<uint64_t> expected);

// Every command's decision: the events it would append go to `d`, or a refusal. Checks come in
// one order for every command (docs/core.md "Order of checks"): the request's own fields, then
// who acts and where the request routes, then the state (a status, a live letter, the version
// the caller saw). Each decider orders its own checks so; the version is checked last here for
// all of them: the command is decided first on the current state, and only a decision that is
// not refused for its fields or its actor is decided again at the version the caller saw.
Status Decide(Draft& d, const CommandRequest& request) {
  const auto expected = request.expected_version;
  const bool no_version = std::visit(
      [](const auto& r) { return kTakesNoVersion<std::decay_t<decltype(r)>>; }, request.request);
  if (expected && no_version) {
    return Status::InvalidArgument(
        "expected_version",
        "この操作は新しい記録を作るため（またはシステムの取込のため）、版を指定できません");
  }
  if (expected) {
    Draft current(d.state(), d.today(), d.options(), d.actor());
    if (Status s = DecideOn(current, request, std::nullopt); RequestOrAuthorityRefusal(s)) return s;
  }
  return DecideOn(d, request, expected);
}

Status DecideOn(Draft& d, const CommandRequest& request, std::optional<uint64_t> expected) {
  {
    return std::visit(
        [&](const auto& r) -> Status {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, RegisterOrganisation>) {
            return DecideRegister(d, r);
          } else if constexpr (std::is_same_v<T, ChangeOrganisation>) {
            return DecideChange(d, r, expected);
          } else if constexpr (std::is_same_v<T, EnterOrganisationDate>) {
            return DecideDate(d, r, expected);
          } else if constexpr (std::is_same_v<T, ApplyLetter>) {
            return DecideApply(d, r);
          } else if constexpr (std::is_same_v<T, ReapplyLetter>) {
            return DecideSimple(d, r.letter, LetterCommand::kReapply, std::nullopt, {}, expected);
          } else if constexpr (std::is_same_v<T, ApproveLetters>) {
            return DecideApprove(d, r, expected);
          } else if constexpr (std::is_same_v<T, ReturnLetter>) {
            return DecideSimple(d, r.letter, LetterCommand::kReturn, std::nullopt, r.reason,
                                expected);
          } else if constexpr (std::is_same_v<T, WithdrawLetter>) {
            return DecideSimple(d, r.letter, LetterCommand::kWithdraw, std::nullopt, r.reason,
                                expected);
          } else if constexpr (std::is_same_v<T, RequestSecession>) {
            return DecideSimple(d, r.letter, LetterCommand::kRequestSecession, r.date, r.reason,
                                expected);
          } else if constexpr (kIsFeeRequest<T>) {
            return DecideFees(d, r, expected);  // F-2 (core/fees.cc)
          } else if constexpr (std::is_same_v<T, TerminateLetter>) {
            return DecideTerminate(d, r, expected);  // F-7
          } else if constexpr (std::is_same_v<T, ImportEligibilityMaster>) {
            return DecideImportEligibility(d, r);
          } else if constexpr (std::is_same_v<T, RequestCodeChange>) {
            return DecideRequestCodeChange(d, r, expected);
          } else if constexpr (std::is_same_v<T, ReviewCodeChange>) {
            return DecideReviewCodeChange(d, r, expected);
          } else if constexpr (std::is_same_v<T, AnnounceCollectiveContract>) {
            return DecideAnnounceContract(d, r, expected);
          } else if constexpr (std::is_same_v<T, DeclareCampaign>) {
            return DecideDeclareCampaign(d, r);
          } else if constexpr (std::is_same_v<T, ChangeCampaignFees>) {
            return DecideChangeCampaignFees(d, r, expected);
          } else if constexpr (std::is_same_v<T, SetAdditionalFees>) {
            return DecideSetAdditionalFees(d, r, expected);
          } else if constexpr (std::is_same_v<T, IssueNonInsuredLink>) {
            return DecideIssueNonInsuredLink(d, r);  // F-1-5 (core/non_insured.cc)
          } else if constexpr (std::is_same_v<T, SubmitNonInsuredRegistration>) {
            return DecideSubmitNonInsuredRegistration(d, r);
          } else if constexpr (std::is_same_v<T, ReviewNonInsuredRegistration>) {
            return DecideReviewNonInsuredRegistration(d, r, expected);
          } else if constexpr (std::is_same_v<T, RecordUser>) {
            return DecideRecordUser(d, r, expected);  // user accounts (core/users.cc)
          } else if constexpr (std::is_same_v<T, RequestTermination>) {
            return DecideRequestTermination(d, r);  // F-7 解除依頼
          } else if constexpr (std::is_same_v<T, AnswerTerminationRequest>) {
            return DecideAnswerTerminationRequest(d, r, expected);
          } else {
            static_assert(std::is_same_v<T, RegisterCampaignEnd>);
            return DecideRegisterCampaignEnd(d, r, expected);
          }
        },
        request.request);
  }
}

}  // namespace

Result<Outcome> Processor::Execute(const CommandRequest& request) {
  return Submit(
      request.id, request.actor, [&](Draft& d) { return Decide(d, request); },
      request.request_digest);
}

Result<std::vector<DomainEvent>> Processor::Preview(const CommandRequest& request) const {
  return Read([&](const State& s) -> Result<std::vector<DomainEvent>> {
    Draft d(s, clock_->Today(), options_, request.actor);
    SHUGO_RETURN_IF_ERROR(Decide(d, request));
    SHUGO_RETURN_IF_ERROR(CloseLapsedTerminationRequests(d));
    if (d.out().empty()) return Status::FailedPrecondition("変更する内容がありません");
    std::vector<DomainEvent> events;
    events.reserve(d.out().size());
    for (Draft::Out& o : d.out()) events.push_back(std::move(o.event));
    return events;
  });
}

std::vector<LetterId> Processor::RefusedApprovals(const Actor& actor,
                                                  const std::vector<LetterId>& letters) const {
  return Read([&](const State& s) {
    std::vector<LetterId> out;
    std::unordered_set<LetterId> seen, named;
    for (LetterId id : letters) {
      bool refused = !seen.insert(id).second;  // named twice
      if (!refused) {
        Draft d(s, clock_->Today(), options_, actor);
        refused = !DecideApprove(d, ApproveLetters{{id}}, std::nullopt).ok();
      }
      if (refused && named.insert(id).second) out.push_back(id);
    }
    return out;
  });
}

// ---- the day job

namespace {

std::string DayCommandId(JapanDate day, std::string_view what, uint64_t id) {
  return "day-" + std::to_string(day.yyyymmdd()) + "-" + std::string(what) + "-" +
         std::to_string(id);
}

// F-1-1 "On reorganisation the municipal code is updated in every master": once a municipality's
// 廃止日 has come, the institutions and 医師会 located in it move to the one municipality that
// names it as its （旧）コード, a bounded number per command. With no successor yet nothing moves
// (a link entered later moves them on the next run); with several (分立) each successor takes its
// own by hand (DecideChange).
Result<bool> DecideReorganisationDue(Draft& d, JapanDate day, std::string* command_id) {
  constexpr size_t kMaxMoves = 256;
  const State& s = d.state();
  for (OrgId id : s.abolished()) {
    const Organisation& old = d.Org(id);
    if (old.kind != K::kMunicipality || !old.abolition_date || day < *old.abolition_date) continue;
    if (old.successors.size() != 1) continue;
    const std::vector<OrgId>& located = s.LocatedIn(id);
    if (located.empty()) continue;
    const Organisation& next = d.Org(old.successors.front());
    const size_t n = std::min(located.size(), kMaxMoves);
    for (size_t i = 0; i < n; ++i) {
      OrganisationChanged e;
      e.id = located[i];
      e.changes.push_back({"municipality_code", old.code, next.code});
      e.municipality = next.id;
      SHUGO_RETURN_IF_ERROR(d.Emit(std::move(e), *old.abolition_date));
    }
    *command_id = DayCommandId(day, "reorganisation", id) + "-" + std::to_string(located.front());
    return true;
  }
  return false;
}

// The first transition due on `day`, decided into `d`; false when nothing is due.
Result<bool> DecideDue(Draft& d, JapanDate day, std::string* command_id) {
  const State& s = d.state();
  // F-1-8, F-1-9, F-5-2 dates first, so that a letter of an abolished municipality is seceded
  // rather than activated on the same day.
  for (const State::Pending& p : s.pending()) {
    const bool leave = p.kind == DK::kUnionLeaveScheduled;
    // A union 脱退日 is the member's last day in the union: it leaves the day after.
    if ((leave ? p.date.AddDays(1) : p.date) > day) {
      if (p.date > day) break;
      continue;
    }
    const Organisation& o = d.Org(p.org);
    OrganisationDated e;
    e.id = o.id;
    e.date = p.date;
    switch (p.kind) {
      case DK::kOpeningScheduled: {  // F-1-8-1
        e.kind = DK::kOpened;
        SHUGO_RETURN_IF_ERROR(d.Emit(e, p.date));
        // Letters approved before it: 契約日 := 開設日, those dated by an earlier 開設日 and
        // those dated by a later one that was moved earlier since (docs/core.md).
        const bool before_go_live = d.options().go_live && p.date < *d.options().go_live;
        for (LetterId id : s.LettersOf(o.id)) {
          const Letter& l = *s.FindLetter(id);
          if (l.redelegation || l.status != LetterStatus::kApproved || !l.contract_date ||
              !o.payment_consignment) {
            continue;
          }
          LetterFacts f = d.Facts(l, LetterActor::kSystem);
          if (!(*l.contract_date < p.date) && (!f.dated_by_former_opening || before_go_live)) {
            continue;
          }
          SHUGO_RETURN_IF_ERROR(d.Transition(l, LetterCommand::kOpen, f, p.date, p.date));
          SHUGO_RETURN_IF_ERROR(d.ActivateAbove(l));  // together with its chain (F-4)
        }
        break;
      }
      case DK::kAbolitionScheduled: {  // F-1-8-2: 脱退日 = 廃止日
        e.kind = DK::kAbolished;
        SHUGO_RETURN_IF_ERROR(d.Emit(e, p.date));
        SHUGO_RETURN_IF_ERROR(d.SecedeAll(o, p.date, p.date, "自治体の廃止（F-1-8-2）"));
        // The letters addressed to it (an institution's to its 郡市区医師会, 取りまとめ団体 or
        // setting-up municipality) secede on the same date (**project**, docs/core.md).
        SHUGO_RETURN_IF_ERROR(d.SecedeAddressed(o, p.date));
        // A union's members leave it: their last day in it is the day before 廃止日 (F-1-9-2).
        for (OrgId id : s.MembersOf(o.id)) {
          const Organisation& m = d.Org(id);
          if (!m.in_union || m.union_id != o.id) continue;
          OrganisationDated left;
          left.id = m.id;
          left.kind = DK::kUnionLeft;
          left.date = p.date.AddDays(-1);
          left.other = o.id;
          SHUGO_RETURN_IF_ERROR(d.Emit(left, p.date));
          SHUGO_RETURN_IF_ERROR(DecideFeeDateEffects(d, DK::kUnionLeaveScheduled, m, left.date));
        }
        break;
      }
      case DK::kUnionJoinScheduled:  // F-1-9-1: 脱退日 = 加入日 − 1, in effect from 加入日
        e.kind = DK::kUnionJoined;
        e.other = o.union_id;
        SHUGO_RETURN_IF_ERROR(d.Emit(e, p.date));
        SHUGO_RETURN_IF_ERROR(
            d.SecedeAll(o, p.date.AddDays(-1), p.date, "広域連合への加入（F-1-9-1）"));
        break;
      case DK::kUnionLeaveScheduled:  // F-1-9-2
        e.kind = DK::kUnionLeft;
        e.other = o.union_id;
        SHUGO_RETURN_IF_ERROR(d.Emit(e, p.date.AddDays(1)));
        break;
      case DK::kPaymentConsignmentCancelScheduled:  // F-5-2: on 解除日
        e.kind = DK::kPaymentConsignmentCancelled;
        SHUGO_RETURN_IF_ERROR(d.Emit(e, p.date));
        SHUGO_RETURN_IF_ERROR(d.SecedeAll(o, p.date, p.date, "支払事務委託の解除（F-5-2）"));
        break;
      default:
        return Status::Internal("日次処理：予定の種類が不明です");
    }
    // The same dates move the F-2 vaccine and contract dates (core/fees.h).
    SHUGO_RETURN_IF_ERROR(DecideFeeDateEffects(d, p.kind, o, p.date));
    *command_id = DayCommandId(day, CodeName(p.kind), o.id);
    return true;
  }
  // F-1-8-2: what an abolition left of its contract rows, a bounded number per command.
  std::string what;
  OrgId abolished = 0;
  SHUGO_ASSIGN_OR_RETURN(bool moved, DecideAbolishedContractsDue(d, day, &what, &abolished));
  if (moved) {
    *command_id = DayCommandId(day, what, abolished) + "-" + std::to_string(d.out().size()) + "-" +
                  std::to_string(std::get<InstitutionContractSet>(d.out().front().event).owner);
    return true;
  }
  SHUGO_ASSIGN_OR_RETURN(bool reorganised, DecideReorganisationDue(d, day, command_id));
  if (reorganised) return true;
  // F-10-4: a campaign's letters secede on its 脱退日 (rather than take effect on it).
  SHUGO_ASSIGN_OR_RETURN(bool campaign_due, DecideCampaignDue(d, day, command_id));
  if (campaign_due) return true;
  // F_バッチ_3-1: approved letters whose 契約日 has come and that may take effect.
  for (const auto& [date, id] : s.approved_by_date()) {
    if (date > day) break;
    const Letter& l = *s.FindLetter(id);
    if (l.redelegation) continue;  // activated with the letter under it
    LetterFacts f = d.Facts(l, LetterActor::kSystem);
    if (!f.took_effect()) continue;  // waits for payment consignment or the opening
    SHUGO_RETURN_IF_ERROR(d.Activate(l));
    *command_id = DayCommandId(day, "activate", id);
    return true;
  }
  // F-7: a 解除日 scheduled by the locating authority (before a secession due the same day).
  for (const auto& [date, id] : s.terminations_by_date()) {
    if (date > day) break;
    const Letter& l = *s.FindLetter(id);
    LetterFacts f = d.Facts(l, LetterActor::kSystem);
    f.date = l.termination_date;
    f.reason = l.termination_reason;
    SHUGO_RETURN_IF_ERROR(
        d.Transition(l, LetterCommand::kTerminate, f, l.termination_date, std::nullopt));
    *command_id = DayCommandId(day, "terminate", id);
    return true;
  }
  for (const auto& [date, id] : s.secessions_by_date()) {
    if (date > day) break;
    const Letter& l = *s.FindLetter(id);
    LetterFacts f = d.Facts(l, LetterActor::kSystem);
    f.date = l.date;
    SHUGO_RETURN_IF_ERROR(d.Transition(l, LetterCommand::kSecede, f, l.date, std::nullopt));
    *command_id = DayCommandId(day, "secede", id);
    return true;
  }
  return false;
}

}  // namespace

Result<bool> Processor::RunOneDue(JapanDate day) {
  // The command id names the transition, so a retry after a crash is answered, not repeated. It
  // is found by a probe under the read lock, then decided again on the writer thread: should a
  // concurrent command have changed what is due meanwhile, the probe runs again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string command_id;
    bool due = false;
    {
      std::shared_lock lock(mu_);
      Draft probe(state_, day, options_, Actor::System());
      SHUGO_ASSIGN_OR_RETURN(due, DecideDue(probe, day, &command_id));
    }
    if (!due) return false;
    Result<Outcome> r = Submit(command_id, Actor::System("day-job"), [&](Draft& d) -> Status {
      d.set_today(day);
      std::string id_now;
      SHUGO_ASSIGN_OR_RETURN(bool still, DecideDue(d, day, &id_now));
      if (!still || id_now != command_id) {
        return Status::Aborted("日次処理：処理中に対象の予定が変わりました", "day");
      }
      return Status::Ok();
    });
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kAborted && r.status().field() == "day") continue;
      return r.status();
    }
    if (r->append.duplicate) {
      // The log has this transition, yet the state says it is due: never loop on it.
      return Status::Internal("日次処理：" + command_id + "は記録済みですが再び対象になりました");
    }
    return true;
  }
  return Status::Internal("日次処理：" + day.ToString() + "の対象が変わり続けています");
}

Result<DayReport> Processor::RunDays(JapanDate upto) {
  std::lock_guard day_lock(day_mu_);
  if (upto > Today()) {
    return Status::InvalidArgument(
        "date", "本日（" + Today().ToString() + "）より後の日付の日次処理は実行できません");
  }
  DayReport report;
  // From the day after the last one closed; the very first run from the earliest date anything
  // fell due, so that each transition carries its own date (an activation its 契約日).
  const auto [last, earliest] =
      Read([](const State& s) { return std::pair(s.last_closed_day(), s.EarliestDue()); });
  JapanDate day = upto;
  if (last) {
    day = last->AddDays(1);
  } else if (earliest && *earliest < upto) {
    day = *earliest;
  }
  for (; day <= upto; day = day.AddDays(1)) {
    for (;;) {
      SHUGO_ASSIGN_OR_RETURN(bool did, RunOneDue(day));
      if (!did) break;
      ++report.commands;
    }
    Result<Outcome> closed =
        Submit("day-" + std::to_string(day.yyyymmdd()) + "-closed", Actor::System("day-job"),
               [day](Draft& d) { return d.Emit(DayClosed{day}, day); });
    if (!closed.ok()) return closed.status();
    if (!report.first) report.first = day;
    report.last = day;
  }
  return report;
}

}  // namespace shugo::core
