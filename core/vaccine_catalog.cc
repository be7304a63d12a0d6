#include "core/vaccine_catalog.h"

#include <fstream>
#include <set>
#include <sstream>

namespace shugo::core {

namespace {

// The files have no quoted fields (data/reference/SOURCES.md), so a comma always separates.
std::vector<std::string> SplitCsv(const std::string& line, char sep = ',') {
  std::vector<std::string> cols;
  std::stringstream ss(line);
  for (std::string col; std::getline(ss, col, sep);) cols.push_back(col);
  if (!line.empty() && line.back() == sep) cols.emplace_back();
  return cols;
}

// Every row of `path` after the header, which must start with `first_column`.
Result<std::vector<std::vector<std::string>>> ReadCsv(const std::string& path,
                                                      const std::string& first_column,
                                                      size_t columns) {
  std::ifstream in(path);
  if (!in.good()) return Status::NotFound(path + ": cannot be read");
  std::vector<std::vector<std::string>> rows;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cols = SplitCsv(line);
    if (number == 1) {
      if (cols.empty() || cols[0] != first_column) {
        return Status::DataLoss(path + ": line 1 is not the expected header");
      }
      continue;
    }
    if (line.empty()) continue;
    if (cols.size() != columns || cols[0].empty()) {
      return Status::DataLoss(path + ": line " + std::to_string(number) + " has " +
                              std::to_string(cols.size()) + " columns, not " +
                              std::to_string(columns));
    }
    rows.push_back(std::move(cols));
  }
  return rows;
}

}  // namespace

Result<std::shared_ptr<const VaccineCatalog>> VaccineCatalog::Load(
    const std::string& reference_dir) {
  SHUGO_ASSIGN_OR_RETURN(auto diseases,
                         ReadCsv(reference_dir + "/routine_diseases.csv", "disease_id", 9));
  std::shared_ptr<VaccineCatalog> catalog(new VaccineCatalog());
  std::set<std::string> disease_ids;
  for (const auto& row : diseases) {
    disease_ids.insert(row[0]);
    catalog->diseases_.push_back({row[0], row[2]});
  }
  const std::string path = reference_dir + "/vaccines.csv";
  SHUGO_ASSIGN_OR_RETURN(auto rows, ReadCsv(path, "vaccine_id", 15));
  for (auto& row : rows) {
    VaccineInfo v;
    v.id = row[0];
    v.diseases = SplitCsv(row[1], ';');
    v.group = row[2];
    v.product_name = row[3];
    v.routine_status = row[9];
    for (const std::string& disease : v.diseases) {
      if (!disease_ids.contains(disease)) {
        return Status::DataLoss(path + ": " + v.id + " names an unknown disease " + disease);
      }
    }
    if (!catalog->by_id_.emplace(v.id, catalog->vaccines_.size()).second) {
      return Status::DataLoss(path + ": vaccine " + v.id + " listed twice");
    }
    catalog->vaccines_.push_back(std::move(v));
  }
  return std::shared_ptr<const VaccineCatalog>(std::move(catalog));
}

const VaccineInfo* VaccineCatalog::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &vaccines_[it->second];
}

}  // namespace shugo::core
