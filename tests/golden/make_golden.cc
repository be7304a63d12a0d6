// Writes the golden records of tests/golden/<version>/ from a fresh store. Run by hand when the
// schema grows (a new directory, never an edit of an old one):
//   build/tests/make_golden tests/golden/v1        (envelope, Opaque payloads)
//   build/tests/make_golden tests/golden/v2 v2     (the domain events, tests/golden/domain_v2.h)
//   build/tests/make_golden tests/golden/v3 v3     (every domain event type, all fields set,
//                                                    tests/golden/domain_v3.h)
//   build/tests/make_golden tests/golden/v4 v4     (the types added since: F-7 解除依頼,
//                                                    tests/golden/domain_v4.h)
//   build/tests/make_golden tests/golden/v5 v5     (the fields added since: （旧）コード and a
//                                                    move, tests/golden/domain_v5.h)
#include <cstdio>
#include <fstream>

#include "base/clock.h"
#include "events/event_store.h"
#include "events/opaque.h"
#include "tests/golden/domain_v2.h"
#include "tests/golden/domain_v3.h"
#include "tests/golden/domain_v4.h"
#include "tests/golden/domain_v5.h"
#include "tests/testing/temp_dir.h"

using namespace shugo;

using events::OpaqueEvent;

int main(int argc, char** argv) {
  const std::string set = argc == 3 ? argv[2] : "v1";
  if (argc < 2 || argc > 3 ||
      (set != "v1" && set != "v2" && set != "v3" && set != "v4" && set != "v5")) {
    std::fprintf(stderr, "usage: make_golden OUT_DIR [v2|v3|v4|v5]\n");
    return 2;
  }
  testing::TempDir dir;
  ManualClock clock(JapanDate(2025, 4, 1).StartUnixMicros() + 123456);
  events::StoreOptions o;
  o.clock = &clock;
  o.create_if_missing = true;
  auto store = events::EventStore::Open(dir.path(), o);
  if (!store.ok()) return 1;
  events::Command c;
  if (set != "v1") {
    // One command per domain event, each on its own stream, in the order of DomainV2(),
    // DomainV3(), DomainV4() or DomainV5().
    int n = 0;
    const std::vector<core::DomainEvent> events = set == "v2"   ? golden::DomainV2()
                                                  : set == "v3" ? golden::DomainV3()
                                                  : set == "v4" ? golden::DomainV4()
                                                                : golden::DomainV5();
    for (const core::DomainEvent& e : events) {
      events::Command d;
      d.id = "golden-" + set + "-" + std::to_string(++n);
      d.actor_user = "u-0002";
      d.actor_org = "011002";
      d.streams.push_back({"golden-" + std::to_string(n),
                           events::ExpectedVersion::NoStream(),
                           {core::Encode(e, JapanDate(2025, 4, 1))}});
      clock.AdvanceMicros(1000);
      if (!(*store)->Append(d).ok()) return 1;
    }
  } else {
    c.id = "golden-1";
    c.actor_user = "u-0001";
    c.actor_org = "131016";
    c.correlation_id = "corr-golden";
    c.causation_id = "cause-golden";
    c.streams.push_back({"letter-golden", events::ExpectedVersion::NoStream(), {}});
    c.streams[0].events.push_back(OpaqueEvent("applied", "委任状 申請", std::nullopt));
    c.streams[0].events.push_back(OpaqueEvent("approved", "承認", JapanDate(2025, 5, 1)));
    c.streams.push_back({"org-131016", events::ExpectedVersion::NoStream(), {}});
    c.streams[1].events.push_back(
        OpaqueEvent("registered", std::string("\x00\x01\xff", 3), std::nullopt));
    if (!(*store)->Append(c).ok()) return 1;
  }
  auto all = (*store)->ReadRange(1, 100);
  if (!all.ok()) return 1;
  for (const auto& e : *all) {
    const std::string path =
        std::string(argv[1]) + "/event-" + std::to_string(e.position()) + ".shge";
    std::ofstream(path, std::ios::binary) << e.bytes();
  }
  return 0;
}
