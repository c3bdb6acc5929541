// Lease — what one request of the blocking transport holds while it runs: an HTTP/1.1 connection of
// its own, or one stream of a shared HTTP/2 session.
//
// The exchange loop (PoolState::execute) and a streaming Response's body reads go through it, so they
// do not care which one it is. For HTTP/2 every call into the exchange or the channel must be made
// under lock() (the session's state lock); for HTTP/1.1 lock() is an empty lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/exchange/channel.hpp"
#include "core/exchange/http2_channel.hpp"
#include "core/policy/timeout.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/blocking/detail/h2_session.hpp"
#include "transports/blocking/pooled_connection.hpp"

namespace hipp::blocking::detail {

class Lease {
 public:
  Lease() = default;
  explicit Lease(std::unique_ptr<PooledConnection> connection) noexcept;
  // A claimed stream of `session` (H2Session::try_claim_locked); the claim ends with on_started().
  Lease(std::shared_ptr<H2Session> session, bool reused);
  ~Lease();  // an HTTP/2 stream still open is cancelled; an HTTP/1.1 connection is just closed
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  explicit operator bool() const noexcept { return h1_ || h2_; }
  bool is_http2() const noexcept { return h2_ != nullptr; }
  // Whether the connection served requests before this one.
  bool reused() const noexcept { return reused_; }
  exchange::Channel& channel() noexcept;
  std::unique_lock<std::mutex> lock() { return h2_ ? h2_->lock() : std::unique_lock<std::mutex>(); }
  // Under lock(), right after the exchange's on_connected(): the HTTP/2 stream is open (or failed to
  // open), so the claim that reserved it ends.
  void on_started() noexcept;

  // Writes what the machine holds for the peer (HTTP/2: until the stream's body backlog is small, as
  // flow control allows). Errors: as PooledConnection::send / H2Session::flush.
  Result<void> send(TimePoint deadline);
  // Waits for input for this request, at most until `deadline`.
  Result<void> receive(TimePoint deadline);
  // The next piece of a delivered body appended to `out`: true, or false at its end. Reads as needed,
  // each read bounded by the request's read deadline. On error the connection (HTTP/1.1) or the stream
  // (HTTP/2) must not be reused.
  Result<bool> pull_body(const policy::RequestDeadlines& deadlines, std::string& out);

  // The HTTP/1.1 connection (null for HTTP/2), moved out to give it back to the pool.
  std::unique_ptr<PooledConnection> take_http1() noexcept { return std::move(h1_); }
  PooledConnection* http1() noexcept { return h1_.get(); }
  // HTTP/2: closes the stream (cancelling it if unfinished) and forgets the session. Returns it.
  std::shared_ptr<H2Session> release_stream(TimePoint now) noexcept;

 private:
  std::unique_ptr<PooledConnection> h1_;
  std::shared_ptr<H2Session> h2_;
  std::unique_ptr<exchange::Http2Channel> stream_;
  bool claimed_ = false;
  bool reused_ = false;
};

}  // namespace hipp::blocking::detail
