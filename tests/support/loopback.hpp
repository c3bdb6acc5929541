#pragma once
// Loopback socket helpers shared by the fixtures: an owning descriptor, free-port probing, and
// deadline-bounded connect/send/receive so no helper can hang a test.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace hipp::test {

// Owns a file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// True when a TCP socket can be bound to [::1] (containers often run without IPv6).
[[nodiscard]] bool ipv6_loopback_available();

// A port that was free on 127.0.0.1 (and on [::1] too when `also_ipv6`) at the time of the call: the
// kernel picks it (bind to port 0), the probe socket is closed and the number returned. Another process
// may take it before the caller binds, so callers retry on "address in use". Throws std::runtime_error.
[[nodiscard]] std::uint16_t pick_free_port(bool also_ipv6);

// Connects to 127.0.0.1:`port` (or [::1] when `ipv6`) within `timeout`. Returns an invalid Fd on
// failure. The socket is left in blocking mode with TCP_NODELAY set.
[[nodiscard]] Fd connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout, bool ipv6 = false);

// Sends all of `bytes` before `deadline` (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
// Returns false on error, on timeout, or as soon as `cancel_fd` (when >= 0) becomes readable.
[[nodiscard]] bool send_all(int fd, std::string_view bytes, std::chrono::steady_clock::time_point deadline,
                            int cancel_fd = -1);

enum class RecvStatus { Data, Closed, Timeout, Error, Cancelled };

// Waits for data until `deadline`, then appends what one recv() returns (at most `max` bytes) to `out`.
// Returns Cancelled as soon as `cancel_fd` (when >= 0) becomes readable.
RecvStatus recv_some(int fd, std::string& out, std::chrono::steady_clock::time_point deadline, int cancel_fd = -1,
                     std::size_t max = 64 * 1024);

// Sleeps until `deadline`; returns false early when `cancel_fd` (when >= 0) becomes readable.
bool sleep_until(std::chrono::steady_clock::time_point deadline, int cancel_fd = -1);

}  // namespace hipp::test
