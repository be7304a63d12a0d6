// F-2 fees and vaccines and the F-11-1 transition rule: deciding (core/fees.h).
#include "core/fees.h"

#include <algorithm>
#include <utility>

#include "core/draft.h"
#include "core/money.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;
using DK = OrganisationDateKind;

std::string Text(const std::optional<JapanDate>& d) { return d ? d->ToString() : std::string(); }
std::string Text(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }
std::string YenText(const std::optional<int64_t>& v) {
  return v ? Yen::FromInt(*v, "amount").value().ToString() : std::string();
}

// The validated diff (F-2 "変更内容の表示 → 確認"): one {field, before, after} per field whose
// text differs; `before` empty for a new row.
using FieldTexts = std::vector<std::pair<const char*, std::string>>;
std::vector<FieldChange> Diff(const std::optional<FieldTexts>& before, const FieldTexts& after) {
  std::vector<FieldChange> out;
  for (size_t i = 0; i < after.size(); ++i) {
    std::string was = before ? (*before)[i].second : std::string();
    if (was != after[i].second) out.push_back({after[i].first, std::move(was), after[i].second});
  }
  return out;
}

FieldTexts Texts(const MunicipalVaccine& v) {
  const bool voluntary = v.contract_type != ContractType::kRoutine;
  return {{"amount", YenText(v.amount)},
          {"start_date", v.start.ToString()},
          {"end_date", Text(v.end)},
          {"sex", v.sex == FeeSex::kAny ? std::string() : std::string(CodeName(v.sex))},
          {"age_min", Text(v.age_min)},
          {"age_max", Text(v.age_max)},
          {"contractors", voluntary ? std::string(CodeName(v.contractors)) : std::string()}};
}
FieldTexts Texts(const InstitutionContract& c) {
  return {{"start_date", c.start.ToString()}, {"end_date", Text(c.end)}};
}
FieldTexts Texts(const InstitutionVaccine& v) {
  return {{"cost", YenText(v.cost)}, {"start_date", v.start.ToString()}, {"end_date", Text(v.end)}};
}

template <typename Row, typename Map, typename Key>
std::optional<FieldTexts> TextsOf(const Map* rows, const Key& key) {
  if (rows == nullptr) return std::nullopt;
  auto it = rows->find(key);
  return it == rows->end() ? std::nullopt : std::optional<FieldTexts>(Texts(it->second));
}

// The values sent are the ones in force: a conflict with the state, naming the value the user
// would change.
Status NothingChanges(const char* field) {
  return Status(StatusCode::kFailedPrecondition, "変更する内容がありません", field);
}

MunicipalVaccineSet EventOf(OrgId owner, const MunicipalVaccine& v) {
  MunicipalVaccineSet e;
  e.owner = owner;
  e.vaccine = v.vaccine;
  e.contract_type = v.contract_type;
  e.amount = v.amount;
  e.start = v.start;
  e.end = v.end;
  e.sex = v.sex;
  e.age_min = v.age_min;
  e.age_max = v.age_max;
  e.contractors = v.contractors;
  return e;
}

Status CheckVersion(const Draft& d, const Organisation& owner, std::optional<uint64_t> expected) {
  const uint64_t now = d.state().fees().version(owner.id);
  if (expected && *expected != now) {
    return Status::Aborted(owner.name + "の委託料・ワクチン設定は他の操作で更新されています。" +
                               "画面を更新してください",
                           "fees-" + std::to_string(owner.id));
  }
  return Status::Ok();
}

Result<const VaccineInfo*> KnownVaccine(const Draft& d, const std::string& id) {
  if (d.options().vaccines == nullptr) {
    return Status::FailedPrecondition("ワクチンの参照データが読み込まれていません");
  }
  if (id.empty()) return Status::InvalidArgument("vaccine", "ワクチンを選んでください");
  const VaccineInfo* v = d.options().vaccines->Find(id);
  if (v == nullptr) {
    return Status::InvalidArgument("vaccine", "ワクチン（" + id + "）は登録されていません");
  }
  return v;
}

Status NotTemporary(ContractType type) {
  if (type == ContractType::kTemporary) {
    return Status::InvalidArgument("contract_type",
                                   "臨時接種の委託料・ワクチンは臨時接種の宣言（F-10）で扱います");
  }
  return Status::Ok();
}

Status CheckPeriod(JapanDate start, const std::optional<JapanDate>& end, const char* start_label,
                   const char* end_label) {
  if (end && *end < start) {
    return Status::InvalidArgument(
        "end_date", std::string(end_label) + "は" + start_label + "以降の日付を入力してください");
  }
  return Status::Ok();
}

// The municipality or union whose vaccines `code` names (empty: the actor's own), and that the
// actor may set them on `day`: the owner itself, or its union while the union's ワクチン設定単位
// on `day` is 市区町村単位 (F-2-1-3, F_画面8-2-9).
Result<const Organisation*> MunicipalOwner(const Draft& d, const std::string& code) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by == nullptr || !IsMunicipal(by->kind)) {
    return Status(StatusCode::kPermissionDenied,
                  "委託料・助成額と取扱ワクチンは市区町村・広域連合が設定します（F-2-1-2）");
  }
  if (code.empty() || code == by->code) return by;
  return OrgOfKind(d.state(), code, "municipality_code", {K::kMunicipality, K::kWideAreaUnion},
                   "市区町村・広域連合");
}

Status MaySetMunicipal(const Draft& d, const Organisation& owner, JapanDate day) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by->id != owner.id) {
    if (by->kind != K::kWideAreaUnion || !MemberOn(owner, by->id, day)) {
      return Status(StatusCode::kPermissionDenied,
                    by->name + "は" + owner.name + "の委託料・助成額を設定できません");
    }
    const FeeSettings* u = d.state().fees().Find(by->id);
    if ((u == nullptr ? VaccineSettingUnit::kPerUnion : u->UnitOn(day)) !=
        VaccineSettingUnit::kPerMember) {
      return Status::InvalidArgument(
          "municipality_code", by->name + "のワクチン設定単位は" + day.ToString() +
                                   "に「広域連合単位」のため、構成市区町村ごとには設定できません"
                                   "（F_画面8-2-9）");
    }
  }
  if (owner.abolished) {
    return Status::FailedPrecondition(owner.name + "は廃止されています（F-1-8-2）");
  }
  return Status::Ok();
}

Result<const Organisation*> ActingInstitution(const Draft& d) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by == nullptr || !IsInstitution(by->kind)) {
    return Status(StatusCode::kPermissionDenied,
                  "契約先自治体・取扱ワクチン・接種費用は医療機関が設定します（F-2-4/5）");
  }
  return by;
}

// F-2-1-3: 助成条件 (sex, age) only for 任意助成; 契約先 "市内医療機関のみ" only for 任意接種.
Status CheckConditions(const SetMunicipalVaccine& r) {
  if (r.contract_type != ContractType::kVoluntarySubsidy) {
    const char* field = r.sex != FeeSex::kAny ? "sex" : r.age_min ? "age_min" : "age_max";
    if (r.sex != FeeSex::kAny || r.age_min || r.age_max) {
      return Status::InvalidArgument(field, "性別・年齢の助成条件は任意助成にだけ設定できます");
    }
  }
  for (auto [age, field] : {std::pair{r.age_min, "age_min"}, std::pair{r.age_max, "age_max"}}) {
    if (age && (*age < 0 || *age > 150)) {
      return Status::InvalidArgument(field, "年齢は0〜150歳で入力してください");
    }
  }
  if (r.age_min && r.age_max && *r.age_max < *r.age_min) {
    return Status::InvalidArgument("age_max", "年齢（上限）は年齢（下限）以上で入力してください");
  }
  if (r.contract_type == ContractType::kRoutine && r.contractors != Contractors::kAllInstitutions) {
    return Status::InvalidArgument("contractors",
                                   "契約先（市内医療機関のみ）は任意接種にだけ設定できます");
  }
  return Status::Ok();
}

bool Overlap(JapanDate s1, const std::optional<JapanDate>& e1, JapanDate s2,
             const std::optional<JapanDate>& e2) {
  return (!e2 || s1 <= *e2) && (!e1 || s2 <= *e1);
}

}  // namespace

bool MemberOn(const Organisation& m, OrgId union_id, JapanDate day) {
  return union_id != 0 && m.union_id == union_id && m.union_join_date &&
         *m.union_join_date <= day && (!m.union_leave_date || day <= *m.union_leave_date);
}

// ---- F-2-1-2/3 municipalities and unions

Status DecideFees(Draft& d, const SetMunicipalVaccine& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* owner, MunicipalOwner(d, r.municipality_code));
  SHUGO_RETURN_IF_ERROR(KnownVaccine(d, r.vaccine).status());
  SHUGO_RETURN_IF_ERROR(NotTemporary(r.contract_type));
  SHUGO_ASSIGN_OR_RETURN(Yen amount, Yen::Parse(r.amount, "amount"));
  SHUGO_RETURN_IF_ERROR(CheckPeriod(r.start, r.end, "取扱開始日", "取扱終了日"));
  SHUGO_RETURN_IF_ERROR(CheckConditions(r));
  SHUGO_RETURN_IF_ERROR(MaySetMunicipal(d, *owner, r.start));
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *owner, expected));
  MunicipalVaccine row{r.vaccine, r.contract_type, amount.value(), r.start,      r.end,
                       r.sex,     r.age_min,       r.age_max,      r.contractors};
  const FeeSettings* fs = d.state().fees().Find(owner->id);
  MunicipalVaccineSet e = EventOf(owner->id, row);
  e.changes = Diff(TextsOf<MunicipalVaccine>(fs ? &fs->vaccines : nullptr,
                                             VaccineKey{r.vaccine, r.contract_type}),
                   Texts(row));
  if (e.changes.empty()) return NothingChanges("amount");
  return d.Emit(std::move(e), r.start);
}

Status DecideFees(Draft& d, const EndMunicipalVaccine& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* owner, MunicipalOwner(d, r.municipality_code));
  SHUGO_RETURN_IF_ERROR(KnownVaccine(d, r.vaccine).status());
  const FeeSettings* fs = d.state().fees().Find(owner->id);
  const MunicipalVaccine* now = nullptr;
  if (fs != nullptr) {
    auto it = fs->vaccines.find(VaccineKey{r.vaccine, r.contract_type});
    if (it != fs->vaccines.end()) now = &it->second;
  }
  if (now == nullptr) {
    return Status::NotFound(owner->name + "の「" + std::string(JapaneseName(r.contract_type)) +
                            "」" + r.vaccine + "は登録されていません");
  }
  MunicipalVaccine row = *now;
  row.end = r.end;
  SHUGO_RETURN_IF_ERROR(CheckPeriod(row.start, row.end, "取扱開始日", "取扱終了日"));
  SHUGO_RETURN_IF_ERROR(MaySetMunicipal(d, *owner, now->start));
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *owner, expected));
  MunicipalVaccineSet e = EventOf(owner->id, row);
  e.changes = Diff(Texts(*now), Texts(row));
  if (e.changes.empty()) return NothingChanges("end_date");
  return d.Emit(std::move(e), r.end);
}

Status DecideFees(Draft& d, const SetVaccineSettingUnit& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  if (by == nullptr || by->kind != K::kWideAreaUnion) {
    return Status(StatusCode::kPermissionDenied,
                  "ワクチン設定単位は広域連合が設定します（F_画面8-2-9）");
  }
  if (r.switch_date < d.today()) {
    return Status::InvalidArgument("switch_date", "切替日は本日以降の日付を入力してください");
  }
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *by, expected));
  // Nothing changes when the unit is already in force from that date on (no later switch).
  const FeeSettings* fs = d.state().fees().Find(by->id);
  const bool later = fs != nullptr && fs->units.upper_bound(r.switch_date) != fs->units.end();
  const auto unit = fs == nullptr ? VaccineSettingUnit::kPerUnion : fs->UnitOn(r.switch_date);
  if (unit == r.unit && !later) return NothingChanges("unit");
  return d.Emit(VaccineSettingUnitSet{by->id, r.unit, r.switch_date}, r.switch_date);
}

// ---- F-2-4/5 institutions, F-11-1 the transition period

Status DecideFees(Draft& d, const SetContractMunicipality& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* inst, ActingInstitution(d));
  const State& s = d.state();
  OrgId municipality = 0;  // 全国
  if (!r.municipality_code.empty()) {
    SHUGO_ASSIGN_OR_RETURN(const Organisation* m,
                           OrgOfKind(s, r.municipality_code, "municipality_code",
                                     {K::kMunicipality, K::kWideAreaUnion}, "契約先自治体"));
    municipality = m->id;
  }
  SHUGO_RETURN_IF_ERROR(CheckPeriod(r.start, r.end, "適用開始日", "適用終了日"));
  // F-11-1: until 適合基準日 only the own municipality (定期・任意), only 全国 (臨時).
  if (const auto& until = d.options().conformance_date; until && r.start < *until) {
    const std::string period = "適合基準日（" + until->ToString() + "）までの移行期間中、";
    if (r.contract_type == ContractType::kTemporary) {
      if (municipality != 0) {
        return Status::InvalidArgument(
            "municipality_code", period + "臨時接種の契約先自治体は「全国」のみです（F-11-1）");
      }
    } else if (municipality != inst->municipality || municipality == 0) {
      const Organisation* own = s.FindOrg(inst->municipality);
      return Status::InvalidArgument("municipality_code",
                                     period + "契約先自治体は所在する自自治体（" +
                                         (own == nullptr ? std::string("未登録") : own->name) +
                                         "）のみです（F-11-1）");
    }
  }
  const FeeSettings* fs = s.fees().Find(inst->id);
  if (fs != nullptr) {  // "全国" or "個別自治体ごと" (F-2-4), not both at once
    for (const auto& [key, c] : fs->contracts) {
      if (key.first == r.contract_type && (key.second == 0) != (municipality == 0) &&
          Overlap(c.start, c.end, r.start, r.end)) {
        return Status::InvalidArgument(
            "municipality_code", "同じ期間に「全国」と個別自治体の契約先は併せて設定できません");
      }
    }
  }
  InstitutionContract row{r.contract_type, municipality, r.start, r.end};
  InstitutionContractSet e{inst->id, r.contract_type, municipality, r.start, r.end, {}, {}};
  e.changes = Diff(TextsOf<InstitutionContract>(fs ? &fs->contracts : nullptr,
                                                ContractKey{r.contract_type, municipality}),
                   Texts(row));
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *inst, expected));
  if (e.changes.empty()) return NothingChanges("municipality_code");
  return d.Emit(std::move(e), r.start);
}

Status DecideFees(Draft& d, const SetInstitutionVaccine& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* inst, ActingInstitution(d));
  SHUGO_RETURN_IF_ERROR(KnownVaccine(d, r.vaccine).status());
  SHUGO_RETURN_IF_ERROR(NotTemporary(r.contract_type));
  std::optional<int64_t> cost;
  if (r.contract_type == ContractType::kVoluntarySubsidy) {  // vaccine and 取扱開始日 only
    if (!r.cost.empty()) {
      return Status::InvalidArgument("cost", "任意助成では接種費用を登録しません（F-2-5）");
    }
    if (r.end) {
      return Status::InvalidArgument("end_date", "任意助成は取扱開始日のみ登録します（F-2-5）");
    }
  } else {
    SHUGO_ASSIGN_OR_RETURN(Yen yen, Yen::Parse(r.cost, "cost"));
    cost = yen.value();
  }
  SHUGO_RETURN_IF_ERROR(CheckPeriod(r.start, r.end, "取扱開始日", "取扱終了日"));
  InstitutionVaccine row{r.vaccine, r.contract_type, cost, r.start, r.end};
  const FeeSettings* fs = d.state().fees().Find(inst->id);
  InstitutionVaccineSet e{inst->id, r.vaccine, r.contract_type, cost, r.start, r.end, {}};
  e.changes = Diff(TextsOf<InstitutionVaccine>(fs ? &fs->handled : nullptr,
                                               VaccineKey{r.vaccine, r.contract_type}),
                   Texts(row));
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *inst, expected));
  if (e.changes.empty()) return NothingChanges("cost");
  return d.Emit(std::move(e), r.start);
}

Status DecideFees(Draft& d, const SetFeeFloor& r, std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* inst, ActingInstitution(d));
  std::optional<int64_t> floor;
  if (!r.floor.empty()) {
    SHUGO_ASSIGN_OR_RETURN(Yen yen, Yen::Parse(r.floor, "floor"));
    floor = yen.value();
  }
  SHUGO_RETURN_IF_ERROR(CheckVersion(d, *inst, expected));
  const FeeSettings* fs = d.state().fees().Find(inst->id);
  if ((fs == nullptr ? std::nullopt : fs->floor) == floor) return NothingChanges("floor");
  return d.Emit(FeeFloorSet{inst->id, floor}, std::nullopt);
}

// ---- the day job's date effects (F-1-8, F-1-9)

namespace {

// Emits `after` for `owner` when it differs from `before`.
Status EmitMoved(Draft& d, OrgId owner, const MunicipalVaccine* before,
                 const MunicipalVaccine& after, JapanDate effective, const std::string& cause) {
  MunicipalVaccineSet e = EventOf(owner, after);
  e.changes = Diff(before ? std::optional<FieldTexts>(Texts(*before)) : std::nullopt, Texts(after));
  if (e.changes.empty()) return Status::Ok();
  e.cause = cause;
  return d.Emit(std::move(e), effective);
}

// The contract rows naming `org` of the institutions contracted with it, moved by `move` (which
// returns false to leave a row), at most `limit` rows: a command stays under the store's limit of
// events (a large city has thousands); the day job moves the rest in further commands.
template <typename Move>
Result<size_t> MoveContracts(Draft& d, const Organisation& org, JapanDate effective,
                             const std::string& cause, size_t limit, Move move) {
  const FeeBook& book = d.state().fees();
  size_t moved = 0;
  for (OrgId inst : book.ContractedWith(org.id)) {
    for (const auto& [key, c] : book.Find(inst)->contracts) {
      if (moved == limit) return moved;
      InstitutionContract after = c;
      if (key.second != org.id || !move(after)) continue;
      InstitutionContractSet e{inst, c.contract_type, c.municipality, after.start, after.end, {},
                               cause};
      e.changes = Diff(Texts(c), Texts(after));
      SHUGO_RETURN_IF_ERROR(d.Emit(std::move(e), effective));
      ++moved;
    }
  }
  return moved;
}

// An end empty or after `date` becomes `date`.
bool EndAt(JapanDate date, InstitutionContract& row) {
  if (row.end && !(date < *row.end)) return false;
  row.end = date;
  return true;
}

const char kAbolitionCause[] = "自治体の廃止（F-1-8-2）";

}  // namespace

Result<bool> DecideAbolishedContractsDue(Draft& d, JapanDate day, std::string* what,
                                         OrgId* org_id) {
  const State& s = d.state();
  for (OrgId id : s.abolished()) {
    const Organisation& org = d.Org(id);
    if (!org.abolition_date || day < *org.abolition_date) continue;
    const JapanDate date = *org.abolition_date;
    SHUGO_ASSIGN_OR_RETURN(
        size_t moved, MoveContracts(d, org, date, kAbolitionCause, kMaxContractMoves,
                                    [date](InstitutionContract& c) { return EndAt(date, c); }));
    if (moved == 0) continue;
    *what = "abolition-contracts";
    *org_id = id;
    return true;
  }
  return false;
}

Status DecideFeeDateEffects(Draft& d, OrganisationDateKind kind, const Organisation& org,
                            JapanDate date) {
  const FeeBook& book = d.state().fees();
  const FeeSettings* own = book.Find(org.id);
  // A start before `date` becomes `date` (a row that ended before it never comes into force).
  auto start_at = [date](auto& row) {
    if (!(row.start < date) || (row.end && *row.end < date)) return false;
    row.start = date;
    return true;
  };
  // An end empty or after `date` becomes `date`.
  auto end_at = [date](auto& row) {
    if (row.end && !(date < *row.end)) return false;
    row.end = date;
    return true;
  };
  switch (kind) {
    case DK::kOpeningScheduled:      // F-1-8-1: 取扱開始日 / 適用開始日 := 開設日
    case DK::kAbolitionScheduled: {  // F-1-8-2: 取扱終了日 / 適用終了日 := 廃止日
      const bool opening = kind == DK::kOpeningScheduled;
      const std::string cause = opening ? "自治体の開設（F-1-8-1）" : "自治体の廃止（F-1-8-2）";
      if (own != nullptr) {
        for (const auto& [key, v] : own->vaccines) {
          MunicipalVaccine after = v;
          if (!(opening ? start_at(after) : end_at(after))) continue;
          SHUGO_RETURN_IF_ERROR(EmitMoved(d, org.id, &v, after, date, cause));
        }
      }
      return MoveContracts(
                 d, org, date, cause, kMaxContractMoves,
                 [&](InstitutionContract& c) { return opening ? start_at(c) : end_at(c); })
          .status();
    }
    case DK::kUnionJoinScheduled: {  // F-1-9-1: the union's vaccines copied from 加入日
      const FeeSettings* u = book.Find(org.union_id);
      if (u == nullptr || u->UnitOn(date) != VaccineSettingUnit::kPerUnion) return Status::Ok();
      for (const auto& [key, v] : u->vaccines) {
        if (v.end && *v.end < date) continue;
        MunicipalVaccine copy = v;
        copy.start = std::max(v.start, date);
        const MunicipalVaccine* before = nullptr;
        if (own != nullptr) {
          if (auto it = own->vaccines.find(key); it != own->vaccines.end()) before = &it->second;
        }
        SHUGO_RETURN_IF_ERROR(
            EmitMoved(d, org.id, before, copy, date, "広域連合への加入（F-1-9-1）"));
      }
      return Status::Ok();
    }
    case DK::kUnionLeaveScheduled: {  // F-1-9-2: 取扱終了日 := union 脱退日, out from the day after
      if (own == nullptr) return Status::Ok();
      for (const auto& [key, v] : own->vaccines) {
        MunicipalVaccine after = v;
        if (!end_at(after)) continue;
        SHUGO_RETURN_IF_ERROR(
            EmitMoved(d, org.id, &v, after, date.AddDays(1), "広域連合からの脱退（F-1-9-2）"));
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

}  // namespace shugo::core
