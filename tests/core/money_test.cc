#include "core/money.h"

#include <doctest/doctest.h>

namespace shugo::core {
namespace {

TEST_CASE("F-2-1-2: fees are whole yen and bad amounts are refused naming the field") {
  CHECK_EQ(Yen::Parse("12100", "fee").value().value(), 12100);
  CHECK_EQ(Yen::Parse("12,100", "fee").value().value(), 12100);
  CHECK_EQ(Yen::Parse("1,234,567", "fee").value().value(), 1234567);
  CHECK_EQ(Yen::Parse("0", "fee").value().value(), 0);
  CHECK_EQ(Yen::Parse("9,999,999,999", "fee").value().value(), Yen::kMax);
  for (const char* bad : {"", "-1", "12.5", "1,23", ",123", "1234,567", "12,10", "１２１００",
                          "10000000000", "12 100", "1,,234"}) {
    CAPTURE(bad);
    auto r = Yen::Parse(bad, "base_fee");
    CHECK_EQ(r.status().code(), StatusCode::kInvalidArgument);
    CHECK_EQ(r.status().field(), "base_fee");
  }
  CHECK_EQ(Yen::FromInt(-5, "fee").status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(Yen::FromInt(12100, "fee")->ToString(), "12,100円");
  CHECK_EQ(Yen::FromInt(0, "fee")->ToString(), "0円");
  CHECK_EQ(Yen::FromInt(100, "fee")->ToString(), "100円");
  CHECK_EQ(Yen::FromInt(1000, "fee")->ToString(), "1,000円");
}

}  // namespace
}  // namespace shugo::core
