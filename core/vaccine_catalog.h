// The 疾病・ワクチン master's initial load (F-1-6/7): data/reference/vaccines.csv, checked against
// routine_diseases.csv. The vaccines F-2 settings and F-10 campaigns may name.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"

namespace shugo::core {

struct VaccineInfo {
  std::string id;            // vaccine_id: the stable key (the data has no GTIN)
  std::string group;         // vaccine_group, e.g. 五種混合(DPT-IPV-Hib)
  std::string product_name;  // 販売名
  std::string routine_status;
  std::vector<std::string> diseases;  // disease ids of routine_diseases.csv
  // A product every municipality must register for 定期接種 (F-2-1-2 登録チェック): in current
  // routine use, or transitional for series started on it (**project**: not legacy/unverified).
  bool routine_required() const {
    return routine_status == "current" || routine_status == "transitional";
  }
};

class VaccineCatalog {
 public:
  // Reads `reference_dir`/vaccines.csv and checks its disease ids against routine_diseases.csv.
  // kNotFound for a missing file; kDataLoss naming file and line for a malformed row.
  static Result<std::shared_ptr<const VaccineCatalog>> Load(const std::string& reference_dir);

  // The vaccine with this id, or nullptr.
  const VaccineInfo* Find(std::string_view id) const;
  const std::vector<VaccineInfo>& vaccines() const { return vaccines_; }
  // The diseases of routine_diseases.csv: id and 疾病名, in the file's order.
  const std::vector<std::pair<std::string, std::string>>& diseases() const { return diseases_; }

 private:
  VaccineCatalog() = default;
  std::vector<VaccineInfo> vaccines_;
  std::vector<std::pair<std::string, std::string>> diseases_;
  std::unordered_map<std::string, size_t> by_id_;
};

}  // namespace shugo::core
