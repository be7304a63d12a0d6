// The injected clock (docs/style.md §9): nothing reads the time directly.
#pragma once

#include <atomic>
#include <cstdint>

#include "base/japan_date.h"

namespace shugo {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC microseconds since 1970. Thread-safe.
  virtual int64_t NowMicros() const = 0;
  // The business date in Japan now.
  JapanDate Today() const { return JapanDate::FromUnixMicros(NowMicros()); }
};

// The real time of the machine. Used by cli/ only.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// Time set by hand: tests, the demo and replay. Thread-safe. It may be set backwards, to test
// that the event store never lets recorded_at decrease.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t unix_micros = 0) : now_(unix_micros) {}
  // 00:00 JST on `date`.
  explicit ManualClock(JapanDate date) : now_(date.StartUnixMicros()) {}

  int64_t NowMicros() const override { return now_.load(std::memory_order_acquire); }
  void SetMicros(int64_t unix_micros) { now_.store(unix_micros, std::memory_order_release); }
  void SetDate(JapanDate date) { SetMicros(date.StartUnixMicros()); }
  void AdvanceMicros(int64_t delta) { now_.fetch_add(delta, std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace shugo
