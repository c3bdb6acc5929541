#include "transports/asio/detail/tcp_connect.hpp"

#include <memory>

#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "core/connect/happy_eyeballs.hpp"
#include "transports/api/steady_clock.hpp"

namespace hipp::async::detail {

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

namespace {

connect::Address to_address(const asio::ip::tcp::endpoint& e) {
  const auto a = e.address();
  return connect::Address{a.to_string(), a.is_v6() ? connect::AddressFamily::v6 : connect::AddressFamily::v4, e.port()};
}

// The attempts of one connect, shared with their completion handlers: a handler that runs after the
// connect is decided (a cancelled loser) still finds its socket and its slot here.
struct Race {
  explicit Race(asio::any_io_executor executor) : wake(executor) {}
  struct Done {
    std::size_t index;
    std::error_code ec;
  };
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> sockets;  // by attempt index
  std::vector<Done> done;                                       // completions not yet reported
  asio::steady_timer wake;                                      // the schedule's next time; cancelled by a completion

  void close(std::size_t index) {
    if (index < sockets.size() && sockets[index]) {
      std::error_code ignored;
      sockets[index]->close(ignored);
    }
  }
  void close_all() {
    for (std::size_t i = 0; i < sockets.size(); ++i) close(i);
  }
};

}  // namespace

asio::awaitable<Result<asio::ip::tcp::socket>> connect_tcp(asio::any_io_executor executor, const std::string& host,
                                                           std::uint16_t port, TimePoint deadline,
                                                           Duration attempt_delay, const Resolver& resolver,
                                                           connect::DnsCache* cache) {
  std::error_code not_literal;
  (void)asio::ip::make_address(host, not_literal);
  if (!not_literal) cache = nullptr;  // an IP literal needs no resolving, hence no caching
  std::vector<connect::Address> addresses;
  if (auto hit = cache ? cache->lookup(host, port, steady_now()) : std::nullopt) {
    addresses = std::move(*hit);
  } else {
    auto endpoints = co_await resolve(executor, host, port, resolver);
    if (!endpoints) co_return Unexpected{std::move(endpoints).error()};
    for (const auto& e : *endpoints) addresses.push_back(to_address(e));
    if (cache) cache->store(host, port, addresses, steady_now());
  }
  // The schedule is the core's (RFC 8305); this loop only starts the connects it names and reports back.
  connect::HappyEyeballs schedule(host, port, std::move(addresses),
                                  connect::HappyEyeballsOptions{.attempt_delay = attempt_delay, .deadline = deadline});
  auto race = std::make_shared<Race>(executor);
  for (;;) {
    const connect::ConnectStep step = schedule.next_step(steady_now());
    if (auto* start = std::get_if<connect::StartAttempt>(&step)) {
      if (race->sockets.size() <= start->index) race->sockets.resize(start->index + 1);
      race->sockets[start->index] = std::make_unique<asio::ip::tcp::socket>(executor);
      std::error_code ec;
      const auto address = asio::ip::make_address(start->address.ip, ec);
      if (ec) {
        (void)schedule.on_attempt_failed(start->index, make_error(ErrorCode::connect_failed, ec.message()), steady_now());
        continue;
      }
      race->sockets[start->index]->async_connect(
          asio::ip::tcp::endpoint(address, start->address.port), [race, index = start->index](const std::error_code& e) {
            race->done.push_back({index, e});
            race->wake.cancel();
          });
      continue;
    }
    if (auto* won = std::get_if<connect::Connected>(&step)) {
      for (auto i : won->cancel) race->close(i);
      asio::ip::tcp::socket socket = std::move(*race->sockets[won->index]);
      std::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      co_return std::move(socket);
    }
    if (auto* failed = std::get_if<connect::Failed>(&step)) {
      race->close_all();
      if (cache) cache->forget(host, port);  // stale addresses, perhaps: resolve afresh next time
      co_return Unexpected{failed->error};
    }
    // WaitUntil: the next start or the deadline, unless an attempt completes first.
    if (race->done.empty()) {
      race->wake.expires_at(to_steady(std::get<connect::WaitUntil>(step).at));
      std::error_code ec;
      co_await race->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted && race->done.empty()) {
        race->close_all();  // not a completion: the caller cancelled
        co_return fail(ErrorCode::cancelled, "connect to " + host + " cancelled");
      }
    }
    std::vector<Race::Done> done;
    done.swap(race->done);
    for (const auto& d : done) {
      if (!d.ec) {
        (void)schedule.on_attempt_connected(d.index, steady_now());
      } else {
        (void)schedule.on_attempt_failed(d.index, make_error(ErrorCode::connect_failed, d.ec.message()), steady_now());
      }
    }
  }
}

}  // namespace hipp::async::detail
