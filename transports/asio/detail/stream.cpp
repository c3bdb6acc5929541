#include "transports/asio/detail/stream.hpp"

#include <array>
#include <cerrno>
#include <sys/socket.h>

#include <asio/error.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "transports/api/steady_clock.hpp"

namespace hipp::async::detail {

namespace {

constexpr std::size_t kHandshakeReadSize = 16 * 1024;

// The error of a failed socket operation. An abort is ours (the deadline's timer cancelled the socket) or
// the caller's (a cancellation slot).
Error socket_error(const std::error_code& ec, bool timed_out, ErrorCode on_timeout, const char* what) {
  if (timed_out) return make_error(on_timeout, std::string(what) + " did not complete before its deadline");
  if (ec == asio::error::operation_aborted) return make_error(ErrorCode::cancelled, std::string(what) + " cancelled");
  return make_error(ErrorCode::connection_reset, std::string(what) + ": " + ec.message(), ErrorOrigin::remote);
}

}  // namespace

// One armed deadline. `done` tells a timer handler that ran late (its wait completed just as the operation
// did) to leave the socket alone: by then the Stream may be doing something else, or be gone.
struct Stream::Deadline {
  bool fired = false;
  bool done = false;
};

Stream::Stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)), timer_(socket_.get_executor()) {}

Stream::~Stream() = default;

std::shared_ptr<Stream::Deadline> Stream::arm(TimePoint deadline) {
  if (deadline.is_never()) return nullptr;
  auto d = std::make_shared<Deadline>();
  timer_.expires_at(to_steady(deadline));
  timer_.async_wait([d, this](const std::error_code& ec) {
    if (ec || d->done) return;
    d->fired = true;
    std::error_code ignored;
    socket_.cancel(ignored);
  });
  return d;
}


asio::awaitable<Result<void>> Stream::write_raw(Bytes wire, TimePoint deadline) {
  if (wire.empty()) co_return Result<void>{};
  auto d = arm(deadline);
  std::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(wire.data(), wire.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  const bool fired = d && d->fired;
  if (d) {
    d->done = true;
    timer_.cancel();
  }
  if (ec) co_return Unexpected{socket_error(ec, fired, ErrorCode::write_timeout, "write")};
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Stream::write(Bytes plaintext, TimePoint deadline) {
  if (!tls_) co_return co_await write_raw(plaintext, deadline);
  if (!plaintext.empty()) {
    if (auto sealed = tls_->write(plaintext); !sealed) co_return Unexpected{std::move(sealed).error()};
  }
  Bytes records = tls_->pending_output();
  if (records.empty()) co_return Result<void>{};
  auto written = co_await write_raw(records, deadline);
  if (written) tls_->consume_output(records.size());
  co_return written;
}

asio::awaitable<Result<std::size_t>> Stream::read_raw(std::span<std::byte> buffer, TimePoint deadline,
                                                      ErrorCode on_timeout) {
  auto d = arm(deadline);
  std::error_code ec;
  const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                         asio::redirect_error(asio::use_awaitable, ec));
  const bool fired = d && d->fired;
  if (d) {
    d->done = true;
    timer_.cancel();
  }
  if (ec == asio::error::eof) co_return std::size_t{0};
  if (ec) co_return Unexpected{socket_error(ec, fired, on_timeout, "read")};
  co_return n;
}

asio::awaitable<Result<void>> Stream::handshake(TimePoint deadline) {
  std::array<std::byte, kHandshakeReadSize> raw{};
  for (;;) {
    if (auto sent = co_await write({}, deadline); !sent) co_return sent;
    while (tls_->next_event()) {
    }
    if (tls_->state() == tls::State::open) co_return Result<void>{};
    if (const Error* error = tls_->error()) co_return Unexpected{*error};
    if (tls_->state() != tls::State::handshaking) {
      co_return fail(ErrorCode::tls_failed, "handshake failure: the session ended");
    }
    auto n = co_await read_raw(raw, deadline, ErrorCode::connect_timeout);
    if (!n) co_return Unexpected{std::move(n).error()};
    auto fed = *n == 0 ? tls_->receive_eof() : tls_->receive(Bytes(raw.data(), *n));
    if (!fed) co_return fed;
  }
}

bool Stream::is_dropped() noexcept {
  if (!socket_.is_open()) return true;
  std::byte probe{};
  const auto n = ::recv(socket_.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;               // the peer closed
  if (n > 0) return true;                // bytes nobody asked for: the connection is out of step
  return errno != EAGAIN && errno != EWOULDBLOCK;
}

std::string Stream::peer_address() const {
  std::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

void Stream::close() noexcept {
  std::error_code ignored;
  timer_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace hipp::async::detail
