// The subcommands of the shugo executable, one .cc each.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace shugo::cli {

// Each Add* registers a subcommand and sets `run` to its action when it is chosen; the action
// returns the process exit code.
using Action = std::function<int()>;

void AddServe(CLI::App& app, Action& run);
void AddVerify(CLI::App& app, Action& run);
void AddBench(CLI::App& app, Action& run);
void AddDomain(CLI::App& app, Action& run);  // demo, info, day
void AddRebuild(CLI::App& app, Action& run);

// Prints "shugo: <what>: <status>" to stderr and returns 1.
int Fail(const std::string& what, const std::string& status);

}  // namespace shugo::cli
