// http2::Connection — the client side of one HTTP/2 connection, as a sans-I/O machine.
//
// Theory of operation
// -------------------
// An nghttp2 client session in memory mode: no nghttp2 I/O callbacks. Bytes
// from the peer go in with receive() and are handed to nghttp2_session_mem_recv
// inside next_event(); frames nghttp2 wants to send are drained with
// nghttp2_session_mem_send into our output buffer after every command. The
// machine knows nothing of sockets, clocks, pools or retries; its caller moves
// bytes and drains events, as with http1::Connection:
//
//   Connection conn;                                  // preface + SETTINGS are pending already
//   auto id = conn.submit_request("GET", "https", "example.com", "/", headers, false);
//   conn.send_body(id, bytes) ... conn.send_end(id)   // only when has_body
//   write(conn.pending_output()); conn.consume_output(n);
//   conn.receive(bytes_from_socket)  /  conn.receive_eof()
//   while (event = conn.next_event()) is not NeedData: handle it
//     BodyData -> conn.acknowledge(stream, n) once the bytes are used (flow control)
//
// Every event names its stream. Each stream submitted ends with exactly one
// EndOfStream or StreamReset event, unless next_event() returns a connection
// Error first (which ends every stream at once).
//
// Settings sent in the preface (RFC 9113 §3.4, §6.5.2): SETTINGS_ENABLE_PUSH=0
// (server push disabled: a PUSH_PROMISE is then a connection error,
// §8.4), SETTINGS_INITIAL_WINDOW_SIZE = Settings::stream_window and
// SETTINGS_MAX_HEADER_LIST_SIZE = Settings::max_header_list_bytes; a
// WINDOW_UPDATE raises the connection window to Settings::connection_window.
// The defaults (16 MiB connection, 4 MiB per stream) let one stream fill a
// 100 Mbit/s link at 300 ms RTT while capping what a server can make us buffer
// for streams the caller does not read.
//
// Flow control (§5.2): received DATA shrinks the windows until the caller
// acknowledge()s the bytes; nghttp2 then sends WINDOW_UPDATE once half a
// window is consumed. A caller that never acknowledges stalls its streams (and,
// past the connection window, all of them): that is the back-pressure.
//
// Concurrency (§5.1.2): submit_request() refuses with no_stream_available when
// available_streams() is 0; it does not queue. Callers (the pool) wait for an
// EndOfStream/StreamReset or open another connection. Until the server's first
// SETTINGS arrives, Settings::initial_peer_max_streams is assumed.
//
// GOAWAY (§6.8): a GoAway event lists the streams above last_stream_id; each of
// them then gets a StreamReset whose error is stream_unprocessed (so is a
// REFUSED_STREAM reset, §8.7): the server never acted on those requests and
// they may be retried on a new connection. Streams at or below last_stream_id
// may still complete. No new stream can be opened afterwards.
//
// Request fields (§8.2, §8.3): names are lower-cased; names and values are
// checked like HTTP/1.1's (tokens; no CR, LF or NUL in values) before any byte
// is produced; connection-specific fields (Connection, Keep-Alive,
// Proxy-Connection, Transfer-Encoding, Upgrade) are dropped, as is TE unless it
// is "trailers"; Host becomes :authority when `authority` is empty and is
// dropped otherwise. Authorization, Proxy-Authorization and Cookie are sent as
// never-indexed literals (RFC 7541 §7.1.3).
//
// Response decoding: nghttp2 checks the response's HTTP semantics (pseudo
// headers, Content-Length against DATA, §8.1.1); our own caps bound the header
// list of each block (head and trailers): Settings::max_header_list_bytes in
// RFC 9113 §6.5.2 units (name + value + 32 per field) and
// Settings::max_header_count. A stream over a cap is reset (INTERNAL_ERROR) and
// ends in StreamReset with header_too_large / too_many_headers.
//
// Errors: a connection error (the peer broke HTTP/2, or nghttp2 failed) puts
// the machine in its error state for good: next_event() returns the error once
// the events decoded before it are drained, later calls fail with
// invalid_state, and is_reusable() is false. The GOAWAY nghttp2 queues for the
// peer stays in pending_output() so a polite caller may still write it. The
// error is seen when that GOAWAY is framed: with more than
// Settings::output_high_water bytes of earlier output unwritten, only once the
// caller has consumed enough of it (a pump that writes before it reads always does).
//
// Lifetimes: views returned by pending_output() and carried by BodyData stay
// valid until the next non-const call on the machine.
// Thread safety: none; one thread drives one machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::http2 {

using StreamId = std::int32_t;

// HTTP/2 error codes (RFC 9113 §7) the API names.
inline constexpr std::uint32_t kNoError = 0x0;
inline constexpr std::uint32_t kProtocolError = 0x1;
inline constexpr std::uint32_t kInternalError = 0x2;
inline constexpr std::uint32_t kRefusedStream = 0x7;
inline constexpr std::uint32_t kCancel = 0x8;

// Our side's settings and the bounds on what a server can make us buffer.
struct Settings {
  std::uint32_t connection_window = 16u * 1024 * 1024;  // connection receive window (WINDOW_UPDATE on stream 0)
  std::uint32_t stream_window = 4u * 1024 * 1024;       // SETTINGS_INITIAL_WINDOW_SIZE, per stream
  std::size_t max_header_list_bytes = 64 * 1024;        // per header block, §6.5.2 units; also advertised
  std::size_t max_header_count = 128;                   // fields per header block
  std::size_t max_informational = 16;                   // 1xx responses before the final one, per stream
  std::uint32_t initial_peer_max_streams = 100;         // assumed MAX_CONCURRENT_STREAMS before the server's SETTINGS
  std::size_t output_high_water = 64 * 1024;            // stop draining nghttp2 once this much output is pending
};

// --- Events (facts about what the server sent) ---

// A 1xx response on a stream (103 Early Hints, ...). More may follow.
struct InformationalResponse {
  StreamId stream = 0;
  int status = 0;
  Headers headers;
};

// The head of the final response on a stream.
struct ResponseHead {
  StreamId stream = 0;
  int status = 0;
  Headers headers;
  std::string_view http_version = "HTTP/2";
};

// A piece of a response body. The view is lent: valid until the next non-const
// call. Never empty. Acknowledge the bytes with acknowledge() once used.
struct BodyData {
  StreamId stream = 0;
  Bytes data;
};

// The response on this stream is complete; trailers are empty unless the server sent some.
struct EndOfStream {
  StreamId stream = 0;
  Headers trailers;
};

// The stream ended without a complete response. error.code is:
//   stream_reset        the server sent RST_STREAM (error_code says why)
//   stream_unprocessed  REFUSED_STREAM, or the stream was above a GOAWAY's last_stream_id
//   header_too_large / too_many_headers   a header block went over our caps (we reset it)
//   too_many_informational                more than Settings::max_informational 1xx (we reset it)
//   http2_protocol_error                  a malformed response on this stream (nghttp2 reset it)
//   connection_closed / incomplete_body   receive_eof() before any / before the whole response
//   invalid_state                         the caller reset it with reset_stream()
struct StreamReset {
  StreamId stream = 0;
  std::uint32_t error_code = kNoError;  // the RFC 9113 §7 code on the wire, when one was
  Error error;
  bool unprocessed() const noexcept { return error.code == ErrorCode::stream_unprocessed; }
};

// The server is shutting the connection down (GOAWAY). Streams above
// last_stream_id were not processed; they follow as StreamReset events.
struct GoAway {
  StreamId last_stream_id = 0;
  std::uint32_t error_code = kNoError;
  std::vector<StreamId> unprocessed_streams;
  std::string debug_data;
};

// More bytes (or receive_eof()) are needed before the next event.
struct NeedData {};

// The connection is finished: receive_eof() was seen, or GOAWAY was exchanged
// and no stream is left. The caller closes the transport.
struct ConnectionClosed {};

using Event = std::variant<NeedData, InformationalResponse, ResponseHead, BodyData, EndOfStream, StreamReset, GoAway,
                           ConnectionClosed>;

class Connection {
 public:
  // Queues the client preface, SETTINGS and the connection WINDOW_UPDATE.
  // If nghttp2 cannot start (out of memory), the machine starts in its error state.
  explicit Connection(Settings settings = {});
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- Commands ---

  // Opens a stream with a request head (HEADERS, END_STREAM unless has_body).
  // Returns the new stream id (odd, increasing).
  // Errors (nothing is produced, the machine is unchanged):
  //   invalid_method        method is not a token
  //   invalid_target        scheme is not a scheme, path is empty, or either holds CR, LF, NUL, space or controls
  //   invalid_url           authority (or Host, when authority is empty) is empty or holds such bytes
  //   invalid_header_name   a name is not a token (pseudo-header names included)
  //   invalid_header_value  a value holds CR, LF or NUL; Content-Length not one non-negative decimal
  //   no_stream_available   available_streams() is 0
  //   invalid_state         the machine is in its error state
  Result<StreamId> submit_request(std::string_view method, std::string_view scheme, std::string_view authority,
                                  std::string_view path, const Headers& headers, bool has_body);

  // Queues request body bytes for a stream opened with has_body (copied; sent
  // as flow control allows). An empty span is a no-op. A response may end
  // (EndOfStream) before the body: the body can still be sent, or the stream
  // cancelled with reset_stream(); until one of them, the stream counts
  // against available_streams().
  // Errors (nothing is queued): invalid_state (unknown or closed stream, no
  // body, body already ended, machine errored), body_length_mismatch (beyond
  // the request's Content-Length).
  Result<void> send_body(StreamId stream, Bytes data);

  // Ends the request body, with optional trailers (a HEADERS frame after the DATA).
  // Errors (nothing changes): invalid_state (as send_body), body_length_mismatch
  // (fewer bytes than Content-Length), invalid_header_name / invalid_header_value for trailers.
  Result<void> send_end(StreamId stream, const Headers& trailers = {});

  // Cancels a stream (RST_STREAM with error_code, CANCEL by default). The
  // stream then ends with a StreamReset (invalid_state: reset locally) unless
  // it had ended already. Errors: invalid_state (unknown stream, machine errored).
  Result<void> reset_stream(StreamId stream, std::uint32_t error_code = kCancel);

  // The caller used n bytes of BodyData on `stream`: credit the stream and
  // connection windows. Works (for the connection window) after the stream closed.
  void acknowledge(StreamId stream, std::size_t n) noexcept;

  // Graceful shutdown: sends GOAWAY(NO_ERROR); open streams may complete, no
  // new ones can be opened. Errors: invalid_state (machine errored).
  Result<void> shutdown();

  // --- Output ---

  // Bytes to write to the peer, lent until the next non-const call.
  Bytes pending_output() const noexcept;
  // Marks the first n bytes of pending_output() as written (and drains more from nghttp2).
  void consume_output(std::size_t n) noexcept;

  // --- Input ---

  // Buffers bytes received from the peer. Decoding happens in next_event().
  void receive(Bytes data);
  // The peer closed its sending side: open streams end in StreamReset, then ConnectionClosed.
  void receive_eof();

  // The next event. Errors (the machine moves to its error state):
  //   http2_protocol_error (remote)  the peer broke HTTP/2: bad preface/SETTINGS, frame or HPACK
  //                                  errors, flow-control violations, PUSH_PROMISE; detail says which
  //   http2_protocol_error (local)   nghttp2 itself failed (out of memory)
  //   invalid_state                  the machine had already failed
  Result<Event> next_event();

  // --- Queries ---

  // How many more streams submit_request() accepts now: the peer's
  // MAX_CONCURRENT_STREAMS minus our open streams; 0 after GOAWAY (either
  // way), on error, or when stream ids run out.
  std::size_t available_streams() const noexcept;
  // Streams submitted and not yet ended by an EndOfStream/StreamReset event.
  std::size_t open_streams() const noexcept;
  // Whether new requests may use this connection (available_streams() may still be 0 for now).
  bool is_reusable() const noexcept;
  // Whether a GOAWAY was received.
  bool goaway_received() const noexcept;
  // Whether the machine failed.
  bool has_failed() const noexcept;
  // Whether input is buffered that next_event() has not consumed.
  bool has_buffered_input() const noexcept;
  // Request body bytes queued on a stream and not yet framed (0 for unknown streams).
  std::size_t buffered_body(StreamId stream) const noexcept;
  const Settings& settings() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hipp::http2
