// Lease — what one request of the async client holds while it runs: an HTTP/1.1 connection of its own,
// or one stream of a shared HTTP/2 connection. The exchange loop and a streaming response's body reads go
// through it, so they do not care which one it is.
#pragma once

#include <memory>
#include <string>

#include <asio/awaitable.hpp>

#include "core/exchange/channel.hpp"
#include "core/exchange/http2_channel.hpp"
#include "core/policy/timeout.hpp"
#include "core/result.hpp"
#include "transports/asio/detail/h2_connection.hpp"
#include "transports/asio/detail/http1_connection.hpp"

namespace hipp::async::detail {

class Lease {
 public:
  Lease() = default;
  explicit Lease(std::unique_ptr<Http1Connection> connection) noexcept;
  // A claimed stream of `connection` (H2Connection::try_claim); the claim ends with on_started().
  Lease(std::shared_ptr<H2Connection> connection, bool reused);
  ~Lease();  // an HTTP/2 stream still open is cancelled; an HTTP/1.1 connection is just closed
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  explicit operator bool() const noexcept { return h1_ || h2_; }
  bool is_http2() const noexcept { return h2_ != nullptr; }
  bool reused() const noexcept { return reused_; }
  exchange::Channel& channel() noexcept;
  // Right after the exchange's on_connected(): the HTTP/2 stream is open (or failed to), so its claim ends.
  void on_started() noexcept;

  // Writes what the machine holds (HTTP/2: until the stream's body backlog is small, as flow control
  // allows). Errors: as Stream::write / H2Connection::flush.
  asio::awaitable<Result<void>> send(TimePoint deadline);
  // Waits for input for this request, at most until `deadline`.
  asio::awaitable<Result<void>> receive(TimePoint deadline);
  // The next piece of a delivered body appended to `out`: true, or false at its end. Each read is bounded
  // by the request's read deadline. On error the connection (HTTP/1.1) or stream (HTTP/2) is not reusable.
  asio::awaitable<Result<bool>> pull_body(const policy::RequestDeadlines& deadlines, std::string& out);

  std::unique_ptr<Http1Connection> take_http1() noexcept { return std::move(h1_); }
  Http1Connection* http1() noexcept { return h1_.get(); }
  // HTTP/2: closes the stream (cancelling it if unfinished) and lets go of the connection. Returns it.
  std::shared_ptr<H2Connection> release_stream(TimePoint now) noexcept;

 private:
  std::unique_ptr<Http1Connection> h1_;
  std::shared_ptr<H2Connection> h2_;
  std::unique_ptr<exchange::Http2Channel> stream_;
  bool claimed_ = false;
  bool reused_ = false;
};

}  // namespace hipp::async::detail
