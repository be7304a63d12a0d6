#include "core/code_changes.h"

#include <string>
#include <unordered_set>

#include "core/codes.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;

constexpr size_t kMaxEligibilityRows = 5000;

std::string Indexed(const char* list, size_t i, const char* field) {
  return std::string(list) + "[" + std::to_string(i) + "]" + (field[0] ? "." : "") + field;
}

// F-11-3: a municipality takes part in the collective contract when a letter of its own is in
// force (**project** reading of "参加している").
bool Participates(const State& s, OrgId municipality) {
  for (LetterId id : s.LettersOf(municipality)) {
    const Letter& l = *s.FindLetter(id);
    if (!l.redelegation &&
        (l.status == LetterStatus::kInContract || l.status == LetterStatus::kSecessionScheduled)) {
      return true;
    }
  }
  return false;
}

// The registered municipality of a master row (the approver of an insured code, F-1-4-3).
Result<const Organisation*> LocationOf(const State& s, const EligibilityRow& row) {
  const Organisation* m = s.FindOrgByCode(row.municipality_code);
  if (m == nullptr || m->kind != K::kMunicipality) {
    return Status::FailedPrecondition("医療機関コード" + row.code + "の所在市区町村（" +
                                      row.municipality_code + "）が登録されていません");
  }
  return m;
}

}  // namespace

Status DecideImportEligibility(Draft& d, const ImportEligibilityMaster& r) {
  if (!d.actor().system()) {
    return Status(StatusCode::kPermissionDenied,
                  "オンライン資格確認の医療機関情報はシステムが取り込みます（F_バッチ_2-1）");
  }
  if (r.rows.empty() && r.removed.empty()) {
    return Status::InvalidArgument("rows", "取り込む行がありません");
  }
  if (r.rows.size() + r.removed.size() > kMaxEligibilityRows) {
    return Status::InvalidArgument(
        "rows", "1回に取り込めるのは" + std::to_string(kMaxEligibilityRows) + "行までです");
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const EligibilityRow& row = r.rows[i];
    SHUGO_ASSIGN_OR_RETURN(MedicalInstitutionCode code,
                           MedicalInstitutionCode::Parse(row.code, Indexed("rows", i, "code")));
    if (!seen.insert(code.str()).second) {
      return Status::InvalidArgument(Indexed("rows", i, "code"),
                                     "医療機関コード" + code.str() + "が重複しています");
    }
    SHUGO_RETURN_IF_ERROR(CheckText(row.name, Indexed("rows", i, "name").c_str(), "名称", true));
    SHUGO_RETURN_IF_ERROR(
        CheckText(row.address, Indexed("rows", i, "address").c_str(), "所在地", false));
    if (row.municipality_code.empty()) continue;  // the master does not always say (real data)
    SHUGO_ASSIGN_OR_RETURN(
        LocalGovCode m,
        LocalGovCode::Parse(row.municipality_code, Indexed("rows", i, "municipality_code")));
    if (m.prefecture() != code.prefecture()) {
      return Status::InvalidArgument(Indexed("rows", i, "municipality_code"),
                                     "所在市区町村が医療機関コードと別の都道府県です");
    }
  }
  for (size_t i = 0; i < r.removed.size(); ++i) {
    if (!IsDigits(r.removed[i], 10)) {
      return Status::InvalidArgument(Indexed("removed", i, ""),
                                     "削除する医療機関コードは10桁の数字です");
    }
  }
  return d.Emit(EligibilityMasterImported{r.rows, r.removed}, d.today());
}

Status DecideRequestCodeChange(Draft& d, const RequestCodeChange& r,
                               std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* o, ActingOrg(d));
  if (o == nullptr || !IsInstitution(o->kind)) {
    return Status(StatusCode::kPermissionDenied, "医療機関コードの変更は医療機関が申請します");
  }
  // The request is recorded on the institution's own stream: the version is the one of the
  // institution whose code would change, as the user saw it (F_画面11-2-1).
  if (expected && *expected != o->version) {
    return Status::Aborted(o->name + "は他の操作で更新されています。画面を更新してください",
                           "org-" + std::to_string(o->id));
  }
  SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));
  if (!r.consent) {
    return Status::InvalidArgument(
        "consent",
        "旧医療機関の債権債務・患者情報等が新医療機関へ引き継がれることへの同意が必要です");
  }
  const State& s = d.state();
  CodeChangeRequested e;
  e.id = o->id;
  e.request = o->code_change_requests + 1;
  e.change = r.change;
  e.reason = r.reason;
  e.consent = true;
  e.personal_data = r.personal_data;
  e.designation_copy = r.designation_copy;
  // The state last (docs/core.md "Order of checks"): one request at a time.
  auto emit = [&]() -> Status {
    if (o->pending_code_change) {
      return Status::FailedPrecondition("承認待ちの申請（申請" +
                                        std::to_string(o->pending_code_change->request) +
                                        "）があります。承認または差戻の後に申請してください");
    }
    return d.Emit(std::move(e), std::nullopt);
  };
  if (r.change == CodeChangeKind::kToNonInsured) {
    if (!r.new_code.empty()) {
      return Status::InvalidArgument("new_code", "非保険医療機関のコードはシステムが採番します");
    }
    if (o->kind != K::kInsuredInstitution) {
      return Status::FailedPrecondition("非保険医療機関への変更は保険医療機関が申請します");
    }
    const Organisation* pref = s.PrefectureOf(o->prefecture);
    if (pref == nullptr) return Status::FailedPrecondition("所在の都道府県が登録されていません");
    e.approver = pref->id;
    return emit();
  }
  // A code of the institution master: a 類似コード of a non-insured institution (F-1-5) is no
  // 医療機関コード of the オンライン資格確認 master, and is taken as registered.
  std::string new_code = r.new_code;
  if (const Organisation* held = s.FindOrgByCode(new_code);
      held == nullptr || held->kind != K::kNonInsuredInstitution) {
    SHUGO_ASSIGN_OR_RETURN(MedicalInstitutionCode code,
                           MedicalInstitutionCode::Parse(r.new_code, "new_code"));
    new_code = code.str();
  }
  if (new_code == o->code) {
    return Status::InvalidArgument("new_code", "現在の医療機関コードと同じです");
  }
  const Organisation* holder = s.FindOrgByCode(new_code);
  if (holder != nullptr && r.change == CodeChangeKind::kCodeChange) {
    return Status::InvalidArgument("new_code",
                                   "医療機関コード" + new_code + "は" + holder->name +
                                       "が使用しています（合併の場合は「合併」を選んでください）");
  }
  if (holder != nullptr) {  // 吸収合併: into an existing institution
    // A non-insured institution's new code is chosen from the institution master (F-1-4-3
    // "非保険医療機関の場合、新医療機関コードは医療機関マスタを情報源に選択させる"): it may
    // merge into another non-insured one, approved by that one's prefecture.
    const bool non_insured =
        o->kind == K::kNonInsuredInstitution && holder->kind == K::kNonInsuredInstitution;
    if (holder->id == o->id || (holder->kind != K::kInsuredInstitution && !non_insured)) {
      return Status::InvalidArgument(
          "new_code",
          o->kind == K::kNonInsuredInstitution
              ? "合併先には他の医療機関（保険医療機関または非保険医療機関）を指定してください"
              : "合併先には他の保険医療機関を指定してください");
    }
    e.new_code = holder->code;
    if (non_insured) {
      const Organisation* pref = s.PrefectureOf(holder->prefecture);
      if (pref == nullptr) {
        return Status::FailedPrecondition("合併先の所在の都道府県が登録されていません");
      }
      e.approver = pref->id;
    } else {
      e.approver = holder->municipality;
    }
    return emit();
  }
  // A new code (code change, 新設合併): chosen from the オンライン資格確認 master.
  const EligibilityRow* row = s.FindEligible(new_code);
  if (row == nullptr) {
    return Status::InvalidArgument(
        "new_code", "医療機関コード" + new_code +
                        "はオンライン資格確認の医療機関情報に登録されていません。登録後に申請して"
                        "ください（F-1-4-3）");
  }
  SHUGO_ASSIGN_OR_RETURN(const Organisation* m, LocationOf(s, *row));
  e.new_code = new_code;
  e.approver = m->id;
  return emit();
}

Status DecideReviewCodeChange(Draft& d, const ReviewCodeChange& r,
                              std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  const Organisation* o = s.FindOrgByCode(r.code);
  if (o == nullptr) return Status::NotFound("医療機関（" + r.code + "）が登録されていません");
  // A request the institution never made is unknown (404); one it made that is no longer
  // waiting (approved, returned, or replaced) is a conflict with its status (409).
  if (r.request == 0 || r.request > o->code_change_requests) {
    return Status(
        StatusCode::kNotFound,
        o->name + "の医療機関コード変更の申請（申請" + std::to_string(r.request) + "）はありません",
        "request");
  }
  if (!r.approve) SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));  // 差戻 needs its reason
  if (expected && *expected != o->version) {
    return Status::Aborted(o->name + "は他の操作で更新されています。画面を更新してください",
                           "org-" + std::to_string(o->id));
  }
  if (!o->pending_code_change || o->pending_code_change->request != r.request) {
    return Status::FailedPrecondition(o->name + "に承認待ちの申請（申請" +
                                      std::to_string(r.request) + "）はありません");
  }
  const CodeChangeRequested& p = *o->pending_code_change;
  if (by == nullptr || !DecidesFor(s, *by, p.approver)) {
    return Status(StatusCode::kPermissionDenied,
                  "承認・差戻は変更後の所在自治体（" + d.Org(p.approver).name + "）が行います");
  }
  CodeChangeDecided e;
  e.id = o->id;
  e.request = p.request;
  e.code = o->code;
  e.kind = o->kind;
  e.municipality = o->municipality;
  e.affiliation = o->affiliation;
  if (!r.approve) {  // 差戻 (FG-11-003)
    e.reason = r.reason;
    return d.Emit(std::move(e), d.today());
  }
  e.approved = true;
  OrgId parent = o->parent;
  if (p.change == CodeChangeKind::kToNonInsured) {
    e.kind = K::kNonInsuredInstitution;
    e.code = NonInsuredCode(o->prefecture, o->id);
    if (const Organisation* holder = s.FindOrgByCode(e.code);
        holder != nullptr && holder->id != o->id) {
      return Status::FailedPrecondition("採番した類似コード" + e.code + "は" + holder->name +
                                        "が使用しています。国保中央会にお問い合わせください");
    }
  } else if (const Organisation* holder = s.FindOrgByCode(p.new_code);
             holder != nullptr && holder->id == o->id && p.change == CodeChangeKind::kMerger) {
    // The survivor it named merged into it meanwhile (crossed requests).
    return Status::FailedPrecondition("合併先（" + p.new_code + "）は既に" + o->name +
                                      "に合併されています。差し戻してください");
  } else if (holder != nullptr && holder->id != o->id) {
    if (p.change == CodeChangeKind::kCodeChange || holder->merged_into != 0 ||
        (holder->kind != K::kInsuredInstitution &&
         (holder->kind != K::kNonInsuredInstitution || o->kind != K::kNonInsuredInstitution))) {
      return Status::FailedPrecondition("医療機関コード" + p.new_code + "は申請の後に" +
                                        holder->name + "に登録されました。差し戻してください");
    }
    e.code = holder->code;  // 吸収合併
    e.municipality = holder->municipality;
    e.survivor = holder->id;
  } else {
    const EligibilityRow* row = s.FindEligible(p.new_code);
    if (row == nullptr) {
      return Status::FailedPrecondition("医療機関コード" + p.new_code +
                                        "はオンライン資格確認の医療機関情報から削除されました");
    }
    SHUGO_ASSIGN_OR_RETURN(const Organisation* m, LocationOf(s, *row));
    e.code = p.new_code;
    e.kind = K::kInsuredInstitution;
    e.municipality = m->id;
    parent = 0;
  }
  if (e.survivor == 0) e.affiliation = InstitutionAffiliation(s, parent, o->member_of);
  const std::string old_code = o->code;
  const OrgId survivor = e.survivor;
  const std::string code = e.code;
  const OrgId moved_to = e.municipality;
  SHUGO_RETURN_IF_ERROR(d.Emit(std::move(e), d.today()));
  if (survivor != 0) {
    // The survivor's own stream records what merged into it (its version moves): the codes of
    // the institutions merged into it, in order.
    std::string before;
    for (OrgId id : d.Org(survivor).merged_from) {
      before += (before.empty() ? "" : ",") + d.Org(id).code;
    }
    OrganisationChanged merged;
    merged.id = survivor;
    merged.changes.push_back(
        {"merged_from", before, before + (before.empty() ? "" : ",") + old_code});
    SHUGO_RETURN_IF_ERROR(d.Emit(std::move(merged), d.today()));
  }

  // F-11-3: in the transition period a relocated institution keeps its letters only when its new
  // municipality takes part; otherwise they are seceded (脱退日: the approval date, **project**).
  const bool relocation_secession =
      survivor == 0 && moved_to != o->municipality && d.options().conformance_date &&
      d.today() < *d.options().conformance_date && !Participates(s, moved_to);
  // F_バッチ_1-1: every letter of the institution moves to the new code (the old one is kept).
  for (LetterId id : s.LettersOf(o->id)) {
    const Letter& l = *s.FindLetter(id);
    const LetterStatus status = d.StatusOf(l);
    if (l.redelegation || IsTerminal(status)) continue;
    const bool live = IsLive(status);
    if (survivor != 0) {
      if (const Letter* theirs = s.OpenLetter(survivor, l.contract_type, l.campaign);
          theirs != nullptr) {
        const LetterStatus theirs_status = d.StatusOf(*theirs);
        const bool theirs_live = IsLive(theirs_status);
        if (live && !theirs_live) {  // never leave the survivor without a letter in force
          return Status::FailedPrecondition(
              "合併先の" + LetterLabel(theirs->id) + "（" +
              std::string(JapaneseName(theirs_status)) + "）が有効になる前に、合併元の有効な" +
              LetterLabel(l.id) +
              "を終了させることはできません。合併先の委任状を取り下げてから承認してください");
        }
        if (!live) {
          return Status::FailedPrecondition(
              LetterLabel(l.id) + "（" + std::string(JapaneseName(status)) +
              "）と同じ契約種別の委任状が合併先にあります。取り下げてから承認してください");
        }
        LetterFacts f = d.Facts(l, LetterActor::kSystem);
        f.date = d.today();
        f.reason = "医療機関の合併（F-1-4-3）：合併先の" + LetterLabel(theirs->id) + "に統合";
        SHUGO_RETURN_IF_ERROR(
            d.Transition(l, LetterCommand::kSecedeBySystem, f, d.today(), std::nullopt));
        continue;
      }
      SHUGO_RETURN_IF_ERROR(d.Rekey(l, survivor, code, old_code));
      continue;
    }
    SHUGO_RETURN_IF_ERROR(d.Rekey(l, o->id, code, old_code));
    if (relocation_secession && live) {
      LetterFacts f = d.Facts(l, LetterActor::kSystem);
      f.date = d.today();
      f.reason = "移転先の市区町村（" + d.Org(moved_to).name +
                 "）が集合契約に参加していないため（F-11-3）";
      SHUGO_RETURN_IF_ERROR(
          d.Transition(l, LetterCommand::kSecedeBySystem, f, d.today(), std::nullopt));
    }
  }
  return Status::Ok();
}

Status DecideAnnounceContract(Draft& d, const AnnounceCollectiveContract& r,
                              std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by != nullptr && by->kind != K::kCentralFederation) {
    return Status(StatusCode::kPermissionDenied, "集合契約の締結は国保中央会が登録します（F-5-1）");
  }
  // The one "contract" stream: version 0 until the contract is signed (then it is signed once,
  // and renews itself).
  if (expected && *expected != d.state().contract_version()) {
    return Status::Aborted("集合契約の締結は他の操作で登録されています。画面を更新してください",
                           "contract");
  }
  if (const auto& signed_ = d.state().collective_contract(); signed_) {
    return Status::AlreadyExists("集合契約の締結は登録済みです（締結日 " +
                                 signed_->date.ToString() + "、以後自動更新）");
  }
  if (r.date > d.today()) {
    return Status::InvalidArgument("date", "締結日は本日以前の日付を入力してください");
  }
  SHUGO_RETURN_IF_ERROR(CheckText(r.note, "note", "お知らせ", false, 4000));
  return d.Emit(CollectiveContractSigned{r.date, r.note}, r.date);
}

}  // namespace shugo::core
