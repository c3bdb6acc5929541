// Channel — the one request/response an exchange is carrying on a connection, whatever the protocol.
//
// The exchange (core/exchange/exchange.hpp) drives a Channel: an HTTP/1.1 connection of its own
// (Http1Channel) or one stream of a shared HTTP/2 connection (Http2Channel). The transport lends the
// channel in Exchange::on_connected() and moves the bytes of the machine underneath it, as the
// exchange's actions say; the channel only translates.
//
// Events are http1's (core/http1/connection.hpp): NeedData, InformationalResponse, ResponseHead,
// BodyData, EndOfMessage, Paused, ConnectionClosed. They are what the exchange reasons about and
// carry nothing HTTP/1.1-specific the HTTP/2 side cannot fill in (an HTTP/2 head has version 2.0 and
// the status's standard reason phrase). A stream that ends without a response is an Error.
//
// Thread safety: none. A channel over a shared machine is used under the transport's lock of it.
#pragma once

#include "core/bytes.hpp"
#include "core/exchange/request.hpp"
#include "core/http1/connection.hpp"
#include "core/result.hpp"

namespace hipp::exchange {

class Channel {
 public:
  virtual ~Channel() = default;

  // Starts the request's head (HTTP/1.1: the request line and fields; HTTP/2: a HEADERS frame on a new
  // stream, the body to follow unless request.body is empty). Errors: those of the machine
  // (invalid_method, invalid_target, invalid_header_name/value, no_stream_available, invalid_state).
  virtual Result<void> send_request(const Request& request) = 0;
  // Body bytes. They must stay valid and unchanged until the transport has written the channel's output
  // (the Send that follows), or the request failed: a channel may send them in place instead of copying
  // them (Http1Channel does for a Content-Length body). Errors: invalid_state, body_length_mismatch.
  virtual Result<void> send_body(Bytes data) = 0;
  // The body is complete. Errors: invalid_state, body_length_mismatch.
  virtual Result<void> send_end() = 0;
  // The transport could not write: the request is abandoned (HTTP/1.1: the machine errors; HTTP/2: the
  // stream is reset, the connection lives on).
  virtual void send_failed() noexcept = 0;

  // Whether the machine holds bytes the transport has to write.
  virtual bool has_pending_output() const noexcept = 0;
  // Whether input arrived that next_event() has not looked at yet.
  virtual bool has_buffered_input() const noexcept = 0;
  // Expect: 100-continue was sent and no 1xx or final head has answered it yet.
  virtual bool expecting_continue() const noexcept = 0;

  // The next event of this request's response. Errors: the machine's protocol errors, and for HTTP/2
  // the stream's end without a response (stream_reset, stream_unprocessed, ...).
  virtual Result<http1::Event> next_event() = 0;
};

}  // namespace hipp::exchange
