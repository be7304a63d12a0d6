#include "events/baseline.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <memory>
#include <string>

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
  uint64_t have = it->Valid() ? internal::GetBe64(it->key().data()) : 0;
  it.reset();
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
  return internal::FromRocks(db->Flush(rocksdb::FlushOptions()), "flushing baseline");
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

}  // namespace shugo::events
