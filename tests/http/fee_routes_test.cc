// F-2 settings read back over real HTTP (issue 24): a municipality's fees with the 登録チェック of
// its routine vaccines (F_画面8-2-1/8-2-2), an institution's own settings (F_画面8-1-x) and the
// municipal fees that apply to it (F_画面8-1-5), each to whoever may see the organisation's whole
// record (F-8) and to no one else, a caller of the right kind in the wrong area included.
#include "tests/http/served.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests
using core::test::As;
using core::test::Day;
using CT = core::ContractType;

std::string Field(const Res& r) {
  return std::string(Body(r).at("error").as_object().at("field").as_string());
}

core::SetMunicipalVaccine Routine(const std::string& vaccine, const std::string& amount) {
  core::SetMunicipalVaccine r;
  r.vaccine = vaccine;
  r.contract_type = CT::kRoutine;
  r.amount = amount;
  r.start = Day(0);
  return r;
}

TEST_CASE("fees: F-2-1-2 a municipality's settings read back with its missing routine vaccines") {
  Served w;
  w.Ok(As(World::kChiyoda), Routine("mr_mearubik", "12100"));
  const std::string path = std::string("/api/organisations/") + World::kChiyoda + "/fee-settings";
  Browser city = w.SignedIn(w.chiyoda);
  Res r = city.Get(path);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const json::object body = Body(r);
  const json::array vaccines = body.at("vaccines").as_array();
  REQUIRE_EQ(vaccines.size(), 1u);
  const json::object& row = vaccines[0].as_object();
  CHECK_EQ(row.at("vaccine").as_string(), "mr_mearubik");
  CHECK_FALSE(row.at("product_name").as_string().empty());
  CHECK_EQ(row.at("contract_type").as_string(), "routine");
  CHECK_EQ(row.at("amount").to_number<int64_t>(), 12100);
  CHECK_EQ(row.at("start_date").as_string(), Day(0).ToString());
  CHECK(row.at("in_force").as_bool());
  const uint64_t version = body.at("version").to_number<uint64_t>();
  CHECK_EQ(version,
           w.proc->Read([&](const core::State& s) { return s.fees().Find(w.chiyoda)->version; }));
  CHECK_EQ(std::string(r[bhttp::field::etag]), "\"" + std::to_string(version) + "\"");
  // F-2-1-2 登録チェック: the routine products still to register, not the one registered.
  const json::array missing = body.at("missing_routine").as_array();
  CHECK_FALSE(missing.empty());
  for (const json::value& m : missing)
    CHECK_NE(m.as_object().at("vaccine").as_string(), "mr_mearubik");
  // Before its 取扱開始日 the row is not in force.
  Res before = city.Get(path + "?date=" + Day(-1).ToString());
  REQUIRE_EQ(before.result(), bhttp::status::ok);
  CHECK_FALSE(Body(before).at("vaccines").as_array()[0].as_object().at("in_force").as_bool());

  CHECK_EQ(Field(city.Get(path + "?date=2025-02-30")), "date");
  CHECK_EQ(Field(city.Get(path + "?page=1")), "page");
  // Who sees it: itself, its prefecture, MHLW; not a municipality of the right kind in the wrong
  // area, nor an institution of its area (404, as an unknown code).
  for (core::OrgId viewer : {w.tokyo, w.mhlw, w.federation}) {
    CAPTURE(viewer);
    CHECK_EQ(w.SignedIn(viewer).Get(path).result(), bhttp::status::ok);
  }
  for (core::OrgId viewer : {w.chuo, w.inst_member}) {
    CAPTURE(viewer);
    CHECK_EQ(w.SignedIn(viewer).Get(path).result(), bhttp::status::not_found);
  }
  CHECK_EQ(city.Get("/api/organisations/139999/fee-settings").result(), bhttp::status::not_found);
}

TEST_CASE("fees: F_画面8-1-5 an institution sees its settings and the municipal fees that apply") {
  Served w;
  w.Ok(As(World::kChiyoda), Routine("mr_mearubik", "12100"));
  const std::string inst = w.Code(w.inst_member);
  w.Ok(As(inst), core::SetContractMunicipality{CT::kRoutine, "", Day(0), std::nullopt});
  w.Ok(As(inst),
       core::SetInstitutionVaccine{"mr_mearubik", CT::kRoutine, "13000", Day(0), std::nullopt});
  Browser clinic = w.SignedIn(w.inst_member);

  const std::string fees = "/api/organisations/" + inst + "/fees";
  Res r = clinic.Get(fees + "?municipality=" + World::kChiyoda);
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const json::array items = Body(r).at("items").as_array();
  REQUIRE_EQ(items.size(), 1u);
  const json::object& fee = items[0].as_object();
  CHECK_EQ(fee.at("vaccine").as_string(), "mr_mearubik");
  CHECK_EQ(fee.at("amount").to_number<int64_t>(), 12100);
  CHECK_EQ(fee.at("own_cost").to_number<int64_t>(), 13000);
  CHECK(fee.at("handled").as_bool());
  CHECK_EQ(fee.at("owner").as_object().at("code").as_string(), World::kChiyoda);
  // A municipality without fees answers an empty list, not an error.
  Res none = clinic.Get(fees + "?municipality=" + World::kChuo);
  REQUIRE_EQ(none.result(), bhttp::status::ok);
  CHECK(Body(none).at("items").as_array().empty());
  CHECK_EQ(Field(clinic.Get(fees)), "municipality");
  CHECK_EQ(Field(clinic.Get(fees + "?municipality=139999")), "municipality");

  Res settings = clinic.Get("/api/organisations/" + inst + "/fee-settings");
  REQUIRE_MESSAGE(settings.result() == bhttp::status::ok, settings.body());
  const json::object s = Body(settings);
  const json::array contracts = s.at("contract_municipalities").as_array();
  REQUIRE_EQ(contracts.size(), 1u);
  CHECK_EQ(contracts[0].as_object().at("municipality").as_string(), "all");
  const json::array handled = s.at("handled_vaccines").as_array();
  REQUIRE_EQ(handled.size(), 1u);
  CHECK_EQ(handled[0].as_object().at("cost").to_number<int64_t>(), 13000);
  CHECK(s.at("fee_floor").is_null());

  // Its locating municipality sees both; another institution and a municipality of the right
  // kind in the wrong area do not (404).
  Browser city = w.SignedIn(w.chiyoda);
  CHECK_EQ(city.Get(fees + "?municipality=" + World::kChiyoda).result(), bhttp::status::ok);
  for (core::OrgId viewer : {w.inst_nonmember, w.chuo}) {
    CAPTURE(viewer);
    Browser b = w.SignedIn(viewer);
    CHECK_EQ(b.Get(fees + "?municipality=" + World::kChiyoda).result(), bhttp::status::not_found);
    CHECK_EQ(b.Get("/api/organisations/" + inst + "/fee-settings").result(),
             bhttp::status::not_found);
  }
  // The organisations of other kinds have no such settings.
  CHECK_EQ(w.SignedIn(w.mhlw).Get("/api/organisations/1301/fee-settings").result(),
           bhttp::status::not_found);
}

}  // namespace
}  // namespace shugo::http
