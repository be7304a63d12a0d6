// The organisation command routes of the flows around the letters over real HTTP (issue 6):
// F-1-4-3 code changes and their review, F-5-1 the collective contract, F-10 campaigns (declared,
// their fees, a municipality's 加算委託料, their end) and F-1-5 input links and their review.
#include "core/non_insured.h"
#include "tests/http/organisation_commands.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

constexpr const char* kNewCode = "1310237487";  // in the master (中央区), not registered

TEST_CASE(
    "organisation commands: F-1-4-3 an institution asks for a new code and its approver decides") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  const std::string old_code = w.Code(w.inst_member);
  const json::object good{
      {"change", "code_change"}, {"new_code", kNewCode}, {"reason", "移転"}, {"consent", true}};
  ExpectBadMembers(w, inst, "/api/code-changes",
                   {{Without(good, "change"), "change"},
                    {With(good, "change", "move"), "change"},
                    {With(good, "new_code", 1310237487), "new_code"},
                    {Without(good, "reason"), "reason"},
                    {With(good, "consent", "yes"), "consent"},
                    {With(good, "personal_data", 1), "personal_data"},
                    {With(good, "designation_copy", "no"), "designation_copy"}});
  ExpectRefused(w, inst, "/api/code-changes", With(good, "consent", false),
                bhttp::status::unprocessable_entity, "consent");
  ExpectRefused(w, inst, "/api/code-changes", With(good, "new_code", "1310129999"),
                bhttp::status::unprocessable_entity, "new_code");
  // Only an institution asks for its own code change.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  ExpectRefused(w, chiyoda, "/api/code-changes", good, bhttp::status::forbidden);

  // If-Match is the version of the acting institution, whose code would change: a stale one is a
  // conflict that appends nothing, the one it has now is taken.
  const uint64_t seen = w.Org(w.inst_member).version;
  ExpectRefused(w, inst, "/api/code-changes", good, bhttp::status::conflict, "If-Match",
                IfMatch(seen + 1));
  ExpectRefused(w, inst, "/api/code-changes", good, bhttp::status::conflict, "If-Match",
                IfMatch(seen - 1));
  CHECK_FALSE(w.Org(w.inst_member).pending_code_change.has_value());
  const json::object asked =
      ExpectIdempotent(w, inst, "/api/code-changes", good, bhttp::status::created, IfMatch(seen));
  CHECK_EQ(Number(asked, "request"), 1u);
  CHECK_EQ(asked.at("change").as_string(), "code_change");
  CHECK_EQ(asked.at("approver").as_object().at("code").as_string(), World::kChuo);
  const uint64_t version = Number(asked, "version");
  CHECK_EQ(version, seen + 1);
  CHECK_EQ(w.Org(w.inst_member).pending_code_change->request, 1u);
  // One request at a time.
  ExpectRefused(w, inst, "/api/code-changes", With(good, "reason", "組織変更"),
                bhttp::status::conflict);

  const std::string review = "/api/code-changes/" + old_code + "/1/review";
  Browser chuo = w.SignedIn(w.chuo);
  ExpectBadMembers(w, chuo, review,
                   {{{}, "approve"},
                    {{{"approve", "yes"}}, "approve"},
                    {{{"approve", false}}, "reason"},
                    {{{"approve", false}, {"reason", 3}}, "reason"}});
  ExpectRefused(w, chiyoda, review, {{"approve", true}}, bhttp::status::forbidden);
  ExpectRefused(w, chuo, "/api/code-changes/1399999999/1/review", {{"approve", true}},
                bhttp::status::not_found);
  ExpectRefused(w, chuo, "/api/code-changes/" + old_code + "/first/review", {{"approve", true}},
                bhttp::status::not_found);
  // A request the institution never made is unknown (404), whatever If-Match says.
  for (const char* unknown : {"/2/review", "/0/review", "/4294967296/review"}) {
    ExpectRefused(w, chuo, "/api/code-changes/" + old_code + unknown, {{"approve", true}},
                  bhttp::status::not_found);
  }
  ExpectRefused(w, chuo, "/api/code-changes/" + old_code + "/2/review", {{"approve", true}},
                bhttp::status::not_found, {}, IfMatch(version));
  ExpectRefused(w, chuo, review, {{"approve", true}}, bhttp::status::conflict, "If-Match",
                IfMatch(version - 1));
  const json::object decided =
      ExpectIdempotent(w, chuo, review, {{"approve", true}}, bhttp::status::ok, IfMatch(version));
  CHECK(decided.at("approved").as_bool());
  CHECK_EQ(decided.at("code").as_string(), kNewCode);
  CHECK_EQ(w.Code(w.inst_member), kNewCode);
  // Request 1 is known but decided: a conflict with its state (409), not unknown.
  Res again = Command(w, chuo, review, {{"approve", true}});
  CHECK_EQ(again.result(), bhttp::status::conflict);
  CHECK_NE(ErrorField(again), "If-Match");
}

TEST_CASE("organisation commands: F-1-4-3 the approver returns a request with a reason") {
  Served w;
  Browser inst = w.SignedIn(w.inst_member);
  Res asked = Command(w, inst, "/api/code-changes",
                      {{"change", "code_change"},
                       {"new_code", kNewCode},
                       {"reason", "移転"},
                       {"consent", true},
                       {"designation_copy", true}});
  REQUIRE_MESSAGE(asked.result() == bhttp::status::created, asked.body());
  Res r = Command(w, w.SignedIn(w.chuo), "/api/code-changes/" + w.Code(w.inst_member) + "/1/review",
                  {{"approve", false}, {"reason", "移転先の所在地を確認できません"}});
  REQUIRE_MESSAGE(r.result() == bhttp::status::ok, r.body());
  CHECK_FALSE(Body(r).at("approved").as_bool());
  CHECK_FALSE(w.Org(w.inst_member).pending_code_change.has_value());
  CHECK_EQ(w.Code(w.inst_member), "1310129668");
}

TEST_CASE("organisation commands: F-5-1 国保中央会 announces the collective contract once") {
  Served w;
  Browser chuokai = w.SignedIn(w.chuokai);
  const json::object good{{"date", "2025-04-01"},
                          {"note", "集合契約を締結しました（以後自動更新）"}};
  ExpectBadMembers(w, chuokai, "/api/collective-contract",
                   {{Without(good, "date"), "date"},
                    {With(good, "date", "2025-04-31"), "date"},
                    {With(good, "note", 1), "note"}});
  ExpectRefused(w, chuokai, "/api/collective-contract", With(good, "date", "2025-04-02"),
                bhttp::status::unprocessable_entity, "date");
  ExpectRefused(w, w.SignedIn(w.mhlw), "/api/collective-contract", good, bhttp::status::forbidden);
  // If-Match is the version of the one "contract" stream, 0 until signed.
  ExpectRefused(w, chuokai, "/api/collective-contract", good, bhttp::status::conflict, "If-Match",
                IfMatch(1));
  const json::object done = ExpectIdempotent(w, chuokai, "/api/collective-contract", good,
                                             bhttp::status::created, IfMatch(0));
  CHECK_EQ(done.at("date").as_string(), "2025-04-01");
  CHECK_EQ(Number(done, "version"), 1u);
  CHECK(w.proc->Read([](const core::State& s) { return s.collective_contract().has_value(); }));
  ExpectRefused(w, chuokai, "/api/collective-contract", With(good, "note", "再登録"),
                bhttp::status::conflict);
  // A screen that showed "not signed" is told the contract moved on.
  ExpectRefused(w, chuokai, "/api/collective-contract", With(good, "note", "再登録"),
                bhttp::status::conflict, "If-Match", IfMatch(0));
}

json::object Flu(int64_t yen) { return json::object{{"vaccine", "flu_bikenha"}, {"yen", yen}}; }

const json::object kCampaign{
    {"name", "新型インフルエンザ臨時接種"}, {"start_date", "2025-05-01"},
    {"implementer", "municipalities"},      {"national", true},
    {"fees", json::array{Flu(3000)}},       {"application_deadline", "2025-06-30"},
    {"approval_deadline", "2025-07-31"}};

TEST_CASE("organisation commands: F-10-1 MHLW declares a campaign and its members are checked") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  ExpectBadMembers(
      w, mhlw, "/api/campaigns",
      {{Without(kCampaign, "name"), "name"},
       {Without(kCampaign, "start_date"), "start_date"},
       {With(kCampaign, "implementer", "city"), "implementer"},
       {With(kCampaign, "national", "yes"), "national"},
       {With(kCampaign, "prefectures", "13"), "prefectures"},
       {With(kCampaign, "prefectures", json::array{"13"}), "prefectures"},
       {Without(kCampaign, "fees"), "fees"},
       {With(kCampaign, "fees", json::object{}), "fees"},
       {With(kCampaign, "fees", json::array{1}), "fees[0]"},
       {With(kCampaign, "fees", json::array{Flu(3000), json::object{{"yen", 1}}}),
        "fees[1].vaccine"},
       {With(kCampaign, "fees",
             json::array{json::object{{"vaccine", "flu_bikenha"}, {"yen", "1"}}}),
        "fees[0].yen"},
       {With(kCampaign, "fees", json::array{With(Flu(3000), "amount", 1)}), "fees[0].amount"},
       {Without(kCampaign, "application_deadline"), "application_deadline"},
       {With(kCampaign, "approval_deadline", "7/31"), "approval_deadline"}});
  for (const BadMember& rule : std::vector<BadMember>{
           {With(kCampaign, "application_deadline", "2025-03-31"), "application_deadline"},
           {With(kCampaign, "fees", json::array{}), "fees"},
           {With(kCampaign, "fees", json::array{Flu(3000), Flu(4000)}), "fees"},
           {With(kCampaign, "prefectures", json::array{13}), "prefectures"}}) {
    ExpectRefused(w, mhlw, "/api/campaigns", rule.body, bhttp::status::unprocessable_entity,
                  rule.field);
  }
  for (core::OrgId who : {w.inst_member, w.chiyoda, w.chuokai}) {
    ExpectRefused(w, w.SignedIn(who), "/api/campaigns", kCampaign, bhttp::status::forbidden);
  }
  const json::object done =
      ExpectIdempotent(w, mhlw, "/api/campaigns", kCampaign, bhttp::status::created);
  CHECK_EQ(Number(done, "id"), 1u);
  CHECK_EQ(Number(done, "version"), 1u);
  REQUIRE_EQ(done.at("created").as_array().size(), 1u);
  CHECK_EQ(done.at("created").as_array()[0].to_number<uint64_t>(), 1u);
  const core::Campaign c = w.proc->Read([](const core::State& s) { return *s.FindCampaign(1); });
  CHECK(c.national);
  CHECK_EQ(c.fees.at("flu_bikenha"), 3000);
  // 予防接種法第6条第1項: a prefecture declares one for its own area.
  Res r = Command(w, w.SignedIn(w.tokyo), "/api/campaigns",
                  With(With(kCampaign, "national", false), "prefectures", json::array{13}));
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  CHECK_EQ(Number(Body(r), "id"), 2u);
}

TEST_CASE("organisation commands: F-10-1 F-10-4 campaign fees additional fees and the end") {
  Served w;
  Browser mhlw = w.SignedIn(w.mhlw);
  Res declared = Command(w, mhlw, "/api/campaigns", kCampaign);
  REQUIRE_MESSAGE(declared.result() == bhttp::status::created, declared.body());
  const json::object fees{{"fees", json::array{Flu(3500)}}};

  // 基本委託料 (CO-99-003): the declarer, at the campaign's version.
  ExpectBadMembers(
      w, mhlw, "/api/campaigns/1/fees",
      {{{}, "fees"}, {{{"fees", "3500"}}, "fees"}, {{{"fees", json::array{3500}}}, "fees[0]"}});
  ExpectRefused(w, mhlw, "/api/campaigns/1/fees", fees, bhttp::status::conflict, "If-Match",
                IfMatch(5));
  ExpectRefused(w, w.SignedIn(w.tokyo), "/api/campaigns/1/fees", fees, bhttp::status::forbidden);
  ExpectRefused(w, mhlw, "/api/campaigns/9/fees", fees, bhttp::status::not_found);
  ExpectRefused(w, mhlw, "/api/campaigns/flu/fees", fees, bhttp::status::not_found);
  json::object done =
      ExpectIdempotent(w, mhlw, "/api/campaigns/1/fees", fees, bhttp::status::ok, IfMatch(1));
  CHECK_EQ(Number(done, "version"), 2u);
  CHECK_EQ(done.at("fees").as_array(), json::array{Flu(3500)});
  CHECK_EQ(
      done.at("changes").as_array(),
      (json::array{json::object{{"vaccine", "flu_bikenha"}, {"before", 3000}, {"after", 3500}}}));

  // 加算委託料: a municipality of the 発令エリア.
  Browser chiyoda = w.SignedIn(w.chiyoda);
  const json::object extra{{"fees", json::array{Flu(500)}}};
  ExpectBadMembers(w, chiyoda, "/api/campaigns/1/additional-fees",
                   {{{}, "fees"}, {{{"fees", json::array{Flu(-500)}}}, "fees[0].yen"}});
  ExpectRefused(w, chiyoda, "/api/campaigns/1/additional-fees", extra, bhttp::status::conflict,
                "If-Match", IfMatch(1));
  ExpectRefused(w, w.SignedIn(w.inst_member), "/api/campaigns/1/additional-fees", extra,
                bhttp::status::forbidden);
  ExpectRefused(w, chiyoda, "/api/campaigns/9/additional-fees", extra, bhttp::status::not_found);
  ExpectRefused(w, chiyoda, "/api/campaigns/1/additional-fees",
                {{"fees", json::array{With(Flu(500), "vaccine", "bcg")}}},
                bhttp::status::unprocessable_entity, "fees");
  done = ExpectIdempotent(w, chiyoda, "/api/campaigns/1/additional-fees", extra, bhttp::status::ok,
                          IfMatch(2));
  CHECK_EQ(Number(done, "version"), 3u);
  CHECK_EQ(done.at("additional_fees").as_array(), json::array{Flu(500)});
  CHECK_EQ(w.proc->Read([&](const core::State& s) {
    return s.FindCampaign(1)->additional_fees.at(w.chiyoda).at("flu_bikenha");
  }),
           500);

  // F-10-4: the end date, by MHLW.
  const json::object end{{"end_date", "2026-03-31"}};
  ExpectBadMembers(w, mhlw, "/api/campaigns/1/end",
                   {{{}, "end_date"}, {{{"end_date", "2026-03"}}, "end_date"}});
  ExpectRefused(w, mhlw, "/api/campaigns/1/end", {{"end_date", "2025-04-01"}},
                bhttp::status::unprocessable_entity, "end_date");
  ExpectRefused(w, mhlw, "/api/campaigns/1/end", end, bhttp::status::conflict, "If-Match",
                IfMatch(2));
  ExpectRefused(w, chiyoda, "/api/campaigns/1/end", end, bhttp::status::forbidden);
  ExpectRefused(w, mhlw, "/api/campaigns/9/end", end, bhttp::status::not_found);
  done = ExpectIdempotent(w, mhlw, "/api/campaigns/1/end", end, bhttp::status::ok, IfMatch(3));
  CHECK_EQ(done.at("end_date").as_string(), "2026-03-31");
  CHECK_EQ(w.proc->Read([](const core::State& s) { return s.FindCampaign(1)->end_date; }),
           JapanDate(2026, 3, 31));
}

// What an institution enters through link `id` (core/non_insured.h: the system's input-link
// user; the HTTP route for it waits for the link's token).
void Submit(Served& w, core::RegistrationId id, const std::string& email) {
  w.Ok(core::Actor::System(core::kInputLinkUser),
       core::SubmitNonInsuredRegistration{id, "丸の内職域接種会場", "", "東京都千代田区丸の内1-1-1",
                                          World::kChiyoda, "職域接種", email, "03-1234-5678",
                                          w.accounts->EmailDigest(email)});
}

TEST_CASE("organisation commands: F-1-5 a prefecture issues an input link and reviews the entry") {
  Served w;
  Browser tokyo = w.SignedIn(w.tokyo);
  ExpectBadMembers(
      w, tokyo, "/api/non-insured/links",
      {{{}, "expires"}, {{{"expires", "soon"}}, "expires"}, {{{"expires", 1}}, "expires"}});
  ExpectRefused(w, tokyo, "/api/non-insured/links", {{"expires", "2025-03-31"}},
                bhttp::status::unprocessable_entity, "expires");
  for (core::OrgId who : {w.inst_member, w.mhlw}) {
    ExpectRefused(w, w.SignedIn(who), "/api/non-insured/links", {{"expires", "2025-04-15"}},
                  bhttp::status::forbidden);
  }
  const json::object link = ExpectIdempotent(w, tokyo, "/api/non-insured/links",
                                             {{"expires", "2025-04-15"}}, bhttp::status::created);
  CHECK_EQ(Number(link, "id"), 1u);
  CHECK_EQ(link.at("status").as_string(), "issued");
  CHECK_EQ(link.at("expires").as_string(), "2025-04-15");
  Submit(w, 1, "site@example.jp");

  const std::string review = "/api/non-insured/1/review";
  ExpectBadMembers(
      w, tokyo, review,
      {{{}, "approve"}, {{{"approve", 1}}, "approve"}, {{{"approve", false}}, "reason"}});
  ExpectRefused(w, w.SignedIn(w.chiyoda), review, {{"approve", true}}, bhttp::status::forbidden);
  ExpectRefused(w, tokyo, "/api/non-insured/9/review", {{"approve", true}},
                bhttp::status::not_found);
  ExpectRefused(w, tokyo, "/api/non-insured/first/review", {{"approve", true}},
                bhttp::status::not_found);
  ExpectRefused(w, tokyo, review, {{"approve", true}}, bhttp::status::conflict, "If-Match",
                IfMatch(1));
  const json::object done =
      ExpectIdempotent(w, tokyo, review, {{"approve", true}}, bhttp::status::ok, IfMatch(2));
  CHECK_EQ(done.at("status").as_string(), "approved");
  const json::object org = done.at("organisation").as_object();
  CHECK_EQ(org.at("kind").as_string(), "non_insured_institution");
  CHECK_EQ(w.Org(Number(org, "id")).name, "丸の内職域接種会場");
  // Decided: a second decision is a conflict with the entry's status.
  ExpectRefused(w, tokyo, review, {{"approve", false}, {"reason", "重複"}},
                bhttp::status::conflict);

  // Returned with a reason (差戻): closed.
  Res second = Command(w, tokyo, "/api/non-insured/links", {{"expires", "2025-04-30"}});
  REQUIRE_EQ(second.result(), bhttp::status::created);
  Submit(w, 2, "other-site@example.jp");
  Res returned = Command(w, tokyo, "/api/non-insured/2/review",
                         {{"approve", false}, {"reason", "所在地が確認できません"}});
  REQUIRE_MESSAGE(returned.result() == bhttp::status::ok, returned.body());
  CHECK_EQ(Body(returned).at("status").as_string(), "returned");
}

}  // namespace
}  // namespace shugo::http
