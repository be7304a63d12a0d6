// F-2 fees and vaccines (docs/domain.md §4.3, §4.4) and the F-11-1/2 transition-period rule
// (§4.8): the reference vaccine list, the commands that set a municipality's or union's vaccines
// and fees and an institution's own settings, the day job's date effects on them (F-1-8, F-1-9),
// and the queries the fee screens use (F_画面8-1-5, the F-2-1-2 定期接種の登録チェック).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "core/state.h"
#include "core/vaccine_catalog.h"

namespace shugo::core {

// ---- commands (decided by the processor; who: see each)

// F-2-1-2/3 (F_画面8-2-1…4): registers or changes a vaccine of a contract type (定期, 任意委託,
// 任意助成) with its 委託料/助成額. By the municipality or union itself; a union also for a member
// while its ワクチン設定単位 on 取扱開始日 is 市区町村単位 (F_画面8-2-9).
struct SetMunicipalVaccine {
  std::string municipality_code;  // the municipality or union (or a union's member)
  std::string vaccine;            // vaccine id of data/reference/vaccines.csv
  ContractType contract_type = ContractType::kRoutine;
  std::string amount;                   // 委託料 / 助成額 in whole yen ("12,100")
  JapanDate start;                      // 取扱開始日
  std::optional<JapanDate> end;         // 取扱終了日
  FeeSex sex = FeeSex::kAny;            // 任意助成 only
  std::optional<int> age_min, age_max;  // 任意助成 only, years
  Contractors contractors = Contractors::kAllInstitutions;  // 任意接種 only
};

// F-2-1-2/3: sets the 取扱終了日 of a registered vaccine. Who: as SetMunicipalVaccine.
struct EndMunicipalVaccine {
  std::string municipality_code;
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  JapanDate end;
};

// F-2-1-3 (F_画面8-2-9): a union's ワクチン設定単位 from 切替日 (today or later). The union itself.
struct SetVaccineSettingUnit {
  VaccineSettingUnit unit = VaccineSettingUnit::kPerUnion;
  JapanDate switch_date;
};

// F-2-4 (F_画面8-1-3/4/7): an institution's 契約先自治体 for a contract type: "全国" (empty code)
// or one municipality or union, with 適用開始日 (and 適用終了日). The institution itself. Before
// the 適合基準日 (F-11-1/2) only its own municipality (定期・任意), only 全国 (臨時).
struct SetContractMunicipality {
  ContractType contract_type = ContractType::kRoutine;
  std::string municipality_code;  // empty: 全国
  JapanDate start;
  std::optional<JapanDate> end;
};

// F-2-5 (F_画面8-1-1/2/6/8): a vaccine the institution handles: for 定期・任意委託 with 接種費用
// and 取扱日 (start, end); for 任意助成 the 取扱開始日 only. The institution itself.
struct SetInstitutionVaccine {
  std::string vaccine;
  ContractType contract_type = ContractType::kRoutine;
  std::string cost;  // 接種費用, whole yen; empty for 任意助成
  JapanDate start;
  std::optional<JapanDate> end;
};

// §4.3/§4.4: the institution's 希望する委託料の下限 (empty: none). The institution itself.
struct SetFeeFloor {
  std::string floor;
};

template <typename T>
inline constexpr bool kIsFeeRequest =
    std::is_same_v<T, SetMunicipalVaccine> || std::is_same_v<T, EndMunicipalVaccine> ||
    std::is_same_v<T, SetVaccineSettingUnit> || std::is_same_v<T, SetContractMunicipality> ||
    std::is_same_v<T, SetInstitutionVaccine> || std::is_same_v<T, SetFeeFloor>;

// ---- deciding (for core/processor.cc; each writes its events into the Draft)

class Draft;
// Refusals: kInvalidArgument naming the field (Japanese message), kPermissionDenied for a wrong
// actor, kNotFound for a vaccine not registered, kFailedPrecondition when nothing changes or
// without the reference vaccines, kAborted when `expected` is not the "fees-<owner>" version.
Status DecideFees(Draft& d, const SetMunicipalVaccine& r, std::optional<uint64_t> expected);
Status DecideFees(Draft& d, const EndMunicipalVaccine& r, std::optional<uint64_t> expected);
Status DecideFees(Draft& d, const SetVaccineSettingUnit& r, std::optional<uint64_t> expected);
Status DecideFees(Draft& d, const SetContractMunicipality& r, std::optional<uint64_t> expected);
Status DecideFees(Draft& d, const SetInstitutionVaccine& r, std::optional<uint64_t> expected);
Status DecideFees(Draft& d, const SetFeeFloor& r, std::optional<uint64_t> expected);

// The day job's effects of an organisation date on the fee tables, emitted after the
// OrganisationDated event of the same command (`kind` is the *_scheduled kind carried out):
// F-1-8-1 opening: 取扱開始日 / 適用開始日 before 開設日 become 開設日; F-1-8-2 abolition:
// 取扱終了日 / 適用終了日 empty or later become 廃止日; F-1-9-1 union join: a union that sets
// vaccines per union gives the member its own copy from 加入日; F-1-9-2 union leave: the member's
// 取扱終了日 empty or later become the union 脱退日.
// At most this many contract rows move in one day-job command (the store takes at most 1,024
// events a command).
inline constexpr size_t kMaxContractMoves = 400;

// F-1-8-2: contract rows naming an abolished municipality that the abolition's own command left
// (beyond kMaxContractMoves), moved in further day-job commands. True when some were decided.
Result<bool> DecideAbolishedContractsDue(Draft& d, JapanDate day, std::string* what, OrgId* org_id);

Status DecideFeeDateEffects(Draft& d, OrganisationDateKind kind, const Organisation& org,
                            JapanDate date);

// ---- queries (for the fee screens and projections; pure over the state)

// Municipality `m` is a member of union `union_id` on `day` (F-1-9: from 加入日 to 脱退日; the
// state keeps the last membership only).
bool MemberOn(const Organisation& m, OrgId union_id, JapanDate day);

// Whose vaccines apply in `municipality` on `day`: its union's when it is a member then and the
// union sets them per union (広域連合単位), else its own (**project**, docs/core.md).
OrgId FeeOwnerOn(const State& s, OrgId municipality, JapanDate day);

// F-2-1-2 定期接種の登録チェック: the routine-required reference vaccines with no routine row in
// force on `day` for `municipality` (through FeeOwnerOn), in catalog order.
std::vector<std::string> MissingRoutineVaccines(const State& s, const VaccineCatalog& catalog,
                                                OrgId municipality, JapanDate day);

// F_画面8-1-5: one municipal fee that applies to an institution.
struct ApplicableFee {
  OrgId owner = 0;  // whose row (the municipality or its union)
  MunicipalVaccine fee;
  std::optional<int64_t> own_cost;  // the institution's 接種費用 if it handles the vaccine then
  bool handled = false;             // the institution handles the vaccine (F-2-5) on that day
};
// The municipal fees in force on `day` that apply to `institution` in `municipality`: for each
// contract type the institution contracts with it (全国, or the municipality or its union named
// in force on `day`), the rows of FeeOwnerOn in force then, less 市内医療機関のみ rows for an
// institution located elsewhere. Ordered by contract type, then vaccine id.
std::vector<ApplicableFee> FeesFor(const State& s, OrgId institution, OrgId municipality,
                                   JapanDate day);

}  // namespace shugo::core
