// The F-2 fee and vaccine routes over real HTTP (issue 6): a municipality's vaccines and fees
// (F-2-1-2/3), a union's ワクチン設定単位 (F_画面8-2-9), an institution's 契約先自治体 (F-2-4),
// handled vaccines (F-2-5) and 希望する委託料の下限, each on the version of the owner's fee
// settings.
#include "tests/http/organisation_commands.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

// The fee settings of `owner` as the state has them.
core::FeeSettings Fees(Served& w, core::OrgId owner) {
  return w.proc->Read([&](const core::State& s) {
    const core::FeeSettings* f = s.fees().Find(owner);
    return f == nullptr ? core::FeeSettings{} : *f;
  });
}

const json::object kBcg{{"vaccine", "bcg"},
                        {"contract_type", "routine"},
                        {"amount", 12100},
                        {"start_date", "2025-04-01"}};

TEST_CASE("organisation commands: F-2-1-2 a municipality registers a routine vaccine and ends it") {
  Served w;
  Browser chiyoda = w.SignedIn(w.chiyoda);
  const std::string path = "/api/organisations/" + std::string(World::kChiyoda) + "/vaccines";
  ExpectRefused(w, chiyoda, path, kBcg, bhttp::status::conflict, "If-Match", IfMatch(3));
  const json::object set = ExpectIdempotent(w, chiyoda, path, kBcg, bhttp::status::ok, IfMatch(0));
  CHECK_EQ(Number(set, "version"), 1u);
  CHECK_EQ(set.at("code").as_string(), World::kChiyoda);
  CHECK_FALSE(set.at("changes").as_array().empty());
  const core::MunicipalVaccine row =
      Fees(w, w.chiyoda).vaccines.at({"bcg", core::ContractType::kRoutine});
  CHECK_EQ(row.amount, 12100);
  CHECK_EQ(row.start, JapanDate(2025, 4, 1));

  const json::object end{
      {"vaccine", "bcg"}, {"contract_type", "routine"}, {"end_date", "2026-03-31"}};
  ExpectRefused(w, chiyoda, path + "/end", end, bhttp::status::conflict, "If-Match", IfMatch(0));
  const json::object ended =
      ExpectIdempotent(w, chiyoda, path + "/end", end, bhttp::status::ok, IfMatch(1));
  CHECK_EQ(Number(ended, "version"), 2u);
  CHECK_EQ(Fees(w, w.chiyoda).vaccines.at({"bcg", core::ContractType::kRoutine}).end,
           JapanDate(2026, 3, 31));
  // A vaccine it never registered: 404.
  ExpectRefused(w, chiyoda, path + "/end", With(end, "vaccine", "mr_mearubik"),
                bhttp::status::not_found);
  ExpectBadMembers(w, chiyoda, path + "/end",
                   {{Without(end, "vaccine"), "vaccine"},
                    {Without(end, "contract_type"), "contract_type"},
                    {Without(end, "end_date"), "end_date"},
                    {With(end, "end_date", "31/03/2026"), "end_date"}});
}

TEST_CASE("organisation commands: F-2-1-3 vaccine members are typed and the rules answer 422") {
  Served w;
  Browser chiyoda = w.SignedIn(w.chiyoda);
  const std::string path = "/api/organisations/" + std::string(World::kChiyoda) + "/vaccines";
  ExpectBadMembers(w, chiyoda, path,
                   {{Without(kBcg, "vaccine"), "vaccine"},
                    {With(kBcg, "vaccine", 7), "vaccine"},
                    {Without(kBcg, "contract_type"), "contract_type"},
                    {With(kBcg, "contract_type", "weekly"), "contract_type"},
                    {Without(kBcg, "amount"), "amount"},
                    {With(kBcg, "amount", "12,100"), "amount"},
                    {With(kBcg, "amount", -1), "amount"},
                    {With(kBcg, "amount", 12100.5), "amount"},
                    {Without(kBcg, "start_date"), "start_date"},
                    {With(kBcg, "start_date", "April"), "start_date"},
                    {With(kBcg, "end_date", 1), "end_date"},
                    {With(kBcg, "sex", "woman"), "sex"},
                    {With(kBcg, "age_min", "3"), "age_min"},
                    {With(kBcg, "age_max", 2.5), "age_max"},
                    {With(kBcg, "contractors", "all"), "contractors"}});
  for (const BadMember& rule :
       std::vector<BadMember>{{With(kBcg, "contract_type", "temporary"), "contract_type"},
                              {With(kBcg, "vaccine", "no_such_vaccine"), "vaccine"},
                              {With(kBcg, "sex", "female"), "sex"},
                              {With(kBcg, "contractors", "local_only"), "contractors"},
                              {With(kBcg, "end_date", "2025-03-31"), "end_date"},
                              {With(kBcg, "amount", 99'999'999'999), "amount"}}) {
    ExpectRefused(w, chiyoda, path, rule.body, bhttp::status::unprocessable_entity, rule.field);
  }
  // A voluntary subsidy with its conditions.
  Res r = Command(w, chiyoda, path,
                  {{"vaccine", "zoster_shingrix"},
                   {"contract_type", "voluntary_subsidy"},
                   {"amount", 20000},
                   {"start_date", "2025-04-01"},
                   {"sex", "any"},
                   {"age_min", 50},
                   {"contractors", "local_only"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  const core::MunicipalVaccine row =
      Fees(w, w.chiyoda).vaccines.at({"zoster_shingrix", core::ContractType::kVoluntarySubsidy});
  CHECK_EQ(row.age_min, 50);
  CHECK_EQ(row.contractors, core::Contractors::kLocalOnly);
}

TEST_CASE("organisation commands: F-2-1-2 only the municipality or its union sets its fees") {
  Served w;
  const std::string path = "/api/organisations/" + std::string(World::kChiyoda) + "/vaccines";
  for (core::OrgId who : {w.inst_member, w.chuo, w.mhlw}) {
    CAPTURE(who);
    ExpectRefused(w, w.SignedIn(who), path, kBcg, bhttp::status::forbidden);
  }
  Browser chiyoda = w.SignedIn(w.chiyoda);
  // Organisations without municipal fees, and unknown ones: 404.
  for (const std::string& code :
       std::vector<std::string>{w.Code(w.inst_member), World::kTokyo, "131999"}) {
    ExpectRefused(w, chiyoda, "/api/organisations/" + code + "/vaccines", kBcg,
                  bhttp::status::not_found);
    ExpectRefused(w, chiyoda, "/api/organisations/" + code + "/vaccines/end",
                  {{"vaccine", "bcg"}, {"contract_type", "routine"}, {"end_date", "2026-03-31"}},
                  bhttp::status::not_found);
  }
}

TEST_CASE("organisation commands: F_画面8-2-9 a union sets its own vaccine setting unit") {
  Served w;
  Browser union_ = w.SignedIn(w.wide_union);
  const std::string path =
      "/api/organisations/" + std::string(World::kUnion) + "/vaccine-setting-unit";
  const json::object good{{"unit", "per_member"}, {"switch_date", "2025-04-01"}};
  ExpectBadMembers(w, union_, path,
                   {{Without(good, "unit"), "unit"},
                    {With(good, "unit", "member"), "unit"},
                    {Without(good, "switch_date"), "switch_date"},
                    {With(good, "switch_date", true), "switch_date"}});
  ExpectRefused(w, union_, path, With(good, "switch_date", "2025-03-31"),
                bhttp::status::unprocessable_entity, "switch_date");
  ExpectRefused(w, union_, path, good, bhttp::status::conflict, "If-Match", IfMatch(1));
  const json::object done = ExpectIdempotent(w, union_, path, good, bhttp::status::ok, IfMatch(0));
  CHECK_EQ(Number(done, "version"), 1u);
  CHECK_EQ(Fees(w, w.wide_union).UnitOn(JapanDate(2025, 4, 1)),
           core::VaccineSettingUnit::kPerMember);
  // Not the union's own: 403; not a union, or unknown: 404.
  ExpectRefused(w, w.SignedIn(w.chiyoda), path, good, bhttp::status::forbidden);
  ExpectRefused(w, union_, "/api/organisations/131016/vaccine-setting-unit", good,
                bhttp::status::not_found);
  ExpectRefused(w, union_, "/api/organisations/138991/vaccine-setting-unit", good,
                bhttp::status::not_found);
}

TEST_CASE(
    "organisation commands: F-2-4 F-2-5 an institution sets its contract municipality vaccines "
    "and fee floor") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const std::string own = "/api/organisations/" + w.Code(w.inst_member);
  const json::object contract{{"contract_type", "routine"},
                              {"municipality_code", World::kChiyoda},
                              {"start_date", "2025-04-01"}};
  const json::object handled{{"vaccine", "bcg"},
                             {"contract_type", "routine"},
                             {"cost", 8000},
                             {"start_date", "2025-04-01"}};
  ExpectRefused(w, inst, own + "/contract-municipalities", contract, bhttp::status::conflict,
                "If-Match", IfMatch(2));
  json::object done = ExpectIdempotent(w, inst, own + "/contract-municipalities", contract,
                                       bhttp::status::ok, IfMatch(0));
  CHECK_EQ(Number(done, "version"), 1u);
  CHECK(Fees(w, w.inst_member).contracts.contains({core::ContractType::kRoutine, w.chiyoda}));

  ExpectRefused(w, inst, own + "/handled-vaccines", handled, bhttp::status::conflict, "If-Match",
                IfMatch(0));
  done =
      ExpectIdempotent(w, inst, own + "/handled-vaccines", handled, bhttp::status::ok, IfMatch(1));
  CHECK_EQ(Number(done, "version"), 2u);
  CHECK_EQ(Fees(w, w.inst_member).handled.at({"bcg", core::ContractType::kRoutine}).cost, 8000);

  ExpectRefused(w, inst, own + "/fee-floor", {{"floor", 7000}}, bhttp::status::conflict, "If-Match",
                IfMatch(1));
  done = ExpectIdempotent(w, inst, own + "/fee-floor", {{"floor", 7000}}, bhttp::status::ok,
                          IfMatch(2));
  CHECK_EQ(Number(done, "version"), 3u);
  CHECK_EQ(Fees(w, w.inst_member).floor, 7000);
  Res cleared = Command(w, inst, own + "/fee-floor", {{"floor", nullptr}}, IfMatch(3));
  REQUIRE_MESSAGE(cleared.result() == bhttp::status::ok, cleared.body());
  CHECK_FALSE(Fees(w, w.inst_member).floor.has_value());
}

TEST_CASE("organisation commands: F-2-4 F-2-5 institution settings check members and keepers") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const std::string own = "/api/organisations/" + w.Code(w.inst_member);
  const json::object contract{{"contract_type", "routine"}, {"start_date", "2025-04-01"}};
  const json::object handled{{"vaccine", "bcg"},
                             {"contract_type", "routine"},
                             {"cost", 8000},
                             {"start_date", "2025-04-01"}};
  ExpectBadMembers(w, inst, own + "/contract-municipalities",
                   {{Without(contract, "contract_type"), "contract_type"},
                    {With(contract, "municipality_code", 131016), "municipality_code"},
                    {Without(contract, "start_date"), "start_date"},
                    {With(contract, "end_date", "2026-13-01"), "end_date"}});
  ExpectBadMembers(w, inst, own + "/handled-vaccines",
                   {{Without(handled, "vaccine"), "vaccine"},
                    {With(handled, "cost", "8000"), "cost"},
                    {With(handled, "cost", -8000), "cost"},
                    {With(handled, "contract_type", 1), "contract_type"},
                    {Without(handled, "start_date"), "start_date"}});
  ExpectBadMembers(w, inst, own + "/fee-floor",
                   {{{}, "floor"}, {{{"floor", "7000"}}, "floor"}, {{{"floor", 70.5}}, "floor"}});
  // Rules: the contract municipality must be a municipality, a routine vaccine needs its cost.
  ExpectRefused(w, inst, own + "/contract-municipalities",
                With(contract, "municipality_code", World::kTokyo),
                bhttp::status::unprocessable_entity, "municipality_code");
  ExpectRefused(w, inst, own + "/handled-vaccines", Without(handled, "cost"),
                bhttp::status::unprocessable_entity, "cost");
  // Another organisation's settings: 403 (its municipality or another institution); settings a
  // municipality does not have, or an unknown code: 404.
  const std::vector<std::pair<std::string, json::object>> routes = {
      {"/contract-municipalities", contract},
      {"/handled-vaccines", handled},
      {"/fee-floor", {{"floor", 1000}}}};
  Browser chiyoda = w.SignedIn(w.chiyoda);
  Browser other = w.SignedIn(w.inst_member2);
  for (const auto& [suffix, body] : routes) {
    ExpectRefused(w, chiyoda, own + suffix, body, bhttp::status::forbidden);
    ExpectRefused(w, other, own + suffix, body, bhttp::status::forbidden);
    ExpectRefused(w, chiyoda, "/api/organisations/131016" + suffix, body, bhttp::status::not_found);
    ExpectRefused(w, inst, "/api/organisations/1399999999" + suffix, body,
                  bhttp::status::not_found);
  }
}

}  // namespace
}  // namespace shugo::http
