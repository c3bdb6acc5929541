#pragma once
// A private nginx on loopback for interop tests. Catch2-independent.
//
// Each fixture gets its own mkdtemp directory holding the config, docroot, pid, logs and every
// *_temp_path, and its own free port on 127.0.0.1 (and the same port on [::1] when IPv6 loopback works),
// so parallel test processes never collide and nothing touches /etc/nginx or /var/lib/nginx. The config
// comes from scripts/nginx-fixture (`config` command), the one place it is written; the fixture then runs
// /usr/sbin/nginx itself in the foreground with a single process ("daemon off; master_process off;"), so
// it owns the PID and a SIGKILL can never leave an orphaned worker.
//
// Served (see scripts/nginx-fixture): /small (small_size bytes), /robots.txt, /big (big_size bytes of
// 16-byte lines "%015d\n" numbered from 0), /empty, /status/{200,204,304,404,500}, /close (answers with
// "Connection: close"), /redirect (302 to /small), /echo (reads the whole request body, any size or
// chunked; answers 200 "ok\n" with X-Received-Length: decoded body size, X-Request-Length: raw request
// bytes, X-Content-Length). keepalive_requests 1000, keepalive_timeout 60s.
//
// Not thread-safe; one fixture per test is the intended use (startup takes about 0.2 s).

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hipp::test {

// One access log line. nginx writes it when a request completes, so it may appear just after the client
// has the response: use NginxFixture::wait_for_access_log.
struct AccessLogEntry {
  std::uint64_t connection = 0;           // $connection: serial number of the TCP connection
  std::uint64_t connection_requests = 0;  // $connection_requests: 1 for the first request on it
  std::string request;                    // $request: "GET /small HTTP/1.1"
  int status = 0;                         // $status
  std::uint64_t body_bytes_sent = 0;      // $body_bytes_sent
  std::uint64_t request_length = 0;       // $request_length: request line, fields and body
  std::string ssl_session_reused;         // $ssl_session_reused: "r" resumed TLS session, "." full
                                          // handshake, "-" plain HTTP; empty in a 6-field line
};

// Serve TLS instead of plain HTTP (same paths, same port): TLS 1.2 and 1.3, ALPN h2 and http/1.1.
struct NginxTls {
  std::filesystem::path cert;       // PEM: the leaf, then its chain
  std::filesystem::path key;        // PEM, unencrypted
  std::filesystem::path client_ca;  // non-empty: demand a client certificate signed by this CA
                                    // (nginx then answers 400 to requests without one)
};

class NginxFixture {
 public:
  static constexpr std::size_t small_size = 100;
  static constexpr std::size_t big_size = 8 * 1024 * 1024;

  // Starts nginx and waits until it accepts connections (at most 10 s). Throws std::runtime_error
  // carrying nginx's error log when it cannot start.
  NginxFixture();
  // The same, serving TLS (see NginxTls); url() still says "http://", build https URLs from port().
  explicit NginxFixture(NginxTls tls);
  // Stops nginx (SIGQUIT, SIGKILL after 3 s), reaps it and removes the directory.
  ~NginxFixture();
  NginxFixture(const NginxFixture&) = delete;
  NginxFixture& operator=(const NginxFixture&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] bool has_ipv6() const noexcept { return ipv6_; }
  // "http://127.0.0.1:<port><path>"; `path` starts with '/'.
  [[nodiscard]] std::string url(std::string_view path) const;
  // "http://[::1]:<port><path>", or an empty string without IPv6 loopback.
  [[nodiscard]] std::string url6(std::string_view path) const;
  // The docroot: small, robots.txt, big, empty.
  [[nodiscard]] std::filesystem::path root() const;
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_->path(); }

  // The access log as written so far, parsed; malformed lines are skipped.
  [[nodiscard]] std::vector<AccessLogEntry> access_log() const;
  // Polls the access log until it holds at least `count` entries or `timeout` passes; returns what is
  // there then (callers check the size).
  [[nodiscard]] std::vector<AccessLogEntry> wait_for_access_log(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  [[nodiscard]] std::string error_log() const;

 private:
  // One startup attempt on `port_`; returns false when the port was taken meanwhile, throws otherwise.
  bool try_start();

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChildProcess> nginx_;
  std::uint16_t port_ = 0;
  bool ipv6_ = false;
  std::optional<NginxTls> tls_;
};

// Parses one tab-separated access log line (6 fields, or 7 with $ssl_session_reused); nullopt when it is
// malformed.
[[nodiscard]] std::optional<AccessLogEntry> parse_access_log_line(std::string_view line);

}  // namespace hipp::test
