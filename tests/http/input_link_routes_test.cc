// F-1-5 input links over real HTTP on 127.0.0.1 (seed F-1 "5：非保険医療機関情報", issue 6): a
// prefecture issues a link and gets its token once; the institution, without an account, reads
// the link and submits its entry through it; the entry then awaits the prefecture's approval. A
// token never issued, expired, used or replaced is refused and appends nothing; unusable tokens
// from one address are limited like failed logins. The token and the entry's mail address and
// phone stay in the account store (invariant 11).
#include <sodium.h>

#include "core/non_insured.h"
#include "tests/http/organisation_commands.h"

namespace shugo::http {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture of these tests

// A good entry (World::kChiyoda is a municipality of 東京都).
json::object Entry(const std::string& email = "desk@marunouchi-site.example.jp") {
  return json::object{{"name", "丸の内職域接種会場"},
                      {"kana", "マルノウチショクイキセッシュカイジョウ"},
                      {"address", "東京都千代田区丸の内1-1-1"},
                      {"municipality_code", World::kChiyoda},
                      {"site_kind", "職域接種"},
                      {"email", email},
                      {"phone", "03-1234-5678"}};
}

// A POST of `body` to `path` from a browser without a session, with `extra` headers.
Res PublicPost(Served& w, const std::string& path, const json::object& body,
               const testing::HttpHeaders& extra = {}) {
  testing::HttpHeaders h{{"Content-Type", "application/json"}};
  h.insert(h.end(), extra.begin(), extra.end());
  return testing::HttpCall(w.server->port(), bhttp::verb::post, path, json::serialize(body), h);
}

Res PublicGet(Served& w, const std::string& path) {
  return testing::HttpCall(w.server->port(), bhttp::verb::get, path, "", {});
}

// Issues a link as `tokyo` and returns its path (/api/input-links/<token>).
std::string IssueLink(Served& w, const Browser& tokyo, const std::string& expires,
                      const testing::HttpHeaders& extra = {}) {
  Res r = Command(w, tokyo, "/api/non-insured/links", {{"expires", expires}}, extra);
  REQUIRE_MESSAGE(r.result() == bhttp::status::created, r.body());
  const json::object body = Body(r);
  REQUIRE(body.contains("link"));
  return std::string(body.at("link").as_string());
}

// The whole log as one text (to look for what must not be there).
std::string LogBytes(Served& w) {
  auto records = w.store->ReadRange(1, w.Head());
  REQUIRE(records.ok());
  std::string all;
  for (const events::RecordedEvent& r : *records) all += r.bytes();
  return all;
}

// The entry must be refused with `status` (naming `field` when given) and append nothing.
void ExpectEntryRefused(Served& w, const std::string& path, const json::object& body,
                        bhttp::status status, const std::string& field = {}) {
  CAPTURE(json::serialize(body));
  const auto before = w.Head();
  Res r = PublicPost(w, path, body);
  CHECK_MESSAGE(r.result() == status, r.body());
  if (!field.empty() && r.result() == status) CHECK_EQ(ErrorField(r), field);
  CHECK_EQ(w.Head(), before);
}

// SHA-256 of `text` as lower-case hex: the bare digest the log must not hold.
std::string BareSha256(const std::string& text) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  return hex;
}

TEST_CASE("input links: the log holds no bare SHA-256 of the entry's mail address") {
  Served w;
  Browser tokyo = w.SignedIn(w.tokyo);
  const std::string link = IssueLink(w, tokyo, "2025-04-15");
  Res sent = PublicPost(w, link, Entry("Desk@Marunouchi-Site.example.jp"));
  REQUIRE_MESSAGE(sent.result() == bhttp::status::ok, sent.body());
  const std::string log = LogBytes(w);
  for (const std::string address :
       {"desk@marunouchi-site.example.jp", "Desk@Marunouchi-Site.example.jp"}) {
    CAPTURE(address);
    CHECK(log.find(address) == std::string::npos);
    CHECK(log.find(BareSha256(address)) == std::string::npos);
  }
  // It holds the digest keyed by the account store, of the address in lower case.
  const std::string keyed = w.accounts->EmailDigest("desk@marunouchi-site.example.jp");
  CHECK_EQ(keyed.size(), 64u);
  CHECK(log.find(keyed) != std::string::npos);
  CHECK_EQ(w.accounts->EmailDigest("Desk@Marunouchi-Site.example.jp"), keyed);
}

TEST_CASE("input links: two account stores with their own keys digest one address differently") {
  Served w;
  const auto open = [&](const std::string& name) {
    accounts::AccountOptions ao;
    ao.file = w.dir.path() / name;
    ao.clock = &w.clock;
    ao.hash_ops = 1;
    ao.hash_memory = 8192;
    auto a = accounts::AccountStore::Open(ao, nullptr);
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    return std::move(a).value();
  };
  const std::string address = "desk@marunouchi-site.example.jp";
  const std::string mine = w.accounts->EmailDigest(address);
  const std::string other = open("other.sqlite")->EmailDigest(address);
  CHECK_NE(mine, other);
  CHECK_NE(mine, BareSha256(address));
  CHECK_NE(other, BareSha256(address));
  // The key is made once and kept in the file: the same file digests the same after a reopen.
  CHECK_EQ(open("accounts.sqlite")->EmailDigest(address), mine);
  CHECK_EQ(open("other.sqlite")->EmailDigest(address), other);
  CHECK_NE(w.accounts->EmailDigest("other@marunouchi-site.example.jp"), mine);
}

TEST_CASE(
    "input links: F-1-5 an institution submits its entry through the issued link and it awaits "
    "approval") {
  Served w;
  Browser tokyo = w.SignedIn(w.tokyo);
  const std::string link = IssueLink(w, tokyo, "2025-04-15");
  const std::string token = link.substr(std::string("/api/input-links/").size());
  CHECK_EQ(token.size(), 43u);  // 256 random bits, base64url

  // What the form needs, without a session.
  Res form = PublicGet(w, link);
  REQUIRE_MESSAGE(form.result() == bhttp::status::ok, form.body());
  const json::object f = Body(form);
  CHECK_EQ(Number(f, "registration"), 1u);
  CHECK_EQ(f.at("status").as_string(), "issued");
  CHECK_EQ(f.at("expires").as_string(), "2025-04-15");
  CHECK_EQ(f.at("prefecture").as_object().at("code").as_string(), w.Code(w.tokyo));
  CHECK_EQ(form[bhttp::field::cache_control], "no-store");

  // Malformed members: 400 naming the member; rules of the entry: 422 naming the field. Nothing
  // is appended and the link stays usable.
  const json::object good = Entry();
  ExpectEntryRefused(w, link, With(good, "fax", "03-0000-0000"), bhttp::status::bad_request, "fax");
  ExpectEntryRefused(w, link, With(good, "name", 1), bhttp::status::bad_request, "name");
  ExpectEntryRefused(w, link, Without(good, "email"), bhttp::status::bad_request, "email");
  ExpectEntryRefused(w, link, Without(good, "municipality_code"), bhttp::status::bad_request,
                     "municipality_code");
  ExpectEntryRefused(w, link, With(good, "email", "not-an-address"),
                     bhttp::status::unprocessable_entity, "email");
  ExpectEntryRefused(w, link, With(good, "phone", "12345"), bhttp::status::unprocessable_entity,
                     "phone");
  ExpectEntryRefused(w, link, With(good, "municipality_code", "999999"),
                     bhttp::status::unprocessable_entity, "municipality_code");
  // A page of another site cannot submit it.
  const auto before_cross = w.Head();
  Res cross = PublicPost(w, link, good, {{"Origin", "https://evil.example"}});
  CHECK_EQ(cross.result(), bhttp::status::forbidden);
  CHECK_EQ(w.Head(), before_cross);
  REQUIRE_EQ(PublicGet(w, link).result(), bhttp::status::ok);

  // Submitted once; a retry with the same Idempotency-Key answers the first result.
  const testing::HttpHeaders key{{"Idempotency-Key", "entry-1"}};
  Res sent = PublicPost(w, link, good, key);
  REQUIRE_MESSAGE(sent.result() == bhttp::status::ok, sent.body());
  const json::object s = Body(sent);
  CHECK_FALSE(s.at("duplicate").as_bool());
  CHECK_EQ(s.at("status").as_string(), "submitted");
  CHECK_EQ(s.at("status_name").as_string(), "承認待ち");
  const auto head = w.Head();
  Res again = PublicPost(w, link, good, key);
  REQUIRE_MESSAGE(again.result() == bhttp::status::ok, again.body());
  CHECK(Body(again).at("duplicate").as_bool());
  CHECK_EQ(Body(again).at("position"), s.at("position"));
  CHECK_EQ(w.Head(), head);

  // The entry awaits 東京都's approval (F_画面7-1-1).
  CHECK_EQ(w.proc->Read([&](const core::State& st) {
    return core::RegistrationsAwaitingApproval(st, w.tokyo);
  }),
           std::vector<core::RegistrationId>{1});
  // Its mail address and phone are in the account store; the log has neither, nor the token.
  auto contact = w.accounts->InputLinkContactOf(1);
  REQUIRE((contact.ok() && contact->has_value()));
  CHECK_EQ((*contact)->email, "desk@marunouchi-site.example.jp");
  CHECK_EQ((*contact)->phone, "03-1234-5678");
  const std::string log = LogBytes(w);
  CHECK(log.find("丸の内職域接種会場") != std::string::npos);  // the log is searchable as text
  CHECK(log.find("desk@marunouchi-site.example.jp") == std::string::npos);
  CHECK(log.find("03-1234-5678") == std::string::npos);
  CHECK(log.find(token) == std::string::npos);

  // Used: another submission (another key, or none) and the form answer 410; nothing appended.
  ExpectEntryRefused(w, link, With(good, "email", "other@marunouchi-site.example.jp"),
                     bhttp::status::gone, "token");
  CHECK_EQ(PublicGet(w, link).result(), bhttp::status::gone);

  // The prefecture approves it (F_画面7-1-2).
  Res approved = Command(w, tokyo, "/api/non-insured/1/review", {{"approve", true}});
  REQUIRE_MESSAGE(approved.result() == bhttp::status::ok, approved.body());
  CHECK_EQ(Body(approved).at("status").as_string(), "approved");
}

TEST_CASE(
    "input links: an unknown or expired or replaced link answers 404 or 410 and appends nothing") {
  Served w;
  Browser tokyo = w.SignedIn(w.tokyo);
  const auto before = w.Head();
  Res unknown = PublicGet(w, "/api/input-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK_EQ(unknown.result(), bhttp::status::not_found);
  CHECK_EQ(ErrorCode(unknown), "input_link_not_found");
  ExpectEntryRefused(w, "/api/input-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Entry(),
                     bhttp::status::not_found, "token");
  CHECK_EQ(w.Head(), before);

  const std::string today_only = IssueLink(w, tokyo, "2025-04-01");
  CHECK_EQ(PublicGet(w, today_only).result(), bhttp::status::ok);

  // A retried issue (the same Idempotency-Key) answers a new link; the earlier one is gone.
  const testing::HttpHeaders key{{"Idempotency-Key", "link-1"}};
  const std::string first = IssueLink(w, tokyo, "2025-04-30", key);
  const auto head = w.Head();
  const std::string second = IssueLink(w, tokyo, "2025-04-30", key);
  CHECK_EQ(w.Head(), head);
  CHECK_NE(first, second);
  CHECK_EQ(PublicGet(w, first).result(), bhttp::status::not_found);
  CHECK_EQ(PublicGet(w, second).result(), bhttp::status::ok);
  // Once the entry is in, a retried issue answers no link.
  REQUIRE_EQ(PublicPost(w, second, Entry()).result(), bhttp::status::ok);
  Res retried = Command(w, tokyo, "/api/non-insured/links", {{"expires", "2025-04-30"}}, key);
  REQUIRE_EQ(retried.result(), bhttp::status::created);
  CHECK_FALSE(Body(retried).contains("link"));
  CHECK_EQ(PublicGet(w, second).result(), bhttp::status::gone);

  // Usable until its last day, not after.
  w.clock.AdvanceMicros(int64_t{86'400'000'000});
  Res expired = PublicGet(w, today_only);
  CHECK_EQ(expired.result(), bhttp::status::gone);
  CHECK_EQ(ErrorCode(expired), "input_link_gone");
  ExpectEntryRefused(w, today_only, Entry(), bhttp::status::gone, "token");
}

TEST_CASE("input links: one address trying unusable tokens is limited with 429") {
  Served w;
  Browser tokyo = w.SignedIn(w.tokyo);
  const std::string link = IssueLink(w, tokyo, "2025-04-30");
  for (int i = 0; i < 20; ++i) {
    const std::string guess = "/api/input-links/guess-" + std::to_string(i);
    REQUIRE_EQ(PublicGet(w, guess).result(), bhttp::status::not_found);
  }
  // Now even the right token waits, for reading and for submitting.
  Res limited = PublicGet(w, link);
  CHECK_EQ(limited.result(), bhttp::status::too_many_requests);
  CHECK_EQ(ErrorCode(limited), "too_many_attempts");
  CHECK_FALSE(limited[bhttp::field::retry_after].empty());
  ExpectEntryRefused(w, link, Entry(), bhttp::status::too_many_requests);
  // Sign-in from the address is counted apart.
  CHECK_EQ(w.NewBrowser()
               .Post("/api/session", {{"login_id", "nobody"}, {"password", "Wrong-Pass-123"}})
               .result(),
           bhttp::status::unauthorized);
  // Once the failures leave the 10-minute window, the link works.
  w.clock.AdvanceMicros(int64_t{11} * 60'000'000);
  CHECK_EQ(PublicGet(w, link).result(), bhttp::status::ok);
  Res sent = PublicPost(w, link, Entry());
  CHECK_MESSAGE(sent.result() == bhttp::status::ok, sent.body());
}

}  // namespace
}  // namespace shugo::http
