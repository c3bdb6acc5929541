#include "transports/blocking/tcp_connect.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transports/blocking/clock.hpp"

namespace hipp::blocking {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const noexcept { ::freeaddrinfo(ai); }
};

// Starts a non-blocking connect and waits for it until `deadline`.
Result<TcpSocket> connect_one(const addrinfo& ai, TimePoint deadline) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) {
    return fail(ErrorCode::connect_failed, std::string("socket: ") + std::strerror(errno));
  }
  TcpSocket socket(fd);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0) return socket;
  if (errno != EINPROGRESS) {
    return fail(ErrorCode::connect_failed, std::strerror(errno));
  }
  for (;;) {
    pollfd p{fd, POLLOUT, 0};
    int rc = ::poll(&p, 1, poll_timeout_ms(deadline, steady_now()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0 && steady_now() < deadline) continue;
    if (rc == 0) {
      return fail(ErrorCode::connect_timeout, "connect did not complete before the connect deadline");
    }
    break;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    return fail(ErrorCode::connect_failed, std::strerror(err));
  }
  return socket;
}

}  // namespace

Result<TcpSocket> tcp_connect(const std::string& host, std::uint16_t port, TimePoint deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* raw = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    // AI_ADDRCONFIG hides loopback-only families on machines without other
    // interfaces; retry without it before giving up.
    hints.ai_flags = 0;
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  }
  if (rc != 0) {
    return fail(ErrorCode::resolve_failed, "could not resolve '" + host + "': " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);

  Error last = make_error(ErrorCode::connect_failed, "no address for '" + host + "'");
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    auto socket = connect_one(*ai, deadline);
    if (socket) return socket;
    last = std::move(socket).error();
    if (last.code == ErrorCode::connect_timeout) break;  // the deadline is shared by every address
  }
  last.detail = "failed to connect to " + host + " port " + std::to_string(port) + ": " + last.detail;
  return Unexpected{std::move(last)};
}

}  // namespace hipp::blocking
