// User accounts in the log (invariant 11, core/users.h) against a real event store: the fact that
// an account was created, changed or locked is recorded in the stream "user-<id>" by user id, its
// organisation and role and the names of the changed attributes — never a name, mail address,
// phone, password or token; the refusals append nothing; the state rebuilt from the log keeps the
// users.
#include "core/users.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/core/round_trip.h"
#include "tests/core/world.h"

namespace shugo::core {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test world

using UC = UserChange;

const Actor kAccounts = Actor::System("accounts");

RecordUser Record(uint64_t user, std::string org_code, UserChange change, std::string role,
                  std::vector<std::string> fields = {}) {
  return RecordUser{user, std::move(org_code), change, std::move(role), std::move(fields)};
}

std::optional<User> FindUser(const World& w, UserId id) {
  return w.proc->Read([id](const State& s) -> std::optional<User> {
    const User* u = s.FindUser(id);
    return u == nullptr ? std::nullopt : std::optional<User>(*u);
  });
}

TEST_CASE(
    "inv11: a user created then changed then locked is recorded by id and survives a reload") {
  World w;
  Position h = w.Head();
  w.Ok(kAccounts,
       Record(42, World::kChiyoda, UC::kCreated, "admin", {"name", "email", "phone", "login_id"}));
  std::vector<Logged> got = w.ExpectAppended(
      h,
      {{UserRecorded{42, w.chiyoda, UC::kCreated, "admin", {"name", "email", "phone", "login_id"}},
        std::nullopt}});
  REQUIRE_EQ(got.size(), 1u);
  CHECK_EQ(got[0].stream, "user-42");
  CHECK_EQ(got[0].version, 1u);
  CHECK_EQ(EventTypeName(got[0].event), "user_recorded");

  // A user of 千代田区 changes the mail address and makes the account a plain user; later the
  // account is locked.
  h = w.Head();
  w.Ok(As(World::kChiyoda), Record(42, World::kChiyoda, UC::kChanged, "user", {"email", "role"}));
  w.Ok(kAccounts, Record(42, World::kChiyoda, UC::kLocked, "user"));
  got = w.ExpectAppended(
      h, {{UserRecorded{42, w.chiyoda, UC::kChanged, "user", {"email", "role"}}, std::nullopt},
          {UserRecorded{42, w.chiyoda, UC::kLocked, "user", {}}, std::nullopt}});
  REQUIRE_EQ(got.size(), 2u);
  CHECK_EQ(got[1].stream, "user-42");
  CHECK_EQ(got[1].version, 3u);

  const std::optional<User> live = FindUser(w, 42);
  REQUIRE(live.has_value());
  CHECK_EQ(live->org, w.chiyoda);
  CHECK_EQ(live->role, "user");
  CHECK(live->last_change == UC::kLocked);
  CHECK_EQ(live->version, 3u);

  // The state rebuilt from the log knows the user as the live one did, and its rules still hold.
  w.OpenProcessor();
  const std::optional<User> rebuilt = FindUser(w, 42);
  REQUIRE(rebuilt.has_value());
  CHECK(*rebuilt == *live);
  w.Refused(kAccounts, Record(42, World::kChiyoda, UC::kCreated, "user"),
            StatusCode::kAlreadyExists);
  h = w.Head();
  w.Ok(kAccounts, Record(42, World::kChiyoda, UC::kUnlocked, "user"));
  got =
      w.ExpectAppended(h, {{UserRecorded{42, w.chiyoda, UC::kUnlocked, "user", {}}, std::nullopt}});
  CHECK_EQ(got.at(0).version, 4u);
}

TEST_CASE("inv11: a user created twice is kAlreadyExists and appends nothing") {
  World w;
  w.Ok(kAccounts, Record(7, World::kTokyo, UC::kCreated, "admin"));
  // Refused checks that the log head did not move.
  const Status s = w.Refusal(As(World::kTokyo), Record(7, World::kTokyo, UC::kCreated, "user"),
                             StatusCode::kAlreadyExists);
  CHECK(Contains(s.message(), "作成済み"));
  // Also for another organisation: the id is the account store's and names one person.
  w.Refused(kAccounts, Record(7, World::kChiyoda, UC::kCreated, "user"),
            StatusCode::kAlreadyExists);
}

TEST_CASE("inv11: a user of an unknown or abolished organisation is refused naming org_code") {
  World w;
  Status s = w.Refusal(kAccounts, Record(5, "999999", UC::kCreated, "user"), StatusCode::kNotFound);
  CHECK_EQ(s.field(), "org_code");
  CHECK(Contains(s.message(), "登録されていません"));
  s = w.Refusal(kAccounts, Record(5, "", UC::kCreated, "user"), StatusCode::kNotFound);
  CHECK_EQ(s.field(), "org_code");
  CHECK(FindUser(w, 5) == std::nullopt);

  // F-1-8-2: 千代田区 abolished on day 3 has no new users (its existing ones may still be locked).
  w.Ok(kAccounts, Record(6, World::kChiyoda, UC::kCreated, "admin"));
  w.Ok(As(World::kMhlw),
       EnterOrganisationDate{World::kChiyoda, DK::kAbolitionScheduled, Day(3), ""});
  w.RunTo(Day(3));
  REQUIRE(w.Org(w.chiyoda).abolished);
  s = w.Refusal(kAccounts, Record(5, World::kChiyoda, UC::kCreated, "user"),
                StatusCode::kFailedPrecondition);
  CHECK_EQ(s.field(), "org_code");
  CHECK(Contains(s.message(), "廃止済み"));
  w.Ok(kAccounts, Record(6, World::kChiyoda, UC::kSuspended, "admin"));
}

TEST_CASE("inv11: a change of a user never created is kNotFound naming user") {
  World w;
  for (UC change : {UC::kChanged, UC::kLocked, UC::kUnlocked, UC::kSuspended, UC::kResumed,
                    UC::kPasswordReset}) {
    CAPTURE(CodeName(change));
    const std::vector<std::string> fields =
        change == UC::kChanged ? std::vector<std::string>{"name"} : std::vector<std::string>{};
    const Status s = w.Refusal(kAccounts, Record(99, World::kChiyoda, change, "user", fields),
                               StatusCode::kNotFound);
    CHECK_EQ(s.field(), "user");
  }
}

TEST_CASE(
    "inv11: a change naming another organisation than the user's is refused naming org_code") {
  World w;
  w.Ok(kAccounts, Record(8, World::kChiyoda, UC::kCreated, "user"));
  Status s = w.Refusal(As(World::kChuo), Record(8, World::kChuo, UC::kLocked, "user"),
                       StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "org_code");
  CHECK(Contains(s.message(), World::kChiyoda));
  s = w.Refusal(kAccounts, Record(8, "999999", UC::kPasswordReset, "user", {"password"}),
                StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "org_code");
}

TEST_CASE("inv11: a bad user id or role or field name is refused naming the field") {
  World w;
  auto field_of = [&w](RecordUser r) {
    return w.Refusal(kAccounts, std::move(r), StatusCode::kInvalidArgument).field();
  };
  CHECK_EQ(field_of(Record(0, World::kChiyoda, UC::kCreated, "user")), "user");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kCreated, "root")), "role");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kCreated, "")), "role");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kCreated, "Admin")), "role");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kCreated, "user", {"salary"})), "fields");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kCreated, "user", {"email", "email"})),
           "fields");
  // A value where a name belongs: the address itself is not a field name.
  const Status s = w.Refusal(
      kAccounts, Record(1, World::kChiyoda, UC::kCreated, "user", {"taro.yamada@example.jp"}),
      StatusCode::kInvalidArgument);
  CHECK_EQ(s.field(), "fields");
  CHECK(Contains(s.message(), "login_id"));

  w.Ok(kAccounts, Record(1, World::kChiyoda, UC::kCreated, "user"));
  // `changed` names what changed; a new role is named among the fields.
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kChanged, "user")), "fields");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kChanged, "admin", {"name"})), "role");
  CHECK_EQ(field_of(Record(1, World::kChiyoda, UC::kLocked, "admin")), "role");
  w.Ok(kAccounts, Record(1, World::kChiyoda, UC::kChanged, "user", {"phone", "kana"}));
  // Every field name of the list is accepted.
  std::vector<std::string> all(kUserFields.begin(), kUserFields.end());
  w.Ok(kAccounts, Record(1, World::kChiyoda, UC::kChanged, "admin", all));
  CHECK_EQ(FindUser(w, 1)->role, "admin");
}

TEST_CASE("inv11: the stored UserRecorded bytes hold no mail address when email changed") {
  World w;
  const std::string mail = "hanako.suzuki@city.chiyoda.example.jp";
  w.Ok(kAccounts, Record(12, World::kChiyoda, UC::kCreated, "user"));
  const Position h = w.Head();
  // The account store took the new address; the command (and so the log) names only the field.
  w.Ok(As(World::kChiyoda), Record(12, World::kChiyoda, UC::kChanged, "user", {"email"}));
  auto records = w.store->ReadRange(h + 1, SIZE_MAX);
  REQUIRE_MESSAGE(records.ok(), records.status().ToString());
  REQUIRE_EQ(records->size(), 1u);
  const std::string& bytes = records->front().bytes();
  CHECK(Contains(bytes, "email"));
  CHECK_FALSE(Contains(bytes, mail));
  CHECK_FALSE(Contains(bytes, "@"));

  // The same for the encoding alone.
  flatbuffers::FlatBufferBuilder fbb;
  const events::NewEvent n =
      Encode(UserRecorded{12, w.chiyoda, UC::kChanged, "user", {"email"}}, std::nullopt);
  fbb.Finish(n.payload(fbb));
  const std::string encoded(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  CHECK(Contains(encoded, "email"));
  CHECK_FALSE(Contains(encoded, "@"));
}

TEST_CASE("user_recorded: every change survives an encode and decode round trip") {
  for (const Named<UserChange>& row : UserChanges()) {
    CAPTURE(row.code);
    const UserRecorded e{9'007'199'254'740'993ULL, 17, row.value, "admin", {"name", "login_id"}};
    Result<DomainEvent> back = test::RoundTrip(e);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == DomainEvent(e));
    CHECK_EQ(StreamOf(e), "user-9007199254740993");
  }
  const UserRecorded empty{3, 4, UC::kLocked, "user", {}};
  Result<DomainEvent> back = test::RoundTrip(empty);
  REQUIRE(back.ok());
  CHECK(*back == DomainEvent(empty));
}

TEST_CASE("user_recorded: the change names are the schema's and parse back") {
  CHECK_EQ(UserChanges().size(), 7u);
  for (const Named<UserChange>& row : UserChanges()) {
    CAPTURE(row.code);
    CHECK_EQ(CodeName(row.value), row.code);
    CHECK_EQ(row.code, std::string_view(fb::EnumNameUserChange(
                           static_cast<fb::UserChange>(static_cast<int>(row.value)))));
    CHECK_FALSE(JapaneseName(row.value).empty());
    Result<UserChange> parsed = ParseUserChange(row.code, "change");
    REQUIRE(parsed.ok());
    CHECK(*parsed == row.value);
  }
  Result<UserChange> bad = ParseUserChange("deleted", "change");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK_EQ(bad.status().field(), "change");
}

}  // namespace
}  // namespace shugo::core
