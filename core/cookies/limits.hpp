// The bounds a cookie jar keeps, so a server cannot make the client store or send without limit.
#pragma once

#include <cstddef>

namespace hipp::cookies {

// RFC 6265 §6.1 asks a user agent to support *at least* these; we store no more than them.
struct Limits {
  // Bytes of one Set-Cookie field (name, value and every attribute). A longer field is refused whole.
  std::size_t max_cookie_bytes = 4096;
  // Cookies kept for one domain (the cookie's domain as stored). Storing one more evicts the domain's
  // least recently used cookie (§5.3 last paragraph).
  std::size_t max_cookies_per_domain = 50;
  // Cookies kept in the whole jar; storing one more evicts the jar's least recently used cookie.
  std::size_t max_cookies = 3000;
};

}  // namespace hipp::cookies
