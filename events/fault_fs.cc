// A RocksDB file system that runs out of space after a byte budget: the "full disk" of tests.
#include <rocksdb/file_system.h>

#include <atomic>

#include "events/internal/store.h"

namespace shugo::events::internal {

namespace {

class BudgetFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  BudgetFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::shared_ptr<std::atomic<int64_t>> left)
      : FSWritableFileOwnerWrapper(std::move(file)), left_(std::move(left)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (!Spend(data.size())) return rocksdb::IOStatus::NoSpace("simulated full disk");
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    if (!Spend(data.size())) return rocksdb::IOStatus::NoSpace("simulated full disk");
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& o,
                                     rocksdb::IODebugContext* dbg) override {
    if (!Spend(data.size())) return rocksdb::IOStatus::NoSpace("simulated full disk");
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, dbg);
  }

 private:
  bool Spend(size_t n) { return left_->fetch_sub(static_cast<int64_t>(n)) >= static_cast<int64_t>(n); }
  std::shared_ptr<std::atomic<int64_t>> left_;
};

class BudgetFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit BudgetFs(std::shared_ptr<std::atomic<int64_t>> left)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), left_(std::move(left)) {}
  const char* Name() const override { return "ShugoBudgetFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, &file, dbg);
    if (s.ok()) result->reset(new BudgetFile(std::move(file), left_));
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(name, o, &file, dbg);
    if (s.ok()) result->reset(new BudgetFile(std::move(file), left_));
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReuseWritableFile(name, old, o, &file, dbg);
    if (s.ok()) result->reset(new BudgetFile(std::move(file), left_));
    return s;
  }

 private:
  std::shared_ptr<std::atomic<int64_t>> left_;
};

}  // namespace

BudgetFileSystem NewBudgetFileSystem() {
  auto left = std::make_shared<std::atomic<int64_t>>(INT64_MAX);
  return {std::make_shared<BudgetFs>(left), left};
}

}  // namespace shugo::events::internal
