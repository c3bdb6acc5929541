// The request an exchange carries across its attempts.
//
// A transport prepares it once (transports/api/prepared_request.hpp applies Hip's request() rules and
// validates every field) and hands it to the exchange, which owns it from then on: redirects rewrite its
// method, URL and headers, auth flows and request hooks add headers, and every attempt is written from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/message/headers.hpp"
#include "core/url/url.hpp"

namespace hipp::exchange {

// The request body as the exchange sees it. Bytes the exchange holds itself; a stream is produced by the
// transport on demand (PullBody), because reading a file or calling a generator is the world's business.
struct RequestBody {
  enum class Kind { none, bytes, stream };
  Kind kind = Kind::none;
  std::string bytes{};                   // kind == bytes: the whole body
  std::optional<std::uint64_t> length{}; // kind == stream: its size when known (Content-Length), else chunked
  bool rewindable = true;                // kind == stream: the source can start again from its first byte

  bool empty() const noexcept { return kind == Kind::none || (kind == Kind::bytes && bytes.empty()); }
};

struct Request {
  std::string method;
  url::Url url;        // absolute, http or https, normalised (url::parse)
  Headers headers;     // complete and in wire order: Host, framing, defaults, the caller's
  RequestBody body{};
  bool expect_continue = false;  // "Expect: 100-continue": hold the body until the server says so

  // The origin-form target of the request line (RFC 9112 §3.2.1).
  std::string target() const { return url.request_uri(); }
};

}  // namespace hipp::exchange
