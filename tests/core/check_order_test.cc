// The order of checks of every command (issue 23 item 4, docs/core.md "Order of checks"): the
// request's own fields (kInvalidArgument naming the field), then who acts and where, then the
// state (409). One case per decider that checked a state or an authority rule before a later
// field rule; each sends a request wrong in both ways and expects the field.
#include <doctest/doctest.h>

#include <string>

#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

TEST_CASE("Order of checks: F-1 a registration's fields before a code registered already") {
  World w;
  RegisterOrganisation r;
  r.kind = K::kMunicipality;
  r.code = World::kChiyoda;  // registered already (409) …
  r.name = "千代田区";
  r.opening_date = Day(0);  // … and a 開設日 not in the future (422)
  CHECK_EQ(w.Refusal(As(World::kMhlw), r, StatusCode::kInvalidArgument).field(), "opening_date");
  r.opening_date.reset();
  w.Refused(As(World::kMhlw), r, StatusCode::kAlreadyExists);
}

TEST_CASE("Order of checks: F-1 a change's fields before the keeper's area") {
  World w;
  ChangeOrganisation c;
  c.code = w.Code(w.inst_member);  // in 千代田区: 中央区 is not its keeper (403) …
  c.name = "";                     // … and a name that may not be empty (422)
  CHECK_EQ(w.Refusal(As(World::kChuo), c, StatusCode::kInvalidArgument).field(), "name");
  c.name = "紀尾井町クリニック";
  w.Refused(As(World::kChuo), c, StatusCode::kPermissionDenied);
}

TEST_CASE("Order of checks: F-2 a municipal fee's fields before who may set it") {
  World w;
  SetMunicipalVaccine r;
  r.municipality_code = World::kChiyoda;  // not a member of the union (403) …
  r.vaccine = "mr_mearubik";
  r.amount = "12,1OO";  // … and an amount that is no number of yen (422)
  r.start = Day(1);
  CHECK_EQ(w.Refusal(As(World::kUnion), r, StatusCode::kInvalidArgument).field(), "amount");
  r.amount = "12100";
  w.Refused(As(World::kUnion), r, StatusCode::kPermissionDenied);
}

TEST_CASE("Order of checks: F-1-4-3 a request's fields before a request waiting already") {
  World w;
  const std::string code = w.Code(w.inst_member);
  RequestCodeChange r;
  r.change = CodeChangeKind::kToNonInsured;
  r.reason = "組織変更";
  r.consent = true;
  w.Ok(As(code), r);
  RequestCodeChange again = r;
  again.reason.clear();  // the reason is required (422) …
  CHECK_EQ(w.Refusal(As(code), again, StatusCode::kInvalidArgument).field(), "reason");
  again = r;
  again.new_code = "1310137455";  // … a code for a non-insured change (422)
  CHECK_EQ(w.Refusal(As(code), again, StatusCode::kInvalidArgument).field(), "new_code");
  w.Refused(As(code), r, StatusCode::kFailedPrecondition);  // one request at a time
  // A 差戻 without its reason names it, also when sent by one that is not the approver (403).
  CHECK_EQ(w.Refusal(As(World::kChiyoda), ReviewCodeChange{code, 1, false, ""},
                     StatusCode::kInvalidArgument)
               .field(),
           "reason");
}

TEST_CASE("Order of checks: F-1-5 an entry's fields before a link that is used up") {
  World w;
  const Outcome o = w.Ok(As(World::kTokyo), IssueNonInsuredLink{Day(14)});
  REQUIRE_EQ(o.created.size(), 1u);
  const RegistrationId id = o.created[0];
  const Actor link = Actor::System(kInputLinkUser);
  const SubmitNonInsuredRegistration r = NonInsuredEntry(id);
  w.Ok(link, r);  // the link is used: a second entry is a conflict (409) …
  SubmitNonInsuredRegistration bad = r;
  bad.name.clear();  // … and a name is required (422)
  CHECK_EQ(w.Refusal(link, bad, StatusCode::kInvalidArgument).field(), "name");
  w.Refused(link, r, StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace shugo::core
