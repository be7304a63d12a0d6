#include "core/day_schedule.h"

#include <chrono>

namespace shugo::core {

DaySchedule::DaySchedule(Processor& processor, const Clock& clock,
                         std::function<void(const Result<DayReport>&)> report)
    : processor_(processor), clock_(clock), report_(std::move(report)) {
  thread_ = std::thread([this] { Loop(); });
}

DaySchedule::~DaySchedule() { Stop(); }

void DaySchedule::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DaySchedule::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    report_(processor_.RunDays(clock_.Today()));
    lock.lock();
    // Until one minute past the next midnight in Japan, by the injected clock; woken early only
    // by Stop(). A clock that jumps is re-read on waking.
    const int64_t next = clock_.Today().AddDays(1).StartUnixMicros() + 60'000'000;
    while (!stop_ && clock_.NowMicros() < next) {
      const int64_t wait_us = std::min<int64_t>(next - clock_.NowMicros(), 60'000'000);
      cv_.wait_for(lock, std::chrono::microseconds(wait_us));
    }
  }
}

}  // namespace shugo::core
