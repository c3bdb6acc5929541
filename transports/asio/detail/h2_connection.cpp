#include "transports/asio/detail/h2_connection.hpp"

#include <algorithm>
#include <array>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "transports/api/steady_clock.hpp"
#include "transports/tls/http2_plaintext.hpp"

namespace hipp::async::detail {

namespace {
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

H2Connection::H2Connection(pool::PoolKey key, std::unique_ptr<Stream> stream, http2::Settings settings, TimePoint now)
    : key_(std::move(key)), stream_(std::move(stream)), mux_(settings), idle_since_(now) {}

H2Connection::~H2Connection() = default;

void H2Connection::start() {
  asio::co_spawn(stream_->socket().get_executor(), read_loop(shared_from_this()), asio::detached);
  asio::co_spawn(
      stream_->socket().get_executor(),
      [self = shared_from_this()]() -> asio::awaitable<void> { (void)co_await self->flush(TimePoint::never()); },
      asio::detached);
}

asio::awaitable<Result<void>> H2Connection::flush(TimePoint deadline) {
  if (dead_) co_return fail(ErrorCode::connection_closed, "the HTTP/2 connection is closed", ErrorOrigin::remote);
  if (writing_) co_return Result<void>{};  // the writer in progress takes these bytes too
  writing_ = true;
  std::string wire;
  Result<void> result;
  for (;;) {
    wire.clear();
    http2::Connection& conn = mux_.connection();
    tls::Engine* tls = stream_->tls();
    // consume_output() lets nghttp2 frame more (it stops at Settings::output_high_water): take it all.
    for (Bytes out = conn.pending_output(); !out.empty(); out = conn.pending_output()) {
      if (tls != nullptr) {
        if (auto sealed = tls->write(out); !sealed) {
          result = Unexpected{std::move(sealed).error()};
          break;
        }
      } else {
        wire.append(as_chars(out));
      }
      conn.consume_output(out.size());
    }
    if (!result) break;
    if (tls != nullptr) {
      Bytes records = tls->pending_output();
      wire.assign(as_chars(records));
      tls->consume_output(records.size());
    }
    if (wire.empty()) break;
    result = co_await stream_->write_raw(as_bytes(std::string_view(wire)), deadline);
    if (!result) break;
    wake_senders();  // their backlog went out: they may have room to queue more body now
  }
  writing_ = false;
  // Part of a frame (or a TLS record) may be on the wire: nothing more can follow it.
  if (!result) kill();
  co_return result;
}

asio::awaitable<Result<void>> H2Connection::wait_for_input(const exchange::Http2Channel& channel, TimePoint deadline,
                                                           bool any_input) {
  // What the caller's reading made due goes out before it waits: acknowledging body bytes queues the
  // WINDOW_UPDATE the server may be blocked on (RFC 9113 §6.9). A sender (any_input) has just flushed and
  // checked its backlog: it must wait from that very state, with no suspension in between.
  if (!any_input) {
    if (auto sent = co_await flush(deadline); !sent && !dead_) co_return sent;
  }
  if (dead_ || channel.has_buffered_input() || !channel.stream()) co_return Result<void>{};
  asio::steady_timer timer(stream_->socket().get_executor());
  timer.expires_at(to_steady(deadline));
  Waiter waiter{*channel.stream(), &timer, any_input, false};
  waiters_.push_back(&waiter);
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
  if (waiter.woken || dead_) co_return Result<void>{};
  if (!ec && any_input) co_return fail(ErrorCode::write_timeout, "flow control held the body past the write deadline");
  if (!ec) co_return fail(ErrorCode::read_timeout, "no HTTP/2 frame for this stream before the read deadline");
  co_return fail(ErrorCode::cancelled, "waiting for the HTTP/2 stream cancelled");
}

asio::awaitable<void> H2Connection::read_loop(std::shared_ptr<H2Connection> self) {
  std::array<std::byte, kReadSize> raw{};
  while (!dead_) {
    auto n = co_await stream_->read_raw(raw, TimePoint::never(), ErrorCode::read_timeout);
    if (dead_) break;
    Result<void> fed = n ? feed(Bytes(raw.data(), *n), *n == 0) : Result<void>(Unexpected{std::move(n).error()});
    if (!fed) {
      kill();
      break;
    }
    wake_ready();
    if (dead_) break;
    // The input may have made frames due (SETTINGS and PING acks, WINDOW_UPDATE).
    (void)co_await flush(TimePoint::never());
  }
  (void)self;  // kept the connection alive until here
}

Result<void> H2Connection::feed(Bytes raw, bool eof) {
  if (auto fed = tls::feed_http2(stream_->tls(), mux_.connection(), raw, eof); !fed) return fed;
  if (eof) dead_ = true;
  // Sorting the input into streams now lets the waiters of just those streams wake. A connection error
  // is every stream's: they see it as their next event.
  if (!mux_.pump()) dead_ = true;
  return {};
}

void H2Connection::wake_ready() noexcept {
  for (Waiter* w : waiters_) {
    if (w->woken) continue;
    if (dead_ || w->any_input || mux_.has_events(w->stream)) {
      w->woken = true;
      w->timer->cancel();
    }
  }
}

void H2Connection::wake_senders() noexcept {
  for (Waiter* w : waiters_) {
    if (w->any_input && !w->woken) {
      w->woken = true;
      w->timer->cancel();
    }
  }
}

void H2Connection::kill() noexcept {
  if (!dead_) {
    dead_ = true;
    mux_.connection().receive_eof();
  }
  wake_ready();
}

void H2Connection::close() noexcept {
  kill();
  stream_->close();
}

}  // namespace hipp::async::detail
