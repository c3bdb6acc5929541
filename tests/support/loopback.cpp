#include "loopback.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace hipp::test {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

sockaddr_in loopback4(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

sockaddr_in6 loopback6(std::uint16_t port) {
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(port);
  addr.sin6_addr = in6addr_loopback;
  return addr;
}

bool bind_ipv6(int fd, std::uint16_t port) {
  sockaddr_in6 addr = loopback6(port);
  return ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

// Polls `fd` for `events` and `cancel_fd` for input. Returns 1 when fd is ready, 0 on timeout, -1 on
// error and -2 on cancellation.
int wait_ready(int fd, short events, std::chrono::steady_clock::time_point deadline, int cancel_fd) {
  for (;;) {
    pollfd p[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};
    int ready = ::poll(p, cancel_fd >= 0 ? 2 : 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return ready < 0 ? -1 : 0;
    }
    if (cancel_fd >= 0 && (p[1].revents & POLLIN) != 0) {
      return -2;
    }
    return 1;
  }
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset(other.release());
  }
  return *this;
}

int Fd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void Fd::reset(int fd) noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
  }
  fd_ = fd;
}

bool ipv6_loopback_available() {
  Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd.valid() && bind_ipv6(fd.get(), 0);
}

std::uint16_t pick_free_port(bool also_ipv6) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    sockaddr_in addr = loopback4(0);
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
    }
    std::uint16_t port = ntohs(addr.sin_port);
    if (!also_ipv6) {
      return port;
    }
    Fd fd6(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd6.valid() && bind_ipv6(fd6.get(), port)) {
      return port;
    }
  }
  throw std::runtime_error("no port free on both 127.0.0.1 and [::1]");
}

Fd connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout, bool ipv6) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Fd fd(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return {};
  }
  sockaddr_in a4 = loopback4(port);
  sockaddr_in6 a6 = loopback6(port);
  int r = ipv6 ? ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a6), sizeof a6)
               : ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a4), sizeof a4);
  if (r != 0) {
    if (errno != EINPROGRESS) {
      return {};
    }
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) {
      return {};
    }
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
      return {};
    }
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool sleep_until(std::chrono::steady_clock::time_point deadline, int cancel_fd) {
  if (cancel_fd < 0) {
    std::this_thread::sleep_until(deadline);
    return true;
  }
  pollfd p{cancel_fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&p, 1, remaining_ms(deadline));
  } while (ready < 0 && errno == EINTR);
  return ready == 0;
}

bool send_all(int fd, std::string_view bytes, std::chrono::steady_clock::time_point deadline, int cancel_fd) {
  while (!bytes.empty()) {
    if (wait_ready(fd, POLLOUT, deadline, cancel_fd) != 1) {
      return false;
    }
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

RecvStatus recv_some(int fd, std::string& out, std::chrono::steady_clock::time_point deadline, int cancel_fd,
                     std::size_t max) {
  for (;;) {
    switch (wait_ready(fd, POLLIN, deadline, cancel_fd)) {
      case 1:
        break;
      case 0:
        return RecvStatus::Timeout;
      case -2:
        return RecvStatus::Cancelled;
      default:
        return RecvStatus::Error;
    }
    std::size_t old = out.size();
    out.resize(old + max);
    ssize_t n = ::recv(fd, out.data() + old, max, MSG_DONTWAIT);
    if (n < 0) {
      out.resize(old);
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        continue;
      }
      return RecvStatus::Error;
    }
    out.resize(old + static_cast<std::size_t>(n));
    return n == 0 ? RecvStatus::Closed : RecvStatus::Data;
  }
}

}  // namespace hipp::test
