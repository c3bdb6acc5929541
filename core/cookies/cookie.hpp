// One stored cookie: the RFC 6265 §5.3 storage model's fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hipp::cookies {

// The SameSite attribute as received (RFC 6265bis §5.6.7). The jar keeps it for the caller (and for a
// cookie file); a non-browser client has no "site for cookies", so it does not change what is sent.
enum class SameSite { unspecified, strict, lax, none };

struct Cookie {
  std::string name;
  std::string value;
  // Lower case, without a leading dot. For a host-only cookie, the request host it came from.
  std::string domain;
  std::string path = "/";
  // Unix seconds after which the cookie is gone; empty for a session cookie (no Max-Age or Expires),
  // which lives as long as the jar.
  std::optional<std::int64_t> expiry{};
  std::int64_t creation_time = 0;     // unix seconds; kept when a cookie replaces one of the same identity
  std::int64_t last_access_time = 0;  // unix seconds; updated when it is sent; the least recent is evicted first
  bool host_only = true;              // sent only to `domain` itself, not to its subdomains
  bool secure = false;                // sent only over https
  bool http_only = false;             // kept for cookie files; every request here is an HTTP API
  SameSite same_site = SameSite::unspecified;

  // Whether the cookie has expired at `now` (unix seconds): its expiry is not after now.
  bool expired(std::int64_t now) const noexcept { return expiry.has_value() && *expiry <= now; }
};

}  // namespace hipp::cookies
