// Parsing WWW-Authenticate and Proxy-Authenticate (RFC 9110 §11.6.1, §11.3, §11.4).
//
//   WWW-Authenticate = #challenge
//   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param       = token BWS "=" BWS ( token / quoted-string )
//   token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// One field may hold several challenges, and several fields are one list (RFC 9110 §5.3), so the
// parser splits at commas with the standard disambiguation: after a comma, `token BWS "="` continues
// the current challenge's parameters, anything else starts a new challenge. Empty list elements are
// skipped (§5.6.1). Scheme and parameter names compare ASCII case-insensitively (§11.1, §11.2) but are
// kept as sent; quoted-string values are unescaped (§5.6.4). A parameter name that repeats within a
// challenge is an error (§11.2: "MUST only occur once per challenge").
//
// Bounded: the field bytes, the number of challenges and the parameters per challenge are capped by
// ChallengeLimits; the work is linear in the input.
//
// Pure functions: no I/O, no shared state (safe from any thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::auth {

struct AuthParam {
  std::string name;   // as sent
  std::string value;  // unescaped when it was a quoted-string
  bool quoted = false;

  friend bool operator==(const AuthParam&, const AuthParam&) = default;
};

struct Challenge {
  std::string scheme;                  // as sent; compare with is()
  std::optional<std::string> token68;  // "Negotiate abc==", never together with params
  std::vector<AuthParam> params;       // in order

  // Whether the scheme is `name`, ignoring ASCII case.
  bool is(std::string_view name) const noexcept;
  // The value of parameter `name` (ASCII case-insensitive), if present. The view lives as long as
  // this Challenge is not modified.
  std::optional<std::string_view> param(std::string_view name) const noexcept;

  friend bool operator==(const Challenge&, const Challenge&) = default;
};

struct ChallengeLimits {
  std::size_t max_bytes = 16 * 1024;  // one field value; with several fields, their sum
  std::size_t max_challenges = 32;    // in one field; with several fields, in all of them
  std::size_t max_params = 32;        // in one challenge (or one #auth-param list)
};

// Parses one field value. An empty or all-comma value gives no challenges.
// Errors (origin remote, the detail names the byte offset):
//   ErrorCode::challenge_too_large  more than limits.max_bytes, max_challenges or max_params;
//   ErrorCode::malformed_challenge  anything outside the grammar above: a missing or non-token
//     scheme or name, a missing '=' or value, an unterminated quoted-string, a control character, a
//     quoted-pair escaping a control, a repeated parameter name, junk after a token68.
Result<std::vector<Challenge>> parse_challenges(std::string_view field_value, const ChallengeLimits& limits = {});

// Parses every field named `field_name` ("WWW-Authenticate", "Proxy-Authenticate") in order, as one
// list. The same errors; the first failing field fails the whole call.
Result<std::vector<Challenge>> parse_challenges(const Headers& headers, std::string_view field_name,
                                                const ChallengeLimits& limits = {});

// Parses a bare #auth-param list, as Authentication-Info carries (RFC 9110 §11.6.3, RFC 7616 §3.5).
// The same errors (max_challenges does not apply).
Result<std::vector<AuthParam>> parse_auth_params(std::string_view field_value, const ChallengeLimits& limits = {});

}  // namespace hipp::auth
