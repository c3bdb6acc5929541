// Http2Channel — an exchange's Channel over one stream of a (possibly shared) HTTP/2 connection.
//
// send_request() opens the stream on the multiplexer; the channel then answers for that stream only.
// The request's Host field becomes :authority and HTTP/1.1 framing fields are dropped (RFC 9113 §8.2.2,
// §8.3.1: http2::Connection's rules); END_STREAM delimits the body. Response events are translated:
// ResponseHead with version 2.0 and the status's standard reason phrase, BodyData, EndOfStream as
// EndOfMessage (its trailers), a StreamReset as its Error, ConnectionClosed as ConnectionClosed.
// After the end of the response next_event() returns Paused, as an HTTP/1.1 machine does.
//
// The channel closes its stream (Multiplexer::close) when destroyed or reset(): a transport keeps one
// per request and lets it go when the request is released.
#pragma once

#include <optional>

#include "core/exchange/channel.hpp"
#include "core/http2/multiplexer.hpp"

namespace hipp::exchange {

class Http2Channel final : public Channel {
 public:
  // `mux` must outlive the channel.
  explicit Http2Channel(http2::Multiplexer& mux) noexcept : mux_(&mux) {}
  ~Http2Channel() override { reset(); }
  Http2Channel(const Http2Channel&) = delete;
  Http2Channel& operator=(const Http2Channel&) = delete;

  Result<void> send_request(const Request& request) override;
  Result<void> send_body(Bytes data) override;
  Result<void> send_end() override;
  void send_failed() noexcept override { reset(); }
  bool has_pending_output() const noexcept override { return !mux_->connection().pending_output().empty(); }
  bool has_buffered_input() const noexcept override;
  bool expecting_continue() const noexcept override { return expecting_continue_; }
  Result<http1::Event> next_event() override;

  // The stream, once send_request() opened it.
  std::optional<http2::StreamId> stream() const noexcept { return stream_; }
  // Request body bytes queued on the stream and not yet framed (flow control holds them back).
  std::size_t buffered_body() const noexcept;
  // Closes the stream (cancelling it if it has not ended); the channel may then start another request.
  void reset() noexcept;

 private:
  http2::Multiplexer* mux_;
  std::optional<http2::StreamId> stream_;
  bool has_body_ = false;
  bool expecting_continue_ = false;
  bool ended_ = false;
};

}  // namespace hipp::exchange
