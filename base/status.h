// Status and Result<T>: errors are values (docs/style.md §4).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace shugo {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // bad input; field() names it
  kNotFound,            // no such record
  kFailedPrecondition,  // not allowed in the current status
  kAborted,             // expected-version conflict; re-read and retry
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,  // disk, queue or body limit reached
  kUnavailable,        // the store is closing, or locked by another process
  kDataLoss,           // a stored record does not decode or match; message names the position
  kInternal,
};

// The code's stable name ("invalid_argument", ...), used in JSON and logs.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string field, std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message), std::move(field));
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status FailedPrecondition(std::string message) {
    return {StatusCode::kFailedPrecondition, std::move(message)};
  }
  static Status Aborted(std::string message, std::string field = {}) {
    return {StatusCode::kAborted, std::move(message), std::move(field)};
  }
  static Status AlreadyExists(std::string message) {
    return {StatusCode::kAlreadyExists, std::move(message)};
  }
  static Status ResourceExhausted(std::string message) {
    return {StatusCode::kResourceExhausted, std::move(message)};
  }
  static Status Unavailable(std::string message) {
    return {StatusCode::kUnavailable, std::move(message)};
  }
  static Status DataLoss(std::string message) {
    return {StatusCode::kDataLoss, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about, or the stream of a version conflict; may be empty.
  const std::string& field() const { return field_; }
  // "code: message" (with the field when there is one), for logs and the CLI.
  std::string ToString() const;
  // Drops the status on purpose; greppable (docs/style.md §4).
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// A value or the Status that explains its absence. REQUIRES: a Result built from a Status is
// never built from an OK one.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace shugo

#define SHUGO_CONCAT_INNER_(a, b) a##b
#define SHUGO_CONCAT_(a, b) SHUGO_CONCAT_INNER_(a, b)

#define SHUGO_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::shugo::Status shugo_status_ = (expr);        \
    if (!shugo_status_.ok()) return shugo_status_; \
  } while (0)

#define SHUGO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#define SHUGO_ASSIGN_OR_RETURN(lhs, expr) \
  SHUGO_ASSIGN_OR_RETURN_IMPL_(SHUGO_CONCAT_(shugo_result_, __LINE__), lhs, expr)
