// Form fields: Hip's request_encode_url() and request_encode_body() for
// fields without files (application/x-www-form-urlencoded).
//
// Pure functions: no I/O, no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace hipp::body {

// Name/value pairs, in the order given; a name may repeat ("a=1&a=2").
using Fields = std::vector<std::pair<std::string, std::string>>;

// A request body and the Content-Type that describes it.
struct EncodedBody {
  std::string content_type;
  std::string data;
};

// Serialises fields as application/x-www-form-urlencoded, as Python's
// urlencode() does for Hip: names and values are UTF-8 bytes; space becomes
// '+'; RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) stay; every other
// byte becomes %XX with upper-case hex. Pairs are joined with '&', name and
// value with '='. (The WHATWG serializer keeps '*' and escapes '~'; decoders
// accept both.) Empty fields give "".
std::string urlencode(const Fields& fields);

// Appends the urlencoded fields to the query of a URL or request target
// (request_encode_url): '?' if it has no query, '&' if it has a non-empty one
// not already ending in '&', nothing if it ends in '?' or '&'. A fragment stays
// at the end ("/p#f" gives "/p?a=b#f"). No fields: the target is returned as is.
// The rest of the target is kept byte for byte (not normalised).
// Errors: ErrorCode::invalid_url if url::parse() refuses the target.
Result<std::string> encode_fields_into_target(std::string_view request_uri_or_url, const Fields& fields);

// The body of request_encode_body(encode_multipart=false): urlencode(fields)
// with Content-Type application/x-www-form-urlencoded.
EncodedBody encode_form(const Fields& fields);

}  // namespace hipp::body
