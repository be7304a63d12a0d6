#include "core/campaigns.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "core/codes.h"
#include "core/draft.h"
#include "core/money.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;
using Fees = std::map<std::string, int64_t>;

std::string Quoted(const Campaign& c) { return "臨時接種「" + c.name + "」"; }

// The entered fees as a map: each vaccine known (in ProcessorOptions::vaccines) and named once,
// each amount a valid Yen; `allowed`, when given, limits the vaccines to the campaign's.
Result<Fees> CheckFees(const Draft& d, const std::vector<CampaignFee>& fees, const Fees* allowed) {
  const VaccineCatalog* known = d.options().vaccines.get();
  Fees out;
  for (const CampaignFee& f : fees) {
    if (known == nullptr || known->Find(f.vaccine) == nullptr) {
      return Status::InvalidArgument(
          "fees", "ワクチン（" + f.vaccine + "）は疾病・ワクチンマスタに登録されていません");
    }
    if (allowed != nullptr && !allowed->contains(f.vaccine)) {
      return Status::InvalidArgument(
          "fees", "ワクチン（" + f.vaccine + "）はこの臨時接種の対象ワクチンではありません");
    }
    SHUGO_ASSIGN_OR_RETURN(Yen yen, Yen::FromInt(f.yen, "fees"));
    if (!out.emplace(f.vaccine, yen.value()).second) {
      return Status::InvalidArgument("fees",
                                     "ワクチン（" + f.vaccine + "）が二重に入力されています");
    }
  }
  return out;
}

// The validated diff from `before` to `after`, by vaccine id.
std::vector<VaccineFeeChange> Diff(const Fees& before, const Fees& after) {
  std::set<std::string> vaccines;
  for (const auto& [v, yen] : before) vaccines.insert(v);
  for (const auto& [v, yen] : after) vaccines.insert(v);
  std::vector<VaccineFeeChange> changes;
  for (const std::string& v : vaccines) {
    auto b = before.find(v);
    auto a = after.find(v);
    std::optional<int64_t> from = b == before.end() ? std::nullopt : std::optional(b->second);
    std::optional<int64_t> to = a == after.end() ? std::nullopt : std::optional(a->second);
    if (from != to) changes.push_back({v, from, to});
  }
  return changes;
}

// The campaign a command names, at `expected` when given (kAborted otherwise).
Result<const Campaign*> FindCampaign(const Draft& d, CampaignId id,
                                     std::optional<uint64_t> expected) {
  const Campaign* c = d.state().FindCampaign(id);
  if (c == nullptr) {
    return Status::NotFound("臨時接種（" + std::to_string(id) + "）は登録されていません");
  }
  if (expected && *expected != c->version) {
    return Status::Aborted(Quoted(*c) + "は他の操作で更新されています。画面を更新してください",
                           "campaign-" + std::to_string(id));
  }
  return c;
}

// Ended, or its 脱退日 has come (the day job may not have run yet).
bool Over(const Campaign& c, JapanDate today) {
  return c.ended || (c.end_date && today >= *c.end_date);
}

Status NotOver(const Campaign& c, JapanDate today) {
  if (!Over(c, today)) return Status::Ok();
  return Status::FailedPrecondition(Quoted(c) + "は終了しました（F-10-4）");
}

Status Denied(std::string message) { return {StatusCode::kPermissionDenied, std::move(message)}; }

}  // namespace

std::vector<OrgId> CampaignNonApplicants(const State& s, CampaignId id) {
  std::vector<OrgId> out;
  const Campaign* c = s.FindCampaign(id);
  if (c == nullptr || c->ended) return out;
  std::set<OrgId> applied;
  for (LetterId lid : s.LettersOfCampaign(id)) {
    const Letter& l = *s.FindLetter(lid);
    if (!l.redelegation && l.status != LetterStatus::kReturned &&
        l.status != LetterStatus::kWithdrawn) {
      applied.insert(l.delegator);
    }
  }
  for (const Organisation& o : s.organisations()) {
    const bool implementer = c->implementer == CampaignImplementer::kPrefecture
                                 ? o.kind == K::kPrefecture
                                 : IsMunicipal(o.kind);
    if (!implementer || o.abolished || o.in_union || !c->InArea(o.prefecture)) continue;
    if (!applied.contains(o.id)) out.push_back(o.id);
  }
  return out;
}

// F-10-1
Status DecideDeclareCampaign(Draft& d, const DeclareCampaign& r) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by == nullptr || (by->kind != K::kMhlw && by->kind != K::kPrefecture)) {
    return Denied("臨時接種は厚生労働省（第6条第1項の場合は都道府県）が登録します");
  }
  SHUGO_RETURN_IF_ERROR(CheckText(r.name, "name", "臨時接種の名称", true));
  CampaignDeclared e;
  e.id = d.state().next_campaign_id();
  e.declared_by = by->id;
  e.name = r.name;
  e.start_date = r.start_date;
  e.implementer = r.implementer;
  if (by->kind == K::kPrefecture) {  // 予防接種法第6条第1項: its own area only
    if (r.national) {
      return Status::InvalidArgument("national",
                                     "都道府県が登録する臨時接種の発令エリアは自都道府県です");
    }
    for (int p : r.prefectures) {
      if (p != by->prefecture) {
        return Status::InvalidArgument("prefectures",
                                       "都道府県が登録する臨時接種の発令エリアは自都道府県です");
      }
    }
    e.prefectures = {by->prefecture};
  } else if (r.national) {
    if (!r.prefectures.empty()) {
      return Status::InvalidArgument(
          "prefectures", "発令エリアは全国か都道府県の一覧のどちらかを指定してください");
    }
    e.national = true;
  } else {
    std::set<int> area;
    for (int p : r.prefectures) {
      SHUGO_ASSIGN_OR_RETURN(PrefectureCode code, PrefectureCode::FromNumber(p, "prefectures"));
      if (!area.insert(code.number()).second) {
        return Status::InvalidArgument("prefectures", "発令エリアに同じ都道府県が二重にあります");
      }
    }
    if (area.empty()) {
      return Status::InvalidArgument("prefectures",
                                     "発令エリア（全国または都道府県）を指定してください");
    }
    e.prefectures.assign(area.begin(), area.end());
  }
  if (r.fees.empty()) {
    return Status::InvalidArgument(
        "fees", "臨時接種で取り扱うワクチンと基本委託料をすべて登録してください");
  }
  SHUGO_ASSIGN_OR_RETURN(Fees fees, CheckFees(d, r.fees, nullptr));
  for (const auto& [vaccine, yen] : fees) e.fees.push_back({vaccine, yen});
  if (r.application_deadline < d.today()) {
    return Status::InvalidArgument("application_deadline",
                                   "申請期限は本日以降の日付を入力してください");
  }
  if (r.approval_deadline < r.application_deadline) {
    return Status::InvalidArgument("approval_deadline",
                                   "承認期限は申請期限以降の日付を入力してください");
  }
  e.application_deadline = r.application_deadline;
  e.approval_deadline = r.approval_deadline;
  d.created().push_back(e.id);
  return d.Emit(std::move(e), std::nullopt);
}

// F-10-1, CO-99-003
Status DecideChangeCampaignFees(Draft& d, const ChangeCampaignFees& r,
                                std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  SHUGO_ASSIGN_OR_RETURN(const Campaign* c, FindCampaign(d, r.campaign, expected));
  if (by == nullptr || by->id != c->declared_by) {
    return Denied(Quoted(*c) + "の基本委託料は登録した" +
                  std::string(JapaneseName(d.Org(c->declared_by).kind)) + "が変更します");
  }
  if (r.fees.empty()) {
    return Status::InvalidArgument("fees", "臨時接種で取り扱うワクチンを1つ以上登録してください");
  }
  SHUGO_ASSIGN_OR_RETURN(Fees fees, CheckFees(d, r.fees, nullptr));
  CampaignFeesChanged e;
  e.id = c->id;
  e.changes = Diff(c->fees, fees);
  if (e.changes.empty()) return Status::InvalidArgument("fees", "変更内容がありません");
  for (const VaccineFeeChange& change : e.changes) {
    if (change.after) continue;
    for (const auto& [municipality, extra] : c->additional_fees) {
      if (extra.contains(change.vaccine)) {
        return Status::InvalidArgument(
            "fees", "ワクチン（" + change.vaccine + "）には" + d.Org(municipality).name +
                        "の加算委託料が登録されているため削除できません");
      }
    }
  }
  SHUGO_RETURN_IF_ERROR(NotOver(*c, d.today()));  // the state last (docs/core.md)
  return d.Emit(std::move(e), std::nullopt);
}

// F-10-1 加算委託料の追加
Status DecideSetAdditionalFees(Draft& d, const SetAdditionalFees& r,
                               std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  SHUGO_ASSIGN_OR_RETURN(const Campaign* c, FindCampaign(d, r.campaign, expected));
  if (by == nullptr || !IsMunicipal(by->kind)) {
    return Denied("加算委託料は実施主体の市区町村・広域連合が登録します");
  }
  SHUGO_ASSIGN_OR_RETURN(Fees fees, CheckFees(d, r.fees, &c->fees));
  if (c->implementer != CampaignImplementer::kMunicipalities) {
    return Status::FailedPrecondition(
        Quoted(*c) + "の実施主体は都道府県です（市区町村の加算委託料はありません）");
  }
  if (!c->InArea(by->prefecture)) {
    return Status::FailedPrecondition(by->name + "は" + Quoted(*c) + "の発令エリア外です");
  }
  if (by->abolished) return Status::FailedPrecondition(by->name + "は廃止されています");
  SHUGO_RETURN_IF_ERROR(NotOver(*c, d.today()));
  static const Fees kNone;
  auto now = c->additional_fees.find(by->id);
  CampaignFeesChanged e;
  e.id = c->id;
  e.municipality = by->id;
  e.changes = Diff(now == c->additional_fees.end() ? kNone : now->second, fees);
  if (e.changes.empty()) return Status::InvalidArgument("fees", "変更内容がありません");
  return d.Emit(std::move(e), std::nullopt);
}

// F-10-4
Status DecideRegisterCampaignEnd(Draft& d, const RegisterCampaignEnd& r,
                                 std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  SHUGO_ASSIGN_OR_RETURN(const Campaign* c, FindCampaign(d, r.campaign, expected));
  if (by == nullptr || (by->kind != K::kMhlw && by->id != c->declared_by)) {
    return Denied(Quoted(*c) + "の終了日は厚生労働省または登録した都道府県が登録します");
  }
  if (r.end_date <= d.today()) {
    return Status::InvalidArgument("end_date", "脱退日（終了日）は未来の日付を入力してください");
  }
  if (r.end_date <= c->start_date) {
    return Status::InvalidArgument("end_date", "脱退日（終了日）は開始日（" +
                                                   c->start_date.ToString() +
                                                   "）より後の日付を入力してください");
  }
  if (c->end_date == r.end_date) return Status::InvalidArgument("end_date", "変更内容がありません");
  SHUGO_RETURN_IF_ERROR(NotOver(*c, d.today()));
  return d.Emit(CampaignEndRegistered{c->id, r.end_date}, std::nullopt);
}

// F-10-2
Status CheckCampaignApplication(const Draft& d, const Organisation& delegator, ContractType type,
                                CampaignId campaign) {
  if (type != ContractType::kTemporary) {
    if (campaign == 0) return Status::Ok();
    return Status::InvalidArgument("campaign", "臨時接種を指定できるのは臨時接種の委任状だけです");
  }
  if (campaign == 0) {
    return Status::InvalidArgument(
        "campaign", "臨時接種の委任状は宣言された臨時接種を指定して申請してください（F-10）");
  }
  const Campaign* c = d.state().FindCampaign(campaign);
  if (c == nullptr) {
    return Status::InvalidArgument(
        "campaign", "臨時接種（" + std::to_string(campaign) + "）は登録されていません");
  }
  SHUGO_RETURN_IF_ERROR(NotOver(*c, d.today()));
  if (d.today() > c->application_deadline) {
    return Status::FailedPrecondition(Quoted(*c) + "の申請期限（" +
                                      c->application_deadline.ToString() + "）を過ぎています");
  }
  if (!c->InArea(delegator.prefecture)) {
    return Status::FailedPrecondition(delegator.name + "は" + Quoted(*c) + "の発令エリア外です");
  }
  if (IsMunicipal(delegator.kind) && c->implementer == CampaignImplementer::kPrefecture) {
    return Status::FailedPrecondition(Quoted(*c) +
                                      "の実施主体は都道府県です（市区町村は申請しません）");
  }
  if (delegator.kind == K::kPrefecture && c->implementer != CampaignImplementer::kPrefecture) {
    return Status::FailedPrecondition(
        Quoted(*c) + "の実施主体は市区町村です（都道府県が委任するのは実施主体の場合だけです）");
  }
  return Status::Ok();
}

// F-10-2, F-10-3
Status CheckCampaignLetter(const Draft& d, const Letter& l, LetterCommand command) {
  if (l.contract_type != ContractType::kTemporary) return Status::Ok();
  const Campaign* c = d.state().FindCampaign(l.campaign);
  if (c == nullptr) return Status::Internal(LetterLabel(l.id) + "のキャンペーンが見つかりません");
  SHUGO_RETURN_IF_ERROR(NotOver(*c, d.today()));
  if (command == LetterCommand::kReapply && d.today() > c->application_deadline) {
    return Status::FailedPrecondition(Quoted(*c) + "の申請期限（" +
                                      c->application_deadline.ToString() + "）を過ぎています");
  }
  if (command == LetterCommand::kApprove && d.today() > c->approval_deadline) {
    return Status::FailedPrecondition(Quoted(*c) + "の承認期限（" +
                                      c->approval_deadline.ToString() + "）を過ぎています");
  }
  return Status::Ok();
}

// F-10-4
Result<bool> DecideCampaignDue(Draft& d, JapanDate day, std::string* command_id) {
  const State& s = d.state();
  const std::string prefix = "day-" + std::to_string(day.yyyymmdd()) + "-";
  for (const auto& [date, id] : s.campaign_ends()) {
    if (date > day) break;
    const std::set<LetterId>& live = s.LiveLettersOfCampaign(id);
    if (!live.empty()) {
      const Letter& l = *s.FindLetter(*live.begin());
      LetterFacts f = d.Facts(l, LetterActor::kSystem);
      f.date = date;
      f.reason = kCampaignEndReason;
      SHUGO_RETURN_IF_ERROR(d.Transition(l, LetterCommand::kSecedeBySystem, f, date, std::nullopt));
      *command_id = prefix + "campaign_secede-" + std::to_string(l.id);
      return true;
    }
    SHUGO_RETURN_IF_ERROR(d.Emit(CampaignEnded{id, date}, date));
    *command_id = prefix + "campaign_ended-" + std::to_string(id);
    return true;
  }
  return false;
}

}  // namespace shugo::core
