#pragma once
// Runs the hipp binary with a shell-quoted argument string and collects what it printed. Catch2-independent.

#include <string>
#include <vector>

namespace hipp::test {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// `cli` is the binary's path, `args` the rest of the command line (already quoted as a shell needs).
// Throws std::runtime_error when the command cannot be started.
CliRun run_cli(const std::string& cli, const std::string& args);

// Runs `cli` with `args` (no shell) with its stderr on a new pseudo-terminal (openpty(3)), as a user's
// terminal would be; stdout is the same terminal when `stdout_on_terminal`, else /dev/null. `out` is
// everything the terminal received (its line discipline turns "\n" into "\r\n"). Waits at most
// `timeout_seconds`, then kills the child and reports exit_code -1. Throws std::runtime_error when the
// terminal or the process cannot be made.
CliRun run_cli_on_terminal(const std::string& cli, const std::vector<std::string>& args, bool stdout_on_terminal,
                           int timeout_seconds = 30);

}  // namespace hipp::test
