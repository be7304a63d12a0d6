// shugo: the engine of the vaccination collective contract. One binary, one subcommand per job.
#include <cstdio>

#include "cli/commands.h"

namespace shugo::cli {

int Fail(const std::string& what, const std::string& status) {
  std::fprintf(stderr, "shugo: %s: %s\n", what.c_str(), status.c_str());
  return 1;
}

}  // namespace shugo::cli

int main(int argc, char** argv) {
  CLI::App app{
      "shugo — 予防接種 集合契約システム: the event-sourced engine of the vaccination collective "
      "contract"};
  app.require_subcommand(1);
  shugo::cli::Action run;
  shugo::cli::AddServe(app, run);
  shugo::cli::AddVerify(app, run);
  shugo::cli::AddBench(app, run);
  shugo::cli::AddDomain(app, run);
  shugo::cli::AddRebuild(app, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 2;
}
