// shugo demo: builds a data directory from the real reference data (data/reference/) by running
// real commands through the command processor over a simulated year of business days.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/processor.h"

namespace shugo::demo {

struct DemoOptions {
  std::filesystem::path dir;
  std::string scale = "small";      // small | national
  std::filesystem::path reference;  // data/reference
  bool progress = true;             // a progress bar on stderr
  uint64_t seed = 20250401;
};

struct DemoReport {
  uint64_t commands = 0;
  uint64_t refused = 0;  // commands the processor refused on purpose (they stay out of the log)
  uint64_t head = 0;
  double seconds = 0;
};

// Builds the demo into options.dir, which must not hold a log yet.
Result<DemoReport> BuildDemo(const DemoOptions& options);

// The processor's options from the reference data in `reference` (the 疾病・ワクチン master).
Result<core::ProcessorOptions> ProcessorOptionsFor(const std::filesystem::path& reference);
// The same for the demo (and `serve` in demo mode): go-live 2025-04-01, 適合基準日 2027-04-01.
Result<core::ProcessorOptions> DemoProcessorOptions(const std::filesystem::path& reference);

// The demo's ready users (README "Demo users"): one per kind of organisation in Tokyo (13) or
// nationally, and a municipality, a 郡市区医師会 and an institution in a second prefecture. They
// share kDemoPassword, skip the first-login password change, and are asked the mailed second
// factor once.
inline constexpr const char* kDemoPassword = "Shugo-Demo-2025";
struct DemoUser {
  std::string login_id;
  core::OrgId org = 0;
  std::string org_code, org_name;
  core::OrganisationKind kind = core::OrganisationKind::kMhlw;
  int prefecture = 0;
};
std::vector<DemoUser> PickDemoUsers(const core::State& state);

// The reference data directory compiled in (the source tree's data/reference).
std::filesystem::path DefaultReferenceDir();

}  // namespace shugo::demo
