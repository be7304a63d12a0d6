// Code rules of docs/domain.md §2, checked against the real reference data in data/reference/.
#include "core/codes.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/kinds.h"

#ifndef SHUGO_REFERENCE_DIR
#error "SHUGO_REFERENCE_DIR must point at data/reference"
#endif

namespace shugo::core {
namespace {

std::vector<std::string> Column(const std::vector<std::string>& lines, size_t index) {
  std::vector<std::string> out;
  for (size_t i = 1; i < lines.size(); ++i) {  // skip the header
    size_t start = 0;
    for (size_t c = 0; c < index; ++c) start = lines[i].find(',', start) + 1;
    out.push_back(lines[i].substr(start, lines[i].find(',', start) - start));
  }
  return out;
}

std::vector<std::string> ReadLines(const std::string& name) {
  std::ifstream in(std::string(SHUGO_REFERENCE_DIR) + "/" + name);
  REQUIRE_MESSAGE(in.good(), "missing reference file ", name);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> ReadGzipLines(const std::string& name) {
  gzFile f = gzopen((std::string(SHUGO_REFERENCE_DIR) + "/" + name).c_str(), "rb");
  REQUIRE_MESSAGE(f != nullptr, "missing reference file ", name);
  std::vector<std::string> lines;
  std::string line;
  char buf[4096];
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      lines.push_back(line);
      line.clear();
    }
  }
  gzclose(f);
  return lines;
}

TEST_CASE("F-1-1: every 全国地方公共団体コード of municipalities.csv passes the check digit rule") {
  const auto codes = Column(ReadLines("municipalities.csv"), 0);
  REQUIRE_EQ(codes.size(), 1959u);
  int prefectures = 0, failures = 0;
  for (const auto& code : codes) {
    auto parsed = LocalGovCode::Parse(code, "lgcode");
    if (!parsed.ok()) {
      ++failures;
      MESSAGE(parsed.status().ToString());
      continue;
    }
    CHECK_EQ(parsed->str(), code);
    if (parsed->is_prefecture()) ++prefectures;
  }
  CHECK_EQ(failures, 0);
  CHECK_EQ(prefectures, 47);
}

TEST_CASE(
    "F-1-1: a 全国地方公共団体コード with a wrong check digit or format is refused naming the "
    "field") {
  // 131016 千代田区 is right; every other last digit is wrong.
  REQUIRE(LocalGovCode::Parse("131016", "delegator").ok());
  for (char d = '0'; d <= '9'; ++d) {
    if (d == '6') continue;
    auto r = LocalGovCode::Parse(std::string("13101") + d, "delegator");
    CHECK_EQ(r.status().code(), StatusCode::kInvalidArgument);
    CHECK_EQ(r.status().field(), "delegator");
    CHECK_NE(r.status().message().find("検査数字"), std::string::npos);
  }
  // Both edge cases of the rule: remainder 0 gives check digit 1, remainder 1 gives 0.
  CHECK_EQ(LocalGovCode::CheckDigit("01101"), '1');  // 札幌市中央区 011011: Σ = 11
  CHECK_EQ(LocalGovCode::CheckDigit("01107"), '0');  // 札幌市厚別区 011070: Σ = 23
  CHECK(LocalGovCode::Parse("011011", "x").ok());
  CHECK(LocalGovCode::Parse("011070", "x").ok());
  for (const char* bad : {"13101", "1310166", "13101a", "１３１０１６", ""}) {
    auto r = LocalGovCode::Parse(bad, "municipality");
    CHECK_EQ(r.status().code(), StatusCode::kInvalidArgument);
    CHECK_EQ(r.status().field(), "municipality");
  }
  // Right check digits, impossible prefectures: the prefecture rule itself refuses them.
  for (const char* bad : {"481009", "001007"}) {
    auto r = LocalGovCode::Parse(bad, "municipality");
    CHECK_NE(r.status().message().find("都道府県番号"), std::string::npos);
  }
  // A refusal of long multi-byte input still carries valid, bounded UTF-8.
  auto wide = LocalGovCode::Parse("１２３４５６７８９０１２", "municipality");
  const std::string& m = wide.status().message();
  CHECK_LT(m.size(), 400u);
  CHECK_NE(m.find("１２３４５６７８９０…"), std::string::npos);
  CHECK_EQ(LocalGovCode::Parse("131016", "x")->prefecture().ToString(), "13");
}

TEST_CASE(
    "F-1-4-3: every 医療機関コード of the 96488 real institutions passes the check digit rule") {
  const auto lines = ReadGzipLines("medical_institutions_all.csv.gz");
  const auto codes = Column(lines, 0);
  REQUIRE_EQ(codes.size(), 96488u);
  int failures = 0, dental = 0;
  for (const auto& code : codes) {
    auto parsed = MedicalInstitutionCode::Parse(code, "code");
    if (!parsed.ok()) {
      if (++failures <= 5) MESSAGE(parsed.status().ToString());
      continue;
    }
    if (parsed->tensu_hyo() == TensuHyo::kDental) ++dental;
  }
  CHECK_EQ(failures, 0);
  CHECK_EQ(dental, 27);  // 医科歯科 clinics listed with their dental code (SOURCES.md)
}

TEST_CASE(
    "F-1-4-3: a 医療機関コード with a wrong check digit or format is refused naming the field") {
  const std::string good = Column(ReadLines("medical_institutions_sample.csv"), 0).front();
  REQUIRE(MedicalInstitutionCode::Parse(good, "code").ok());
  std::string wrong = good;
  wrong[9] = static_cast<char>('0' + (good[9] - '0' + 1) % 10);
  auto r = MedicalInstitutionCode::Parse(wrong, "institution_code");
  CHECK_EQ(r.status().code(), StatusCode::kInvalidArgument);
  CHECK_EQ(r.status().field(), "institution_code");
  CHECK_NE(r.status().message().find("検証番号"), std::string::npos);
  std::string tensu = good;
  tensu[2] = '2';
  CHECK_NE(MedicalInstitutionCode::Parse(tensu, "c").status().message().find("点数表番号"),
           std::string::npos);
  std::string pref = good;
  pref[0] = '4';
  pref[1] = '8';
  CHECK_NE(MedicalInstitutionCode::Parse(pref, "c").status().message().find("都道府県番号"),
           std::string::npos);
  CHECK_EQ(MedicalInstitutionCode::Parse("011011274", "c").status().code(),
           StatusCode::kInvalidArgument);
  // Where the data cannot confirm the rule (沖縄県; dental codes of 11–14) only the format counts.
  CHECK(MedicalInstitutionCode::Parse("4711234560", "c").ok());
  CHECK(MedicalInstitutionCode::Parse("4711234561", "c").ok());
  CHECK_FALSE(MedicalInstitutionCode::CheckDigitConfirmed("1331234567"));
  CHECK(MedicalInstitutionCode::CheckDigitConfirmed("1311234567"));
  // Tokyo (13) checks only the 6 digits after 点数表番号; the same 6 digits pass as 医科 or 歯科.
  const char check = MedicalInstitutionCode::CheckDigit("131012345");
  CHECK_EQ(MedicalInstitutionCode::CheckDigit("133012345"), check);
  CHECK(MedicalInstitutionCode::Parse(std::string("131012345") + check, "c").ok());
}

TEST_CASE(
    "domain §2-3: every organisation kind and contract type has one code name and a Japanese "
    "name") {
  CHECK_EQ(OrganisationKinds().size(), 13u);
  for (const auto& row : OrganisationKinds()) {
    CHECK_EQ(ParseOrganisationKind(row.code, "kind").value(), row.value);
    CHECK_EQ(CodeName(row.value), row.code);
    CHECK_FALSE(JapaneseName(row.value).empty());
  }
  CHECK_EQ(ContractTypes().size(), 4u);
  for (const auto& row : ContractTypes()) {
    CHECK_EQ(ParseContractType(row.code, "contract_type").value(), row.value);
    CHECK_EQ(JapaneseName(row.value), row.japanese);
  }
  auto bad = ParseContractType("定期", "contract_type");
  CHECK_EQ(bad.status().field(), "contract_type");
  CHECK_NE(bad.status().message().find("routine"), std::string::npos);  // lists the accepted names
  CHECK_EQ(JapaneseName(ContractType::kVoluntarySubsidy), "任意助成");
  CHECK_EQ(CodeName(OrganisationKind::kLocalMedicalAssociation), "local_medical_association");
}

}  // namespace
}  // namespace shugo::core
