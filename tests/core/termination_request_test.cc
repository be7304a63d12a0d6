// F-7 解除依頼 (docs/core.md "F-7 termination requests"; seed F-7 "任意接種の委託関係ある他自治体
// の求めに応じて…集合契約から外す", FG-10-002) through the command processor on a real store: a
// municipality with a voluntary contract relation asks the institution's locating municipality,
// which terminates or declines; the refusals in the order of checks, appending nothing; an open
// request lapsing when the letters end otherwise; the state rebuilt from the log.
#include <doctest/doctest.h>

#include "core/termination_requests.h"
#include "tests/core/same_state.h"
#include "tests/core/termination_setup.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

using CT = ContractType;
using TO = TerminationOutcome;

constexpr char kReason[] = "接種誤りの多発";

TerminationRequest Request(const World& w, TerminationRequestId id) {
  return w.proc->Read([id](const State& s) {
    const TerminationRequest* r = s.FindTerminationRequest(id);
    REQUIRE(r != nullptr);
    return *r;
  });
}

bool Sees(const World& w, OrgId viewer, TerminationRequestId id) {
  return w.proc->Read([&](const State& s) { return MaySeeTerminationRequest(s, viewer, id); });
}

// 中央区 asks about 紀尾井町クリニック (千代田区): the request is request 1.
TerminationRequestId Ask(World& w, OrgId requester = 0) {
  Outcome o = w.Ok(As(w.Code(requester ? requester : w.chuo)),
                   RequestTermination{w.Code(w.inst_member), kReason, std::nullopt});
  REQUIRE_EQ(o.created.size(), 1u);
  return o.created[0];
}

TEST_CASE("F-7 解除依頼 a municipality with a voluntary relation asks the locating municipality") {
  World w;
  SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const Position h = w.Head();
  Outcome o = w.Ok(As(World::kChuo), RequestTermination{w.Code(w.inst_member), kReason, Day(3)});
  REQUIRE_EQ(o.created, std::vector<uint64_t>{1});
  // The system found the addressee (対象医療機関の最寄り自治体検索): the municipality where the
  // institution is located; the relation's contract types are recorded.
  w.ExpectAppended(
      h, {{TerminationRequested{
               1, w.inst_member, w.chuo, w.chiyoda, kReason, Day(3), {CT::kVoluntaryConsignment}},
           Day(1)}});
  CHECK_EQ(w.Since(h)[0].stream, "termination-request-1");
  const TerminationRequest r = Request(w, 1);
  CHECK(r.open());
  CHECK_EQ(r.version, 1u);
  // Visible to the requester, the addressee and the ministry and 国保中央会; no one else (F-8).
  CHECK(Sees(w, w.chuo, 1));
  CHECK(Sees(w, w.chiyoda, 1));
  CHECK(Sees(w, w.mhlw, 1));
  CHECK(Sees(w, w.chuokai, 1));
  CHECK_FALSE(Sees(w, w.minato, 1));
  CHECK_FALSE(Sees(w, w.inst_member, 1));
  CHECK_FALSE(Sees(w, w.tokyo, 1));
  CHECK_FALSE(Sees(w, w.chiyoda, 2));
}

TEST_CASE("F-7 解除依頼 the addressee terminates: the request closes and the letters end") {
  World w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const TerminationRequestId id = Ask(w);
  const Position h = w.Head();
  w.Ok(As(World::kChiyoda), AnswerTerminationRequest{id, true, "不正接種の確認", Day(1)});
  const std::vector<Logged> got = w.Since(h);
  REQUIRE_FALSE(got.empty());
  CHECK_EQ(Show(got[0].event),
           Show(TerminationRequestDecided{
               id, TO::kTerminated, "不正接種の確認", Day(1), {l.routine, l.voluntary}}));
  CHECK_EQ(w.StatusOf(l.routine), "terminated");
  CHECK_EQ(w.StatusOf(l.voluntary), "terminated");
  CHECK_EQ(w.L(l.voluntary).reason, "不正接種の確認");
  CHECK_EQ(Request(w, id).decision->outcome, TO::kTerminated);
  // Closed: not decided again, and no lapse of its own.
  for (const Logged& e : got) {
    if (const auto* d = std::get_if<TerminationRequestDecided>(&e.event)) {
      CHECK_EQ(d->outcome, TO::kTerminated);
    }
  }
  Status again =
      w.Refusal(As(World::kChiyoda), AnswerTerminationRequest{id, false, "重複", std::nullopt},
                StatusCode::kFailedPrecondition);
  CHECK(Contains(again.message(), "判断済み"));
}

TEST_CASE("F-7 解除依頼 a future 解除日 is scheduled and the request closes at once") {
  World w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const TerminationRequestId id = Ask(w);
  w.Ok(As(World::kChiyoda), AnswerTerminationRequest{id, true, kReason, Day(5)});
  CHECK_EQ(Request(w, id).decision->outcome, TO::kTerminated);
  CHECK_EQ(Request(w, id).decision->date, Day(5));
  CHECK_EQ(w.StatusOf(l.voluntary), "in_contract");
  CHECK_EQ(w.L(l.voluntary).termination_date, Day(5));
  w.RunTo(Day(5));
  CHECK_EQ(w.StatusOf(l.routine), "terminated");
  CHECK_EQ(w.StatusOf(l.voluntary), "terminated");
}

TEST_CASE("F-7 解除依頼 the addressee declines with a reason and the request closes") {
  World w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const TerminationRequestId id = Ask(w);
  CHECK_EQ(w.Refusal(As(World::kChiyoda), AnswerTerminationRequest{id, false, "", std::nullopt},
                     StatusCode::kInvalidArgument)
               .field(),
           "reason");
  CHECK_EQ(w.Refusal(As(World::kChiyoda), AnswerTerminationRequest{id, false, "様子見", Day(2)},
                     StatusCode::kInvalidArgument)
               .field(),
           "date");
  const Position h = w.Head();
  w.Ok(As(World::kChiyoda),
       AnswerTerminationRequest{id, false, "所在地で事実を確認できません", std::nullopt});
  w.ExpectAppended(h, {{TerminationRequestDecided{
                            id, TO::kDeclined, "所在地で事実を確認できません", std::nullopt, {}},
                        Day(1)}});
  CHECK_EQ(w.StatusOf(l.routine), "in_contract");
  CHECK_EQ(w.StatusOf(l.voluntary), "in_contract");
  // Closed, so the requester may ask again.
  CHECK_EQ(Ask(w), id + 1);
}

TEST_CASE(
    "F-7 解除依頼 the locating authority itself and a caller without the relation are refused") {
  World w;
  SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const RequestTermination r{w.Code(w.inst_member), kReason, std::nullopt};
  // The locating municipality terminates directly (F_画面10-1-2).
  Status own = w.Refusal(As(World::kChiyoda), r, StatusCode::kPermissionDenied);
  CHECK(Contains(own.message(), "直接"));
  // A municipality with no voluntary contract relation (no fee of a voluntary type).
  Status none = w.Refusal(As(World::kMinato), r, StatusCode::kPermissionDenied);
  CHECK(Contains(none.message(), "委託関係"));
  // A municipality of another prefecture with no voluntary fee.
  w.RegisterLocalGov("011002");
  w.Refused(As("011002"), r, StatusCode::kPermissionDenied);
  // Other kinds do not ask: the institution, the prefecture, MHLW, the system.
  for (const std::string& who :
       {w.Code(w.inst_member), std::string(World::kTokyo), std::string(World::kMhlw)}) {
    w.Refused(As(who), r, StatusCode::kPermissionDenied);
  }
  w.Refused(Actor::System(), r, StatusCode::kPermissionDenied);
  // Only the addressee decides: not the requester, not another municipality.
  const TerminationRequestId id = Ask(w);
  for (const char* who : {World::kChuo, World::kMinato}) {
    w.Refused(As(who), AnswerTerminationRequest{id, false, "見送り", std::nullopt},
              StatusCode::kPermissionDenied);
  }
}

TEST_CASE("F-7 解除依頼 one open request per requester and institution") {
  World w;
  SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  RegisterVoluntaryVaccine(w, w.minato);  // 港区 contracts with it too (全国)
  const TerminationRequestId id = Ask(w);
  Status twice = w.Refusal(
      As(World::kChuo), RequestTermination{w.Code(w.inst_member), "不正接種の確認", std::nullopt},
      StatusCode::kAlreadyExists);
  CHECK(Contains(twice.message(), "解除依頼" + std::to_string(id)));
  CHECK_EQ(Ask(w, w.minato), id + 1);  // another requester may
}

TEST_CASE("F-7 解除依頼 field errors come before authority and state errors") {
  World w;
  SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  const TerminationRequestId id = Ask(w);  // a second one would be a conflict (409)
  const std::string code = w.Code(w.inst_member);
  struct Bad {
    std::string who;
    RequestTermination request;
    const char* field;
  };
  // As the requester with its request open, and as callers that may not ask: fields first.
  for (const std::string& who : {std::string(World::kChuo), std::string(World::kMinato),
                                 std::string(World::kChiyoda), code}) {
    CAPTURE(who);
    const std::vector<Bad> bad = {
        {who, {"", kReason, std::nullopt}, "code"},
        {who, {"13101", kReason, std::nullopt}, "code"},
        {who, {"1310129669", kReason, std::nullopt}, "code"},  // a wrong check digit
        {who, {World::kChuo, kReason, std::nullopt}, "code"},  // a municipality's code
        {who, {code, "", std::nullopt}, "reason"},
        {who, {code, kReason, Day(0)}, "date"},  // a 解除日 already past
    };
    for (const Bad& b : bad) {
      CAPTURE(b.field);
      CHECK_EQ(w.Refusal(As(b.who), b.request, StatusCode::kInvalidArgument).field(), b.field);
    }
  }
  // A well-formed code of no institution: 404 after the caller's kind.
  constexpr char kUnregistered[] = "1310237487";  // in the master (中央区), not registered
  w.Refused(As(World::kChuo), RequestTermination{kUnregistered, kReason, std::nullopt},
            StatusCode::kNotFound);
  w.Refused(As(code), RequestTermination{kUnregistered, kReason, std::nullopt},
            StatusCode::kPermissionDenied);

  // The answer: fields, then the request and who decides, then the version and the state.
  const std::vector<std::pair<AnswerTerminationRequest, const char*>> bad_answers = {
      {{id, true, "", Day(1)}, "reason"},
      {{id, true, kReason, std::nullopt}, "date"},
      {{id, true, kReason, Day(0)}, "date"},
      {{id + 5, true, kReason, Day(0)}, "date"},
  };
  for (const auto& [answer, field] : bad_answers) {
    for (const char* who : {World::kChiyoda, World::kChuo}) {
      CHECK_EQ(w.Refusal(As(who), answer, StatusCode::kInvalidArgument).field(), field);
    }
  }
  w.Refused(As(World::kChiyoda), AnswerTerminationRequest{id + 5, true, kReason, Day(1)},
            StatusCode::kNotFound);
  w.Refused(As(World::kChuo), AnswerTerminationRequest{id, true, kReason, Day(1)},
            StatusCode::kPermissionDenied);
  w.Refusal(As(World::kChiyoda), AnswerTerminationRequest{id, true, kReason, Day(1)},
            StatusCode::kAborted, 7)
      .IgnoreError();
  w.Refusal(As(World::kChuo), AnswerTerminationRequest{id, true, kReason, Day(1)},
            StatusCode::kPermissionDenied, 7)
      .IgnoreError();  // who decides, before the version
  w.Ok(As(World::kChiyoda), AnswerTerminationRequest{id, false, "見送り", std::nullopt});
  w.Refused(As(World::kChiyoda), AnswerTerminationRequest{id, false, "見送り", std::nullopt},
            StatusCode::kFailedPrecondition);
}

TEST_CASE("F-7 解除依頼 an open request lapses when the institution's letters end otherwise") {
  World w;
  const InForceLetters l = SetUpVoluntaryRelation(w, w.inst_member, w.chuo);
  RegisterVoluntaryVaccine(w, w.minato);
  const TerminationRequestId first = Ask(w);
  const TerminationRequestId second = Ask(w, w.minato);
  // The locating municipality terminates the letters itself (F-7), one after the other: the
  // requests stay open while a letter is left, and lapse with the command that ends the last.
  w.Ok(As(World::kChiyoda), TerminateLetter{l.routine, Day(1), kReason});
  CHECK(Request(w, first).open());
  const Position h = w.Head();
  w.Ok(As(World::kChiyoda), TerminateLetter{l.voluntary, Day(1), kReason});
  const std::vector<Logged> got = w.Since(h);
  REQUIRE_GE(got.size(), 2u);
  const std::string lapsed =
      "医療機関の委任状が他の手続（脱退・解除・取下げ等）で全て終了したため（F-7）";
  CHECK_EQ(Show(got[got.size() - 2].event),
           Show(TerminationRequestDecided{first, TO::kLapsed, lapsed, std::nullopt, {}}));
  CHECK_EQ(Show(got.back().event),
           Show(TerminationRequestDecided{second, TO::kLapsed, lapsed, std::nullopt, {}}));
  CHECK_EQ(got.back().command_id, got.front().command_id);  // the same command
  // The addressee can no longer decide it; the state rebuilt from the log is the same.
  w.Refused(As(World::kChiyoda), AnswerTerminationRequest{first, true, kReason, Day(1)},
            StatusCode::kFailedPrecondition);
  auto again = Processor::Open(w.store.get(), &w.clock, w.options);
  REQUIRE(again.ok());
  CheckSameState(*w.proc, **again, {});
}

}  // namespace
}  // namespace shugo::core
