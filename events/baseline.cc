#include "events/baseline.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "events/internal/keys.h"
#include "events/internal/store.h"

namespace shugo::events {

namespace {

Result<std::unique_ptr<rocksdb::DB>> OpenBaseline(const std::filesystem::path& dir) {
  rocksdb::Options o(rocksdb::DBOptions(), internal::LogCfOptions());
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir.string(), &raw);
  if (!s.ok()) return internal::FromRocks(s, "opening baseline " + dir.string());
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace

Status FillBaseline(const std::filesystem::path& dir, uint64_t count, size_t value_bytes) {
  SHUGO_ASSIGN_OR_RETURN(auto db, OpenBaseline(dir));
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading baseline");
  uint64_t have = it->Valid() ? internal::GetBe64(it->key().data()) : 0;
  it.reset();
  if (have >= count) return Status::Ok();
  std::string value(value_bytes, 'x');
  uint64_t state = 88172645463325252ULL;  // xorshift: values that do not compress away
  rocksdb::WriteBatch batch;
  for (uint64_t k = have + 1; k <= count; ++k) {
    for (size_t i = 0; i < value.size(); ++i) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      value[i] = static_cast<char>('A' + state % 52);
    }
    batch.Put(internal::PositionKey(k), value);
    if (batch.Count() == 1000 || k == count) {
      SHUGO_RETURN_IF_ERROR(
          internal::FromRocks(db->Write(rocksdb::WriteOptions(), &batch), "filling baseline"));
      batch.Clear();
    }
  }
  rocksdb::CompactRangeOptions co;  // the same final shape as a compacted log
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return internal::FromRocks(db->CompactRange(co, nullptr, nullptr), "compacting baseline");
}

Result<BaselineFigures> IterateBaseline(const std::filesystem::path& dir) {
  SHUGO_ASSIGN_OR_RETURN(auto db, OpenBaseline(dir));
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = false;
  BaselineFigures f;
  uint64_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    checksum += static_cast<uint8_t>(it->value().data()[it->value().size() / 2]);
    ++f.values;
  }
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!it->status().ok()) return internal::FromRocks(it->status(), "iterating baseline");
  if (checksum == 1) f.values += 0;  // keeps the value reads from being optimised away
  return f;
}

Result<PutFigures> SyncedPutsBaseline(const std::filesystem::path& dir, int threads, double seconds,
                                      size_t value_bytes) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  SHUGO_ASSIGN_OR_RETURN(auto db, OpenBaseline(dir));
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<rocksdb::Status> failures(static_cast<size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string value(value_bytes, static_cast<char>('a' + t % 26));
      rocksdb::WriteOptions wo;
      wo.sync = true;
      auto& lat = latencies[static_cast<size_t>(t)];
      for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + internal::PositionKey(i);
        const auto t0 = std::chrono::steady_clock::now();
        rocksdb::Status s = db->Put(wo, key, value);
        if (!s.ok()) {
          failures[static_cast<size_t>(t)] = s;
          return;
        }
        lat.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& w : workers) w.join();
  PutFigures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& s : failures) SHUGO_RETURN_IF_ERROR(internal::FromRocks(s, "baseline put"));
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  f.puts = all.size();
  if (!all.empty()) {
    f.p50_ms = all[all.size() / 2];
    f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  db.reset();
  std::filesystem::remove_all(dir, ec);
  return f;
}

}  // namespace shugo::events
