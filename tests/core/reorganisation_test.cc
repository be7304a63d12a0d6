// F-1-1 municipal reorganisation (domain.md §2, §4.2): a new municipality names the ones it
// succeeds by their （旧）全国地方公共団体コード, and on an old one's 廃止日 the institutions and
// 医師会 located in it move to its successor ("On reorganisation the municipal code is updated in
// every master"). An institution may also be moved by hand, by the keeper of where it is.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

ChangeOrganisation FormerCodes(const std::string& code, std::vector<std::string> former) {
  ChangeOrganisation c;
  c.code = code;
  c.former_codes = std::move(former);
  return c;
}

ChangeOrganisation MoveTo(const std::string& code, const std::string& municipality) {
  ChangeOrganisation c;
  c.code = code;
  c.municipality_code = municipality;
  return c;
}

OrganisationChanged Relocated(OrgId id, const std::string& from, const std::string& to,
                              OrgId into) {
  OrganisationChanged e;
  e.id = id;
  e.changes = {{"municipality_code", from, to}};
  e.municipality = into;
  return e;
}

// 三鷹市 (a real code of municipalities.csv), registered by MHLW as the successor of `former`.
RegisterOrganisation Mitaka(std::vector<std::string> former) {
  RegisterOrganisation r;
  r.kind = K::kMunicipality;
  r.code = "132047";
  r.name = ReferenceRow("municipalities.csv", "132047")[3];
  r.former_codes = std::move(former);
  return r;
}

TEST_CASE("F-1-1 a new municipality names its （旧）コード and the old ones know their successor") {
  World w;
  const Position h = w.Head();
  const OrgId mitaka = w.Register(As(World::kMhlw), Mitaka({World::kHachioji, World::kTachikawa}));
  OrganisationRegistered want;
  want.id = mitaka;
  want.kind = K::kMunicipality;
  want.code = "132047";
  want.name = ReferenceRow("municipalities.csv", "132047")[3];
  want.prefecture = 13;
  want.predecessors = {w.hachioji, w.tachikawa};
  w.ExpectAppended(h, {{want, std::nullopt}});
  CHECK_EQ(w.Org(mitaka).predecessors, std::vector<OrgId>{w.hachioji, w.tachikawa});
  CHECK_EQ(w.Org(w.hachioji).successors, std::vector<OrgId>{mitaka});
  CHECK_EQ(w.Org(w.tachikawa).successors, std::vector<OrgId>{mitaka});

  // MHLW changes the list: the links follow, both ways.
  const Position h2 = w.Head();
  w.Ok(As(World::kMhlw), FormerCodes("132047", {World::kTachikawa}));
  OrganisationChanged changed;
  changed.id = mitaka;
  changed.changes = {
      {"former_codes", std::string(World::kHachioji) + "," + World::kTachikawa, World::kTachikawa}};
  changed.predecessors = {w.tachikawa};
  w.ExpectAppended(h2, {{changed, std::nullopt}});
  CHECK(w.Org(w.hachioji).successors.empty());
  CHECK_EQ(w.Org(w.tachikawa).successors, std::vector<OrgId>{mitaka});

  // The same list again changes nothing.
  Status same = w.Refusal(As(World::kMhlw), FormerCodes("132047", {World::kTachikawa}),
                          StatusCode::kInvalidArgument);
  CHECK_EQ(same.message(), std::string(kNothingToChange));
}

TEST_CASE("F-1-1 a （旧）コード that is not a registered municipality of the kind is refused") {
  World w;
  auto refused = [&](std::vector<std::string> former,
                     StatusCode code = StatusCode::kInvalidArgument) {
    CAPTURE(former.empty() ? std::string() : former.front());
    Status s = w.Refusal(As(World::kMhlw), Mitaka(std::move(former)), code);
    CHECK_EQ(s.field(), "former_codes");
    return s;
  };
  CHECK(Contains(refused({"13204"}).message(), "6桁"));                  // format
  CHECK(Contains(refused({"132063"}).message(), "登録されていません"));  // 府中市, not registered
  CHECK(Contains(refused({World::kTokyo}).message(), "都道府県"));       // a prefecture
  CHECK(Contains(refused({World::kUnion}).message(), "広域連合"));  // a union for a municipality
  CHECK(Contains(refused({World::kChiyoda, World::kChiyoda}).message(), "重複"));
  std::vector<std::string> many(65, World::kChiyoda);
  CHECK(Contains(refused(many).message(), "64件"));
  // Only a municipality or union has one.
  RegisterOrganisation inst = Insured("1310129668");
  inst.former_codes = {World::kChiyoda};
  Status s = w.Refusal(As(World::kChiyoda), inst, StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "former_codes");
  // Not itself, and not the one that succeeds it.
  w.Register(As(World::kMhlw), Mitaka({World::kChiyoda}));
  Status self =
      w.Refusal(As(World::kMhlw), FormerCodes("132047", {"132047"}), StatusCode::kInvalidArgument);
  CHECK_EQ(self.field(), "former_codes");
  Status cycle = w.Refusal(As(World::kMhlw), FormerCodes(World::kChiyoda, {"132047"}),
                           StatusCode::kInvalidArgument);
  CHECK_EQ(cycle.field(), "former_codes");
  // MHLW keeps the municipal master (F-1-1): a municipality or prefecture may not link them.
  w.Refused(As(World::kChuo), FormerCodes("132047", {World::kChuo}), StatusCode::kPermissionDenied);
  w.Refused(As(World::kTokyo), FormerCodes("132047", {World::kChuo}),
            StatusCode::kPermissionDenied);
}

TEST_CASE(
    "F-1-1 on the 廃止日 the institutions and 医師会 in the old municipality move to its "
    "successor") {
  World w;
  w.Ok(As(World::kMhlw), FormerCodes(World::kChuo, {World::kChiyoda}));
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(5), ""});
  w.RunTo(Day(4));
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chiyoda);

  const Position h = w.Head();
  w.RunTo(Day(5));
  const std::vector<Logged> got = w.Since(h);
  // Located in 千代田区: two institutions, its 医師会 and its vaccination site, by id.
  std::vector<OrganisationChanged> moves;
  for (const Logged& l : got) {
    if (const auto* e = std::get_if<OrganisationChanged>(&l.event)) {
      moves.push_back(*e);
      CHECK_EQ(DateText(l.effective), Day(5).ToString());
    }
  }
  const std::vector<OrgId> located = {w.chiyoda_ma, w.inst_member, w.inst_member2,
                                      w.site_municipal};
  REQUIRE_EQ(moves.size(), located.size());
  for (size_t i = 0; i < located.size(); ++i) {
    CHECK_EQ(Show(moves[i]), Show(Relocated(located[i], World::kChiyoda, World::kChuo, w.chuo)));
    CHECK_EQ(w.Org(located[i]).municipality, w.chuo);
  }
  // The abolition itself comes first; the day closes after the moves.
  CHECK(std::holds_alternative<OrganisationDated>(got.front().event));
  CHECK(std::holds_alternative<DayClosed>(got.back().event));

  // The successor now keeps them (F-1-4-2), the abolished municipality no longer does.
  ChangeOrganisation rename;
  rename.code = w.Code(w.inst_member);
  rename.address = "東京都中央区日本橋１丁目１番１号";
  w.Refused(As(World::kChiyoda), rename, StatusCode::kPermissionDenied);
  w.Ok(As(World::kChuo), rename);
  // Its 医師会 is the one seated there now (the chains route by it).
  w.proc->Read([&](const State& s) {
    const Organisation* area = s.AreaAssociation(*s.FindOrg(w.inst_member));
    REQUIRE(area != nullptr);
    CHECK_EQ(area->municipality, w.chuo);
    CHECK(s.LocatedIn(w.chiyoda).empty());
    return 0;
  });
  // Nothing more is due: a second run appends only its day.
  const Position h2 = w.Head();
  w.RunTo(Day(6));
  w.ExpectAppended(h2, {{Closed(Day(6)), Day(6)}});
}

TEST_CASE("F-1-1 a successor named after the 廃止日 takes the institutions on the next run") {
  World w;
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(3), ""});
  w.RunTo(Day(3));
  // No successor yet: nothing moved.
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chiyoda);
  w.Register(As(World::kMhlw), Mitaka({World::kChiyoda}));
  const OrgId mitaka = w.Org(w.chiyoda).successors.at(0);
  w.RunTo(Day(4));
  CHECK_EQ(w.Org(w.inst_member).municipality, mitaka);
  CHECK_EQ(w.Org(w.site_municipal).municipality, mitaka);
}

TEST_CASE("F-1-1 a split area moves nothing by itself and each successor takes its own by hand") {
  World w;
  // 分立: 千代田区 is succeeded by both 中央区 and 港区.
  w.Ok(As(World::kMhlw), FormerCodes(World::kChuo, {World::kChiyoda}));
  w.Ok(As(World::kMhlw), FormerCodes(World::kMinato, {World::kChiyoda}));
  const std::string inst = w.Code(w.inst_member);
  // Before the abolition the institution is 千代田区's: a successor may not take it yet.
  w.Refused(As(World::kChuo), MoveTo(inst, World::kChuo), StatusCode::kPermissionDenied);
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(3), ""});
  w.RunTo(Day(3));
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chiyoda);

  // A municipality of the right kind that does not succeed it (wrong area) may not take it, nor
  // may a successor move it elsewhere.
  w.Refused(As(World::kHachioji), MoveTo(inst, World::kHachioji), StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuo), MoveTo(inst, World::kMinato), StatusCode::kPermissionDenied);
  const Position h = w.Head();
  w.Ok(As(World::kChuo), MoveTo(inst, World::kChuo));
  w.ExpectAppended(
      h, {{Relocated(w.inst_member, World::kChiyoda, World::kChuo, w.chuo), std::nullopt}});
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chuo);
  // An abolished municipality is no place to move to.
  Status s =
      w.Refusal(As(World::kChuo), MoveTo(inst, World::kChiyoda), StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "municipality_code");
}

TEST_CASE("F-1-4-2 the keeper moves an institution within its prefecture and no further") {
  World w;
  const std::string inst = w.Code(w.inst_member);
  // Another prefecture's municipality is refused, naming the field.
  w.RegisterLocalGov("011002");  // 札幌市
  Status other =
      w.Refusal(As(World::kChiyoda), MoveTo(inst, "011002"), StatusCode::kInvalidArgument);
  CHECK_EQ(other.field(), "municipality_code");
  Status not_municipality =
      w.Refusal(As(World::kChiyoda), MoveTo(inst, World::kUnion), StatusCode::kInvalidArgument);
  CHECK_EQ(not_municipality.field(), "municipality_code");
  // A municipality of the right kind in the wrong area may not move it.
  w.Refused(As(World::kChuo), MoveTo(inst, World::kChuo), StatusCode::kPermissionDenied);
  // Only institutions and 医師会 have a location to change.
  Status kind = w.Refusal(As(World::kMhlw), MoveTo(World::kChuo, World::kChiyoda),
                          StatusCode::kInvalidArgument);
  CHECK_EQ(kind.field(), "municipality_code");
  w.Ok(As(World::kChiyoda), MoveTo(inst, World::kChuo));
  CHECK_EQ(w.Org(w.inst_member).municipality, w.chuo);
  // The 医師会 master is 国保中央会's (F-1-2).
  w.Refused(As(World::kChiyoda), MoveTo(World::kChiyodaMa, World::kChuo),
            StatusCode::kPermissionDenied);
  w.Ok(As(World::kChuokai), MoveTo(World::kChiyodaMa, World::kChuo));
  CHECK_EQ(w.Org(w.chiyoda_ma).municipality, w.chuo);
}

TEST_CASE("F-1-1 the log rebuilds the links and the moves") {
  World w;
  w.Register(As(World::kMhlw), Mitaka({World::kChiyoda}));
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(2), ""});
  w.RunTo(Day(2));
  const Organisation before = w.Org(w.inst_member);
  const Organisation old = w.Org(w.chiyoda);
  w.OpenProcessor();
  CHECK(w.Org(w.inst_member) == before);
  CHECK(w.Org(w.chiyoda) == old);
  w.proc->Read([&](const State& s) {
    CHECK(s.LocatedIn(w.chiyoda).empty());
    CHECK_EQ(s.LocatedIn(before.municipality).size(), 4u);
    return 0;
  });
}

}  // namespace
}  // namespace shugo::core
