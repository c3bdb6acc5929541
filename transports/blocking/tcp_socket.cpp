#include "transports/blocking/tcp_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transports/blocking/clock.hpp"

namespace hipp::blocking {

int poll_timeout_ms(TimePoint deadline, TimePoint now) {
  if (deadline.is_never()) return -1;
  if (deadline <= now) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

namespace {

// Waits for `events` on fd until deadline. Returns false on timeout.
Result<bool> wait_for(int fd, short events, TimePoint deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, poll_timeout_ms(deadline, steady_now()));
    if (rc > 0) return true;
    if (rc == 0) {
      if (steady_now() >= deadline) return false;
      continue;  // woke early because of ms rounding
    }
    if (errno == EINTR) continue;
    return fail(ErrorCode::connection_reset, std::string("poll: ") + std::strerror(errno));
  }
}

}  // namespace

TcpSocket::~TcpSocket() { close(); }

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void TcpSocket::close() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Result<std::size_t> TcpSocket::read_some(MutableBytes out, TimePoint deadline, ErrorCode timeout_code) {
  for (;;) {
    ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(ErrorCode::connection_reset, std::string("recv: ") + std::strerror(errno), ErrorOrigin::remote);
    }
    auto ready = wait_for(fd_, POLLIN, deadline);
    if (!ready) return Unexpected{std::move(ready).error()};
    if (!*ready) return fail(timeout_code, "no data from " + peer_address() + " before the read deadline");
  }
}

Result<void> TcpSocket::write_all(Bytes data, TimePoint deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data = data.subspan(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(ErrorCode::connection_reset, std::string("send: ") + std::strerror(errno), ErrorOrigin::remote);
    }
    auto ready = wait_for(fd_, POLLOUT, deadline);
    if (!ready) return Unexpected{std::move(ready).error()};
    if (!*ready) return fail(ErrorCode::write_timeout, "could not write to " + peer_address() + " before the write deadline");
  }
  return {};
}

bool TcpSocket::is_dropped() const noexcept {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  int rc = ::poll(&p, 1, 0);
  // Readable while idle means EOF, an error, or bytes nobody asked for: all unusable.
  return rc != 0;
}

std::string TcpSocket::peer_address() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char host[INET6_ADDRSTRLEN] = {};
  unsigned port = 0;
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
  port = ntohs(a->sin_port);
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace hipp::blocking
