#include "transports/blocking/tcp_connect.hpp"

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "transports/blocking/clock.hpp"
#include "transports/blocking/resolve.hpp"
#include "transports/blocking/socket_address.hpp"

namespace hipp::blocking {

namespace {

// How a connect that was just started stands.
enum class Started { in_progress, connected };

// Opens a non-blocking socket for `address` and starts connecting it into `socket`.
// Errors: connect_failed with the reason alone (HappyEyeballs names the address).
Result<Started> start_connect(const connect::Address& address, TcpSocket& socket) {
  auto target = socket_address(address);
  if (!target) return Unexpected{std::move(target).error()};
  const int fd = ::socket(target->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::connect_failed, std::string("socket: ") + std::strerror(errno));
  socket = TcpSocket(fd);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, target->get(), target->length) == 0) return Started::connected;
  if (errno != EINPROGRESS) return fail(ErrorCode::connect_failed, std::strerror(errno));
  return Started::in_progress;
}

// The outcome of a connect that poll() reported ready: success, or the reason it failed.
Result<void> finished_connect(const TcpSocket& socket) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return fail(ErrorCode::connect_failed, std::strerror(err));
  return {};
}

}  // namespace

Result<TcpSocket> tcp_connect(const std::string& host, std::uint16_t port, TimePoint deadline,
                              const ConnectOptions& options) {
  auto addresses = resolve(host, port, options.dns_cache, steady_now());
  if (!addresses) return Unexpected{std::move(addresses).error()};
  auto socket = tcp_connect_addresses(host, port, std::move(*addresses), deadline, options.happy_eyeballs_delay);
  // Addresses that all failed may be stale: the next connection asks the resolver again.
  if (!socket && options.dns_cache != nullptr) options.dns_cache->forget(host, port);
  return socket;
}

Result<TcpSocket> tcp_connect_addresses(const std::string& host, std::uint16_t port,
                                        std::vector<connect::Address> addresses, TimePoint deadline,
                                        Duration happy_eyeballs_delay) {
  connect::HappyEyeballs he(host, port, std::move(addresses),
                            {.attempt_delay = happy_eyeballs_delay, .deadline = deadline});
  std::vector<TcpSocket> sockets(he.attempts().size());  // by attempt index; open while connecting
  std::vector<pollfd> waiting;
  std::vector<std::size_t> waiting_index;
  for (;;) {
    const TimePoint now = steady_now();
    connect::ConnectStep step = he.next_step(now);
    if (auto* start = std::get_if<connect::StartAttempt>(&step)) {
      auto started = start_connect(start->address, sockets[start->index]);
      // The reports cannot fail: the index is the one just started.
      if (!started) {
        sockets[start->index].close();
        (void)he.on_attempt_failed(start->index, std::move(started).error(), now);
      } else if (*started == Started::connected) {
        (void)he.on_attempt_connected(start->index, now);
      }
      continue;
    }
    if (auto* connected = std::get_if<connect::Connected>(&step)) {
      for (std::size_t i : connected->cancel) sockets[i].close();
      return std::move(sockets[connected->index]);
    }
    if (auto* failed = std::get_if<connect::Failed>(&step)) {
      for (std::size_t i : failed->cancel) sockets[i].close();
      return Unexpected{std::move(failed->error)};
    }

    // WaitUntil: until the next attempt is due (or the deadline), or until a connect in flight finishes.
    const TimePoint until = std::get<connect::WaitUntil>(step).at;
    waiting.clear();
    waiting_index.clear();
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      if (he.attempts()[i].state != connect::AttemptState::connecting) continue;
      waiting.push_back(pollfd{sockets[i].fd(), POLLOUT, 0});
      waiting_index.push_back(i);
    }
    const int rc = ::poll(waiting.data(), waiting.size(), poll_timeout_ms(until, now));
    if (rc < 0 && errno != EINTR) {
      return fail(ErrorCode::connect_failed, "failed to connect to " + host + " port " + std::to_string(port) +
                                                 ": poll: " + std::strerror(errno));
    }
    const TimePoint ready_at = steady_now();
    for (std::size_t k = 0; rc > 0 && k < waiting.size(); ++k) {
      if (waiting[k].revents == 0) continue;
      const std::size_t i = waiting_index[k];
      if (auto done = finished_connect(sockets[i]); done) {
        (void)he.on_attempt_connected(i, ready_at);
        break;  // the others are cancelled: next_step says Connected
      } else {
        sockets[i].close();
        (void)he.on_attempt_failed(i, std::move(done).error(), ready_at);
      }
    }
  }
}

}  // namespace hipp::blocking
