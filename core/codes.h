// Codes of the domain (docs/domain.md §2), validated on the way in: a bad code is refused with a
// message in Japanese that names the field and the rule, and is never stored.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace shugo::core {

// 都道府県番号 01 (北海道) … 47 (沖縄県).
class PrefectureCode {
 public:
  // kInvalidArgument naming `field` unless 1 <= number <= 47.
  static Result<PrefectureCode> FromNumber(int number, std::string_view field);
  int number() const { return number_; }
  std::string ToString() const;  // "01" … "47"
  friend auto operator<=>(PrefectureCode, PrefectureCode) = default;

 private:
  explicit PrefectureCode(int n) : number_(n) {}
  int number_;
};

// 全国地方公共団体コード: 6 digits; digits 1–2 the prefecture; digit 6 a check digit:
// c = 11 − (6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5) mod 11, check = c mod 10.
class LocalGovCode {
 public:
  // Parses and validates; kInvalidArgument naming `field` (format, prefecture, check digit).
  static Result<LocalGovCode> Parse(std::string_view text, std::string_view field);
  // The check digit of the first five digits. REQUIRES: five ASCII digits.
  static char CheckDigit(std::string_view first_five);

  const std::string& str() const { return code_; }
  PrefectureCode prefecture() const;
  // A prefecture's own code ends in 000 plus its check digit (e.g. 130001 東京都).
  bool is_prefecture() const { return code_.compare(2, 3, "000") == 0; }
  friend auto operator<=>(const LocalGovCode&, const LocalGovCode&) = default;

 private:
  explicit LocalGovCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

// 点数表番号 of a 医療機関コード.
enum class TensuHyo { kMedical = 1, kDental = 3 };

// 医療機関コード (10 digits): 都道府県番号(2) + 点数表番号(1) + 郡市区番号(2) + 医療機関番号(4) +
// 検証番号(1). The check digit is a Luhn-style modulus 10 over the 6 digits 郡市区番号 +
// 医療機関番号 for prefectures 11–14 and over the 9 digits before it elsewhere: a **project**
// reading that all 96,488 real codes of data/reference/medical_institutions_all.csv.gz satisfy
// (SOURCES.md). Where the data cannot confirm it — 沖縄県 (47, absent) and dental codes of 11–14
// (none) — only the format and the prefecture are checked (docs/domain.md §2).
class MedicalInstitutionCode {
 public:
  static Result<MedicalInstitutionCode> Parse(std::string_view text, std::string_view field);
  // The check digit for the first nine digits. REQUIRES: nine ASCII digits.
  static char CheckDigit(std::string_view first_nine);

  // Whether the data confirms the check digit rule for this code's prefecture and 点数表.
  // REQUIRES: ten digits.
  static bool CheckDigitConfirmed(std::string_view code);

  const std::string& str() const { return code_; }
  PrefectureCode prefecture() const;
  TensuHyo tensu_hyo() const { return code_[2] == '3' ? TensuHyo::kDental : TensuHyo::kMedical; }
  friend auto operator<=>(const MedicalInstitutionCode&, const MedicalInstitutionCode&) = default;

 private:
  explicit MedicalInstitutionCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

// True when `text` is exactly `n` ASCII digits.
bool IsDigits(std::string_view text, size_t n);

}  // namespace shugo::core
