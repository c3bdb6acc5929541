// Turning what the caller asked for into a request ready for the wire.
//
// Shared by every transport: it applies Hip's request() rules (fields into the
// query for GET/HEAD/DELETE, into a form body otherwise; `json` into a JSON
// body), merges default headers, adds Host, User-Agent and the framing header
// (Content-Length for sized bodies, Transfer-Encoding: chunked for generators),
// and validates everything that will go on the wire, so a CR/LF in a header
// fails here with a typed error before any connection is opened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/message/headers.hpp"
#include "core/result.hpp"
#include "core/url/url.hpp"
#include "transports/api/request_options.hpp"

namespace hipp {

inline constexpr std::string_view kDefaultUserAgent = "hipp/0.1";

struct PreparedRequest {
  std::string method;
  url::Url url;                                // the absolute URL (with fields, for URL-encoded methods)
  std::string target;                          // origin-form request target
  Headers headers;                             // complete, in wire order
  Body body;                                   // std::monostate, std::string, FileBody, GeneratorBody, MultipartEncoder
  std::optional<std::uint64_t> content_length; // the body's size when known
  bool expect_continue = false;                // "Expect: 100-continue" was asked for

  // Whether the body can be produced again from the start (for a resend).
  bool body_rewindable() const noexcept {
    if (const auto* multipart = std::get_if<MultipartEncoder>(&body)) return multipart->rewindable();
    return !std::holds_alternative<GeneratorBody>(body);
  }
};

// Multipart: `files` (or encode_multipart) turn `fields` + `files` into a multipart/form-data body; a
// MultipartEncoder body brings its own. Its Content-Type is set unless the caller set one, and its
// Content-Length when every part's size is known (else chunked). A multipart body held wholly in memory
// becomes plain bytes.
// Errors: invalid_url (also for schemes other than http), invalid_method,
// invalid_header_name, invalid_header_value, invalid_state (conflicting
// body options; files with a method that puts fields in the URL), invalid_form_field (a part that cannot
// be encoded), body_source_failed (a FileBody or multipart file whose size cannot be read).
Result<PreparedRequest> prepare_request(std::string_view method, std::string_view url, RequestOptions&& options,
                                        const Headers& default_headers);

}  // namespace hipp
