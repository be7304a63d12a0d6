#include "core/money.h"

namespace shugo::core {

Result<Yen> Yen::FromInt(int64_t amount, std::string_view field) {
  if (amount < 0)
    return Status::InvalidArgument(std::string(field), "金額は0円以上で入力してください");
  if (amount > kMax) {
    return Status::InvalidArgument(std::string(field),
                                   "金額が大きすぎます（上限 9,999,999,999円）");
  }
  return Yen(amount);
}

Result<Yen> Yen::Parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  if (text.empty()) return Status::InvalidArgument(f, "金額を入力してください");
  int64_t amount = 0;
  int digits = 0, since_comma = -1;
  for (char c : text) {
    if (c == ',') {
      // Commas group by three: "1,234" and "12,345,678", never ",1" or "1,23".
      if (digits == 0 || (since_comma >= 0 && since_comma != 3) ||
          (since_comma < 0 && digits > 3)) {
        return Status::InvalidArgument(f, "金額の桁区切り（,）の位置が正しくありません");
      }
      since_comma = 0;
      continue;
    }
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(f, "金額は半角数字で入力してください（円単位の整数）");
    }
    if (++digits > 10)
      return Status::InvalidArgument(f, "金額が大きすぎます（上限 9,999,999,999円）");
    amount = amount * 10 + (c - '0');
    if (since_comma >= 0) ++since_comma;
  }
  if (since_comma >= 0 && since_comma != 3) {
    return Status::InvalidArgument(f, "金額の桁区切り（,）の位置が正しくありません");
  }
  return FromInt(amount, field);
}

std::string Yen::ToString() const {
  std::string digits = std::to_string(amount_);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out + "円";
}

}  // namespace shugo::core
