// ParsedHead: a complete HTTP/1.x response head, parsed in one pass.
//
// The response reader hands over a head only once its framing is known to be
// sound (the scanner in response_reader.cpp has checked, byte by byte and in
// wire order, that every line ends in CRLF, that no line starts with
// whitespace, and that the head fits in Limits::max_header_bytes). What is
// left to check here is the syntax of the lines themselves, field by field,
// with every name and value still a view into the caller's bytes until the
// fields are copied, all in one block, into `headers`.
//
// The rules are at least as strict as llhttp 8.1's in its default mode (a
// differential test holds us to that), and stricter where RFC 9112 is:
//   - status-line = "HTTP/" DIGIT "." DIGIT SP 3DIGIT [ SP reason-phrase ] (§4);
//     the version is 1.0 or 1.1, the reason holds no control byte but HTAB;
//   - field-line = token ":" OWS field-value OWS (§5, RFC 9110 §5.6.2), no
//     whitespace before the colon (§5.1), the value holds no control byte but
//     HTAB (RFC 9110 §5.5);
//   - Content-Length is 1*DIGIT that fits 64 bits, at most once, never with
//     Transfer-Encoding (RFC 9110 §8.6, RFC 9112 §6.3);
//   - the body is chunked exactly when the final transfer coding is "chunked"
//     (RFC 9112 §6.3 rule 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::http1 {

struct ParsedHead {
  int status = 0;
  int version_major = 1;
  int version_minor = 1;
  std::string_view reason;  // a view into the head given to parse_head()
  Headers headers;          // OWS-trimmed values, in wire order, owned
  // Where each field is while the head is parsed: kept between heads, so a
  // head's fields cost no allocation until they are copied into `headers`.
  std::vector<Headers::FieldSpan> spans;

  // Body framing fields, read as the fields go by.
  bool has_content_length = false;
  std::uint64_t content_length = 0;
  bool has_transfer_encoding = false;
  bool chunked = false;  // the final coding of the last Transfer-Encoding is chunked
  // Connection options that decide persistence (RFC 9112 §9.3).
  bool connection_close = false;
  bool connection_keep_alive = false;
};

// Parses `head`: the status line through the CRLF of the empty line that ends
// the head, whose line framing the caller has checked (see above). Fills
// `out` (its fields are reset first; `out.headers` keeps its capacity).
// Errors: malformed_response (status line, version, field syntax, control
// bytes), too_many_headers (more than `max_header_count` fields),
// invalid_content_length (not a decimal, too large, or repeated),
// conflicting_framing (Content-Length and Transfer-Encoding together).
Result<void> parse_head(std::string_view head, std::size_t max_header_count, ParsedHead& out);

// The fast path for a head that arrived whole: `input` starts with a head
// whose end is not known yet, and this one pass both checks its line framing
// (what the scanner would) and parses it. Returns the head's size, status line
// through empty line, when `input` starts with a complete head that
// parse_head() accepts after the scanner does, with `out` filled as
// parse_head() fills it. Returns nullopt for everything else (an incomplete
// head, or any error in it): the caller then takes the careful path, scanner
// and parse_head(), which finds where the head ends or names its error. The
// caller bounds `input` by its own max_header_bytes.
std::optional<std::size_t> parse_buffered_head(std::string_view input, std::size_t max_header_count,
                                               ParsedHead& out);

}  // namespace hipp::http1
