// JSON request bodies and response parsing (Hip's json= argument and
// Response.json()), on nlohmann::json.
//
// Neither function throws: encoding replaces invalid UTF-8 instead of
// throwing, and parsing goes through nlohmann's SAX interface, which reports
// errors as values. Pure functions: no I/O, no shared state.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/body/fields.hpp"
#include "core/result.hpp"

namespace hipp::body {

// The compact serialisation (no spaces, like Python's
// json.dumps(separators=(",", ":"), ensure_ascii=False)): non-ASCII stays
// UTF-8; bytes of a string that are not valid UTF-8 become U+FFFD.
// Content-Type application/json.
EncodedBody encode_json(const nlohmann::json& value);

// Parses one JSON text (RFC 8259; no comments, nothing but whitespace after it).
// Errors: ErrorCode::decode_failed with the parser's message (position and
// reason), e.g. "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
Result<nlohmann::json> parse_json(std::string_view text);

}  // namespace hipp::body
