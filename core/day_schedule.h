// The day job's in-server schedule (F_バッチ_3-1, F_バッチ_5-1): at start (catching up after
// downtime) and then shortly after every midnight in Japan, RunDays(today). In demo mode there is
// no schedule: an admin moves the business date (Processor::RunDays through the HTTP API).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/processor.h"

namespace shugo::core {

class DaySchedule {
 public:
  // `report` gets each run's result (for the log). The processor and clock must outlive it.
  DaySchedule(Processor& processor, const Clock& clock,
              std::function<void(const Result<DayReport>&)> report);
  ~DaySchedule();  // Stop()s
  DaySchedule(const DaySchedule&) = delete;
  DaySchedule& operator=(const DaySchedule&) = delete;

  // Wakes the thread and joins it. Idempotent.
  void Stop();

 private:
  void Loop();

  Processor& processor_;
  const Clock& clock_;
  std::function<void(const Result<DayReport>&)> report_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace shugo::core
