// Direct access to the log's RocksDB, bypassing the store: how tests tamper with history.
#pragma once

#include <doctest/doctest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <string>
#include <vector>

#include "schemas/events_generated.h"

namespace shugo::testing {

inline std::string BigEndianKey(uint64_t p) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, p >>= 8) k[static_cast<size_t>(i)] = static_cast<char>(p & 0xff);
  return k;
}

// A copy of `record` with one bit flipped in its Opaque payload bytes, or (`in_hash`) in its
// stored prev_hash. The offset is read from `record` and the copy is written, so the change hits
// exactly that field.
inline std::string FlipBit(const std::string& record, bool in_hash) {
  const fb::Event* decoded = fb::GetEvent(record.data());
  const auto field =
      in_hash ? reinterpret_cast<uintptr_t>(decoded->header()->prev_hash().bytes()->Data())
              : reinterpret_cast<uintptr_t>(decoded->payload_as_Opaque()->data()->data());
  std::string changed = record;
  changed.at(static_cast<size_t>(field - reinterpret_cast<uintptr_t>(record.data()))) ^= 0x01;
  return changed;
}

// Opens <data_dir>/events with all its column families; the store must be closed.
class RawLog {
 public:
  explicit RawLog(const std::filesystem::path& data_dir) {
    const std::string path = (data_dir / "events").string();
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, cfs, &handles_, &raw).ok());
    db_.reset(raw);
  }
  ~RawLog() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }
  std::string Get(uint64_t position) {
    std::string v;
    REQUIRE(db_->Get(rocksdb::ReadOptions(), handles_[0], BigEndianKey(position), &v).ok());
    return v;
  }
  void Put(uint64_t position, const std::string& bytes) {
    REQUIRE(db_->Put(rocksdb::WriteOptions(), handles_[0], BigEndianKey(position), bytes).ok());
  }
  void Delete(uint64_t position) {
    REQUIRE(db_->Delete(rocksdb::WriteOptions(), handles_[0], BigEndianKey(position)).ok());
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace shugo::testing
