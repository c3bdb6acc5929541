// Request serialisation for http1::Connection: validation first, then bytes.
//
// Every check runs before a single byte is appended, so a refused request
// leaves the output untouched (no half-written head can reach the wire).
// Fields go out in the caller's order and spelling; nothing is added.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::http1 {

// How the request body is delimited, read from the caller's headers (RFC 9112 §6).
struct RequestFraming {
  enum class Kind { none, length, chunked };
  Kind kind = Kind::none;
  std::uint64_t length = 0;      // for Kind::length
  bool expect_continue = false;  // "Expect: 100-continue" (RFC 9110 §10.1.1)
  bool close = false;            // "Connection: close" (RFC 9112 §9.6)
  bool head = false;             // method HEAD: the response has no body (RFC 9110 §9.3.2)
};

// Checks a request head and derives its framing.
// Errors: invalid_method, invalid_target, invalid_header_name, invalid_header_value
// (see Connection::send_request for the exact rules).
Result<RequestFraming> validate_request(std::string_view method, std::string_view target, const Headers& headers);

// Appends `METHOD SP target SP HTTP/1.1 CRLF *(field CRLF) CRLF`. Call only after validate_request().
void write_request_head(std::string& out, std::string_view method, std::string_view target, const Headers& headers);

// Appends one chunk: `hex-size CRLF data CRLF` (RFC 9112 §7.1). `data` must not be empty.
void write_chunk(std::string& out, Bytes data);

// Checks trailer fields. Errors: invalid_header_name, invalid_header_value.
Result<void> validate_trailers(const Headers& trailers);

// Appends the last chunk and trailers: `0 CRLF *(field CRLF) CRLF` (RFC 9112 §7.1.2).
void write_last_chunk(std::string& out, const Headers& trailers);

}  // namespace hipp::http1
