#pragma once
// A private httpbin (`/usr/bin/python3 -m httpbin.core`, Debian's python3-httpbin) on loopback for
// interop tests. Catch2-independent.
//
// The server picks its own port (--port 0; werkzeug prints "Running on http://127.0.0.1:<port>"), so
// there is no window in which another process could take it. Its output goes to a private mkdtemp
// directory; the destructor stops it by PID (SIGTERM, SIGKILL after 3 s) and reaps it.

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hipp::test {

class HttpbinFixture {
 public:
  // Starts httpbin and waits (at most 20 s) until GET /get answers 200. Throws std::runtime_error with
  // the server's output when it cannot start.
  HttpbinFixture();
  ~HttpbinFixture();
  HttpbinFixture(const HttpbinFixture&) = delete;
  HttpbinFixture& operator=(const HttpbinFixture&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // "http://127.0.0.1:<port><path>"; `path` starts with '/'.
  [[nodiscard]] std::string url(std::string_view path) const;
  // What the server printed so far (werkzeug logs one line per request).
  [[nodiscard]] std::string output() const;

 private:
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChildProcess> server_;
  std::uint16_t port_ = 0;
};

}  // namespace hipp::test
