// The limits next to which `bench append` is read: the disk's raw write+fdatasync rate
// (shugo bench disk-sync) and bare RocksDB's synced Puts (shugo bench rocksdb-puts).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "bench/bench.h"
#include "bench/common.h"
#include "events/baseline.h"

namespace shugo::bench {

Status RunDiskSync(const DiskSyncOptions& o) {
  const auto path = o.dir / "disk-sync.bench";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::InvalidArgument("dir", "cannot create " + path.string());
  const std::string data = PayloadBytes(o.bytes, 3);
  std::vector<double> lat;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  Status status;
  for (auto now = start; now < end;) {
    if (::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size()) ||
        ::fdatasync(fd) != 0) {
      status = Status::ResourceExhausted("write or fdatasync failed on " + path.string());
      break;
    }
    const auto t = std::chrono::steady_clock::now();
    lat.push_back(std::chrono::duration<double, std::milli>(t - now).count());
    now = t;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  SHUGO_RETURN_IF_ERROR(status);
  std::sort(lat.begin(), lat.end());
  const double rate = static_cast<double>(lat.size()) / secs;
  if (o.json) {
    std::printf("{\"syncs_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n", rate,
                Quantile(lat, 0.5), Quantile(lat, 0.99));
  } else {
    std::printf("disk-sync: %.0f write+fdatasync/s of %zu B (p50 %.3f ms, p99 %.3f ms)\n", rate,
                o.bytes, Quantile(lat, 0.5), Quantile(lat, 0.99));
  }
  return Status::Ok();
}

Status RunRocksPuts(const RocksPutsOptions& o) {
  if (o.threads < 1) return Status::InvalidArgument("threads", "must be at least 1");
  SHUGO_ASSIGN_OR_RETURN(auto f,
                         events::SyncedPutsBaseline(o.dir / "baseline-puts", o.threads, o.seconds,
                                                    o.payload + 100));  // ~ a record's size
  const double rate = static_cast<double>(f.puts) / f.seconds;
  if (o.json) {
    std::printf(
        "{\"peer\":\"rocksdb-synced-puts\",\"threads\":%d,\"puts_per_s\":%.0f,\"p50_ms\":%.3f,"
        "\"p99_ms\":%.3f}\n",
        o.threads, rate, f.p50_ms, f.p99_ms);
  } else {
    std::printf(
        "rocksdb-puts: %d threads, synced Put each: %.0f puts/s (p50 %.3f ms, p99 %.3f ms)\n",
        o.threads, rate, f.p50_ms, f.p99_ms);
  }
  return Status::Ok();
}

}  // namespace shugo::bench
