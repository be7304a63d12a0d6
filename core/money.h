// Money: whole yen (接種費用, 手数料). No fractions, no negative amounts, no floating point.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace shugo::core {

class Yen {
 public:
  static constexpr int64_t kMax = 9'999'999'999;  // ten digits: far above any vaccination fee

  // kInvalidArgument naming `field` unless 0 <= amount <= kMax.
  static Result<Yen> FromInt(int64_t amount, std::string_view field);
  // Half-width digits, optionally grouped by commas ("12,100"); full-width digits are refused
  // with a hint (the UI normalises them first).
  static Result<Yen> Parse(std::string_view text, std::string_view field);

  int64_t value() const { return amount_; }
  std::string ToString() const;  // "12,100円"
  friend auto operator<=>(Yen, Yen) = default;

 private:
  explicit Yen(int64_t amount) : amount_(amount) {}
  int64_t amount_;
};

}  // namespace shugo::core
