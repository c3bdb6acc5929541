// HTTP Digest authentication (RFC 7616), the client side, as a sans-I/O AuthFlow.
//
// Theory of operation. The first request to an origin goes out without credentials; its 401 carries
// WWW-Authenticate challenges (parsed by core/auth/challenge.hpp). The flow picks the first Digest
// challenge it can answer, stores it in the DigestAuth instance as the session for that origin, and
// asks the exchange to send the request again, now with an Authorization answer. Later requests to
// the same origin (scheme, host, port) are answered up front with the stored nonce and the next nonce
// count, saving the round trip; requests to any other origin never see this state.
//
// What it answers:
//   algorithms   MD5, SHA-256, SHA-512-256 (RFC 7616 §3.2; SHA-512/256 with its own initial values)
//                and SHA-512 (as httpbin offers it), each also as "-sess" (§3.4.2), spelled in any
//                case; no algorithm parameter means MD5 (and none is echoed back).
//   qop          "auth"; no qop at all (RFC 2069 compatibility: no nc or cnonce). A server offering
//                only "auth-int" gets no answer: its 401 is delivered as an ordinary response.
//   nc           per instance, 1 for the first answer on a nonce, +1 for every later answer on it
//                (retries included), back to 1 when the server issues a fresh nonce (a new
//                challenge, or Authentication-Info's nextnonce, §3.5).
//   cnonce       16 bytes from the caller's RandomBytes, in hex; fresh for every answer, except with
//                "-sess" where the first cnonce on a nonce is kept, so that H(A1) stays the one the
//                server derived (§3.4.2) whether it caches it or recomputes it.
//   userhash     when the challenge says userhash=true, the user name is sent hashed (§3.4.4).
//                A non-ASCII user name goes out as username*=UTF-8''... otherwise.
//   uri          the request-target in origin form (Url::request_uri()).
//
// When it stops (so no server can make it loop):
//   - a 401 after an answer to a challenge this flow received (wrong password) is delivered, and the
//     instance forgets its session;
//   - a 401 after an up-front answer with a stored nonce (the server forgot it) gets one fresh answer;
//   - stale=true (§3.3: the nonce expired, the password was right) is re-answered with the new nonce
//     without counting as a failure, at most kMaxStaleAnswers times per request.
//
// Thread safety: none. A DigestAuth and its flows share the session (by shared_ptr, so a flow may
// outlive the DigestAuth); the transport serialises every call on one instance.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/auth/auth.hpp"

namespace hipp::auth {

namespace detail {
struct DigestState;
}

class DigestAuth final : public Auth {
 public:
  // How many stale=true challenges one request re-answers before delivering the 401.
  static constexpr int kMaxStaleAnswers = 2;

  DigestAuth(std::string_view user, std::string_view password);

  std::unique_ptr<AuthFlow> start_flow() override;
  bool requires_response() const noexcept override { return true; }

  // Introspection (tests, logging): the nonce count of the last answer on the stored nonce, 0 when
  // none was sent yet or there is no session; the stored nonce, empty when there is none.
  std::uint32_t nonce_count() const noexcept;
  std::string_view nonce() const noexcept;

 private:
  std::shared_ptr<detail::DigestState> state_;
};

}  // namespace hipp::auth
