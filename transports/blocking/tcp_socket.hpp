// A connected TCP socket with deadline-bounded blocking I/O.
//
// The socket is non-blocking underneath; every wait is a poll(2) bounded by a
// core-computed deadline, so connect, read and write timeouts are deadlines,
// not per-syscall timeouts. Errors are core Error values.
#pragma once

#include <cstddef>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::blocking {

class TcpSocket {
 public:
  TcpSocket() = default;
  explicit TcpSocket(int fd) noexcept : fd_(fd) {}
  ~TcpSocket();
  TcpSocket(TcpSocket&& other) noexcept;
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  bool is_open() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  void close() noexcept;

  // Reads what is available (at most out.size()), waiting until `deadline`.
  // Returns 0 at EOF. Errors: read_timeout (with `timeout_code` substituted), connection_reset.
  Result<std::size_t> read_some(MutableBytes out, TimePoint deadline, ErrorCode timeout_code = ErrorCode::read_timeout);
  // Writes everything, waiting until `deadline`. Errors: write_timeout, connection_reset.
  Result<void> write_all(Bytes data, TimePoint deadline);
  // Whether an idle connection is unusable: the peer closed it, reset it, or
  // sent bytes nobody asked for (Hip's is_connection_dropped). Never blocks.
  bool is_dropped() const noexcept;

  // The peer address as "ip:port" (for logs and -v).
  std::string peer_address() const;

 private:
  int fd_ = -1;
};

}  // namespace hipp::blocking
