#pragma once
// A private nghttpd (nghttp2's HTTP/2 server, Debian package nghttp2-server) on loopback for interop
// tests, speaking prior-knowledge h2c (`nghttpd --no-tls`). Catch2-independent.
//
// The fixture owns a mkdtemp directory holding the docroot and the server's output, picks a free port on
// 127.0.0.1, runs /usr/sbin/nghttpd in the foreground as its own child (stopped by PID, always reaped)
// and waits until it accepts connections. Startup retries on "address in use".
//
// Served from the docroot: /small (small_size bytes), /big (big_size bytes of 16-byte lines "%015d\n"
// numbered from 0). POST and PUT bodies are echoed back (--echo-upload). Every response with a body ends
// with the trailer "x-fixture: nghttpd" (--trailer).
//
// Not thread-safe; one fixture per test file is the intended use.

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace hipp::test {

struct NghttpdOptions {
  std::uint32_t max_concurrent_streams = 100;  // nghttpd -m
};

class NghttpdFixture {
 public:
  static constexpr std::size_t small_size = 100;
  static constexpr std::size_t big_size = 4 * 1024 * 1024;

  // Starts nghttpd (at most 10 s). Throws std::runtime_error with its output when it cannot start.
  explicit NghttpdFixture(NghttpdOptions options = {});
  // Stops it (SIGTERM, SIGKILL after 3 s), reaps it and removes the directory.
  ~NghttpdFixture();
  NghttpdFixture(const NghttpdFixture&) = delete;
  NghttpdFixture& operator=(const NghttpdFixture&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // "127.0.0.1:<port>", the :authority to send.
  [[nodiscard]] std::string authority() const;
  [[nodiscard]] std::filesystem::path root() const;
  [[nodiscard]] std::string output() const;

 private:
  bool try_start();

  NghttpdOptions options_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChildProcess> server_;
  std::uint16_t port_ = 0;
};

}  // namespace hipp::test
