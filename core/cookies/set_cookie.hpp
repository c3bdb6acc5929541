// Parsing one Set-Cookie field value (RFC 6265 §5.2), before the jar decides whether to store it.
//
// The parser follows §5.2's user-agent algorithm, which is more forgiving than the §4.1 server grammar:
// the name and value are trimmed of SP and HTAB, DQUOTEs stay part of the value, unknown attributes are
// skipped, attribute names are case-insensitive, and an attribute whose value does not parse is ignored as
// if absent (an Expires no date form reads, a Max-Age that is not an integer, an empty Domain). When an
// attribute repeats, the last one counts (§5.3: "the last attribute ... with an attribute-name of").
//
// Refused outright (RFC 6265bis §5.7 step 1 for controls; §5.2 steps 2 and 5): a field longer than
// Limits::max_cookie_bytes, any control character (%x00-08, %x0A-1F, %x7F: so CR, LF and NUL; HTAB is
// whitespace), a name-value pair without '=', an empty name.
//
// Pure function, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/cookies/cookie.hpp"
#include "core/cookies/limits.hpp"
#include "core/result.hpp"

namespace hipp::cookies {

struct SetCookie {
  std::string name;
  std::string value;
  std::optional<std::int64_t> expires{};  // Expires as unix seconds (§5.2.1)
  std::optional<std::int64_t> max_age{};  // Max-Age in seconds, as given (may be 0 or negative: §5.2.2)
  std::optional<std::string> domain{};    // Domain, lower case, a leading '.' removed (§5.2.3); never empty
  std::optional<std::string> path{};      // Path when it starts with '/' (§5.2.4); else the default path applies
  bool secure = false;
  bool http_only = false;
  SameSite same_site = SameSite::unspecified;  // "Strict", "Lax", "None"; anything else is unspecified
};

// Parses `field` (the value of one Set-Cookie header field).
// Errors: invalid_set_cookie, the detail naming the reason ("too large", "control character",
// "no '=' in the name-value pair", "empty name").
Result<SetCookie> parse_set_cookie(std::string_view field, const Limits& limits = {});

}  // namespace hipp::cookies
