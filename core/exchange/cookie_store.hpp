// The cookie jar as one exchange reaches it: a seam, so the exchange needs neither a lock nor the jar type.
//
// Per attempt the exchange asks cookie_header() for the attempt's URL and puts the answer in the request's
// Cookie header after the caller's own cookies (CookieHeader below), replacing what it put there for the
// previous attempt; per final response head (redirects, auth challenges and retried statuses included) it
// calls store(). So a cookie set by a 302 is sent on the next hop, and a jar cookie for one origin never
// rides a redirect to another: each hop gets the jar's answer for its own URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/message/headers.hpp"
#include "core/url/url.hpp"

namespace hipp::exchange {

class CookieStore {
 public:
  virtual ~CookieStore() = default;
  // The Cookie header value for a request to `url` at `unix_now` (wall-clock seconds); empty for none.
  virtual std::string cookie_header(const url::Url& url, std::int64_t unix_now) = 0;
  // A response head for a request to `url` arrived at `unix_now`: keep its Set-Cookie fields.
  virtual void store(const url::Url& url, const Headers& response_headers, std::int64_t unix_now) = 0;
};

// Keeps the caller's Cookie header apart from what the store added, across the attempts of one request.
class CookieHeader {
 public:
  // Sets `headers`' Cookie to the caller's cookies, then `jar_cookies`, joined by "; " (RFC 6265 §5.4
  // wants one Cookie field); removes it when both are empty. The caller's cookies are what the header
  // held before the first apply(), or, later, whatever replaced the value apply() set (a hook changed it)
  // or nothing once it was removed (a cross-origin redirect strips Cookie).
  void apply(Headers& headers, std::string_view jar_cookies);

 private:
  std::optional<std::string> caller_;
  std::optional<std::string> sent_;  // the value apply() set last
};

}  // namespace hipp::exchange
