// The seam between authentication schemes and the exchange (one logical request).
//
// Theory of operation (the model is hyperhttp/httpx's Auth.auth_flow generator, unrolled into two
// callbacks so that no coroutine crosses the sans-I/O boundary):
//
//   Auth      what the user configures on a client or on one request. It may keep state across
//             requests (Digest keeps its nonce and nonce count), and it starts one AuthFlow per
//             logical request.
//   AuthFlow  lives for one exchange. The exchange calls
//               on_request()   before every attempt is written: the first try, every retry, and the
//                              resend the flow itself asked for. The flow adds or replaces
//                              Authorization in the attempt's headers.
//               on_response()  with every final response head (not 1xx). `true` means "I answered a
//                              challenge: send the same request again" (the exchange then calls
//                              on_request and resends); `false` means "deliver this response".
//
// Every built-in flow bounds its own resends, so a server that keeps answering 401 ends with that 401
// delivered, never with a loop. Flows send credentials only to the origin (scheme, host, port) of the
// first request they saw: if the exchange calls on_request for a redirect to another origin, no
// Authorization is added there (curl's default; the redirect policy strips the header too).
//
// Thread safety: none. An Auth instance and the flows it started share state without locking; the
// transport serialises every call on one instance (one request at a time per Auth, or a lock around
// the calls). Distinct instances are independent. A flow may outlive its Auth (built-in flows share
// their state by shared_ptr).
//
// No I/O: randomness comes in as RandomBytes from the caller; the core never creates a source.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "core/message/headers.hpp"
#include "core/result.hpp"
#include "core/url/url.hpp"

namespace hipp::auth {

// Something random for the flow (Digest's cnonce): the caller's injected source. Core never creates
// one. It must fill the whole span; it is called only from on_request.
using RandomBytes = std::function<void(std::span<std::byte>)>;

// The attempt about to be written, which the flow may change.
struct AuthRequest {
  std::string_view method;
  const url::Url& url;  // absolute, normalised (core/url/url.hpp)
  Headers& headers;     // add/replace Authorization here
};

// A final response head as the flow sees it. The views live only for the call.
struct AuthResponse {
  int status;
  const Headers& headers;
};

// One per logical request (one exchange).
class AuthFlow {
 public:
  virtual ~AuthFlow() = default;
  // Before each attempt's request is written (first try, retries, and the flow's own resend).
  // Errors fail the request (the built-in flows: ErrorCode::invalid_state when Digest has no
  // RandomBytes source).
  virtual Result<void> on_request(AuthRequest& request, const RandomBytes& random) = 0;
  // With each final response head. true: the flow wants the same request sent again (it answered a
  // challenge); the exchange then calls on_request again and resends. false: deliver this response.
  virtual Result<bool> on_response(const AuthResponse& response) = 0;
};

// What a user configures on a client or per request; may keep state across requests (Digest's nonce
// and nc). Not thread-safe: the transport serialises calls on one instance.
class Auth {
 public:
  virtual ~Auth() = default;
  virtual std::unique_ptr<AuthFlow> start_flow() = 0;
  // Whether a flow may ask for a resend after seeing a response (httpx's requires_response): the
  // exchange must then keep the request body replayable until the flow has seen the final response.
  virtual bool requires_response() const noexcept { return false; }
};

// Whether two URLs share an origin (scheme, host and effective port; RFC 6454). The built-in flows
// send credentials only within one origin.
bool same_origin(const url::Url& a, const url::Url& b);

}  // namespace hipp::auth
