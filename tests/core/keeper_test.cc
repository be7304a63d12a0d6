// The keeper of a master record is decided by kind and by area (issue 23, docs/core.md "The keeper
// of a master record"): the whole matrix of organisation kind × same / other municipality × same /
// other prefecture × register / change / dates, against the real reference data of the test world
// with a second prefecture (北海道, 札幌市) and a union of two Tokyo municipalities.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

constexpr const char* kHokkaido = "010006";
constexpr const char* kSapporo = "011002";
constexpr const char* kHakodate = "012025";
constexpr const char* kHokkaidoFederation = "01";
// Insured institutions of medical_institutions_sample.csv the world has not registered.
constexpr const char* kChuoClinic = "1310237487";       // 中央区
constexpr const char* kMinatoClinic = "1315822838";     // 港区
constexpr const char* kHachiojiClinic = "1312929628";   // 八王子市 (a member of the union)
constexpr const char* kTachikawaClinic = "1313024593";  // 立川市 (a member of the union)
constexpr const char* kSapporoClinic = "0110112745";    // 札幌市中央区: in 札幌市

// The test world with a second prefecture (its municipality and 国保連合会), and 八王子市 and
// 立川市 members of the union from day 1 (F-1-9-1).
struct Japan : World {
  Japan() {
    hokkaido = RegisterLocalGov(kHokkaido, K::kPrefecture);
    sapporo = RegisterLocalGov(kSapporo);
    hokkaido_federation =
        RegisterFederation(kHokkaidoFederation, "北海道国民健康保険団体連合会", 1);
    for (const char* member : {kHachioji, kTachikawa}) {
      Ok(As(kMhlw), EnterOrganisationDate{member, DK::kUnionJoinScheduled, Day(1), kUnion});
    }
    RunTo(Day(1));
    REQUIRE(Org(hachioji).in_union);
    REQUIRE(Org(tachikawa).in_union);
  }
  OrgId hokkaido = 0, sapporo = 0, hokkaido_federation = 0;
};

// A F-1-5 mass-vaccination site in `municipality` of `prefecture`, set up by `set_up_by`.
RegisterOrganisation Site(int prefecture, const std::string& municipality,
                          const std::string& set_up_by) {
  RegisterOrganisation r;
  r.kind = K::kNonInsuredInstitution;
  r.name = "集団接種会場" + municipality;
  r.prefecture = prefecture;
  r.municipality_code = municipality;
  r.parent_code = set_up_by;
  return r;
}

ChangeOrganisation Rename(const std::string& code, const std::string& name) {
  ChangeOrganisation c;
  c.code = code;
  c.name = name;
  return c;
}

// `who` may not: 403 naming `field`, a Japanese message that says `part`, nothing appended.
void Denied(World& w, const std::string& who, Request r, const std::string& field,
            const std::string& part) {
  CAPTURE(who);
  const Status s = w.Refusal(As(who), std::move(r), StatusCode::kPermissionDenied);
  CHECK_EQ(s.field(), field);
  CHECK_MESSAGE(Contains(s.message(), part), s.message());
}

TEST_CASE("F-1-4-2 the keeper by area: an insured institution is registered where it is located") {
  Japan w;
  const RegisterOrganisation chuo = Insured(kChuoClinic, World::kChuo);
  // A municipality of another prefecture, other municipalities of the same prefecture, a union
  // 中央区 is not a member of: refused, naming the location.
  for (const char* who :
       {kSapporo, World::kChiyoda, World::kMinato, World::kHachioji, World::kUnion}) {
    Denied(w, who, chuo, "municipality_code", "中央区に所在する保険医療機関を登録できません");
  }
  // Kinds that keep no insured institution, wherever they are: refused, naming the kind.
  for (const std::string& who :
       std::vector<std::string>{World::kTokyo, kHokkaido, World::kMhlw, World::kChuokai,
                                World::kFederation, World::kChuoMa, w.Code(w.inst_nonmember)}) {
    Denied(w, who, chuo, "kind", "は保険医療機関を登録できません");
  }
  // The municipality where it is located registers it.
  const OrgId id = w.Register(As(World::kChuo), chuo);
  CHECK_EQ(w.Org(id).municipality, w.chuo);
  // 札幌市 may no more register a clinic of 港区 than 中央区 one of 札幌市.
  Denied(w, kSapporo, Insured(kMinatoClinic, World::kMinato), "municipality_code",
         "港区に所在する");
  const RegisterOrganisation sapporo = Insured(kSapporoClinic, kSapporo);
  Denied(w, World::kChuo, sapporo, "municipality_code", "札幌市に所在する");
  Denied(w, kHokkaido, sapporo, "kind", "都道府県は保険医療機関を登録できません");
  CHECK_EQ(w.Org(w.Register(As(kSapporo), sapporo)).prefecture, 1);
  // Naming itself as the location of a clinic of another prefecture does not help (the code
  // carries the prefecture).
  const Status s =
      w.Refusal(As(kSapporo), Insured(kMinatoClinic, kSapporo), StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "municipality_code");
}

TEST_CASE("F-1-4-2 the keeper by area: an insured institution is changed where it is located") {
  Japan w;
  const std::string code = w.Code(w.inst_nonmember);  // 勝どきみなみクリニック in 中央区
  const ChangeOrganisation rename = Rename(code, "勝どきみなみ内科クリニック");
  for (const char* who :
       {kSapporo, World::kChiyoda, World::kMinato, World::kHachioji, World::kUnion}) {
    Denied(w, who, rename, "code", "中央区に所在する勝どきみなみクリニックを変更できません");
  }
  // Other kinds, and the institution itself, which reports its changes to its municipality.
  for (const std::string& who :
       std::vector<std::string>{World::kTokyo, kHokkaido, World::kMhlw, World::kChuokai,
                                World::kFederation, World::kChuoMa, w.Code(w.inst_member), code}) {
    Denied(w, who, rename, "code", "勝どきみなみクリニックを変更できません");
  }
  // A membership is the municipality's to change too (F-1-4-2 account info).
  ChangeOrganisation join;
  join.code = code;
  join.member_of_code = World::kChuoMa;
  Denied(w, World::kChiyoda, join, "code", "中央区に所在する");
  w.Ok(As(World::kChuo), rename);
  w.Ok(As(World::kChuo), join);
  CHECK_EQ(w.Org(w.inst_nonmember).name, "勝どきみなみ内科クリニック");
  CHECK_EQ(w.Org(w.inst_nonmember).member_of, w.chuo_ma);
  // In the other prefecture the same: 札幌市 changes its clinic, 千代田区 and 北海道 may not.
  const std::string sapporo = w.Code(w.Register(As(kSapporo), Insured(kSapporoClinic, kSapporo)));
  Denied(w, World::kChiyoda, Rename(sapporo, "平松記念病院"), "code", "札幌市に所在する");
  Denied(w, kHokkaido, Rename(sapporo, "平松記念病院"), "code", "変更できません");
  w.Ok(As(kSapporo), Rename(sapporo, "平松記念病院"));
}

TEST_CASE(
    "F-1-4-2 the keeper by area: a union keeps its members' institutions beside each member") {
  Japan w;
  const RegisterOrganisation hachioji = Insured(kHachiojiClinic, World::kHachioji);
  // Another member of the same union keeps only its own.
  Denied(w, World::kTachikawa, hachioji, "municipality_code", "八王子市に所在する");
  const std::string code = w.Code(w.Register(As(World::kUnion), hachioji));
  w.Register(As(World::kTachikawa), Insured(kTachikawaClinic, World::kTachikawa));
  // Changed by the union or by the member where it is; not by another member or municipality.
  w.Ok(As(World::kUnion), Rename(code, "てんじん内科"));
  w.Ok(As(World::kHachioji), Rename(code, "てんじん内科外科"));
  for (const char* who : {World::kTachikawa, World::kChiyoda, kSapporo}) {
    Denied(w, who, Rename(code, "てんじんクリニック"), "code", "八王子市に所在する");
  }
  // Once the member has left the union (F-1-9-2, carried out by the day job) the union no longer
  // keeps its institutions; the municipality does.
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kHachioji, DK::kUnionLeaveScheduled, Day(3), ""});
  w.RunTo(Day(5));
  REQUIRE_FALSE(w.Org(w.hachioji).in_union);
  Denied(w, World::kUnion, Rename(code, "てんじんクリニック"), "code", "八王子市に所在する");
  w.Ok(As(World::kHachioji), Rename(code, "てんじんクリニック"));
}

TEST_CASE(
    "F-1-5 the keeper by area: a non-insured site is registered by the prefecture where it is") {
  Japan w;
  const RegisterOrganisation minato = Site(13, World::kMinato, World::kMinato);
  Denied(w, kHokkaido, minato, "prefecture", "東京都に所在する非保険医療機関を登録できません");
  // A municipality issues an input link (F_画面1-2-1) but does not register the site, not even
  // where it is or one it set up; nor do the other kinds.
  for (const std::string& who :
       std::vector<std::string>{World::kMinato, World::kChiyoda, kSapporo, World::kUnion,
                                World::kMhlw, World::kFederation, w.Code(w.site_prefectural)}) {
    Denied(w, who, minato, "kind", "は非保険医療機関を登録できません");
  }
  const OrgId id = w.Register(As(World::kTokyo), minato);
  CHECK_EQ(w.Org(id).parent, w.minato);
  CHECK_EQ(w.Org(id).prefecture, 13);
  // The other prefecture's site is its own prefecture's.
  const RegisterOrganisation sapporo = Site(1, kSapporo, kSapporo);
  Denied(w, World::kTokyo, sapporo, "prefecture", "北海道に所在する");
  Denied(w, kSapporo, sapporo, "kind", "市区町村は非保険医療機関を登録できません");
  w.Register(As(kHokkaido), sapporo);
  // The authority that set it up is of the site's prefecture.
  const Status s = w.Refusal(As(World::kTokyo), Site(13, World::kMinato, kSapporo),
                             StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "parent_code");
}

TEST_CASE("F-1-5 the keeper by area: a non-insured site is changed by the prefecture where it is") {
  Japan w;
  const std::string code = w.Code(w.site_municipal);  // in 千代田区, set up by 千代田区
  const ChangeOrganisation rename = Rename(code, "千代田区第二集団接種会場");
  Denied(w, kHokkaido, rename, "code", "東京都に所在する千代田区集団接種会場を変更できません");
  // The municipality that set it up reports changes to the prefecture (F-1-5 "都道府県に報告し"),
  // as does the site itself.
  for (const std::string& who :
       std::vector<std::string>{World::kChiyoda, World::kChuo, kSapporo, World::kMhlw,
                                World::kChuokai, code, w.Code(w.site_prefectural)}) {
    Denied(w, who, rename, "code", "千代田区集団接種会場を変更できません");
  }
  w.Ok(As(World::kTokyo), rename);
  CHECK_EQ(w.Org(w.site_municipal).name, "千代田区第二集団接種会場");
  const std::string sapporo = w.Code(w.Register(As(kHokkaido), Site(1, kSapporo, kHokkaido)));
  Denied(w, World::kTokyo, Rename(sapporo, "札幌会場"), "code", "北海道に所在する");
  w.Ok(As(kHokkaido), Rename(sapporo, "札幌会場"));
}

TEST_CASE("F-1-1 the keeper by area: MHLW and 国保中央会 keep their masters for all Japan") {
  Japan w;
  // F-1-1: MHLW registers and changes the 自治体 of every prefecture.
  w.RegisterLocalGov(kHakodate);
  w.Ok(As(World::kMhlw), Rename(kSapporo, "札幌市役所"));
  w.Ok(As(World::kMhlw), Rename(kHokkaido, "北海道庁"));
  // A 自治体 reports its own changes to MHLW (F-1-1 "厚生労働省に報告する"); no 自治体 changes
  // another, in its prefecture or not.
  for (const auto& [who, whom] :
       std::vector<std::pair<std::string, std::string>>{{World::kChiyoda, World::kChiyoda},
                                                        {World::kTokyo, World::kTokyo},
                                                        {World::kUnion, World::kUnion},
                                                        {World::kTokyo, World::kChiyoda},
                                                        {kSapporo, World::kChiyoda},
                                                        {kHokkaido, World::kChiyoda},
                                                        {World::kUnion, World::kHachioji}}) {
    CAPTURE(whom);
    Denied(w, who, Rename(whom, "改称"), "code", "を変更できません");
  }
  // F-1-3: the same for a 取りまとめ団体.
  const std::string aggregator = w.Code(w.aggregator);
  Denied(w, aggregator, Rename(aggregator, "改称学会"), "code", "を変更できません");
  w.Ok(As(World::kMhlw), Rename(aggregator, "改称学会"));
  // F-1-2: 国保中央会 keeps the 医師会 of every prefecture; a 医師会 reports its own changes.
  RegisterOrganisation pma;
  pma.kind = K::kPrefecturalMedicalAssociation;
  pma.code = "0100";
  pma.name = "北海道医師会";
  pma.prefecture = 1;
  Denied(w, kHokkaido, pma, "kind", "都道府県は都道府県医師会を登録できません");
  w.Register(As(World::kChuokai), pma);
  Denied(w, World::kChiyodaMa, Rename(World::kChiyodaMa, "千代田区医師会（改称）"), "code",
         "を変更できません");
  Denied(w, World::kChiyoda, Rename(World::kChiyodaMa, "千代田区医師会（改称）"), "code",
         "を変更できません");
  w.Ok(As(World::kChuokai), Rename(World::kChiyodaMa, "千代田区医師会（改称）"));
  w.Ok(As(World::kChuokai), Rename("0100", "北海道医師会（改称）"));
}

TEST_CASE(
    "F-1-8 F-1-9 F-5-2 the keeper by area: dates by MHLW for all Japan and by the federation") {
  Japan w;
  const OrgId hakodate = w.RegisterLocalGov(kHakodate);
  // F-1-8: MHLW enters a 廃止日 anywhere; no 自治体 enters one, its own or another's.
  for (const auto& [who, whom] :
       std::vector<std::pair<std::string, std::string>>{{kSapporo, World::kChiyoda},
                                                        {World::kTokyo, World::kChiyoda},
                                                        {kHokkaido, kHakodate},
                                                        {kHakodate, kHakodate}}) {
    CAPTURE(whom);
    Denied(w, who, EnterOrganisationDate{whom, DK::kAbolitionScheduled, Day(30), ""}, "code",
           "厚生労働省が行います");
  }
  w.Ok(As(World::kMhlw), EnterOrganisationDate{kHakodate, DK::kAbolitionScheduled, Day(30), ""});
  // F-1-9-1: a municipality joins a union of its own prefecture only (**project**).
  const Status s =
      w.Refusal(As(World::kMhlw),
                EnterOrganisationDate{kSapporo, DK::kUnionJoinScheduled, Day(5), World::kUnion},
                StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "union_code");
  CHECK_MESSAGE(Contains(s.message(), "別の都道府県の広域連合"), s.message());
  CHECK_FALSE(w.Org(w.sapporo).union_join_date.has_value());
  CHECK(w.Org(hakodate).abolition_date.has_value());
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChuo, DK::kUnionJoinScheduled, Day(5), World::kUnion});
  // F-5-2: the 国保連合会 of the prefecture, not another one nor MHLW.
  const EnterOrganisationDate sapporo{kSapporo, DK::kPaymentConsignmentRegistered, w.Today(), ""};
  Denied(w, World::kFederation, sapporo, "code", "他の都道府県の自治体の支払事務委託");
  Denied(w, World::kMhlw, sapporo, "code", "国保連合会が行います");
  w.Ok(As(kHokkaidoFederation), sapporo);
  const EnterOrganisationDate chiyoda{World::kChiyoda, DK::kPaymentConsignmentRegistered, w.Today(),
                                      ""};
  Denied(w, kHokkaidoFederation, chiyoda, "code", "他の都道府県の自治体の支払事務委託");
  w.Ok(As(World::kFederation), chiyoda);
  const EnterOrganisationDate cancel{kSapporo, DK::kPaymentConsignmentCancelScheduled, Day(20), ""};
  Denied(w, World::kFederation, cancel, "code", "他の都道府県の自治体の支払事務委託");
  w.Ok(As(kHokkaidoFederation), cancel);
}

}  // namespace
}  // namespace shugo::core
