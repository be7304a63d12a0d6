// inv12: old events stay readable forever. The records under tests/golden/v1/ were written by the
// first schema; today's code must decode every field of them and their hash chain.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "events/event.h"
#include "events/opaque.h"

#ifndef SHUGO_GOLDEN_DIR
#error "SHUGO_GOLDEN_DIR must point at tests/golden"
#endif

namespace shugo::events {
namespace {

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(SHUGO_GOLDEN_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file ", name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string OpaqueKind(const fb::Event& e) { return e.payload_as_Opaque()->kind()->str(); }

TEST_CASE("inv12: golden v1 records decode with every envelope field and their hash chain") {
  const std::string r1 = ReadFile("v1/event-1.shge");
  const std::string r2 = ReadFile("v1/event-2.shge");
  const std::string r3 = ReadFile("v1/event-3.shge");
  for (const auto& [pos, rec] :
       {std::pair<Position, const std::string*>{1, &r1}, {2, &r2}, {3, &r3}}) {
    Status s = VerifyRecord(pos, *rec);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  const int64_t at = int64_t{1743433200} * 1000000 + 123456;  // 2025-04-01 00:00:00.123456 JST
  const fb::Event& e1 = *fb::GetEvent(r1.data());
  CHECK_EQ(e1.header()->position(), 1u);
  CHECK_EQ(e1.header()->stream_version(), 1u);
  CHECK_EQ(e1.header()->recorded_at_us(), at);
  CHECK_EQ(e1.stream()->str(), "letter-golden");
  CHECK_EQ(e1.effective_date(), 0u);
  CHECK_EQ(e1.command_id()->str(), "golden-1");
  CHECK_EQ(e1.actor_user()->str(), "u-0001");
  CHECK_EQ(e1.actor_org()->str(), "131016");
  CHECK_EQ(e1.correlation_id()->str(), "corr-golden");
  CHECK_EQ(e1.causation_id()->str(), "cause-golden");
  CHECK_EQ(e1.payload_type(), fb::Payload::Opaque);
  CHECK_EQ(OpaqueKind(e1), "applied");
  CHECK_EQ(OpaqueData(e1), "委任状 申請");

  const fb::Event& e2 = *fb::GetEvent(r2.data());
  CHECK_EQ(e2.header()->stream_version(), 2u);
  CHECK_EQ(e2.effective_date(), 20250501u);
  CHECK_EQ(OpaqueKind(e2), "approved");

  const fb::Event& e3 = *fb::GetEvent(r3.data());
  CHECK_EQ(e3.stream()->str(), "org-131016");
  CHECK_EQ(e3.header()->stream_version(), 1u);
  CHECK_EQ(OpaqueData(e3), std::string("\x00\x01\xff", 3));

  // The chain: zeros before the first, then each record stores its predecessor's chain hash.
  Hash zero{};
  Hash stored1;
  std::copy_n(e1.header()->prev_hash().bytes()->Data(), 32, stored1.begin());
  CHECK_EQ(stored1, zero);
  Hash stored2, stored3;
  std::copy_n(e2.header()->prev_hash().bytes()->Data(), 32, stored2.begin());
  std::copy_n(e3.header()->prev_hash().bytes()->Data(), 32, stored3.begin());
  CHECK_EQ(stored2, ChainHash(r1));
  CHECK_EQ(stored3, ChainHash(r2));
}

}  // namespace
}  // namespace shugo::events
