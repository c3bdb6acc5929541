#pragma once
// Runs the hipp binary with a shell-quoted argument string and collects what it printed. Catch2-independent.

#include <string>

namespace hipp::test {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// `cli` is the binary's path, `args` the rest of the command line (already quoted as a shell needs).
// Throws std::runtime_error when the command cannot be started.
CliRun run_cli(const std::string& cli, const std::string& args);

}  // namespace hipp::test
