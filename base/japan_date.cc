#include "base/japan_date.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace shugo {
namespace {

namespace chr = std::chrono;
constexpr int64_t kJstOffsetMicros = int64_t{9} * 3600 * 1000000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

chr::year_month_day Ymd(int32_t days) {
  return chr::year_month_day(chr::sys_days(chr::days(days)));
}

bool ParseUnsigned(std::string_view text, unsigned& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

JapanDate::JapanDate(int year, unsigned month, unsigned day) {
  chr::year_month_day ymd{chr::year(year), chr::month(month), chr::day(day)};
  assert(ymd.ok());
  days_ = static_cast<int32_t>(chr::sys_days(ymd).time_since_epoch().count());
}

Result<JapanDate> JapanDate::FromYmd(int year, unsigned month, unsigned day) {
  chr::year_month_day ymd{chr::year(year), chr::month(month), chr::day(day)};
  if (year < 1900 || year > 9999 || !ymd.ok()) {
    return Status::InvalidArgument("date", "存在しない日付です（" + std::to_string(year) + "-" +
                                               std::to_string(month) + "-" + std::to_string(day) +
                                               "）");
  }
  return JapanDate(year, month, day);
}

Result<JapanDate> JapanDate::Parse(std::string_view text, std::string_view field) {
  unsigned y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseUnsigned(text.substr(0, 4), y) || !ParseUnsigned(text.substr(5, 2), m) ||
      !ParseUnsigned(text.substr(8, 2), d)) {
    return Status::InvalidArgument(std::string(field),
                                   "日付は YYYY-MM-DD の形式で入力してください");
  }
  auto date = FromYmd(static_cast<int>(y), m, d);
  if (!date.ok()) return Status::InvalidArgument(std::string(field), date.status().message());
  return date;
}

Result<JapanDate> JapanDate::FromYyyymmdd(uint32_t v) {
  return FromYmd(static_cast<int>(v / 10000), (v / 100) % 100, v % 100);
}

JapanDate JapanDate::FromUnixMicros(int64_t unix_micros) {
  int64_t local = unix_micros + kJstOffsetMicros;
  int64_t days = local / kMicrosPerDay;
  if (local % kMicrosPerDay < 0) --days;  // floor for instants before 1970
  return JapanDate(static_cast<int32_t>(days), 0);
}

JapanDate JapanDate::AddMonths(int n) const {
  const auto ymd = Ymd(days_);
  auto moved = chr::year_month_day(ymd.year() / ymd.month() / 1) + chr::months(n);
  const auto last = chr::year_month_day_last(moved.year(), chr::month_day_last(moved.month()));
  const auto day = std::min(ymd.day(), last.day());
  return JapanDate(
      static_cast<int32_t>(
          chr::sys_days(moved.year() / moved.month() / day).time_since_epoch().count()),
      0);
}

int JapanDate::year() const { return static_cast<int>(Ymd(days_).year()); }
unsigned JapanDate::month() const { return static_cast<unsigned>(Ymd(days_).month()); }
unsigned JapanDate::day() const { return static_cast<unsigned>(Ymd(days_).day()); }

uint32_t JapanDate::yyyymmdd() const {
  auto ymd = Ymd(days_);
  return static_cast<uint32_t>(static_cast<int>(ymd.year())) * 10000 +
         static_cast<unsigned>(ymd.month()) * 100 + static_cast<unsigned>(ymd.day());
}

int64_t JapanDate::StartUnixMicros() const {
  return int64_t{days_} * kMicrosPerDay - kJstOffsetMicros;
}

std::string JapanDate::ToString() const {
  auto ymd = Ymd(days_);
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  const auto day = static_cast<unsigned>(ymd.day());
  if (year < 0 || year > 9999) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
    return buf;
  }
  // Lists format thousands of dates per answer: digits by hand rather than through printf.
  std::string out = "0000-00-00";
  const auto digit = [](unsigned v) { return static_cast<char>('0' + v); };
  const auto y = static_cast<unsigned>(year);
  out[0] = digit(y / 1000);
  out[1] = digit(y / 100 % 10);
  out[2] = digit(y / 10 % 10);
  out[3] = digit(y % 10);
  out[5] = digit(month / 10);
  out[6] = digit(month % 10);
  out[8] = digit(day / 10);
  out[9] = digit(day % 10);
  return out;
}

}  // namespace shugo
