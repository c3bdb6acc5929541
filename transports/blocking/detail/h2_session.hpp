// H2Session — one HTTP/2 connection of the blocking transport, shared by every thread that has a
// request on it.
//
// The core's http2::Multiplexer (under `lock()`) frames the connection and sorts its events by
// stream; this class owns the socket (and TLS session) and moves the bytes, so that many threads can
// each wait for their own stream without holding each other up:
//
//   - Every call into the multiplexer, the TLS engine or a stream's Http2Channel happens under the
//     session's state mutex (`lock()`); the socket is never read or written under it.
//   - Writing: one writer at a time (the write mutex, taken before the state mutex), so TLS records
//     reach the socket in the order they were sealed. flush() takes everything pending — frames of
//     every stream — and writes it.
//   - Reading: one reader at a time. A thread that needs input for its stream (wait_for_input) either
//     becomes the reader — reads once outside the lock, feeds the bytes in, wakes the others, flushes
//     what the input made due (SETTINGS and PING acks, WINDOW_UPDATE) — or waits until the reader has
//     fed something and looks again. Whoever needs input next reads next: nobody's request waits for
//     another's response.
//   - A read or write failure other than the caller's own timeout ends the connection for every
//     stream: the bytes go into the machine as EOF (receive_eof), which ends each open stream with its
//     error, and the session is no longer reusable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/exchange/http2_channel.hpp"
#include "core/http2/multiplexer.hpp"
#include "core/pool/pool_key.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/blocking/tcp_socket.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::blocking::detail {

class H2Session {
 public:
  // Takes over a connected socket (and, for https, its finished TLS session: ALPN chose "h2"). The
  // client preface is queued; the first flush() sends it.
  H2Session(pool::PoolKey key, TcpSocket socket, std::unique_ptr<tls::Engine> tls, http2::Settings settings);
  ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  const pool::PoolKey& key() const noexcept { return key_; }
  std::string peer_address() const { return socket_.peer_address(); }

  // The state lock: hold it for every call on mux() and on a channel over it.
  std::unique_lock<std::mutex> lock() { return std::unique_lock(state_mutex_); }
  http2::Multiplexer& mux() noexcept { return mux_; }

  // Claims one stream for a request about to start (under lock()): http2::Multiplexer::try_claim(), and
  // false once the connection is dead. Each claim ends with unclaim() once the request's stream is open
  // (or was not opened).
  bool try_claim_locked() noexcept { return !dead_ && mux_.try_claim(); }
  void unclaim_locked() noexcept { mux_.unclaim(); }

  // Writes everything the machine has pending, each write bounded by `deadline`. Takes the locks
  // itself (call it without lock()). Errors: write_timeout (the caller's: the connection lives on),
  // connection_reset and TLS errors (the connection is then ended for every stream).
  Result<void> flush(TimePoint deadline);

  // Waits until `channel`'s stream may have a new event: input was fed in (by this thread or another
  // one), or the connection ended. Call it without lock(). Errors: read_timeout when `deadline` passes
  // with nothing for this stream (the connection lives on); others end the connection as flush() does.
  Result<void> wait_for_input(const exchange::Http2Channel& channel, TimePoint deadline);

  // Under lock(): whether new requests may be sent on it.
  bool is_reusable_locked() const noexcept { return !dead_ && mux_.is_reusable(); }
  // Under lock(): no stream open, none claimed.
  bool is_idle_locked() const noexcept { return mux_.is_idle(); }
  // Under lock(): when the last stream closed (for keep-alive expiry).
  TimePoint idle_since_locked() const noexcept { return idle_since_; }
  void mark_idle_locked(TimePoint now) noexcept { idle_since_ = now; }
  // Under lock(), while idle: whether the peer closed or broke the connection meanwhile.
  bool is_dropped_locked() const noexcept;
  // Ends the connection for every stream and closes the socket. Only while no thread is inside
  // flush() or wait_for_input() (an idle session, or one its last lease lets go).
  void close() noexcept;

 private:
  // Feeds raw bytes (or EOF: empty with `eof`) in, under the state lock.
  Result<void> feed_locked(Bytes raw, bool eof);
  // The connection is over: every open stream ends with its error, and waiting threads wake.
  void kill_locked() noexcept;

  const pool::PoolKey key_;
  TcpSocket socket_;
  std::unique_ptr<tls::Engine> tls_;  // null for h2c

  std::mutex write_mutex_;  // taken before state_mutex_
  std::mutex state_mutex_;
  std::condition_variable input_cv_;
  http2::Multiplexer mux_;
  std::uint64_t input_generation_ = 0;  // bumped whenever input was fed or the connection died
  bool reading_ = false;
  bool dead_ = false;
  TimePoint idle_since_;
};

}  // namespace hipp::blocking::detail
