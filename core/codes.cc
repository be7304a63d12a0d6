#include "core/codes.h"

#include <algorithm>
#include <cassert>

#include "base/text.h"

namespace shugo::core {

namespace {

Status Refuse(std::string_view field, std::string message) {
  return Status::InvalidArgument(std::string(field), std::move(message));
}

}  // namespace

bool IsDigits(std::string_view text, size_t n) {
  if (text.size() != n) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<PrefectureCode> PrefectureCode::FromNumber(int number, std::string_view field) {
  if (number < 1 || number > 47) {
    return Refuse(field, "都道府県番号は01〜47です（" + std::to_string(number) + " は範囲外です）");
  }
  return PrefectureCode(number);
}

std::string PrefectureCode::ToString() const {
  return std::string{static_cast<char>('0' + number_ / 10), static_cast<char>('0' + number_ % 10)};
}

char LocalGovCode::CheckDigit(std::string_view first_five) {
  assert(IsDigits(first_five, 5));
  int sum = 0;
  for (int i = 0; i < 5; ++i) sum += (first_five[static_cast<size_t>(i)] - '0') * (6 - i);
  return static_cast<char>('0' + (11 - sum % 11) % 10);
}

Result<LocalGovCode> LocalGovCode::Parse(std::string_view text, std::string_view field) {
  if (!IsDigits(text, 6)) {
    return Refuse(field,
                  "全国地方公共団体コードは6桁の半角数字です（入力: " + QuoteInput(text) + "）");
  }
  const int pref = (text[0] - '0') * 10 + (text[1] - '0');
  if (pref < 1 || pref > 47) {
    return Refuse(field, "全国地方公共団体コードの先頭2桁は都道府県番号（01〜47）です（入力: " +
                             QuoteInput(text) + "）");
  }
  const char check = CheckDigit(text.substr(0, 5));
  if (text[5] != check) {
    return Refuse(field, "全国地方公共団体コードの検査数字（6桁目）が一致しません（入力: " +
                             QuoteInput(text) + "、検査数字は " + std::string(1, check) +
                             " です）");
  }
  return LocalGovCode(std::string(text));
}

PrefectureCode LocalGovCode::prefecture() const {
  return PrefectureCode::FromNumber((code_[0] - '0') * 10 + (code_[1] - '0'), "code").value();
}

char MedicalInstitutionCode::CheckDigit(std::string_view first_nine) {
  assert(IsDigits(first_nine, 9));
  const int pref = (first_nine[0] - '0') * 10 + (first_nine[1] - '0');
  // Prefectures 11–14 leave 都道府県番号 and 点数表番号 out of the check.
  const std::string_view body = (pref >= 11 && pref <= 14) ? first_nine.substr(3) : first_nine;
  int sum = 0;
  bool twice = true;  // the rightmost digit of the body is doubled
  for (size_t i = body.size(); i-- > 0; twice = !twice) {
    const int product = (body[i] - '0') * (twice ? 2 : 1);
    sum += product / 10 + product % 10;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<MedicalInstitutionCode> MedicalInstitutionCode::Parse(std::string_view text,
                                                             std::string_view field) {
  if (!IsDigits(text, 10)) {
    return Refuse(
        field, "医療機関コードは10桁の半角数字です（都道府県番号2桁＋点数表番号1桁＋7桁。入力: " +
                   QuoteInput(text) + "）");
  }
  const int pref = (text[0] - '0') * 10 + (text[1] - '0');
  if (pref < 1 || pref > 47) {
    return Refuse(field, "医療機関コードの先頭2桁は都道府県番号（01〜47）です（入力: " +
                             QuoteInput(text) + "）");
  }
  if (text[2] != '1' && text[2] != '3') {
    return Refuse(field, "医療機関コードの3桁目は点数表番号（1: 医科、3: 歯科）です（入力: " +
                             QuoteInput(text) + "）");
  }
  const char check = CheckDigit(text.substr(0, 9));
  if (CheckDigitConfirmed(text) && text[9] != check) {
    return Refuse(field,
                  "医療機関コードの検証番号（10桁目）が一致しません（入力: " + QuoteInput(text) +
                      "、検証番号は " + std::string(1, check) + " です）");
  }
  return MedicalInstitutionCode(std::string(text));
}

bool MedicalInstitutionCode::CheckDigitConfirmed(std::string_view code) {
  const int pref = (code[0] - '0') * 10 + (code[1] - '0');
  if (pref == 47) return false;                                  // no 沖縄県 rows in the data
  if (code[2] == '3' && pref >= 11 && pref <= 14) return false;  // no dental codes of 11–14 either
  return true;
}

PrefectureCode MedicalInstitutionCode::prefecture() const {
  return PrefectureCode::FromNumber((code_[0] - '0') * 10 + (code_[1] - '0'), "code").value();
}

}  // namespace shugo::core
