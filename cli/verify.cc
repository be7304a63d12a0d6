// shugo verify: walks the hash chain; with --acks, checks that acknowledged appends are there.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "cli/commands.h"
#include "events/event_store.h"

namespace shugo::cli {

namespace {

struct VerifyArgs {
  std::string dir;
  std::string acks;
  bool json = false;
};

// Every line "stream version position" of the ack log must be that event in the log.
int CheckAcks(const events::EventStore& store, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail("verify", "cannot read ack log " + path);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    // A last line without its newline was torn by the kill: it was never a whole acknowledgment.
    if (in.eof()) break;
    std::istringstream fields(line);
    std::string stream;
    unsigned long long version = 0, position = 0;
    if (!(fields >> stream >> version >> position)) {
      return Fail("verify", "ack log line " + std::to_string(n + 1) + " is malformed: " + line);
    }
    auto events = store.ReadRange(position, 1);
    if (!events.ok()) return Fail("verify", events.status().ToString());
    bool found = !events->empty() && events->front().position() == position;
    if (found) {
      const auto& e = events->front().event();
      found = e.stream()->string_view() == stream && e.header()->stream_version() == version;
    }
    if (!found) {
      std::fprintf(
          stderr, "shugo: verify: acknowledged event %s version %llu at position %llu is missing\n",
          stream.c_str(), version, position);
      return 1;
    }
    ++n;
  }
  std::printf("acks: all %llu acknowledged events are in the log\n",
              static_cast<unsigned long long>(n));
  return 0;
}

std::string HexOf(const events::Hash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : h) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

int Verify(const VerifyArgs& a) {
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  auto store = events::EventStore::Open(a.dir, so);
  if (!store.ok()) return Fail("verify", store.status().ToString());
  auto report = (*store)->Verify([](events::Position p) {
    std::fprintf(stderr, "\rverified %llu events", static_cast<unsigned long long>(p));
  });
  if (!report.ok()) return Fail("verify", report.status().ToString());
  if (a.json) {
    std::printf("{\"head\":%llu,\"checked\":%llu,\"first_bad\":%llu,\"head_hash\":\"%s\"}\n",
                static_cast<unsigned long long>((*store)->head()),
                static_cast<unsigned long long>(report->checked),
                static_cast<unsigned long long>(report->first_bad),
                report->first_bad == 0 ? HexOf(report->last_hash).c_str() : "");
  } else if (report->first_bad == 0) {
    std::fprintf(stderr, "\r");
    std::printf("chain ok: %llu events, head %llu, head hash %s\n",
                static_cast<unsigned long long>(report->checked),
                static_cast<unsigned long long>((*store)->head()),
                HexOf(report->last_hash).c_str());
  } else {
    std::fprintf(stderr, "\rshugo: verify: first bad position %llu: %s\n",
                 static_cast<unsigned long long>(report->first_bad), report->problem.c_str());
  }
  if (report->first_bad != 0) return 1;
  return a.acks.empty() ? 0 : CheckAcks(**store, a.acks);
}

}  // namespace

void AddVerify(CLI::App& app, Action& run) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Verify the event log's hash chain (exit 1 naming the first bad position)");
  sub->add_option("--dir", args->dir, "Data directory")->required();
  sub->add_option("--acks", args->acks,
                  "Ack log of `bench append --ack-log`: check every listed event is in the log");
  sub->add_flag("--json", args->json, "One JSON line");
  sub->callback([args, &run] { run = [args] { return Verify(*args); }; });
}

}  // namespace shugo::cli
