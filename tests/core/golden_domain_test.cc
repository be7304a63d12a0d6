// inv12: the domain events written by the first domain schema (tests/golden/v2/, one record each)
// decode to exactly the values that were encoded, field by field, with their envelope.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/domain_events.h"
#include "events/event.h"
#include "tests/core/round_trip.h"
#include "tests/golden/domain_v2.h"

namespace shugo::core {
namespace {

std::string ReadGolden(const std::string& name) {
  std::ifstream in(std::string(SHUGO_GOLDEN_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file ", name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("inv12: golden v2 domain events decode to the values that were encoded") {
  const std::vector<DomainEvent> expected = golden::DomainV2();
  REQUIRE_EQ(expected.size(), 9u);
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    const std::string bytes = ReadGolden("v2/event-" + std::to_string(i + 1) + ".shge");
    REQUIRE(events::VerifyRecord(i + 1, bytes).ok());
    const fb::Event& e = *fb::GetEvent(bytes.data());
    CHECK_EQ(e.header()->position(), i + 1);
    CHECK_EQ(e.effective_date(), 20250401u);
    CHECK_EQ(e.actor_org()->str(), "011002");
    Result<DomainEvent> decoded = Decode(e);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    CHECK_EQ(EventTypeName(*decoded), EventTypeName(expected[i]));
    CHECK(*decoded == expected[i]);
  }
}

TEST_CASE("domain events: every type survives an encode and decode round trip") {
  for (const DomainEvent& e : golden::DomainV2()) {
    Result<DomainEvent> back = test::RoundTrip(e);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == e);
  }
}

}  // namespace
}  // namespace shugo::core
