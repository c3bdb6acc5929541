// http1::Connection — the client side of one HTTP/1.1 connection, as a sans-I/O machine.
//
// Theory of operation
// -------------------
// The machine knows nothing of sockets, clocks, retries or pools. Its caller
// (a transport, a fuzzer, a test) moves bytes and drains events:
//
//   conn.send_request(method, target, headers)   // serialises the head
//   conn.send_body(bytes) ... conn.send_end()    // frames the body (Content-Length or chunked)
//   write(conn.pending_output()); conn.consume_output(n);
//   conn.receive(bytes_from_socket)  /  conn.receive_eof()
//   while (event = conn.next_event()) is not NeedData: handle it
//   if (conn.is_reusable()) conn.start_next_cycle();  // back to the pool
//
// One request is in flight at a time (no pipelining). The framing of the
// request body is read from the headers the caller gives (RFC 9112 §6):
// `Content-Length: N` means exactly N bytes, `Transfer-Encoding: ...chunked`
// means chunked, neither means no body. The machine adds no headers: the
// caller supplies Host and framing; the machine checks them.
//
// Response parsing uses llhttp in strict mode (no lenient flags, ever), plus
// our own checks where llhttp 8.1 is lenient or unbounded: the CRLF after
// chunk data, chunk-extension size, head size, header count, conflicting or
// malformed Content-Length, Content-Length together with Transfer-Encoding
// (RFC 9112 §6.3: a client must treat it as an error), and endless 1xx.
// receive() only buffers; parsing happens in next_event(), one event at a time.
//
// Response rules, where the RFCs leave a choice:
//   - Responses to HEAD, and 204 and 304, have no body whatever their framing
//     says (RFC 9110 §6.4.1); bytes after their head are unexpected_data.
//   - 1xx responses become InformationalResponse events and the next head is
//     parsed; more than Limits::max_informational of them is an error. We
//     never request an upgrade, so a 101 is malformed_response.
//   - Content-Length must be one plain decimal: a second Content-Length field
//     (even an identical one), a list ("5, 5"), a sign or any other byte is
//     invalid_content_length. Content-Length with Transfer-Encoding is
//     conflicting_framing.
//   - A body with neither Content-Length nor chunked ends at receive_eof()
//     (RFC 9112 §6.3) and the connection is then not reusable.
//   - EOF before any byte of a response is connection_closed; EOF anywhere
//     inside a response (its head, a Content-Length or chunked body) is
//     incomplete_body.
//   - Lines end in CRLF only: bare LF, CR without LF and obs-fold are
//     malformed_response; the two bytes after chunk data must be CRLF
//     (invalid_chunk).
//
// Sides and states (h11's model). Our side: idle → send_body → done, or
// error. Their side: idle (nothing expected) → awaiting_head → body → done,
// or error; `closed` once EOF is seen. The connection can carry another
// request only when both sides are done, both agreed to keep the connection
// (RFC 9112 §9.3: HTTP/1.1 unless "Connection: close" on either side,
// HTTP/1.0 only with "Connection: keep-alive"), the body was not delimited
// by close, and no bytes beyond the response have arrived. Any error puts
// the machine in its error state for good: every later call fails with
// ErrorCode::invalid_state, and is_reusable() is false forever.
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

#include "core/bytes.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::http1 {

// Bounds on what a server can make us buffer. Exceeding one is a protocol error.
struct Limits {
  std::size_t max_header_bytes = 64 * 1024;        // status line + fields of one response head (and of trailers)
  std::size_t max_header_count = 128;              // fields in one head (and in trailers)
  std::size_t max_chunk_extension_bytes = 1024;    // bytes of extensions on one chunk-size line
  std::size_t max_informational = 16;              // 1xx responses before the final one
};

// --- Events (facts about what the server sent) ---

// A 1xx response (100 Continue, 103 Early Hints, ...). More may follow.
struct InformationalResponse {
  int status = 0;
  std::string reason;
  Headers headers;
};

// The head of the final response.
struct ResponseHead {
  int status = 0;
  std::string reason;
  int version_major = 1;
  int version_minor = 1;
  Headers headers;
};

// A piece of the response body, de-chunked. The view is lent: valid until
// the next non-const call. Never empty.
struct BodyData {
  Bytes data;
};

// The response is complete. Trailers are empty unless the body was chunked and had some.
struct EndOfMessage {
  Headers trailers;
};

// More bytes (or receive_eof()) are needed before the next event.
struct NeedData {};

// The response is complete and the machine waits for start_next_cycle() (or
// for the caller to close). Any bytes that arrive now are unexpected.
struct Paused {};

// The server closed the connection cleanly while nothing was expected.
struct ConnectionClosed {};

using Event = std::variant<NeedData, InformationalResponse, ResponseHead, BodyData, EndOfMessage, Paused,
                           ConnectionClosed>;

enum class OurState { idle, send_body, done, error };
enum class TheirState { idle, awaiting_head, body, done, closed, error };

class Connection {
 public:
  explicit Connection(Limits limits = {});
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- Commands: our side ---

  // Serialises a request head into the output buffer.
  // Errors (the machine is left unchanged, nothing is produced):
  //   invalid_method        method is not a token
  //   invalid_target        target is empty or holds CR, LF, NUL, space or other controls
  //   invalid_header_name   a name is not a token
  //   invalid_header_value  a value holds CR, LF or NUL; no Host header, or more than one;
  //                         Content-Length not a single non-negative decimal, or given with Transfer-Encoding;
  //                         Transfer-Encoding whose last coding is not "chunked"
  //   invalid_state         our side is not idle
  // Names and values are checked field by field unless headers.validated()
  // says Headers::validate() already did so for exactly these fields.
  Result<void> send_request(std::string_view method, std::string_view target, const Headers& headers);

  // Frames body bytes (copied into the output buffer). An empty span is a no-op.
  // Errors (the machine moves to its error state; nothing of `data` is produced):
  //   invalid_state (no body in progress), body_length_mismatch (beyond Content-Length).
  Result<void> send_body(Bytes data);
  // The same without the copy, for a Content-Length body: pending_output() lends `data` itself once
  // what was queued before it is written, so `data` must stay valid and unchanged until it has been
  // consumed (consume_output()), the machine has failed, or the machine is destroyed; after a failure
  // the machine never looks at it again. One lent piece at a time. With chunked framing (a chunk needs
  // its size line and CRLF around it) the bytes are copied, as by send_body().
  // Errors: those of send_body(); invalid_state if the last lent piece is still pending.
  Result<void> send_body_lent(Bytes data);

  // Ends the request body; `trailers` are only allowed (and only sent) with chunked framing.
  // For a request without a body (no framing header, or Content-Length: 0) it
  // is an accepted no-op: such a request is complete at send_request().
  // Errors (the machine moves to its error state; nothing is produced):
  //   invalid_state (no body in progress, or trailers without chunked framing),
  //   body_length_mismatch (fewer bytes than Content-Length),
  //   invalid_header_name / invalid_header_value for trailers.
  Result<void> send_end(const Headers& trailers = {});

  // The caller gave up on sending (write error, cancelled): the machine errors.
  void send_failed();

  // --- Output ---

  // Bytes to write to the peer, lent until the next non-const call. The output may come in more than one
  // piece (a lent body piece is handed out as it is): write and consume until it is empty.
  Bytes pending_output() const noexcept;
  // Marks the first n bytes of pending_output() as written (n larger than it is clamped).
  void consume_output(std::size_t n) noexcept;

  // --- Input ---

  // Buffers bytes received from the peer. Parsing happens in next_event().
  void receive(Bytes data);
  // Zero-copy receive: a buffer of at least `min_size` bytes to read into,
  // then commit_input(n) with the number of bytes actually written.
  MutableBytes prepare_input(std::size_t min_size);
  void commit_input(std::size_t n) noexcept;
  // The peer closed its sending side (EOF). Completes a close-delimited body.
  void receive_eof();

  // The next event, parsed from the buffered input.
  // Errors (the machine moves to its error state): malformed_response,
  // header_too_large, too_many_headers, chunk_extension_too_large,
  // invalid_chunk, invalid_content_length, conflicting_framing,
  // too_many_informational, incomplete_body (EOF inside a body),
  // connection_closed (EOF before any byte of a response),
  // unexpected_data (bytes when no response is expected, e.g. after a
  // complete response), invalid_state (already errored). Protocol errors
  // carry ErrorOrigin::remote and, when llhttp found them, its reason in the detail.
  // Returns Paused while the response is complete and nothing else arrived,
  // and ConnectionClosed once EOF is seen on an idle or finished connection.
  Result<Event> next_event();

  // --- Queries ---

  OurState our_state() const noexcept;
  TheirState their_state() const noexcept;
  // True from sending a request with "Expect: 100-continue" until the server
  // answers with any 1xx or a final response head (RFC 9110 §10.1.1). The
  // caller holds the body back while it is true (or until its own timeout).
  bool expecting_continue() const noexcept;
  // Whether another request may use this connection now (see theory of operation).
  bool is_reusable() const noexcept;
  // Whether input is buffered that next_event() has not yet consumed.
  bool has_buffered_input() const noexcept;
  const Limits& limits() const noexcept;

  // Resets both sides to idle for the next request. Errors: invalid_state
  // unless is_reusable().
  Result<void> start_next_cycle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hipp::http1
