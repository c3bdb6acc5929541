#include "transports/asio/detail/tcp_connect.hpp"

#include <memory>

#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "transports/api/steady_clock.hpp"

namespace hipp::async::detail {

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
  const auto a = e.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(e.port());
}

// One connect attempt, bounded by `deadline`. Errors: connect_failed, connect_timeout, cancelled.
asio::awaitable<Result<asio::ip::tcp::socket>> connect_one(asio::any_io_executor executor,
                                                           const asio::ip::tcp::endpoint& endpoint,
                                                           TimePoint deadline) {
  asio::ip::tcp::socket socket(executor);
  asio::steady_timer timer(executor);
  // `done` tells a timer handler that ran late (its wait completed just as the connect did) to leave
  // the socket alone: by then this frame may be gone.
  struct Watch {
    bool fired = false;
    bool done = false;
  };
  auto watch = std::make_shared<Watch>();
  if (!deadline.is_never()) {
    timer.expires_at(to_steady(deadline));
    timer.async_wait([&socket, watch](const std::error_code& ec) {
      if (ec || watch->done) return;
      watch->fired = true;
      std::error_code ignored;
      socket.cancel(ignored);
    });
  }
  std::error_code ec;
  co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  watch->done = true;
  timer.cancel();
  const bool fired = watch->fired;
  if (fired) co_return fail(ErrorCode::connect_timeout, "connect to " + endpoint_text(endpoint) + " did not complete before the connect deadline");
  if (ec == asio::error::operation_aborted) co_return fail(ErrorCode::cancelled, "connect cancelled");
  if (ec) co_return fail(ErrorCode::connect_failed, endpoint_text(endpoint) + ": " + ec.message());
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return std::move(socket);
}

}  // namespace

asio::awaitable<Result<std::vector<asio::ip::tcp::endpoint>>> resolve(asio::any_io_executor executor,
                                                                      const std::string& host, std::uint16_t port,
                                                                      const Resolver& resolver) {
  std::error_code ec;
  const auto literal = asio::ip::make_address(host, ec);
  if (!ec) co_return std::vector<asio::ip::tcp::endpoint>{asio::ip::tcp::endpoint(literal, port)};
  if (resolver) co_return co_await resolver(host, port);
  asio::ip::tcp::resolver r(executor);
  auto results = co_await r.async_resolve(host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::operation_aborted) co_return fail(ErrorCode::cancelled, "resolving '" + host + "' cancelled");
  if (ec) co_return fail(ErrorCode::resolve_failed, "could not resolve '" + host + "': " + ec.message());
  std::vector<asio::ip::tcp::endpoint> out;
  for (const auto& entry : results) out.push_back(entry.endpoint());
  if (out.empty()) co_return fail(ErrorCode::resolve_failed, "could not resolve '" + host + "': no address");
  co_return out;
}

asio::awaitable<Result<asio::ip::tcp::socket>> connect_tcp(asio::any_io_executor executor, const std::string& host,
                                                           std::uint16_t port, TimePoint deadline,
                                                           Duration attempt_delay, const Resolver& resolver) {
  (void)attempt_delay;
  auto endpoints = co_await resolve(executor, host, port, resolver);
  if (!endpoints) co_return Unexpected{std::move(endpoints).error()};
  Error last = make_error(ErrorCode::connect_failed, "no address for '" + host + "'");
  for (const auto& endpoint : *endpoints) {
    auto socket = co_await connect_one(executor, endpoint, deadline);
    if (socket) co_return socket;
    last = std::move(socket).error();
    if (last.code == ErrorCode::connect_timeout || last.code == ErrorCode::cancelled) break;
  }
  last.detail = "failed to connect to " + host + " port " + std::to_string(port) + ": " + last.detail;
  co_return Unexpected{std::move(last)};
}

}  // namespace hipp::async::detail
