// F-1-5 non-insured institutions (docs/domain.md §4.6) against a real event store: an input link
// issued by the prefecture or a municipality (F_画面1-2-1), the institution's entry through it,
// the prefecture's approval or return (F_画面7-1-1/7-1-2) with the exact events appended, the
// chain of the registered site, the refusals and a rebuild from the log.
#include "core/non_insured.h"

#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "core/draft.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

using RS = RegistrationStatus;

const Actor kLink = Actor::System(kInputLinkUser);

RegistrationId Issue(World& w, const std::string& by, JapanDate expires) {
  Outcome o = w.Ok(As(by), IssueNonInsuredLink{expires});
  REQUIRE_EQ(o.created.size(), 1u);
  return o.created[0];
}

NonInsuredRegistrationSubmitted Submitted(RegistrationId id, OrgId municipality,
                                          std::string email = "sesshu@example.jp") {
  return NonInsuredRegistrationSubmitted{id,
                                         "中央区職域接種センター",
                                         "チュウオウクショクイキセッシュセンター",
                                         "東京都中央区築地1-1-1",
                                         municipality,
                                         "職域接種",
                                         NonInsuredDigest(email)};
}

ReviewNonInsuredRegistration Approve(RegistrationId id) { return {id, true, ""}; }
ReviewNonInsuredRegistration Return(RegistrationId id, std::string reason) {
  return {id, false, std::move(reason)};
}

NonInsuredRegistration Registration(const World& w, RegistrationId id) {
  return w.proc->Read([id](const State& s) {
    const NonInsuredRegistration* r = s.FindRegistration(id);
    REQUIRE(r != nullptr);
    return *r;
  });
}

std::vector<RegistrationId> Awaiting(const World& w, OrgId approver) {
  return w.proc->Read(
      [approver](const State& s) { return RegistrationsAwaitingApproval(s, approver); });
}

OrgId NextOrg(const World& w) {
  return w.proc->Read([](const State& s) { return s.next_org_id(); });
}

TEST_CASE("F-1-5 the prefecture's input link: entered and approved registers a numbered site") {
  World w;
  // F_画面1-2-1: 東京都 gets an input link valid for two weeks.
  Position h = w.Head();
  const RegistrationId id = Issue(w, World::kTokyo, Day(14));
  CHECK_EQ(id, 1u);
  w.ExpectAppended(h, {{NonInsuredLinkIssued{id, w.tokyo, w.tokyo, Day(14)}, std::nullopt}});
  CHECK_EQ(w.Since(h).at(0).stream, "registration-1");
  CHECK(Registration(w, id).status == RS::kIssued);
  CHECK(Awaiting(w, w.tokyo).empty());

  // The institution enters its data through the link (no account yet); the address is kept in
  // lower case.
  w.clock.SetDate(Day(3));
  h = w.Head();
  w.Ok(kLink, NonInsuredEntry(id, "Sesshu@Example.JP"));
  w.ExpectAppended(h, {{Submitted(id, w.chuo), std::nullopt}});
  NonInsuredRegistration r = Registration(w, id);
  CHECK(r.status == RS::kSubmitted);
  REQUIRE(r.data.has_value());
  // The log keeps the address's digest, never the address or the phone (invariant 11).
  CHECK_EQ(r.data->email_sha256, NonInsuredDigest("sesshu@example.jp"));
  // F_画面7-1-1: it waits for 東京都's approval.
  CHECK_EQ(Awaiting(w, w.tokyo), std::vector<RegistrationId>{id});
  CHECK(Awaiting(w, w.chuo).empty());

  // F_画面7-1-2: approved — the system numbers the 類似コード and registers the site.
  h = w.Head();
  const OrgId site = NextOrg(w);
  const std::string code = NonInsuredCode(13, site);
  Outcome o = w.Ok(As(World::kTokyo), Approve(id));
  CHECK_EQ(o.created, std::vector<uint64_t>{site});
  OrganisationRegistered registered;
  registered.id = site;
  registered.kind = K::kNonInsuredInstitution;
  registered.code = code;
  registered.name = "中央区職域接種センター";
  registered.kana = "チュウオウクショクイキセッシュセンター";
  registered.address = "東京都中央区築地1-1-1";
  registered.prefecture = 13;
  registered.municipality = w.chuo;
  registered.parent = w.tokyo;
  registered.affiliation = Affiliation::kPrefecturalSite;
  auto got = w.ExpectAppended(
      h, {{registered, std::nullopt}, {NonInsuredRegistrationDecided{id, true, site, ""}, Day(3)}});
  REQUIRE_EQ(got.size(), 2u);
  CHECK_EQ(got[0].stream, "org-" + std::to_string(site));
  CHECK_EQ(got[1].stream, "registration-1");
  r = Registration(w, id);
  CHECK(r.status == RS::kApproved);
  CHECK_EQ(r.org, site);
  CHECK(Awaiting(w, w.tokyo).empty());
  CHECK_EQ(w.Code(site), code);
  CHECK_EQ(code.substr(0, 3), "139");

  // The chain of a prefectural site (domain.md §3): its letter goes to 東京都, approved by hand,
  // with no re-delegation.
  const LetterId l = w.Apply(site);
  CHECK_EQ(w.L(l).delegate, w.tokyo);
  h = w.Head();
  w.Approve({l});
  w.ExpectAppended(h, {{Moved(l, LC::kApprove, LS::kApproved, Day(4)), std::nullopt}});
}

TEST_CASE("F-1-5 a municipality's link for a site only it knows is approved by its prefecture") {
  World w;
  const RegistrationId id = Issue(w, World::kChiyoda, Day(7));
  CHECK_EQ(Registration(w, id).issuer, w.chiyoda);
  CHECK_EQ(Registration(w, id).approver, w.tokyo);
  SubmitNonInsuredRegistration e = NonInsuredEntry(id);
  e.name = "千代田区第二集団接種会場";
  e.municipality_code = World::kChiyoda;
  e.site_kind = "集団接種会場";
  w.Ok(kLink, e);
  CHECK_EQ(Awaiting(w, w.tokyo), std::vector<RegistrationId>{id});
  // The prefecture approves (seed: 都道府県に承認依頼), not the municipality that issued the link.
  w.Refused(As(World::kChiyoda), Approve(id), StatusCode::kPermissionDenied);
  const OrgId site = NextOrg(w);
  w.Ok(As(World::kTokyo), Approve(id));
  const Organisation o = w.Org(site);
  CHECK(o.kind == K::kNonInsuredInstitution);
  CHECK_EQ(o.parent, w.chiyoda);
  CHECK_EQ(o.municipality, w.chiyoda);
  CHECK(o.affiliation == Affiliation::kMunicipalSite);
  CHECK_EQ(o.code, NonInsuredCode(13, site));
  // Its letter goes to 千代田区 (domain.md §3, the municipal site row), with no re-delegation.
  const LetterId l = w.Apply(site);
  CHECK_EQ(w.L(l).delegate, w.chiyoda);
  const Position h = w.Head();
  w.Approve({l});
  w.ExpectAppended(h, {{Moved(l, LC::kApprove, LS::kApproved, Day(1)), std::nullopt}});
}

TEST_CASE("F-1-5 a returned entry is closed with its reason and a new link is needed") {
  World w;
  const RegistrationId id = Issue(w, World::kTokyo, Day(14));
  w.Ok(kLink, NonInsuredEntry(id));
  CHECK_EQ(w.Refusal(As(World::kTokyo), Return(id, ""), StatusCode::kInvalidArgument).field(),
           "reason");
  Position h = w.Head();
  w.Ok(As(World::kTokyo), Return(id, "所在地の番地が不足しています"));
  w.ExpectAppended(
      h, {{NonInsuredRegistrationDecided{id, false, 0, "所在地の番地が不足しています"}, Day(0)}});
  const NonInsuredRegistration r = Registration(w, id);
  CHECK(r.status == RS::kReturned);
  CHECK_EQ(r.reason, "所在地の番地が不足しています");
  CHECK_EQ(r.org, 0u);
  CHECK(Awaiting(w, w.tokyo).empty());
  // 差戻 closes the registration: the link cannot be used again, nor the entry decided again.
  Status s = w.Refusal(kLink, NonInsuredEntry(id), StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "差戻"));
  w.Refused(As(World::kTokyo), Approve(id), StatusCode::kFailedPrecondition);
  // A new link is issued; the institution enters again with the same address, freed by the
  // return.
  const RegistrationId again = Issue(w, World::kTokyo, Day(14));
  CHECK_NE(again, id);
  h = w.Head();
  w.Ok(kLink, NonInsuredEntry(again));
  w.ExpectAppended(h, {{Submitted(again, w.chuo), std::nullopt}});
  w.Ok(As(World::kTokyo), Approve(again));
  CHECK(Registration(w, again).status == RS::kApproved);
}

TEST_CASE("F-1-5 issuing a link is refused to others and to a past expiry") {
  World w;
  w.Refused(Actor::System(), IssueNonInsuredLink{Day(7)}, StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuokai), IssueNonInsuredLink{Day(7)}, StatusCode::kPermissionDenied);
  w.Refused(As(World::kMhlw), IssueNonInsuredLink{Day(7)}, StatusCode::kPermissionDenied);
  w.Refused(As(World::kUnion), IssueNonInsuredLink{Day(7)}, StatusCode::kPermissionDenied);
  w.Refused(As(w.Code(w.inst_member)), IssueNonInsuredLink{Day(7)}, StatusCode::kPermissionDenied);
  w.Refused(As(w.Code(w.site_municipal)), IssueNonInsuredLink{Day(7)},
            StatusCode::kPermissionDenied);
  const Status s =
      w.Refusal(As(World::kTokyo), IssueNonInsuredLink{Day(-1)}, StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "expires");
  CHECK(Contains(s.message(), "有効期限"));
  // Valid through today (inclusive).
  Issue(w, World::kTokyo, Day(0));
}

TEST_CASE("F-1-5 an entry is refused from another actor and after the expiry or a submission") {
  World w;
  const RegistrationId a = Issue(w, World::kTokyo, Day(2));
  const RegistrationId b = Issue(w, World::kTokyo, Day(2));
  // Only through the input link.
  w.Refused(As(World::kTokyo), NonInsuredEntry(a), StatusCode::kPermissionDenied);
  w.Refused(Actor::System(), NonInsuredEntry(a), StatusCode::kPermissionDenied);
  w.Refused(kLink, NonInsuredEntry(42), StatusCode::kNotFound);
  // The last day of the link still takes it; the day after does not.
  w.clock.SetDate(Day(2));
  w.Ok(kLink, NonInsuredEntry(a));
  w.clock.SetDate(Day(3));
  Status s =
      w.Refusal(kLink, NonInsuredEntry(b, "other@example.jp"), StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "有効期限"));
  CHECK(Registration(w, b).status == RS::kIssued);
  // A second entry through the same link.
  s = w.Refusal(kLink, NonInsuredEntry(a, "other@example.jp"), StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "入力済み"));
}

TEST_CASE("F-1-5 an entry names the field it refuses") {
  World w;
  const OrgId yokohama_pref = w.RegisterLocalGov("140007", K::kPrefecture);
  CHECK(yokohama_pref != 0);
  w.RegisterLocalGov("141003");  // 横浜市
  const RegistrationId taken = Issue(w, World::kTokyo, Day(7));
  w.Ok(kLink, NonInsuredEntry(taken, "taken@example.jp"));
  const RegistrationId id = Issue(w, World::kTokyo, Day(7));

  struct Case {
    const char* what;
    void (*edit)(SubmitNonInsuredRegistration&);
    const char* field;
  };
  const Case cases[] = {
      {"no name", [](SubmitNonInsuredRegistration& r) { r.name.clear(); }, "name"},
      {"no address", [](SubmitNonInsuredRegistration& r) { r.address.clear(); }, "address"},
      {"no municipality", [](SubmitNonInsuredRegistration& r) { r.municipality_code.clear(); },
       "municipality_code"},
      {"unknown municipality",
       [](SubmitNonInsuredRegistration& r) { r.municipality_code = "132039"; },
       "municipality_code"},
      {"a prefecture", [](SubmitNonInsuredRegistration& r) { r.municipality_code = "130001"; },
       "municipality_code"},
      {"another prefecture",
       [](SubmitNonInsuredRegistration& r) { r.municipality_code = "141003"; },
       "municipality_code"},
      {"no kind of site", [](SubmitNonInsuredRegistration& r) { r.site_kind.clear(); },
       "site_kind"},
      {"no email", [](SubmitNonInsuredRegistration& r) { r.email.clear(); }, "email"},
      {"email without domain", [](SubmitNonInsuredRegistration& r) { r.email = "sesshu@"; },
       "email"},
      {"email with a space", [](SubmitNonInsuredRegistration& r) { r.email = "a b@example.jp"; },
       "email"},
      {"email with two @", [](SubmitNonInsuredRegistration& r) { r.email = "a@b@example.jp"; },
       "email"},
      {"email of another registration",
       [](SubmitNonInsuredRegistration& r) {
         r.email = "Taken@Example.jp";
         r.email_digest = NonInsuredDigest(r.email);
       },
       "email"},
      {"no phone", [](SubmitNonInsuredRegistration& r) { r.phone.clear(); }, "phone"},
      {"short phone", [](SubmitNonInsuredRegistration& r) { r.phone = "03-1234-567"; }, "phone"},
      {"phone with letters", [](SubmitNonInsuredRegistration& r) { r.phone = "03-1234-ABCD"; },
       "phone"},
      {"long name", [](SubmitNonInsuredRegistration& r) { r.name = std::string(401, 'a'); },
       "name"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    SubmitNonInsuredRegistration r = NonInsuredEntry(id);
    c.edit(r);
    const Status s = w.Refusal(kLink, r, StatusCode::kInvalidArgument);
    CHECK_EQ(s.field(), c.field);
    CHECK_FALSE(s.message().empty());
  }
  const Status dup =
      w.Refusal(kLink, NonInsuredEntry(id, "taken@example.jp"), StatusCode::kInvalidArgument);
  CHECK(Contains(dup.message(), "メールアドレス"));
  // A phone without hyphens and a mobile number are fine; kana may be left empty.
  SubmitNonInsuredRegistration ok = NonInsuredEntry(id);
  ok.phone = "09012345678";
  ok.kana.clear();
  w.Ok(kLink, ok);
}

TEST_CASE("F-1-5 a review is refused to others and outside the submitted status") {
  World w;
  w.RegisterLocalGov("140007", K::kPrefecture);  // 神奈川県
  const RegistrationId id = Issue(w, World::kTokyo, Day(7));
  // Not entered yet.
  Status s = w.Refusal(As(World::kTokyo), Approve(id), StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "入力されていません"));
  w.Refused(As(World::kTokyo), Approve(99), StatusCode::kNotFound);
  w.Ok(kLink, NonInsuredEntry(id));
  // Another prefecture, a municipality, 国保中央会, the system, the input link.
  w.Refused(As("140007"), Approve(id), StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuo), Approve(id), StatusCode::kPermissionDenied);
  w.Refused(As(World::kChuokai), Approve(id), StatusCode::kPermissionDenied);
  w.Refused(Actor::System(), Approve(id), StatusCode::kPermissionDenied);
  w.Refused(kLink, Approve(id), StatusCode::kPermissionDenied);
  // A version other than the one shown (F_画面7-1-2).
  const uint64_t version = Registration(w, id).version;
  {
    const Position before = w.Head();
    Result<Outcome> r = w.Run(As(World::kTokyo), Approve(id), version - 1);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kAborted);
    CHECK_EQ(w.Head(), before);
  }
  REQUIRE(w.Run(As(World::kTokyo), Approve(id), version).ok());
  // Decided once.
  s = w.Refusal(As(World::kTokyo), Return(id, "重複"), StatusCode::kFailedPrecondition);
  CHECK(Contains(s.message(), "承認済"));
  w.Refused(kLink, NonInsuredEntry(id), StatusCode::kFailedPrecondition);
}

TEST_CASE("F-1-5 the registrations rebuilt from the log equal the live ones") {
  World w;
  const RegistrationId issued = Issue(w, World::kTokyo, Day(30));
  const RegistrationId submitted = Issue(w, World::kChiyoda, Day(30));
  const RegistrationId approved = Issue(w, World::kTokyo, Day(30));
  const RegistrationId returned = Issue(w, World::kMinato, Day(30));
  w.clock.SetDate(Day(5));
  w.Ok(kLink, NonInsuredEntry(submitted, "submitted@example.jp"));
  w.Ok(kLink, NonInsuredEntry(approved, "approved@example.jp"));
  w.Ok(kLink, NonInsuredEntry(returned, "returned@example.jp"));
  w.Ok(As(World::kTokyo), Approve(approved));
  w.Ok(As(World::kTokyo), Return(returned, "施設の種別が不明です"));

  auto snapshot = [&w] {
    return w.proc->Read(
        [](const State& s) { return std::make_pair(s.registrations(), s.organisations()); });
  };
  const auto live = snapshot();
  REQUIRE_EQ(live.first.size(), 4u);
  CHECK(live.first[issued - 1].status == RS::kIssued);
  CHECK(live.first[submitted - 1].status == RS::kSubmitted);
  CHECK(live.first[approved - 1].status == RS::kApproved);
  CHECK(live.first[returned - 1].status == RS::kReturned);
  const std::vector<RegistrationId> awaiting = Awaiting(w, w.tokyo);
  CHECK_EQ(awaiting, std::vector<RegistrationId>{submitted});

  w.OpenProcessor();
  const auto rebuilt = snapshot();
  CHECK(rebuilt.first == live.first);
  CHECK(rebuilt.second == live.second);
  CHECK_EQ(Awaiting(w, w.tokyo), awaiting);
  // The addresses in use are rebuilt too: a submitted or approved one is refused, a returned one
  // is free.
  w.Refused(kLink, NonInsuredEntry(issued, "SUBMITTED@example.jp"), StatusCode::kInvalidArgument);
  w.Refused(kLink, NonInsuredEntry(issued, "approved@example.jp"), StatusCode::kInvalidArgument);
  w.Ok(kLink, NonInsuredEntry(issued, "returned@example.jp"));
}

TEST_CASE("F-1-5 a site that joins a 医師会 still delegates to the authority that set it up") {
  World w;
  ChangeOrganisation c;
  c.code = w.Code(w.site_municipal);
  c.member_of_code = World::kChiyodaMa;
  w.Ok(As(World::kTokyo), c);  // the prefecture keeps the site's record (F-1-5)
  CHECK(w.Org(w.site_municipal).affiliation == Affiliation::kMunicipalSite);
  const LetterId id = w.Apply(w.site_municipal);
  CHECK_EQ(w.L(id).delegate, w.chiyoda);
}

}  // namespace
}  // namespace shugo::core
