#include <doctest/doctest.h>

#include "base/clock.h"
#include "base/japan_date.h"

namespace shugo {

TEST_CASE("base: JapanDate parses YYYY-MM-DD and refuses other text naming the field") {
  auto d = JapanDate::Parse("2025-04-01");
  REQUIRE(d.ok());
  CHECK_EQ(d->year(), 2025);
  CHECK_EQ(d->month(), 4u);
  CHECK_EQ(d->day(), 1u);
  CHECK_EQ(d->ToString(), "2025-04-01");
  CHECK_EQ(d->yyyymmdd(), 20250401u);
  for (const char* bad :
       {"2025-02-29", "2025-4-01", "20250401", "2025-13-01", "abcd-ef-gh", "", "2025-04-01x"}) {
    auto r = JapanDate::Parse(bad, "effective_date");
    CHECK_EQ(r.status().code(), StatusCode::kInvalidArgument);
    CHECK_EQ(r.status().field(), "effective_date");
  }
  CHECK(JapanDate::Parse("2024-02-29").ok());  // leap year
  // Every day of a few years prints back as the text it was parsed from.
  JapanDate day = JapanDate::FromYmd(1999, 12, 25).value();
  for (int i = 0; i < 4000; ++i, day = day.AddDays(1)) {
    const std::string text = day.ToString();
    REQUIRE_EQ(text.size(), 10u);
    auto again = JapanDate::Parse(text);
    REQUIRE(again.ok());
    CHECK_EQ(*again, day);
  }
  CHECK_EQ(JapanDate::FromYmd(2009, 10, 9).value().ToString(), "2009-10-09");
}

TEST_CASE("base: the Japan date of an instant is JST (UTC+9) with no daylight saving") {
  const JapanDate d(2025, 4, 1);
  const int64_t midnight = d.StartUnixMicros();
  CHECK_EQ(midnight, int64_t{1743433200} * 1000000);  // 2025-03-31T15:00:00Z
  CHECK_EQ(JapanDate::FromUnixMicros(midnight), d);
  CHECK_EQ(JapanDate::FromUnixMicros(midnight - 1), JapanDate(2025, 3, 31));
  const JapanDate summer(2025, 8, 1);  // no DST: still 9 hours
  CHECK_EQ(summer.StartUnixMicros() % (int64_t{3600} * 1000000 * 24), int64_t{15} * 3600 * 1000000);
  CHECK_EQ(JapanDate::FromUnixMicros(-1), JapanDate(1970, 1, 1));  // 08:59:59 JST
  CHECK_EQ(d.AddDays(30), JapanDate(2025, 5, 1));
  CHECK_EQ(d.AddMonths(1), JapanDate(2025, 5, 1));
  CHECK_EQ(JapanDate(2025, 1, 31).AddMonths(1),
           JapanDate(2025, 2, 28));  // no 02-31: the month's end
  CHECK_EQ(JapanDate(2024, 1, 31).AddMonths(1), JapanDate(2024, 2, 29));  // leap year
  CHECK_EQ(JapanDate(2025, 12, 15).AddMonths(1), JapanDate(2026, 1, 15));
  CHECK_EQ(JapanDate(2025, 3, 31).AddMonths(-1), JapanDate(2025, 2, 28));
  CHECK_EQ(JapanDate::FromYyyymmdd(20250401).value(), d);
  CHECK_EQ(JapanDate::FromYyyymmdd(20250231).status().code(), StatusCode::kInvalidArgument);
}

TEST_CASE("base: ManualClock is set and advanced by hand and SystemClock moves") {
  ManualClock clock(JapanDate(2025, 4, 1));
  CHECK_EQ(clock.Today(), JapanDate(2025, 4, 1));
  clock.AdvanceMicros(int64_t{86400} * 1000000);
  CHECK_EQ(clock.Today(), JapanDate(2025, 4, 2));
  clock.SetDate(JapanDate(2026, 1, 5));
  CHECK_EQ(clock.Today(), JapanDate(2026, 1, 5));
  SystemClock sys;
  CHECK_GT(sys.NowMicros(), JapanDate(2025, 1, 1).StartUnixMicros());
}

TEST_CASE("base: Status names its code and field and Result carries a value or a status") {
  Status s = Status::InvalidArgument("delegate", "is required");
  CHECK_FALSE(s.ok());
  CHECK_EQ(s.ToString(), "invalid_argument [delegate]: is required");
  Result<int> r = 5;
  CHECK(r.ok());
  CHECK_EQ(*r, 5);
  Result<int> e = Status::NotFound("no letter 7");
  CHECK_EQ(e.status().code(), StatusCode::kNotFound);
  auto twice = [](Result<int> in) -> Result<int> {
    SHUGO_ASSIGN_OR_RETURN(int v, std::move(in));
    return v * 2;
  };
  CHECK_EQ(*twice(21), 42);
  CHECK_EQ(twice(Status::Aborted("x")).status().code(), StatusCode::kAborted);
}

}  // namespace shugo

#include "base/text.h"

namespace shugo {

TEST_CASE("base: QuoteInput keeps messages valid UTF-8 and bounded") {
  CHECK_EQ(QuoteInput("131016"), "「131016」");
  CHECK_EQ(QuoteInput("a\nb\x01"), "「a?b?」");
  // 11 full-width digits are 33 bytes: the cut backs off to the 10th character, never inside one.
  CHECK_EQ(QuoteInput("１２３４５６７８９０１"), "「１２３４５６７８９０…」");
  CHECK_EQ(QuoteInput(std::string(100, 'x'), 4), "「xxxx…」");
}

}  // namespace shugo
