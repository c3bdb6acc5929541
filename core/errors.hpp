// Error values returned by the sans-I/O core.
//
// The core never throws for protocol or I/O conditions: it returns an Error
// inside a Result. The user-facing C++ API maps these to the exception
// hierarchy in transports/errors.hpp, in one place. "Need more input" is not
// an error and never appears here.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace hipp {

// What kind of failure this is; decides retry eligibility and the exception type.
enum class ErrorCategory {
  connection,  // could not connect, reset, peer closed early
  timeout,     // a deadline passed
  protocol,    // the peer broke HTTP
  tls,         // handshake or certificate failure
  decode,      // content decoding failed
  policy,      // a policy refused to continue (retries exhausted, pool closed)
  usage,       // the caller asked for something invalid
};

// Which failure exactly. Stable: the C API and the CLI's exit codes map from it.
enum class ErrorCode {
  // usage: invalid input from the caller
  invalid_url,              // LocationParseError
  invalid_method,           // method is not an RFC 9110 token
  invalid_target,           // request target holds CR, LF, NUL, space or controls
  invalid_header_name,      // header name is not a token
  invalid_header_value,     // header value holds CR, LF or NUL
  invalid_state,            // an API call that the machine's state does not allow
  body_length_mismatch,     // more or fewer body bytes than Content-Length promised
  unrewindable_body,        // a body that cannot be replayed had to be resent
  body_source_failed,       // the request body could not be produced (missing file, failing generator)
  invalid_credentials,      // credentials that cannot be sent (a Bearer token outside RFC 6750 b64token)
  no_stream_available,      // HTTP/2: the connection cannot open another stream now (MAX_CONCURRENT_STREAMS
                            // reached, GOAWAY received, stream ids exhausted); open a new connection or wait
  invalid_form_field,       // a form or multipart part that cannot be encoded (CR/LF/NUL in a name, a
                            // filename, a content type or a part header)
  // connection
  resolve_failed,           // DNS resolution failed (curl 6)
  connect_failed,           // every address refused or was unreachable (curl 7)
  connection_reset,         // the peer reset or closed while we were sending (curl 56)
  connection_closed,        // the peer closed before a response started (curl 52)
  // timeout (curl 28)
  connect_timeout,
  read_timeout,
  write_timeout,
  pool_timeout,
  total_timeout,
  // protocol
  malformed_response,       // llhttp rejected the bytes
  header_too_large,         // response head exceeded Limits::max_header_bytes
  too_many_headers,         // response head exceeded Limits::max_header_count
  chunk_extension_too_large,// a chunk extension exceeded Limits::max_chunk_extension_bytes
  invalid_chunk,            // chunk framing broken (size line, CRLF after data)
  invalid_content_length,   // duplicate-but-different, signed or non-numeric Content-Length
  conflicting_framing,      // Content-Length together with Transfer-Encoding
  too_many_informational,   // more 1xx responses than Limits::max_informational
  incomplete_body,          // the peer closed before the body was complete (curl 18)
  unexpected_data,          // bytes arrived when no response was expected
  malformed_challenge,      // WWW-Authenticate / Proxy-Authenticate breaks RFC 9110 §11.6.1
  challenge_too_large,      // a challenge field exceeded auth::ChallengeLimits
  http2_protocol_error,     // the peer broke HTTP/2 (RFC 9113): bad frames, HPACK, flow control, a malformed
                            // response on a stream; detail names the nghttp2 reason
  stream_reset,             // HTTP/2: the server reset the stream (RST_STREAM); detail names the error code
  stream_unprocessed,       // HTTP/2: the server did not process the request (REFUSED_STREAM, or a stream
                            // above GOAWAY's last_stream_id, RFC 9113 §6.8/§8.7): safe to retry elsewhere
  invalid_set_cookie,       // a Set-Cookie field the cookie jar ignores (RFC 6265 §5.2/§5.3): malformed, too large,
                            // control characters, a Domain the request host does not match or a public suffix;
                            // detail says which
  // policy
  pool_empty,               // EmptyPoolError: block=true and no connection freed in time
  pool_closed,              // ClosedPoolError
  max_retries,              // MaxRetryError (Hip's Retry): retries or redirects exhausted, or a redirect loop
                            // (detail "redirect loop: ..."); cause = the last error
  retry_exhausted,          // RetryError (hyperhttp's RetryPolicy): failed after >= 1 retry; cause = the original
  circuit_open,             // CircuitBreakerOpen: the host's circuit breaker refuses requests for now
  cancelled,                // RequestCancelled: the caller cancelled the request (an async operation's
                            // cancellation slot); never retried, its connection never reused
  http_status,              // HTTPStatusError: raise_for_status() on a 4xx or 5xx response (never from the exchange)
  // tls
  tls_failed,                 // the TLS handshake or a record failed (curl 35); detail says why
  certificate_verify_failed,  // the peer's certificate was refused (curl 60); detail starts with the reason
  public_key_mismatch,        // the peer's public key matched none of the pinned SHA-256 hashes (curl 90,
                              // --pinnedpubkey); detail starts with "public key mismatch"
  // decode
  decode_failed,            // a content coding's data is corrupt or truncated (curl 61); detail names the coding
  unsupported_encoding,     // Content-Encoding names a coding we cannot decode (e.g. compress)
  too_many_encodings,       // more codings across all Content-Encoding fields than decode::Limits::max_codings
  decompression_bomb,       // the decoded body passed decode::Limits::max_decoded_bytes or max_ratio
  decode_window_too_large,  // a zstd frame asks for a window above decode::Limits::zstd_max_window_log
                            // (RFC 9659 §3: 8 MiB)
};

// Whether the failure was detected locally or reported by the remote peer.
enum class ErrorOrigin { local, remote };

struct Error {
  ErrorCategory category;
  ErrorCode code;
  ErrorOrigin origin = ErrorOrigin::local;
  std::string detail;  // human-readable context, e.g. the offending header name
  // The error this one wraps, or null: MaxRetryError's reason (the error that caused the last retry),
  // RetryError's original error, the failure that made an unrewindable body matter. Shared and const so an
  // Error stays cheap to copy and a chain is immutable once built (so it cannot form a cycle).
  std::shared_ptr<const Error> cause{};

  // Human-readable one-liner: "<code name>: <detail>", then "; caused by: <cause's message>" for each
  // link of the cause chain.
  std::string message() const;
};

// The category every code belongs to (one table, so they cannot disagree).
ErrorCategory category_of(ErrorCode code) noexcept;
// The code's stable snake_case name, e.g. "read_timeout".
std::string_view to_string(ErrorCode code) noexcept;

// Builds an Error with the category implied by the code.
Error make_error(ErrorCode code, std::string detail = {}, ErrorOrigin origin = ErrorOrigin::local);
// Builds a local Error with the category implied by the code that wraps `cause`.
Error make_error(ErrorCode code, std::string detail, Error cause);

}  // namespace hipp
