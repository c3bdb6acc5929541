// The header list of an HTTP/2 request (RFC 9113 §8.2, §8.3.1), checked and normalised before any byte is
// produced. Internal to http2::Connection, separate so its rules can be tested as a table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::http2 {

struct RequestField {
  std::string name;  // lower case; pseudo-headers first
  std::string value;
  bool never_index = false;  // RFC 7541 §7.1.3: credentials stay out of the HPACK tables
};

struct RequestFields {
  std::vector<RequestField> fields;
  std::optional<std::uint64_t> content_length;  // from a Content-Length field, if any
};

// Builds :method, :scheme, :authority, :path and the regular fields.
// Rules: names lower-cased; Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding and Upgrade dropped
// (§8.2.2); TE dropped unless "trailers"; Host dropped, and used as :authority when `authority` is empty.
// Errors: invalid_method, invalid_target (scheme, path), invalid_url (authority), invalid_header_name,
// invalid_header_value (CR/LF/NUL, or a Content-Length that is not one non-negative decimal).
Result<RequestFields> build_request_fields(std::string_view method, std::string_view scheme, std::string_view authority,
                                           std::string_view path, const Headers& headers);

// Trailer fields: validated and lower-cased; connection-specific fields and pseudo-headers refused.
// Errors: invalid_header_name, invalid_header_value.
Result<std::vector<RequestField>> build_trailer_fields(const Headers& trailers);

}  // namespace hipp::http2
