// The read models (docs/projections.md): one Projection per purpose, each owning its tables in
// the projection file and writing a batch's rows with prepared statements inside the runner's
// transaction.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/vaccine_catalog.h"
#include "projections/internal/batch.h"
#include "projections/internal/sqlite.h"

namespace shugo::projections::internal {

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  // Its CREATE TABLE statements, then "-- @indexes" and its CREATE INDEX statements (built after
  // a bulk load, where they are cheaper to sort once than to grow row by row).
  virtual std::string schema() const = 0;
  // Its tables in content-hash order (each hashed in primary-key order).
  virtual std::vector<std::string> tables() const = 0;
  // Virtual tables over its tables, dropped before them and not hashed.
  virtual std::vector<std::string> dependents() const { return {}; }
  // Rows that come from reference data rather than the log, written when its tables are created,
  // and written again (Reseed) when the reference data's fingerprint changes.
  virtual Status Seed(Database& /*db*/) { return Status::Ok(); }
  virtual Status Reseed(Database& /*db*/) { return Status::Ok(); }
  virtual std::string ReferenceFingerprint() const { return {}; }
  virtual Status Prepare(Database& db) = 0;
  // Writes one batch (never one its checkpoint already covers: a batch never straddles a
  // checkpoint).
  virtual Status Write(const Batch& batch) = 0;
  // Its rows are made of the letters or public rows a batch copies from the state alone: it skips
  // a deferred batch (Batch::deferred) and writes them with the batch that carries them.
  virtual bool Deferrable() const { return false; }
};

// Every projection, in the order they are written (names are unique).
std::vector<std::unique_ptr<Projection>> MakeProjections(
    std::shared_ptr<const core::VaccineCatalog> catalog);

// The names MakeProjections() makes, in its order.
std::vector<std::string> ProjectionNames();

// Splits a projection's schema() at "-- @indexes".
std::pair<std::string_view, std::string_view> SplitSchema(std::string_view schema);

}  // namespace shugo::projections::internal
