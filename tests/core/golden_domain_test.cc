// inv12: the domain events written by earlier schemas (tests/golden/v2/ … v5/, one record each)
// decode to exactly the values that were encoded, field by field, with their envelope; every event
// type round-trips through Encode and Decode with every field set, and a type or field added
// without a golden case fails here.
#include <doctest/doctest.h>

#include <boost/pfr.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/domain_events.h"
#include "events/event.h"
#include "tests/core/round_trip.h"
#include "tests/golden/domain_v2.h"
#include "tests/golden/domain_v3.h"
#include "tests/golden/domain_v4.h"
#include "tests/golden/domain_v5.h"

namespace shugo::core {
namespace {

std::string ReadGolden(const std::string& name) {
  std::ifstream in(std::string(SHUGO_GOLDEN_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file ", name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every golden set's events, oldest set first. A new event type, or a new field of an existing
// one, gets a case in a new set (domain_v5.h and tests/golden/v5/, written by make_golden).
std::vector<DomainEvent> EveryGoldenEvent() {
  std::vector<DomainEvent> all = golden::DomainV2();
  for (DomainEvent& e : golden::DomainV3()) all.push_back(std::move(e));
  for (DomainEvent& e : golden::DomainV4()) all.push_back(std::move(e));
  for (DomainEvent& e : golden::DomainV5()) all.push_back(std::move(e));
  return all;
}

// Checks the records of tests/golden/<set>/ against the values make_golden encoded into them.
void CheckGoldenSet(const std::string& set, const std::vector<DomainEvent>& expected) {
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(set);
    CAPTURE(i);
    const std::string bytes = ReadGolden(set + "/event-" + std::to_string(i + 1) + ".shge");
    REQUIRE(events::VerifyRecord(i + 1, bytes).ok());
    const fb::Event& e = *fb::GetEvent(bytes.data());
    CHECK_EQ(e.header()->position(), i + 1);
    CHECK_EQ(e.header()->stream_version(), 1u);
    CHECK_EQ(e.stream()->str(), "golden-" + std::to_string(i + 1));
    CHECK_EQ(e.effective_date(), 20250401u);
    CHECK_EQ(e.command_id()->str(), "golden-" + set + "-" + std::to_string(i + 1));
    CHECK_EQ(e.actor_user()->str(), "u-0002");
    CHECK_EQ(e.actor_org()->str(), "011002");
    Result<DomainEvent> decoded = Decode(e);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    CHECK_EQ(EventTypeName(*decoded), EventTypeName(expected[i]));
    CHECK(*decoded == expected[i]);
  }
  // No record beyond the set: the files and the header agree on its size.
  std::ifstream extra(std::string(SHUGO_GOLDEN_DIR) + "/" + set + "/event-" +
                      std::to_string(expected.size() + 1) + ".shge");
  CHECK_FALSE(extra.good());
}

// ---- "every field set": a field left at its default would pass a round trip even if the encoder
// dropped it (it decodes to the default), so each case must set every field, recursively.

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Appends to `unset` the path of every field of `v` that is at its zero value (what a dropped
// FlatBuffers field decodes to): an empty list or string, no value, 0, false, the first enumerator.
template <typename F>
void FindUnset(const F& v, const std::string& path, std::vector<std::string>& unset) {
  if constexpr (IsOptional<F>::value) {
    if (!v) {
      unset.push_back(path);
    } else {
      FindUnset(*v, path, unset);
    }
  } else if constexpr (IsVector<F>::value) {
    if (v.empty()) unset.push_back(path);
    for (size_t i = 0; i < v.size(); ++i) {
      FindUnset(v[i], path + "[" + std::to_string(i) + "]", unset);
    }
  } else if constexpr (std::is_class_v<F> && std::is_aggregate_v<F>) {
    boost::pfr::for_each_field(v, [&](const auto& field, size_t i) {
      FindUnset(field, path + ".#" + std::to_string(i), unset);
    });
  } else {
    if (v == F{}) unset.push_back(path);
  }
}

// Also against the struct's own initialisers (an enumerator's default need not be the first).
template <typename T, size_t... I>
void FindDefaulted(const T& v, std::index_sequence<I...>, std::vector<std::string>& unset) {
  const T fresh{};
  ((boost::pfr::get<I>(v) == boost::pfr::get<I>(fresh)
        ? unset.push_back("#" + std::to_string(I) + " (as initialised)")
        : void()),
   ...);
}

std::vector<std::string> UnsetFields(const DomainEvent& event) {
  std::vector<std::string> unset;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        FindUnset(e, "", unset);
        FindDefaulted(e, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{}, unset);
      },
      event);
  return unset;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

TEST_CASE("inv12: golden v2 domain events decode to the values that were encoded") {
  const std::vector<DomainEvent> expected = golden::DomainV2();
  REQUIRE_EQ(expected.size(), 9u);
  CheckGoldenSet("v2", expected);
}

TEST_CASE("inv12: golden v3 records of every event type decode to the values that were encoded") {
  const std::vector<DomainEvent> expected = golden::DomainV3();
  REQUIRE_EQ(expected.size(), 25u);
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK_EQ(expected[i].index(), i);  // one per type, in the variant's order
  }
  CheckGoldenSet("v3", expected);
}

TEST_CASE(
    "inv12: golden v4 records of the F-7 解除依頼 types decode to the values that were encoded") {
  const std::vector<DomainEvent> expected = golden::DomainV4();
  REQUIRE_EQ(expected.size(), 2u);
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK_EQ(expected[i].index(), golden::DomainV3().size() + i);  // the types after v3's, in order
  }
  CheckGoldenSet("v4", expected);
}

TEST_CASE("inv12: golden v5 records of the grown organisation events decode to what was encoded") {
  const std::vector<DomainEvent> expected = golden::DomainV5();
  REQUIRE_EQ(expected.size(), 2u);
  CHECK(std::holds_alternative<OrganisationRegistered>(expected[0]));
  CHECK(std::holds_alternative<OrganisationChanged>(expected[1]));
  CheckGoldenSet("v5", expected);
}

TEST_CASE("domain events: every golden case survives an encode and decode round trip") {
  for (const DomainEvent& e : EveryGoldenEvent()) {
    CAPTURE(EventTypeName(e));
    Result<DomainEvent> back = test::RoundTrip(e);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == e);
  }
}

TEST_CASE("inv12: every payload type of the schema has a golden case with every field set") {
  const std::vector<DomainEvent> all = EveryGoldenEvent();
  // Every member of the schema's union but Opaque (tests and benchmarks only) is a domain event.
  CHECK_EQ(std::variant_size_v<DomainEvent>,
           static_cast<size_t>(fb::Payload::MAX) - static_cast<size_t>(fb::Payload::Opaque));
  for (int t = static_cast<int>(fb::Payload::Opaque) + 1; t <= static_cast<int>(fb::Payload::MAX);
       ++t) {
    const auto type = static_cast<fb::Payload>(t);
    CAPTURE(fb::EnumNamePayload(type));
    bool covered = false;
    std::string unset;
    for (const DomainEvent& e : all) {
      if (Encode(e, std::nullopt).type != type) continue;
      const std::vector<std::string> u = UnsetFields(e);
      if (u.empty()) {
        Result<DomainEvent> back = test::RoundTrip(e);
        REQUIRE_MESSAGE(back.ok(), back.status().ToString());
        CHECK(*back == e);
        covered = true;
      } else {
        unset = Join(u);
      }
    }
    // A new payload type, or a new field of this one: add a case with every field set to a new
    // golden set (tests/golden/domain_v<N>.h, make_golden, EveryGoldenEvent above).
    CHECK_MESSAGE(covered, "no golden case sets every field; fields at their default: ", unset);
  }
  // And every alternative of the C++ variant maps to its own payload type, in the same order.
  std::vector<DomainEvent> typed = golden::DomainV3();
  for (DomainEvent& e : golden::DomainV4()) typed.push_back(std::move(e));
  for (const DomainEvent& e : typed) {
    CAPTURE(EventTypeName(e));
    CHECK_EQ(static_cast<size_t>(Encode(e, std::nullopt).type),
             static_cast<size_t>(fb::Payload::Opaque) + 1 + e.index());
  }
}

TEST_CASE("inv12: a dropped field is caught by the every-field check") {
  // The check itself: one field back at its default is named.
  DomainEvent e = golden::DomainV5()[0];
  CHECK(UnsetFields(e).empty());
  std::get<OrganisationRegistered>(e).parent = 0;
  CHECK_EQ(UnsetFields(e).size(), 2u);  // zero, and the struct's initialiser
  DomainEvent l = golden::DomainV3()[5];
  std::get<LetterTransitioned>(l).date.reset();
  CHECK_FALSE(UnsetFields(l).empty());
  DomainEvent c = golden::DomainV5()[1];
  std::get<OrganisationChanged>(c).changes[1].before.clear();
  CHECK_EQ(UnsetFields(c), std::vector<std::string>{".#1[1].#1"});
}

}  // namespace
}  // namespace shugo::core
