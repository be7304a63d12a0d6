// A calendar date in Japan (JST, UTC+9, no daylight saving time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace shugo {

class JapanDate {
 public:
  // 1970-01-01. Use FromYmd or Parse for real dates.
  constexpr JapanDate() = default;
  // REQUIRES: a valid Gregorian date (asserted). Use FromYmd for input.
  JapanDate(int year, unsigned month, unsigned day);

  // kInvalidArgument (field "date") unless y-m-d is a real date in 1900..9999.
  static Result<JapanDate> FromYmd(int year, unsigned month, unsigned day);
  // Parses "YYYY-MM-DD". kInvalidArgument naming `field` on any other text.
  static Result<JapanDate> Parse(std::string_view text, std::string_view field = "date");
  // The date in Japan at the instant `unix_micros` (UTC microseconds since 1970).
  static JapanDate FromUnixMicros(int64_t unix_micros);
  // 20250401 form, as stored in events (0 means "no date" there).
  static Result<JapanDate> FromYyyymmdd(uint32_t yyyymmdd);

  int year() const;
  unsigned month() const;
  unsigned day() const;
  int32_t days_since_epoch() const { return days_; }
  uint32_t yyyymmdd() const;
  // 00:00 JST of this date, in UTC microseconds since 1970.
  int64_t StartUnixMicros() const;
  JapanDate AddDays(int32_t n) const { return JapanDate(days_ + n, 0); }
  // The same day n months later; the month's last day when it has no such day (01-31 + 1 → 02-28).
  JapanDate AddMonths(int n) const;
  std::string ToString() const;  // "YYYY-MM-DD"

  friend constexpr auto operator<=>(JapanDate, JapanDate) = default;

 private:
  constexpr JapanDate(int32_t days, int /*tag*/) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace shugo
