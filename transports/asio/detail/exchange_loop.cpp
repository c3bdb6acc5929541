#include "transports/asio/detail/exchange_loop.hpp"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "transports/api/errors.hpp"
#include "transports/api/steady_clock.hpp"

namespace hipp::async::detail {

namespace {

bool is_cancelled(const Error& error) noexcept { return error.code == ErrorCode::cancelled; }

}  // namespace

asio::awaitable<Lease> run_exchange(ClientPool& pool, exchange::Exchange& ex, BodySource& source) {
  Lease lease;
  // On the way out without a delivery (an error, a cancellation, a throwing hook) the connection is in an
  // unknown state: closed, never reused.
  struct DiscardOnExit {
    ClientPool& pool;
    Lease& lease;
    ~DiscardOnExit() {
      if (lease) pool.discard(std::move(lease));
    }
  } guard{pool, lease};

  for (;;) {
    const exchange::Action action = ex.next_action();  // a copy: the handlers below call back into ex
    if (auto* open = std::get_if<exchange::OpenConnection>(&action)) {
      auto got = co_await pool.checkout(*open);
      if (!got) {
        if (is_cancelled(got.error())) throw_error(std::move(got).error(), ex.url_text());
        ex.on_connect_failed(std::move(got).error(), steady_now());
        continue;
      }
      lease = std::move(*got);
      ex.on_connected(lease.channel(), lease.reused(), steady_now());
      lease.on_started();
    } else if (auto* send = std::get_if<exchange::Send>(&action)) {
      auto written = co_await lease.send(send->deadline);
      if (!written) {
        if (is_cancelled(written.error())) throw_error(std::move(written).error(), ex.url_text());
        ex.on_io_failed(std::move(written).error(), steady_now());
      } else {
        ex.on_sent(steady_now());
      }
    } else if (auto* pull = std::get_if<exchange::PullBody>(&action)) {
      report_body_piece(ex, source.pull(*pull), steady_now());
    } else if (auto* receive = std::get_if<exchange::Receive>(&action)) {
      auto got = co_await lease.receive(receive->deadline);
      if (!got) {
        if (is_cancelled(got.error())) throw_error(std::move(got).error(), ex.url_text());
        ex.on_io_failed(std::move(got).error(), steady_now());
      } else {
        ex.on_received(steady_now());
      }
    } else if (auto* release = std::get_if<exchange::ReleaseConnection>(&action)) {
      if (lease) {
        if (release->reusable) {
          pool.release(std::move(lease), std::nullopt);
        } else {
          pool.discard(std::move(lease));
        }
        lease = Lease();
      }
    } else if (auto* wait = std::get_if<exchange::WaitUntil>(&action)) {
      asio::steady_timer timer(pool.executor(), to_steady(wait->at));
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) throw_error(make_error(ErrorCode::cancelled, "cancelled while waiting to retry"), ex.url_text());
      ex.on_timer(steady_now());
    } else if (std::holds_alternative<exchange::Deliver>(action)) {
      co_return std::move(lease);
    } else {
      throw_error(std::get<exchange::Fail>(action).error, ex.url_text());
    }
  }
}

}  // namespace hipp::async::detail
