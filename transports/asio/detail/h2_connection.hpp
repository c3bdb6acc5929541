// H2Connection — one HTTP/2 connection of the async client, shared by every request that has a stream on it.
//
// One strand, no locks. The connection runs one reader coroutine for its whole life (start()): it reads,
// feeds the bytes to the core's http2::Multiplexer, pumps them into per-stream events, sends what the input
// made due (SETTINGS and PING acks, WINDOW_UPDATE), and wakes the requests whose stream now has an event.
// A request waits for its stream (wait_for_input) on a timer of its own bounded by its read deadline, so a
// slow stream never holds up another. Writes are serialised: flush() writes everything pending, frames of
// every stream; a flush that finds another in progress leaves the bytes to it.
//
// A read or write failure ends the connection for every stream: the multiplexer gets EOF, so each open
// stream ends with its error, and the connection is no longer reusable. The reader ends when the socket is
// closed; it holds the connection alive until then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include "core/exchange/http2_channel.hpp"
#include "core/http2/multiplexer.hpp"
#include "core/pool/pool_key.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/asio/detail/stream.hpp"

namespace hipp::async::detail {

class H2Connection : public std::enable_shared_from_this<H2Connection> {
 public:
  // Takes over a connected stream (https: its handshake done, ALPN chose "h2"). The client preface is
  // queued; start() sends it.
  H2Connection(pool::PoolKey key, std::unique_ptr<Stream> stream, http2::Settings settings, TimePoint now);
  ~H2Connection();
  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;

  // Starts the reader and sends the preface. Call once, right after construction.
  void start();

  const pool::PoolKey& key() const noexcept { return key_; }
  std::string peer_address() const { return stream_->peer_address(); }
  http2::Multiplexer& mux() noexcept { return mux_; }

  // Claims one stream for a request about to start: http2::Multiplexer::try_claim(), and false once the
  // connection is dead. Each claim ends with unclaim() once the stream is open.
  bool try_claim() noexcept { return !dead_ && mux_.try_claim(); }
  void unclaim() noexcept { mux_.unclaim(); }

  // Writes everything the machine has pending. Errors: write_timeout, connection_reset, cancelled and TLS
  // errors; every one but the caller's own timeout or cancellation ends the connection.
  asio::awaitable<Result<void>> flush(TimePoint deadline);
  // Waits until `channel`'s stream may have a new event, or the connection ended; sends what is due
  // first. `any_input`: wake on any frame (a sender waiting for WINDOW_UPDATE, which is no stream event).
  // Errors: read_timeout (write_timeout with any_input) when `deadline` passes first, cancelled; the
  // connection lives on.
  asio::awaitable<Result<void>> wait_for_input(const exchange::Http2Channel& channel, TimePoint deadline,
                                               bool any_input = false);

  bool is_reusable() const noexcept { return !dead_ && mux_.is_reusable(); }
  bool is_idle() const noexcept { return mux_.is_idle(); }
  bool is_dead() const noexcept { return dead_; }
  TimePoint idle_since() const noexcept { return idle_since_; }
  void mark_idle(TimePoint now) noexcept { idle_since_ = now; }
  // Its slot of the client's connection budget, given back when the connection is destroyed.
  void set_slot(std::shared_ptr<void> slot) noexcept { slot_ = std::move(slot); }
  // Ends the connection for every stream and closes the socket; the reader then ends.
  void close() noexcept;

 private:
  struct Waiter {
    http2::StreamId stream;
    asio::steady_timer* timer;
    bool any_input;
    bool woken;
  };
  asio::awaitable<void> read_loop(std::shared_ptr<H2Connection> self);
  // Feeds raw bytes (or EOF: `eof`) in and sorts them into per-stream events.
  Result<void> feed(Bytes raw, bool eof);
  // Wakes the waiters whose stream has an event now (every waiter once the connection is dead).
  void wake_ready() noexcept;
  // Wakes the requests waiting to send more body (a write made room in the backlog).
  void wake_senders() noexcept;
  // The connection is over: every open stream ends with its error, and every waiter wakes.
  void kill() noexcept;

  const pool::PoolKey key_;
  std::unique_ptr<Stream> stream_;
  http2::Multiplexer mux_;
  std::vector<Waiter*> waiters_;
  bool writing_ = false;
  bool dead_ = false;
  TimePoint idle_since_;
  std::shared_ptr<void> slot_;
};

}  // namespace hipp::async::detail
