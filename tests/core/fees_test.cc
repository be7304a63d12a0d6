// F-2 fees and vaccines (docs/domain.md §4.3, §4.4) and the F-11-1/2 transition period (§4.8)
// through the command processor on a real store: the exact events appended, the refusals (nothing
// appended, the field named), the day job's date effects (F-1-8, F-1-9) and a rebuild from the log.
#include "core/fees.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/round_trip.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

using CT = ContractType;

// Expected events.
MunicipalVaccineSet Fee(OrgId owner, const std::string& vaccine, CT type, int64_t amount,
                        JapanDate start, std::optional<JapanDate> end,
                        std::vector<FieldChange> changes, std::string cause = "") {
  MunicipalVaccineSet e;
  e.owner = owner;
  e.vaccine = vaccine;
  e.contract_type = type;
  e.amount = amount;
  e.start = start;
  e.end = end;
  e.changes = std::move(changes);
  e.cause = std::move(cause);
  return e;
}
InstitutionContractSet Contract(OrgId inst, CT type, OrgId municipality, JapanDate start,
                                std::optional<JapanDate> end, std::vector<FieldChange> changes,
                                std::string cause = "") {
  return {inst, type, municipality, start, end, std::move(changes), std::move(cause)};
}
FieldChange Changed(const char* field, const std::string& before, const std::string& after) {
  return {field, before, after};
}
std::string D(int n) { return Day(n).ToString(); }

SetMunicipalVaccine Routine(const std::string& vaccine, const std::string& amount, JapanDate start,
                            std::optional<JapanDate> end = std::nullopt) {
  SetMunicipalVaccine r;
  r.vaccine = vaccine;
  r.contract_type = CT::kRoutine;
  r.amount = amount;
  r.start = start;
  r.end = end;
  return r;
}

const FeeSettings& FeesOf(const World& w, OrgId org) {
  const FeeSettings* fs = w.proc->Read([org](const State& s) { return s.fees().Find(org); });
  REQUIRE(fs != nullptr);
  return *fs;  // the state outlives the check (single-threaded test)
}

TEST_CASE("F-2-1-2 a municipality registers changes and ends a vaccine fee with its diff") {
  World w;
  const std::string chiyoda = World::kChiyoda;
  // Who: the municipality or union itself.
  for (const std::string& who : {w.Code(w.inst_member), std::string(World::kChuo),
                                 std::string(World::kMhlw), std::string(World::kTokyo)}) {
    SetMunicipalVaccine r = Routine("mr_mearubik", "12100", Day(0));
    r.municipality_code = chiyoda;
    w.Refused(As(who), r, StatusCode::kPermissionDenied);
  }
  w.Refused(Actor::System(), Routine("mr_mearubik", "12100", Day(0)),
            StatusCode::kPermissionDenied);
  // The rules, each naming its field.
  struct Bad {
    SetMunicipalVaccine request;
    const char* field;
  };
  SetMunicipalVaccine temporary = Routine("mr_mearubik", "12100", Day(0));
  temporary.contract_type = CT::kTemporary;
  const std::vector<Bad> bad = {
      {Routine("mumps_unknown", "12100", Day(0)), "vaccine"},
      {Routine("", "12100", Day(0)), "vaccine"},
      {Routine("mr_mearubik", "-1", Day(0)), "amount"},
      {Routine("mr_mearubik", "12100.5", Day(0)), "amount"},
      {Routine("mr_mearubik", "", Day(0)), "amount"},
      {Routine("mr_mearubik", "12100", Day(5), Day(4)), "end_date"},
      {temporary, "contract_type"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.field);
    Status s = w.Refusal(As(chiyoda), b.request, StatusCode::kInvalidArgument);
    CHECK_EQ(s.field(), b.field);
    CHECK_FALSE(s.message().empty());
  }
  Status unknown =
      w.Refusal(As(chiyoda), Routine("mumps_unknown", "1", Day(0)), StatusCode::kInvalidArgument);
  CHECK(Contains(unknown.message(), "mumps_unknown"));

  // Registered: every field shown as new.
  Position h = w.Head();
  w.Ok(As(chiyoda), Routine("mr_mearubik", "12,100", Day(0)));
  w.ExpectAppended(h, {{Fee(w.chiyoda, "mr_mearubik", CT::kRoutine, 12100, Day(0), std::nullopt,
                            {Changed("amount", "", "12,100円"), Changed("start_date", "", D(0))}),
                        Day(0)}});
  CHECK_EQ(w.Since(h)[0].stream, "fees-" + std::to_string(w.chiyoda));
  w.Refused(As(chiyoda), Routine("mr_mearubik", "12100", Day(0)), StatusCode::kFailedPrecondition);

  // Changed: only the changed field; a stale version is a conflict.
  Result<Outcome> stale = w.Run(As(chiyoda), Routine("mr_mearubik", "12500", Day(0)), 0);
  REQUIRE_FALSE(stale.ok());
  CHECK_EQ(stale.status().code(), StatusCode::kAborted);
  h = w.Head();
  REQUIRE(w.Run(As(chiyoda), Routine("mr_mearubik", "12500", Day(0)), 1).ok());
  w.ExpectAppended(h, {{Fee(w.chiyoda, "mr_mearubik", CT::kRoutine, 12500, Day(0), std::nullopt,
                            {Changed("amount", "12,100円", "12,500円")}),
                        Day(0)}});

  // Ended: 取扱終了日 ≥ 取扱開始日; the row must exist.
  Status early =
      w.Refusal(As(chiyoda), EndMunicipalVaccine{"", "mr_mearubik", CT::kRoutine, Day(-1)},
                StatusCode::kInvalidArgument);
  CHECK_EQ(early.field(), "end_date");
  w.Refused(As(chiyoda), EndMunicipalVaccine{"", "bcg", CT::kRoutine, Day(9)},
            StatusCode::kNotFound);
  w.Refused(As(World::kChuo), EndMunicipalVaccine{chiyoda, "mr_mearubik", CT::kRoutine, Day(9)},
            StatusCode::kPermissionDenied);
  h = w.Head();
  w.Ok(As(chiyoda), EndMunicipalVaccine{chiyoda, "mr_mearubik", CT::kRoutine, Day(200)});
  w.ExpectAppended(h, {{Fee(w.chiyoda, "mr_mearubik", CT::kRoutine, 12500, Day(0), Day(200),
                            {Changed("end_date", "", D(200))}),
                        Day(200)}});
  const MunicipalVaccine& row = FeesOf(w, w.chiyoda).vaccines.at({"mr_mearubik", CT::kRoutine});
  CHECK_EQ(row.amount, 12500);
  CHECK_EQ(DateText(row.end), D(200));
  CHECK_EQ(FeesOf(w, w.chiyoda).version, 3u);
  CHECK(row.in_force_on(Day(200)));
  CHECK_FALSE(row.in_force_on(Day(201)));
}

TEST_CASE(
    "F-2-1-2 the routine check lists the routine vaccines a municipality has not registered") {
  World w;
  const auto& catalog = *w.options.vaccines;
  const size_t required =
      static_cast<size_t>(std::count_if(catalog.vaccines().begin(), catalog.vaccines().end(),
                                        [](const VaccineInfo& v) { return v.routine_required(); }));
  CHECK_EQ(catalog.vaccines().size(), 38u);
  CHECK_GT(required, 30u);
  auto missing = [&](JapanDate day) {
    return w.proc->Read(
        [&](const State& s) { return MissingRoutineVaccines(s, catalog, w.chiyoda, day); });
  };
  CHECK_EQ(missing(Day(0)).size(), required);
  w.Ok(As(World::kChiyoda), Routine("mr_mearubik", "12100", Day(0), Day(9)));
  SetMunicipalVaccine voluntary = Routine("bcg", "9000", Day(0));
  voluntary.contract_type = CT::kVoluntaryConsignment;  // not a routine registration
  w.Ok(As(World::kChiyoda), voluntary);
  // Partial entry is allowed; the check names what is missing on a date.
  std::vector<std::string> now = missing(Day(0));
  CHECK_EQ(now.size(), required - 1);
  CHECK(std::find(now.begin(), now.end(), "mr_mearubik") == now.end());
  CHECK(std::find(now.begin(), now.end(), "bcg") != now.end());
  CHECK(std::find(now.begin(), now.end(), "pcv13_prevenar13") == now.end());  // legacy
  CHECK_EQ(missing(Day(10)).size(), required);                                // ended on day 9
}

TEST_CASE("F-2-1-3 voluntary subsidy conditions and the voluntary 契約先") {
  World w;
  const std::string chiyoda = World::kChiyoda;
  SetMunicipalVaccine hpv = Routine("hpv9_silgard9", "15000", Day(0));
  hpv.contract_type = CT::kVoluntarySubsidy;
  hpv.sex = FeeSex::kFemale;
  hpv.age_min = 17;
  hpv.age_max = 26;
  hpv.contractors = Contractors::kLocalOnly;
  Position h = w.Head();
  w.Ok(As(chiyoda), hpv);
  MunicipalVaccineSet want =
      Fee(w.chiyoda, "hpv9_silgard9", CT::kVoluntarySubsidy, 15000, Day(0), std::nullopt,
          {Changed("amount", "", "15,000円"), Changed("start_date", "", D(0)),
           Changed("sex", "", "female"), Changed("age_min", "", "17"), Changed("age_max", "", "26"),
           Changed("contractors", "", "local_only")});
  want.sex = FeeSex::kFemale;
  want.age_min = 17;
  want.age_max = 26;
  want.contractors = Contractors::kLocalOnly;
  w.ExpectAppended(h, {{want, Day(0)}});

  // The conditions belong to 任意助成, the 契約先 choice to 任意接種.
  struct Bad {
    SetMunicipalVaccine request;
    const char* field;
  };
  std::vector<Bad> bad;
  SetMunicipalVaccine r = Routine("mr_mearubik", "12100", Day(0));
  r.sex = FeeSex::kMale;
  bad.push_back({r, "sex"});
  r = Routine("mr_mearubik", "12100", Day(0));
  r.contract_type = CT::kVoluntaryConsignment;
  r.age_min = 1;
  bad.push_back({r, "age_min"});
  r = Routine("mr_mearubik", "12100", Day(0));
  r.contractors = Contractors::kLocalOnly;
  bad.push_back({r, "contractors"});
  r = hpv;
  r.age_max = 12;
  bad.push_back({r, "age_max"});
  r = hpv;
  r.age_min = 200;
  bad.push_back({r, "age_min"});
  for (const Bad& b : bad) {
    CAPTURE(b.field);
    CHECK_EQ(w.Refusal(As(chiyoda), b.request, StatusCode::kInvalidArgument).field(), b.field);
  }
  // Changed conditions: only the diff.
  hpv.age_max = std::nullopt;
  hpv.contractors = Contractors::kAllInstitutions;
  h = w.Head();
  w.Ok(As(chiyoda), hpv);
  CHECK_EQ(Show(w.Since(h).at(0).event), Show([&] {
             MunicipalVaccineSet e = want;
             e.age_max = std::nullopt;
             e.contractors = Contractors::kAllInstitutions;
             e.changes = {Changed("age_max", "26", ""),
                          Changed("contractors", "local_only", "all_institutions")};
             return e;
           }()));
}

TEST_CASE("F-2-1-3 a union sets vaccines per union or per member from its 切替日") {
  World w;
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(1), World::kUnion});
  w.RunTo(Day(1));
  w.Ok(As(World::kUnion), Routine("mr_mearubik", "11000", Day(1)));
  auto owner_on = [&](JapanDate day) {
    return w.proc->Read([&](const State& s) { return FeeOwnerOn(s, w.hachioji, day); });
  };
  CHECK_EQ(owner_on(Day(0)), w.hachioji);  // before 加入日
  CHECK_EQ(owner_on(Day(1)), w.wide_union);

  SetMunicipalVaccine member = Routine("mr_mearubik", "11500", Day(4));
  member.municipality_code = World::kHachioji;
  Status per_union = w.Refusal(As(World::kUnion), member, StatusCode::kInvalidArgument);
  CHECK_EQ(per_union.field(), "municipality_code");
  CHECK(Contains(per_union.message(), "広域連合単位"));
  SetMunicipalVaccine outsider = member;
  outsider.municipality_code = World::kTachikawa;  // not a member
  w.Refused(As(World::kUnion), outsider, StatusCode::kPermissionDenied);

  // F_画面8-2-9: the union itself, from today on.
  w.Refused(As(World::kChiyoda), SetVaccineSettingUnit{VaccineSettingUnit::kPerMember, Day(5)},
            StatusCode::kPermissionDenied);
  Status past =
      w.Refusal(As(World::kUnion), SetVaccineSettingUnit{VaccineSettingUnit::kPerMember, Day(0)},
                StatusCode::kInvalidArgument);
  CHECK_EQ(past.field(), "switch_date");
  w.Refused(As(World::kUnion), SetVaccineSettingUnit{VaccineSettingUnit::kPerUnion, Day(5)},
            StatusCode::kFailedPrecondition);  // already
  Position h = w.Head();
  w.Ok(As(World::kUnion), SetVaccineSettingUnit{VaccineSettingUnit::kPerMember, Day(5)});
  w.ExpectAppended(
      h, {{VaccineSettingUnitSet{w.wide_union, VaccineSettingUnit::kPerMember, Day(5)}, Day(5)}});

  // Per member from the 切替日: the union sets the member's own rows in its one account.
  w.Refused(As(World::kUnion), member, StatusCode::kInvalidArgument);  // day 4: still per union
  member.start = Day(5);
  h = w.Head();
  w.Ok(As(World::kUnion), member);
  w.ExpectAppended(h, {{Fee(w.hachioji, "mr_mearubik", CT::kRoutine, 11500, Day(5), std::nullopt,
                            {Changed("amount", "", "11,500円"), Changed("start_date", "", D(5))}),
                        Day(5)}});
  CHECK_EQ(owner_on(Day(4)), w.wide_union);
  CHECK_EQ(owner_on(Day(5)), w.hachioji);
  const auto& catalog = *w.options.vaccines;
  auto missing = [&](JapanDate day) {
    return w.proc->Read(
        [&](const State& s) { return MissingRoutineVaccines(s, catalog, w.hachioji, day); });
  };
  auto has = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  CHECK_FALSE(has(missing(Day(4)), "mr_mearubik"));  // the union's row
  CHECK_FALSE(has(missing(Day(5)), "mr_mearubik"));  // the member's own
  CHECK(has(missing(Day(5)), "bcg"));
}

TEST_CASE("F-2-4 an institution sets its 契約先自治体 全国 or per municipality") {
  World w;
  const std::string inst = w.Code(w.inst_member);
  w.Refused(As(World::kChiyoda), SetContractMunicipality{CT::kRoutine, "", Day(0), std::nullopt},
            StatusCode::kPermissionDenied);
  Position h = w.Head();
  w.Ok(As(inst), SetContractMunicipality{CT::kRoutine, "", Day(0), std::nullopt});
  w.ExpectAppended(h, {{Contract(w.inst_member, CT::kRoutine, 0, Day(0), std::nullopt,
                                 {Changed("start_date", "", D(0))}),
                        Day(0)}});
  // "全国" or "個別自治体ごと", not both in one period.
  Status both =
      w.Refusal(As(inst), SetContractMunicipality{CT::kRoutine, World::kChuo, Day(3), std::nullopt},
                StatusCode::kInvalidArgument);
  CHECK_EQ(both.field(), "municipality_code");
  CHECK_EQ(w.Refusal(As(inst), SetContractMunicipality{CT::kRoutine, "999999", Day(3), Day(9)},
                     StatusCode::kInvalidArgument)
               .field(),
           "municipality_code");
  CHECK_EQ(w.Refusal(As(inst),
                     SetContractMunicipality{CT::kRoutine, w.Code(w.inst_member2), Day(3), Day(9)},
                     StatusCode::kInvalidArgument)
               .field(),
           "municipality_code");
  CHECK_EQ(w.Refusal(As(inst), SetContractMunicipality{CT::kRoutine, "", Day(3), Day(2)},
                     StatusCode::kInvalidArgument)
               .field(),
           "end_date");

  h = w.Head();
  w.Ok(As(inst), SetContractMunicipality{CT::kRoutine, "", Day(0), Day(9)});
  w.Ok(As(inst), SetContractMunicipality{CT::kRoutine, World::kChuo, Day(10), std::nullopt});
  w.Ok(As(inst),
       SetContractMunicipality{CT::kVoluntarySubsidy, World::kUnion, Day(0), std::nullopt});
  w.ExpectAppended(
      h,
      {{Contract(w.inst_member, CT::kRoutine, 0, Day(0), Day(9), {Changed("end_date", "", D(9))}),
        Day(0)},
       {Contract(w.inst_member, CT::kRoutine, w.chuo, Day(10), std::nullopt,
                 {Changed("start_date", "", D(10))}),
        Day(10)},
       {Contract(w.inst_member, CT::kVoluntarySubsidy, w.wide_union, Day(0), std::nullopt,
                 {Changed("start_date", "", D(0))}),
        Day(0)}});
  CHECK_EQ(FeesOf(w, w.inst_member).contracts.size(), 3u);
  w.proc->Read([&](const State& s) {
    CHECK(s.fees().ContractedWith(w.chuo).contains(w.inst_member));
    CHECK(s.fees().ContractedWith(w.chiyoda).empty());
    return 0;
  });
}

TEST_CASE("F-2-5 an institution sets the vaccines it handles and its 希望する委託料の下限") {
  World w;
  const std::string inst = w.Code(w.inst_member);
  SetInstitutionVaccine routine{"mr_mearubik", CT::kRoutine, "10,000", Day(0), Day(90)};
  w.Refused(As(World::kChiyoda), routine, StatusCode::kPermissionDenied);
  Position h = w.Head();
  w.Ok(As(inst), routine);
  SetInstitutionVaccine subsidy{"hpv9_silgard9", CT::kVoluntarySubsidy, "", Day(3), std::nullopt};
  w.Ok(As(inst), subsidy);
  w.ExpectAppended(
      h, {{InstitutionVaccineSet{w.inst_member,
                                 "mr_mearubik",
                                 CT::kRoutine,
                                 10000,
                                 Day(0),
                                 Day(90),
                                 {Changed("cost", "", "10,000円"), Changed("start_date", "", D(0)),
                                  Changed("end_date", "", D(90))}},
           Day(0)},
          {InstitutionVaccineSet{w.inst_member,
                                 "hpv9_silgard9",
                                 CT::kVoluntarySubsidy,
                                 std::nullopt,
                                 Day(3),
                                 std::nullopt,
                                 {Changed("start_date", "", D(3))}},
           Day(3)}});
  // 任意助成: vaccine and 取扱開始日 only; 定期・任意委託: 接種費用 required.
  struct Bad {
    SetInstitutionVaccine request;
    const char* field;
  };
  const std::vector<Bad> bad = {
      {{"hpv9_silgard9", CT::kVoluntarySubsidy, "5000", Day(3), std::nullopt}, "cost"},
      {{"hpv9_silgard9", CT::kVoluntarySubsidy, "", Day(3), Day(9)}, "end_date"},
      {{"bcg", CT::kVoluntaryConsignment, "", Day(3), std::nullopt}, "cost"},
      {{"bcg", CT::kRoutine, "-5", Day(3), std::nullopt}, "cost"},
      {{"bcg", CT::kRoutine, "5000", Day(3), Day(1)}, "end_date"},
      {{"mumps_unknown", CT::kRoutine, "5000", Day(3), std::nullopt}, "vaccine"},
      {{"bcg", CT::kTemporary, "5000", Day(3), std::nullopt}, "contract_type"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.field);
    CHECK_EQ(w.Refusal(As(inst), b.request, StatusCode::kInvalidArgument).field(), b.field);
  }

  h = w.Head();
  w.Ok(As(inst), SetFeeFloor{"3,000"});
  // The floor in force again: nothing to change, naming the value (issue 23, item 9).
  CHECK_EQ(w.Refusal(As(inst), SetFeeFloor{"3000"}, StatusCode::kFailedPrecondition).field(),
           "floor");
  CHECK_EQ(w.Refusal(As(inst), SetFeeFloor{"3000円"}, StatusCode::kInvalidArgument).field(),
           "floor");
  w.Ok(As(inst), SetFeeFloor{""});
  w.ExpectAppended(h, {{FeeFloorSet{w.inst_member, 3000}, std::nullopt},
                       {FeeFloorSet{w.inst_member, std::nullopt}, std::nullopt}});
  CHECK_FALSE(FeesOf(w, w.inst_member).floor.has_value());
}

TEST_CASE("F-2-4 F_画面8-1-5 the municipal fees that apply to an institution on a date") {
  World w;
  const std::string chiyoda = World::kChiyoda;
  w.Ok(As(chiyoda), Routine("mr_mearubik", "12100", Day(0), Day(30)));
  SetMunicipalVaccine local = Routine("varicella_biken", "8000", Day(0));
  local.contract_type = CT::kVoluntaryConsignment;
  local.contractors = Contractors::kLocalOnly;
  w.Ok(As(chiyoda), local);
  SetMunicipalVaccine all = Routine("hepb_bimmugen", "6000", Day(0));
  all.contract_type = CT::kVoluntaryConsignment;
  w.Ok(As(chiyoda), all);
  // inst_member is in 千代田区, inst_nonmember in 中央区; both contract nationwide.
  for (OrgId inst : {w.inst_member, w.inst_nonmember}) {
    for (CT type : {CT::kRoutine, CT::kVoluntaryConsignment}) {
      w.Ok(As(w.Code(inst)), SetContractMunicipality{type, "", Day(0), std::nullopt});
    }
  }
  w.Ok(As(w.Code(w.inst_member)),
       SetInstitutionVaccine{"mr_mearubik", CT::kRoutine, "10000", Day(0), std::nullopt});
  auto fees = [&](OrgId inst, JapanDate day) {
    std::vector<std::string> out;
    w.proc->Read([&](const State& s) {
      for (const ApplicableFee& f : FeesFor(s, inst, w.chiyoda, day)) {
        out.push_back(std::string(CodeName(f.fee.contract_type)) + ":" + f.fee.vaccine + ":" +
                      std::to_string(f.fee.amount) + (f.handled ? ":handled" : "") +
                      (f.own_cost ? ":" + std::to_string(*f.own_cost) : ""));
      }
      return 0;
    });
    return out;
  };
  CHECK_EQ(fees(w.inst_member, Day(0)),
           std::vector<std::string>{"routine:mr_mearubik:12100:handled:10000",
                                    "voluntary_consignment:hepb_bimmugen:6000",
                                    "voluntary_consignment:varicella_biken:8000"});
  // 市内医療機関のみ: not for an institution elsewhere.
  CHECK_EQ(fees(w.inst_nonmember, Day(0)),
           std::vector<std::string>{"routine:mr_mearubik:12100",
                                    "voluntary_consignment:hepb_bimmugen:6000"});
  CHECK_EQ(fees(w.inst_nonmember, Day(31)),
           std::vector<std::string>{"voluntary_consignment:hepb_bimmugen:6000"});
  // Without a 契約先 row for a type, none of its fees apply.
  CHECK(fees(w.inst_aggregated, Day(0)).empty());
}

TEST_CASE("F-11-1 before 適合基準日 only the own municipality and for 臨時 only 全国") {
  World w;
  w.options.conformance_date = Day(30);
  w.OpenProcessor();
  const std::string inst = w.Code(w.inst_member);  // in 千代田区
  for (CT type : {CT::kRoutine, CT::kVoluntaryConsignment, CT::kVoluntarySubsidy}) {
    CAPTURE(CodeName(type));
    for (const std::string& code : {std::string(), std::string(World::kChuo)}) {
      Status s = w.Refusal(As(inst), SetContractMunicipality{type, code, Day(0), std::nullopt},
                           StatusCode::kInvalidArgument);
      CHECK_EQ(s.field(), "municipality_code");
      CHECK(Contains(s.message(), "自自治体"));
      CHECK(Contains(s.message(), "千代田区"));
      CHECK(Contains(s.message(), D(30)));
    }
  }
  Status temporary =
      w.Refusal(As(inst), SetContractMunicipality{CT::kTemporary, World::kChiyoda, Day(0), Day(9)},
                StatusCode::kInvalidArgument);
  CHECK_EQ(temporary.field(), "municipality_code");
  CHECK(Contains(temporary.message(), "全国"));

  Position h = w.Head();
  w.Ok(As(inst), SetContractMunicipality{CT::kRoutine, World::kChiyoda, Day(0), std::nullopt});
  w.Ok(As(inst), SetContractMunicipality{CT::kTemporary, "", Day(0), std::nullopt});
  // A row that comes into force on the 適合基準日 is outside the transition period.
  w.Ok(As(inst),
       SetContractMunicipality{CT::kVoluntarySubsidy, World::kChuo, Day(30), std::nullopt});
  w.ExpectAppended(h, {{Contract(w.inst_member, CT::kRoutine, w.chiyoda, Day(0), std::nullopt,
                                 {Changed("start_date", "", D(0))}),
                        Day(0)},
                       {Contract(w.inst_member, CT::kTemporary, 0, Day(0), std::nullopt,
                                 {Changed("start_date", "", D(0))}),
                        Day(0)},
                       {Contract(w.inst_member, CT::kVoluntarySubsidy, w.chuo, Day(30),
                                 std::nullopt, {Changed("start_date", "", D(30))}),
                        Day(30)}});
}

TEST_CASE("F-11-1 from 適合基準日 an institution contracts with any municipality") {
  World w;
  w.options.conformance_date = Day(30);
  w.OpenProcessor();
  w.clock.SetDate(Day(30));
  const std::string inst = w.Code(w.inst_member);
  Position h = w.Head();
  w.Ok(As(inst), SetContractMunicipality{CT::kRoutine, World::kChuo, Day(30), std::nullopt});
  w.Ok(As(inst), SetContractMunicipality{CT::kTemporary, World::kMinato, Day(31), std::nullopt});
  w.Ok(As(inst), SetContractMunicipality{CT::kVoluntarySubsidy, "", Day(30), std::nullopt});
  CHECK_EQ(w.Since(h).size(), 3u);
  // Still in force in the period: the rule holds for it.
  CHECK_EQ(w.Refusal(As(inst),
                     SetContractMunicipality{CT::kVoluntaryConsignment, "", Day(29), std::nullopt},
                     StatusCode::kInvalidArgument)
               .field(),
           "municipality_code");
}

TEST_CASE("F-11-2 in the transition period the vaccines and 接種費用 stay free") {
  World w;
  w.options.conformance_date = Day(30);
  w.OpenProcessor();
  const std::string inst = w.Code(w.inst_nonmember);
  Position h = w.Head();
  w.Ok(As(inst), SetInstitutionVaccine{"bcg", CT::kRoutine, "7000", Day(0), std::nullopt});
  w.Ok(As(inst), SetInstitutionVaccine{"bcg", CT::kRoutine, "7500", Day(0), std::nullopt});
  w.ExpectAppended(
      h, {{InstitutionVaccineSet{w.inst_nonmember,
                                 "bcg",
                                 CT::kRoutine,
                                 7000,
                                 Day(0),
                                 std::nullopt,
                                 {Changed("cost", "", "7,000円"), Changed("start_date", "", D(0))}},
           Day(0)},
          {InstitutionVaccineSet{w.inst_nonmember,
                                 "bcg",
                                 CT::kRoutine,
                                 7500,
                                 Day(0),
                                 std::nullopt,
                                 {Changed("cost", "7,000円", "7,500円")}},
           Day(0)}});
}

// ---- the day job's date effects

TEST_CASE("F-1-8-1 opening moves 取扱開始日 and 適用開始日 before 開設日 to 開設日") {
  World w;
  RegisterOrganisation r;
  r.kind = K::kMunicipality;
  r.code = "132039";
  r.name = ReferenceRow("municipalities.csv", "132039")[3];  // 武蔵野市
  r.opening_date = Day(9);
  const OrgId opening = w.Register(As(World::kMhlw), r);
  w.Ok(As("132039"), Routine("mr_mearubik", "12100", Day(0)));
  w.Ok(As("132039"), Routine("bcg", "9000", Day(12)));  // after 開設日: kept
  w.Ok(As(w.Code(w.inst_member)),
       SetContractMunicipality{CT::kRoutine, "132039", Day(2), std::nullopt});
  w.Ok(As(w.Code(w.inst_member2)),
       SetContractMunicipality{CT::kRoutine, "132039", Day(20), std::nullopt});

  Position h = w.Head();
  w.RunTo(Day(8));
  CHECK_EQ(w.Since(h).size(), 1u);  // day 8 closed, nothing moved
  h = w.Head();
  w.RunTo(Day(9));
  const std::string cause = "自治体の開設（F-1-8-1）";
  w.ExpectAppended(h, {{Dated(opening, DK::kOpened, Day(9)), Day(9)},
                       {Fee(opening, "mr_mearubik", CT::kRoutine, 12100, Day(9), std::nullopt,
                            {Changed("start_date", D(0), D(9))}, cause),
                        Day(9)},
                       {Contract(w.inst_member, CT::kRoutine, opening, Day(9), std::nullopt,
                                 {Changed("start_date", D(2), D(9))}, cause),
                        Day(9)},
                       {Closed(Day(9)), Day(9)}});
  // Idempotent: nothing is due again.
  h = w.Head();
  w.RunTo(Day(9));
  CHECK_EQ(w.Head(), h);
}

TEST_CASE("F-1-8-2 abolition ends 取扱終了日 and 適用終了日 empty or later at 廃止日") {
  World w;
  const std::string chiyoda = World::kChiyoda;
  w.Ok(As(chiyoda), Routine("bcg", "9000", Day(0), Day(5)));  // ends earlier: kept
  w.Ok(As(chiyoda), Routine("hpv9_silgard9", "16000", Day(0), Day(30)));
  w.Ok(As(chiyoda), Routine("mr_mearubik", "12100", Day(0)));
  w.Ok(As(w.Code(w.inst_member)),
       SetContractMunicipality{CT::kRoutine, chiyoda, Day(0), std::nullopt});
  w.Ok(As(w.Code(w.inst_member2)), SetContractMunicipality{CT::kRoutine, chiyoda, Day(0), Day(3)});
  w.Ok(As(World::kMhlw), EnterOrganisationDate{chiyoda, DK::kAbolitionScheduled, Day(9), ""});

  Position h = w.Head();
  w.RunTo(Day(9));
  const std::string cause = "自治体の廃止（F-1-8-2）";
  w.ExpectAppended(h, {{Dated(w.chiyoda, DK::kAbolished, Day(9)), Day(9)},
                       {Fee(w.chiyoda, "hpv9_silgard9", CT::kRoutine, 16000, Day(0), Day(9),
                            {Changed("end_date", D(30), D(9))}, cause),
                        Day(9)},
                       {Fee(w.chiyoda, "mr_mearubik", CT::kRoutine, 12100, Day(0), Day(9),
                            {Changed("end_date", "", D(9))}, cause),
                        Day(9)},
                       {Contract(w.inst_member, CT::kRoutine, w.chiyoda, Day(0), Day(9),
                                 {Changed("end_date", "", D(9))}, cause),
                        Day(9)},
                       {Closed(Day(9)), Day(9)}});
  // An abolished municipality sets nothing more.
  w.Refused(As(chiyoda), Routine("dt_dtbik", "5000", Day(10)), StatusCode::kFailedPrecondition);
}

TEST_CASE(
    "F-1-8-2 abolition of a city with thousands of contracts moves them in bounded commands") {
  World w;
  // More institutions contracted with 千代田区 than one command may carry: real ones of the
  // sample, registered by their municipalities (registered here by MHLW as needed).
  std::ifstream in(std::string(SHUGO_REFERENCE_DIR) + "/medical_institutions_sample.csv");
  std::string line;
  std::getline(in, line);
  std::set<OrgId> contracted;
  while (contracted.size() < kMaxContractMoves + 50 && std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, ',');) cols.push_back(col);
    bool known =
        w.proc->Read([&](const State& st) { return st.FindOrgByCode(cols[0]) != nullptr; });
    if (known) continue;
    if (!w.proc->Read([&](const State& st) { return st.FindOrgByCode(cols[8]) != nullptr; })) {
      RegisterOrganisation m;
      m.kind = K::kMunicipality;
      m.code = cols[8];
      m.name = "市区町村" + cols[8];
      if (!w.Run(As(World::kMhlw), m).ok()) continue;
    }
    RegisterOrganisation r;
    r.kind = K::kInsuredInstitution;
    r.code = cols[0];
    r.municipality_code = cols[8];
    const OrgId inst = w.Register(As(cols[8]), r);
    w.Ok(As(cols[0]), SetContractMunicipality{CT::kRoutine, World::kChiyoda, Day(0), std::nullopt});
    contracted.insert(inst);
  }
  REQUIRE_EQ(contracted.size(), kMaxContractMoves + 50);
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(9), ""});

  const Position h = w.Head();
  w.RunTo(Day(9));
  std::map<std::string, size_t> per_command;
  std::set<OrgId> ended;
  for (const Logged& l : w.Since(h)) {
    ++per_command[l.command_id];
    if (const auto* c = std::get_if<InstitutionContractSet>(&l.event)) {
      CHECK_EQ(DateText(c->end), Day(9).ToString());
      CHECK_EQ(DateText(l.effective), Day(9).ToString());
      CHECK(ended.insert(c->owner).second);  // each row once
    }
  }
  CHECK(ended == contracted);
  CHECK_GE(per_command.size(), 3u);  // the abolition, its remainder, the day closed
  for (const auto& [id, n] : per_command) CHECK_LE(n, kMaxContractMoves + 1);
  // Idempotent: nothing is left to move.
  const Position after = w.Head();
  w.RunTo(Day(9));
  CHECK_EQ(w.Head(), after);
}

TEST_CASE("F-1-9-1 a joining member gets its own copy of a per-union union's vaccines") {
  World w;
  w.Ok(As(World::kUnion), Routine("bcg", "9000", Day(0), Day(3)));  // ended before 加入日
  SetMunicipalVaccine hpv = Routine("hpv9_silgard9", "15000", Day(0), Day(60));
  hpv.contract_type = CT::kVoluntarySubsidy;
  hpv.sex = FeeSex::kFemale;
  w.Ok(As(World::kUnion), hpv);
  w.Ok(As(World::kUnion), Routine("mr_mearubik", "11000", Day(7)));
  w.Ok(As(World::kHachioji), Routine("mr_mearubik", "9000", Day(0)));  // its own, before
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(5), World::kUnion});

  Position h = w.Head();
  w.RunTo(Day(5));
  const std::string cause = "広域連合への加入（F-1-9-1）";
  MunicipalVaccineSet hpv_copy =
      Fee(w.hachioji, "hpv9_silgard9", CT::kVoluntarySubsidy, 15000, Day(5), Day(60),
          {Changed("amount", "", "15,000円"), Changed("start_date", "", D(5)),
           Changed("end_date", "", D(60)), Changed("sex", "", "female"),
           Changed("contractors", "", "all_institutions")},
          cause);
  hpv_copy.sex = FeeSex::kFemale;
  w.ExpectAppended(
      h,
      {{Dated(w.hachioji, DK::kUnionJoined, Day(5), w.wide_union), Day(5)},
       {hpv_copy, Day(5)},
       {Fee(w.hachioji, "mr_mearubik", CT::kRoutine, 11000, Day(7), std::nullopt,
            {Changed("amount", "9,000円", "11,000円"), Changed("start_date", D(0), D(7))}, cause),
        Day(5)},
       {Closed(Day(5)), Day(5)}});

  // Per member: the union sets them by hand, nothing is copied.
  w.Ok(As(World::kUnion), SetVaccineSettingUnit{VaccineSettingUnit::kPerMember, Day(8)});
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kTachikawa, DK::kUnionJoinScheduled, Day(9), World::kUnion});
  h = w.Head();
  w.RunTo(Day(9));
  w.ExpectAppended(h, {{Closed(Day(6)), Day(6)},
                       {Closed(Day(7)), Day(7)},
                       {Closed(Day(8)), Day(8)},
                       {Dated(w.tachikawa, DK::kUnionJoined, Day(9), w.wide_union), Day(9)},
                       {Closed(Day(9)), Day(9)}});
  CHECK(w.proc->Read([&](const State& s) { return s.fees().Find(w.tachikawa) == nullptr; }));
}

TEST_CASE("F-1-9-2 a leaving member's 取扱終了日 becomes the union 脱退日") {
  World w;
  w.Ok(As(World::kUnion), Routine("mr_mearubik", "11000", Day(0)));
  w.Ok(As(World::kUnion), Routine("bcg", "9000", Day(0), Day(5)));
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(1), World::kUnion});
  w.RunTo(Day(1));  // the member's copies from 加入日
  CHECK_EQ(FeesOf(w, w.hachioji).vaccines.size(), 2u);
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(9), ""});
  w.RunTo(Day(9));
  Position h = w.Head();
  w.RunTo(Day(10));
  w.ExpectAppended(h, {{Dated(w.hachioji, DK::kUnionLeft, Day(9), w.wide_union), Day(10)},
                       {Fee(w.hachioji, "mr_mearubik", CT::kRoutine, 11000, Day(1), Day(9),
                            {Changed("end_date", "", D(9))}, "広域連合からの脱退（F-1-9-2）"),
                        Day(10)},
                       {Closed(Day(10)), Day(10)}});
  CHECK_EQ(w.proc->Read([&](const State& s) { return FeeOwnerOn(s, w.hachioji, Day(10)); }),
           w.hachioji);
}

// ---- the log

TEST_CASE("F-2 the fee tables rebuilt from the log equal the live ones") {
  World w;
  w.Ok(As(World::kUnion), Routine("mr_mearubik", "11000", Day(0)));
  w.Ok(As(World::kUnion), SetVaccineSettingUnit{VaccineSettingUnit::kPerMember, Day(20)});
  w.Ok(As(World::kChiyoda), Routine("bcg", "9000", Day(0)));
  w.Ok(As(World::kChiyoda), EndMunicipalVaccine{"", "bcg", CT::kRoutine, Day(40)});
  w.Ok(As(w.Code(w.inst_member)),
       SetContractMunicipality{CT::kRoutine, World::kChiyoda, Day(0), std::nullopt});
  w.Ok(As(w.Code(w.inst_member)),
       SetInstitutionVaccine{"bcg", CT::kRoutine, "8000", Day(0), std::nullopt});
  w.Ok(As(w.Code(w.inst_member)), SetFeeFloor{"3000"});
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionJoinScheduled, Day(3), World::kUnion});
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(30), ""});
  w.RunTo(Day(31));
  const FeeBook live = w.proc->Read([](const State& s) { return s.fees(); });
  CHECK_EQ(live.all().size(), 4u);
  auto rebuilt = Processor::Open(w.store.get(), &w.clock, w.options);
  REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.status().ToString());
  CHECK((*rebuilt)->Read([](const State& s) { return s.fees(); }) == live);
  w.OpenProcessor();  // reopened on the same store
  CHECK(w.proc->Read([](const State& s) { return s.fees(); }) == live);
  CHECK_EQ(DateText(FeesOf(w, w.chiyoda).vaccines.at({"bcg", CT::kRoutine}).end), D(30));
}

TEST_CASE("F-2 fee events survive an encode and decode round trip") {
  MunicipalVaccineSet fee = Fee(3, "hpv9_silgard9", CT::kVoluntarySubsidy, 15000, Day(0), Day(9),
                                {Changed("amount", "", "15,000円")}, "cause");
  fee.sex = FeeSex::kFemale;
  fee.age_min = 0;
  fee.age_max = 26;
  fee.contractors = Contractors::kLocalOnly;
  const std::vector<DomainEvent> events = {
      fee,
      Fee(3, "bcg", CT::kRoutine, 0, Day(1), std::nullopt, {}),
      VaccineSettingUnitSet{4, VaccineSettingUnit::kPerMember, Day(2)},
      Contract(5, CT::kTemporary, 0, Day(3), Day(4), {Changed("end_date", "", D(4))}, "x"),
      InstitutionVaccineSet{5, "bcg", CT::kRoutine, 0, Day(3), std::nullopt, {}},
      InstitutionVaccineSet{5, "bcg", CT::kVoluntarySubsidy, std::nullopt, Day(3), Day(5), {}},
      FeeFloorSet{5, 3000},
      FeeFloorSet{5, std::nullopt},
  };
  for (const DomainEvent& e : events) {
    CAPTURE(Show(e));
    Result<DomainEvent> back = test::RoundTrip(e);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == e);
    CHECK_EQ(StreamOf(e).rfind("fees-", 0), 0u);
  }
}

}  // namespace
}  // namespace shugo::core
