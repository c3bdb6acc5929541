#include "cli_run.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>

namespace hipp::test {

CliRun run_cli(const std::string& cli, const std::string& args) {
  const std::string command = cli + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("run_cli: cannot start " + command);
  CliRun run;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace hipp::test
