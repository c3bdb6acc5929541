// Digest authentication's pure parts (RFC 7616): choosing a challenge, and computing the
// Authorization value for one answer. DigestAuth (core/auth/digest_auth.hpp) keeps the state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/challenge.hpp"
#include "core/auth/detail/hash.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::auth::detail {

// A Digest challenge this client can answer.
struct DigestChallenge {
  HashAlgorithm hash = HashAlgorithm::md5;
  bool sess = false;                     // an "-sess" algorithm (RFC 7616 §3.4.2)
  std::optional<std::string> algorithm;  // as the server spelled it, echoed back; none: MD5, not echoed
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  bool qop_auth = false;  // qop=auth; false: RFC 2069 compatibility (no qop, nc or cnonce)
  bool userhash = false;  // RFC 7616 §3.4.4
  bool stale = false;
};

// The Digest challenge to answer from one challenge, or nullopt when it is not Digest or cannot be
// answered: an unknown algorithm, no nonce, a qop list without "auth" (auth-int needs the body, which
// a flow never sees), or an -sess algorithm without qop (it needs a cnonce).
std::optional<DigestChallenge> to_digest_challenge(const Challenge& challenge);

// The first answerable Digest challenge among every WWW-Authenticate field, in the server's order
// (RFC 7616 §3.7: the server lists its preferred challenge first). A field that does not parse is
// skipped (a server's broken field must not hide a good one in another field); at most
// `limits.max_challenges` challenges and `limits.max_bytes` per field are looked at.
std::optional<DigestChallenge> select_digest_challenge(const Headers& headers, const ChallengeLimits& limits = {});

// One answer's inputs.
struct DigestAnswer {
  std::string_view user;      // UTF-8
  std::string_view password;  // UTF-8
  std::string_view method;
  std::string_view uri;     // the request-target (RFC 7616 §3.4: "uri")
  std::uint32_t nc = 1;     // nonce count, sent as 8 hex digits
  std::string_view cnonce;  // ignored without qop
};

// The `response` value (RFC 7616 §3.4.1), in lower-case hex.
// Errors: as hex_hash().
Result<std::string> digest_response(const DigestChallenge& challenge, const DigestAnswer& answer);

// The whole Authorization value: "Digest username=..., realm=..., uri=..., algorithm=..., nonce=...,
// nc=..., cnonce=..., qop=auth, response=..., opaque=..., userhash=true" (the optional parts only when
// they apply). The user name goes out as a quoted-string, as username*=UTF-8''... when it holds bytes
// a quoted-string should not carry (RFC 7616 §3.4.4, RFC 8187), or hashed with userhash.
// Errors: as hex_hash().
Result<std::string> digest_authorization(const DigestChallenge& challenge, const DigestAnswer& answer);

// `value` as an RFC 9110 quoted-string ('"' and '\' escaped).
std::string quote(std::string_view value);

}  // namespace hipp::auth::detail
