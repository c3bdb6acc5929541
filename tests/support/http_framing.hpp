#pragma once
// Just enough HTTP/1.1 framing (RFC 9112 section 6) for test peers to find where a message ends in a
// byte buffer. Deliberately independent of core/http1: a fixture that reused the code under test could
// not catch its bugs.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hipp::test {

// Offset just past the "\r\n\r\n" that ends the first message head in `buffer`, or nullopt.
[[nodiscard]] std::optional<std::size_t> find_head_end(std::string_view buffer);

// The value (surrounding whitespace trimmed) of the first field named `name` (case-insensitive) in
// `head`, a message head including its start line; nullopt when absent.
[[nodiscard]] std::optional<std::string> header_value(std::string_view head, std::string_view name);

enum class BodyFraming {
  None,        // no body (requests without Content-Length/Transfer-Encoding, 1xx/204/304, HEAD)
  Length,      // Content-Length bytes
  Chunked,     // Transfer-Encoding: chunked
  UntilClose,  // a response body that ends when the connection closes (RFC 9112 section 6.3 item 8)
};

struct MessageExtent {
  std::size_t head_length = 0;
  BodyFraming framing = BodyFraming::None;
  std::size_t content_length = 0;  // when framing == Length
};

// Framing of the message whose head is buffer[0, head_length). `is_request` selects the default for a
// message without length fields; `no_body` forces None (a response to HEAD, 1xx, 204, 304). Returns
// nullopt for an unparsable Content-Length.
[[nodiscard]] std::optional<MessageExtent> message_extent(std::string_view buffer, std::size_t head_length,
                                                          bool is_request, bool no_body);

// For a chunked body starting at buffer[0]: the length of the whole chunked encoding including the last
// chunk and trailers, or nullopt while incomplete or when malformed (`*malformed` is set then). The
// decoded data is appended to `decoded` (when not null) only once the encoding is complete.
[[nodiscard]] std::optional<std::size_t> chunked_length(std::string_view buffer, std::string* decoded, bool* malformed);

}  // namespace hipp::test
