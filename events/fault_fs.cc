// The file system of tests: runs out of space after a byte budget (a full disk), or fails writes
// with an I/O error, as StoreOptions and its WriteFault say, and reports every sync of a WAL file.
// Used only when StoreOptions asks for it.
#include <rocksdb/file_system.h>

#include <atomic>

#include "events/internal/store.h"

namespace shugo::events::internal {

namespace {

class TestFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TestFile(std::unique_ptr<rocksdb::FSWritableFile> file,
           std::shared_ptr<TestFileSystemState> state, bool wal)
      : FSWritableFileOwnerWrapper(std::move(file)), state_(std::move(state)), wal_(wal) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Spend(data.size()); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Spend(data.size()); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& o,
                                     rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Spend(data.size()); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    return Synced(FSWritableFileOwnerWrapper::Sync(o, dbg));
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    return Synced(FSWritableFileOwnerWrapper::Fsync(o, dbg));
  }

 private:
  rocksdb::IOStatus Spend(size_t n) {
    const auto need = static_cast<int64_t>(n);
    if (state_->left.fetch_sub(need) < need)
      return rocksdb::IOStatus::NoSpace("simulated full disk");
    WriteFault* fault = state_->fault;
    if (fault == nullptr || !state_->armed.load()) return rocksdb::IOStatus::OK();
    // -1 is "no fault"; a write larger than what is left spends all of it (the disk stays full).
    int64_t left = fault->budget.load();
    for (;;) {
      if (left < 0) return rocksdb::IOStatus::OK();
      const int64_t after = left >= need ? left - need : 0;
      if (fault->budget.compare_exchange_weak(left, after)) {
        if (left >= need) return rocksdb::IOStatus::OK();
        break;
      }
    }
    if (fault->io_error.load()) return rocksdb::IOStatus::IOError("simulated device failure");
    return rocksdb::IOStatus::NoSpace("simulated full disk");
  }
  rocksdb::IOStatus Synced(rocksdb::IOStatus s) {
    if (s.ok() && wal_ && state_->after_wal_sync) state_->after_wal_sync();
    return s;
  }
  std::shared_ptr<TestFileSystemState> state_;
  bool wal_;
};

class TestFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit TestFs(std::shared_ptr<TestFileSystemState> state)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), state_(std::move(state)) {}
  const char* Name() const override { return "ShugoTestFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->NewWritableFile(name, o, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->ReopenWritableFile(name, o, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->ReuseWritableFile(name, old, o, result, dbg), result);
  }

 private:
  rocksdb::IOStatus Wrap(const std::string& name, rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (s.ok()) {
      const bool wal = name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
      result->reset(new TestFile(std::move(*result), state_, wal));
    }
    return s;
  }
  std::shared_ptr<TestFileSystemState> state_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewTestFileSystem(std::shared_ptr<TestFileSystemState> state) {
  return std::make_shared<TestFs>(std::move(state));
}

}  // namespace shugo::events::internal
