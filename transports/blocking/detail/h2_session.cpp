#include "transports/blocking/detail/h2_session.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "transports/blocking/clock.hpp"
#include "transports/tls/http2_plaintext.hpp"

namespace hipp::blocking::detail {

namespace {
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

H2Session::H2Session(pool::PoolKey key, TcpSocket socket, std::unique_ptr<tls::Engine> tls, http2::Settings settings)
    : key_(std::move(key)), socket_(std::move(socket)), tls_(std::move(tls)), mux_(settings), idle_since_(steady_now()) {}

H2Session::~H2Session() = default;

bool H2Session::is_dropped_locked() const noexcept { return dead_ || socket_.is_dropped(); }

Result<void> H2Session::flush(TimePoint deadline) {
  const std::lock_guard writer(write_mutex_);
  std::string wire;
  {
    const std::lock_guard state(state_mutex_);
    if (dead_) return fail(ErrorCode::connection_closed, "the HTTP/2 connection is closed", ErrorOrigin::remote);
    http2::Connection& conn = mux_.connection();
    // consume_output() lets nghttp2 frame more (it stops at Settings::output_high_water): take it all.
    for (Bytes out = conn.pending_output(); !out.empty(); out = conn.pending_output()) {
      if (tls_) {
        if (auto sealed = tls_->write(out); !sealed) {
          kill_locked();
          return Unexpected{std::move(sealed).error()};
        }
      } else {
        wire.append(as_chars(out));
      }
      conn.consume_output(out.size());
    }
    if (tls_) {
      Bytes records = tls_->pending_output();
      wire.assign(as_chars(records));
      tls_->consume_output(records.size());
    }
  }
  if (wire.empty()) return {};
  if (auto ok = socket_.write_all(as_bytes(std::string_view(wire)), deadline); !ok) {
    // Part of a frame (or a TLS record) may be on the wire: nothing more can follow it.
    const std::lock_guard state(state_mutex_);
    kill_locked();
    return ok;
  }
  return {};
}

Result<void> H2Session::wait_for_input(const exchange::Http2Channel& channel, TimePoint deadline) {
  // What the caller's reading made due goes out before anyone waits: acknowledging body bytes queues
  // the WINDOW_UPDATE the server may be blocked on (RFC 9113 §6.9).
  if (auto sent = flush(deadline); !sent) return sent;
  std::unique_lock state(state_mutex_);
  const std::uint64_t seen = input_generation_;
  for (;;) {
    if (dead_ || input_generation_ != seen || channel.has_buffered_input()) return {};
    if (!reading_) break;
    // Another thread is reading; whatever it feeds in may be ours.
    if (deadline.is_never()) {
      input_cv_.wait(state);
    } else if (input_cv_.wait_for(state, std::max(deadline - steady_now(), Duration::zero())) ==
                   std::cv_status::timeout &&
               input_generation_ == seen && !dead_ && !channel.has_buffered_input()) {
      return fail(ErrorCode::read_timeout, "no HTTP/2 frame for this stream before the read deadline");
    }
  }

  // This thread reads: outside the state lock, so others can send and look at what arrived.
  reading_ = true;
  state.unlock();
  std::array<std::byte, kReadSize> raw{};
  auto n = socket_.read_some(raw, deadline);
  state.lock();
  reading_ = false;
  Result<void> result;
  if (!n) {
    if (n.error().category != ErrorCategory::timeout) kill_locked();
    result = Unexpected{std::move(n).error()};
  } else if (auto fed = feed_locked(Bytes(raw.data(), *n), *n == 0); !fed) {
    kill_locked();
    result = std::move(fed);
  }
  ++input_generation_;
  input_cv_.notify_all();
  const bool alive = !dead_;
  state.unlock();
  if (result && alive) {
    // The input may have made frames due (SETTINGS/PING acks, WINDOW_UPDATE): send them now, as nobody
    // else may be sending. A failure here ends the connection; the stream sees it as its next event.
    (void)flush(deadline);
  }
  return result;
}

Result<void> H2Session::feed_locked(Bytes raw, bool eof) {
  return tls::feed_http2(tls_.get(), mux_.connection(), raw, eof);
}

void H2Session::kill_locked() noexcept {
  // Each open stream ends with connection_closed / incomplete_body, from the EOF below.
  if (dead_) return;
  dead_ = true;
  mux_.connection().receive_eof();
  ++input_generation_;
  input_cv_.notify_all();
}

void H2Session::close() noexcept {
  const std::lock_guard state(state_mutex_);
  kill_locked();
  socket_.close();
}

}  // namespace hipp::blocking::detail
