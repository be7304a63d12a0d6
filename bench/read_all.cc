// shugo bench read-all / bench verify: reading and verifying the whole log.
#include <chrono>
#include <cstdio>

#include "base/clock.h"
#include "bench/bench.h"
#include "bench/common.h"
#include "events/baseline.h"
#include "events/event_store.h"
#include "events/opaque.h"

namespace shugo::bench {

namespace {

// Appends unsynced commands of 1,000 events until the log holds `events`.
Status Fill(events::EventStore& store, uint64_t events, size_t payload) {
  uint64_t have = store.head();
  if (have >= events) return Status::Ok();
  std::fprintf(stderr, "filling the log from %llu to %llu events…\n",
               static_cast<unsigned long long>(have), static_cast<unsigned long long>(events));
  const std::string data = PayloadBytes(payload, 7);
  uint64_t batch_no = have / 1000;
  while (have < events) {
    events::Command cmd;
    cmd.id = "fill-" + std::to_string(have);
    cmd.streams.resize(1);
    cmd.streams[0].stream = "fill-" + std::to_string(batch_no++);
    const uint64_t n = std::min<uint64_t>(1000, events - have);
    for (uint64_t i = 0; i < n; ++i)
      cmd.streams[0].events.push_back(events::OpaqueEvent("bench", data));
    SHUGO_ASSIGN_OR_RETURN(auto r, store.Append(cmd));
    have = r.last_position;
  }
  return Status::Ok();
}

}  // namespace

Status RunReadAll(const ReadAllOptions& o) {
  SystemClock clock;
  uint64_t bytes = 0;
  {
    events::StoreOptions so;
    so.create_if_missing = true;
    so.clock = &clock;
    so.sync = false;  // the fill is verified by reading it back, not acknowledged to anyone
    SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
    SHUGO_RETURN_IF_ERROR(Fill(*store, o.events, o.payload));
    // Both sides are read in the same, fully compacted shape (the baseline is compacted too).
    SHUGO_RETURN_IF_ERROR(store->Compact());
  }
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
  uint64_t count = 0;
  const auto start = std::chrono::steady_clock::now();
  SHUGO_RETURN_IF_ERROR(store->ReadAll(1, [&](events::Position, std::string_view record) {
    bytes += record.size();
    return ++count < o.events;
  }));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = static_cast<double>(count) / secs;
  const size_t record_bytes = count ? static_cast<size_t>(bytes / count) : o.payload;

  double base_rate = 0;
  if (o.baseline) {
    const auto base_dir = o.dir / "baseline-rocksdb";
    SHUGO_RETURN_IF_ERROR(events::FillBaseline(base_dir, count, record_bytes));
    SHUGO_ASSIGN_OR_RETURN(auto f, events::IterateBaseline(base_dir));
    base_rate = static_cast<double>(f.values) / f.seconds;
  }
  if (o.json) {
    std::printf("{\"events\":%llu,\"events_per_s\":%.0f,\"record_bytes\":%zu",
                static_cast<unsigned long long>(count), rate, record_bytes);
    if (o.baseline)
      std::printf(",\"rocksdb_values_per_s\":%.0f,\"ratio\":%.3f", base_rate, rate / base_rate);
    std::printf("}\n");
  } else {
    std::printf("read-all: %llu events of %zu B in %.2f s: %.0f events/s\n",
                static_cast<unsigned long long>(count), record_bytes, secs, rate);
    if (o.baseline) {
      std::printf(
          "  bare RocksDB iteration of as many %zu-byte values: %.0f values/s (ratio %.3f)\n",
          record_bytes, base_rate, rate / base_rate);
    }
  }
  return Status::Ok();
}

Status RunVerify(const VerifyOptions& o) {
  SystemClock clock;
  events::StoreOptions so;
  so.clock = &clock;
  SHUGO_ASSIGN_OR_RETURN(auto store, events::EventStore::Open(o.dir, so));
  const auto start = std::chrono::steady_clock::now();
  SHUGO_ASSIGN_OR_RETURN(auto report, store->Verify());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = static_cast<double>(report.checked) / secs;
  if (o.json) {
    std::printf("{\"events\":%llu,\"events_per_s\":%.0f,\"first_bad\":%llu}\n",
                static_cast<unsigned long long>(report.checked), rate,
                static_cast<unsigned long long>(report.first_bad));
  } else {
    std::printf("verify: %llu events in %.2f s: %.0f events/s%s\n",
                static_cast<unsigned long long>(report.checked), secs, rate,
                report.first_bad ? " (the chain does NOT match)" : "");
  }
  return Status::Ok();
}

}  // namespace shugo::bench
