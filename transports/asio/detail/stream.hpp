// Stream — one connected TCP socket of the async client (and its TLS session for https), with one steady
// timer that bounds each operation by the deadline the core computed.
//
// Every operation is an awaitable that returns a Result: a deadline that passes is the caller's timeout code
// (read_timeout, write_timeout, connect_timeout), a cancellation of the awaiting coroutine (its
// cancellation slot, e.g. a user's asio::cancellation_signal or an awaitable operator) is
// ErrorCode::cancelled, and socket errors map to the codes the blocking transport uses. A Stream lives on
// one strand: its operations are never concurrent, except that the HTTP/2 connection reads while it
// writes (read_raw and write_raw on the same Stream at once are allowed; two reads or two writes are not).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "core/bytes.hpp"
#include "core/errors.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::async::detail {

class Stream {
 public:
  explicit Stream(asio::ip::tcp::socket socket);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // The TLS session over this socket (https), null for plain http.
  void set_tls(std::unique_ptr<tls::Engine> engine) noexcept { tls_ = std::move(engine); }
  tls::Engine* tls() const noexcept { return tls_.get(); }

  // Writes all of `plaintext`, sealed through the TLS session for https. Errors: write_timeout,
  // connection_reset, cancelled, and the session's.
  asio::awaitable<Result<void>> write(Bytes plaintext, TimePoint deadline);
  // Writes raw bytes as they are (HTTP/2 hands over whole TLS records itself). Errors: as write().
  asio::awaitable<Result<void>> write_raw(Bytes wire, TimePoint deadline);
  // Reads at most buffer.size() raw bytes; 0 is EOF. Errors: `on_timeout` when the deadline passes,
  // connection_reset, cancelled.
  asio::awaitable<Result<std::size_t>> read_raw(std::span<std::byte> buffer, TimePoint deadline, ErrorCode on_timeout);
  // Runs the TLS handshake to completion. Errors: connect_timeout and those of tls::Engine.
  asio::awaitable<Result<void>> handshake(TimePoint deadline);

  // Whether an idle connection was closed by the peer or has unexpected bytes (Hip's
  // is_connection_dropped), without blocking.
  bool is_dropped() noexcept;
  std::string peer_address() const;
  asio::ip::tcp::socket& socket() noexcept { return socket_; }
  void close() noexcept;

 private:
  struct Deadline;
  // Arms the timer for one operation; the returned guard disarms it and says whether it fired.
  std::shared_ptr<Deadline> arm(TimePoint deadline);

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  std::unique_ptr<tls::Engine> tls_;
};

}  // namespace hipp::async::detail
