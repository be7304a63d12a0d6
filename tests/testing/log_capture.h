// Captures what a spdlog logger writes while a LogCapture lives: each message's text, one per line
// (the message only: spdlog's formatter, compiled in its library, is not run in the tests'
// sanitized code).
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace shugo::testing {

class LogCapture {
 public:
  explicit LogCapture(std::shared_ptr<spdlog::logger> logger)
      : logger_(std::move(logger)), sink_(std::make_shared<Sink>()) {
    saved_ = logger_->sinks();
    logger_->sinks() = {sink_};
  }
  ~LogCapture() { logger_->sinks() = saved_; }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const {
    std::lock_guard lk(sink_->text_mu);
    return sink_->text;
  }

 private:
  struct Sink : spdlog::sinks::base_sink<std::mutex> {
    std::mutex text_mu;
    std::string text;
    void sink_it_(const spdlog::details::log_msg& msg) override {
      std::lock_guard lk(text_mu);
      text.append(msg.payload.data(), msg.payload.size());
      text += '\n';
    }
    void flush_() override {}
  };
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<Sink> sink_;
  std::vector<spdlog::sink_ptr> saved_;
};

}  // namespace shugo::testing
