#pragma once
// A child process the test owns: started with fork/exec, stopped by its own PID (never by name), and
// always reaped, so a failing test leaves neither a running server nor a zombie behind.

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hipp::test {

class ChildProcess {
 public:
  // Runs argv[0] (an absolute path; no PATH search) with stdin from /dev/null and stdout and stderr
  // appended to `output`. Throws std::runtime_error when fork fails; when exec fails the child exits
  // with status 127 and says why in `output`.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output);
  // Calls stop(SIGQUIT, 5 s).
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  // True while the child has not exited; reaps it once it has.
  [[nodiscard]] bool running();

  // Sends `signal`, waits up to `grace` for the exit, then SIGKILLs and reaps. Idempotent.
  void stop(int signal, std::chrono::milliseconds grace);

  // Waits up to `timeout` for the child to exit on its own and returns its exit code (128 + signal
  // number when a signal ended it). On timeout the child is killed and -1 returned.
  int wait(std::chrono::milliseconds timeout);

 private:
  void reaped(int status) noexcept;

  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
};

}  // namespace hipp::test
