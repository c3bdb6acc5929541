// CookieJar — RFC 6265's storage model (§5.3) and the Cookie header it produces (§5.4).
//
// Theory of operation
// -------------------
// The transport hands the jar every Set-Cookie field of every response (store_all(), with the URL the
// request went to) and asks it for each request's Cookie header (cookie_header()). The jar never reads a
// clock: both take `now` in unix seconds, and a cookie whose expiry is not after `now` is gone (it is
// never sent, and it is removed whenever the jar next stores or answers).
//
// Storing (§5.3, with the limits below and two rules of RFC 6265bis):
//  - expiry: Max-Age wins over Expires whatever their order (§5.3 step 3); Max-Age <= 0 or an Expires not
//    after `now` makes the cookie expired, which deletes the stored one of the same identity.
//  - Domain: absent, the cookie is host-only (sent to the request host exactly). Present, the request host
//    must domain-match it (§5.1.3), or the cookie is refused; it is then sent to the domain and its
//    subdomains. A Domain that is a public suffix ("com", "co.uk", per the injected PublicSuffixList) is
//    refused, unless it is the request host itself, which makes the cookie host-only (step 5). A request to
//    an IP address only ever stores host-only cookies.
//  - Path: the attribute when it starts with '/', else the default path of the request (§5.1.4).
//  - identity: name, domain and path. A cookie replaces the stored one of the same identity and keeps its
//    creation time (step 11).
//  - Secure (RFC 6265bis §5.7 steps 9 and 15): an http response may not set a Secure cookie, nor replace
//    or shadow a Secure one of the same name whose domain and path match.
//  - limits (Limits): a field over max_cookie_bytes is refused; past max_cookies_per_domain or
//    max_cookies, expired cookies go first, then the least recently used of that domain or of the jar.
//
// Sending (§5.4): a cookie goes with a request when it has not expired, the request host equals its domain
// (host-only) or domain-matches it, the request path path-matches its path, and, when Secure, the request
// is https. Longer paths come first, then earlier creation (ties in the order stored). Sending updates the
// cookies' last-access time.
//
// Errors: store() and insert() return why a cookie was refused (ErrorCode::invalid_set_cookie); the jar
// is then unchanged. store_all() ignores refused fields, as §5.2 tells a user agent to.
// Thread safety: none; a transport that shares a jar between threads puts it behind its own lock
// (transports/api/shared_cookie_jar.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/cookies/cookie.hpp"
#include "core/cookies/limits.hpp"
#include "core/cookies/public_suffix_list.hpp"
#include "core/cookies/set_cookie.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"
#include "core/url/url.hpp"

namespace hipp::cookies {

class CookieJar {
 public:
  // `suffixes` may be null: then no Domain is refused as a public suffix (only domain-matching applies).
  explicit CookieJar(Limits limits = {}, std::shared_ptr<const PublicSuffixList> suffixes = nullptr);

  // Stores the cookie of one Set-Cookie field value received in a response to `request_url` at `now`.
  // Success also when the cookie deletes one (expired on arrival) or is dropped as already expired.
  // Errors (the jar is unchanged), all invalid_set_cookie: what parse_set_cookie() refuses; a Domain the
  // request host does not domain-match; a public-suffix Domain; a Domain for an IP-address host other than
  // the address; Secure over http; a non-Secure cookie over http shadowing a Secure one.
  Result<void> store(const url::Url& request_url, std::string_view set_cookie, std::int64_t now);
  // store() for every Set-Cookie field of `headers`, in order; refused fields are skipped.
  // Returns how many fields were accepted.
  std::size_t store_all(const url::Url& request_url, const Headers& headers, std::int64_t now);
  // Adds a cookie as given (from a cookie file), replacing one of the same name, domain and path, keeping
  // the replaced one's creation time; creation and last-access times are `now`. An expired cookie only
  // deletes. Errors: invalid_set_cookie for an empty name or domain, a path not starting with '/', a
  // control character or ';' in the name, value, domain or path, or a cookie over max_cookie_bytes.
  Result<void> insert(Cookie cookie, std::int64_t now);

  // The Cookie header value for a request to `url` at `now` ("a=1; b=2"), empty when no cookie applies.
  std::string cookie_header(const url::Url& url, std::int64_t now);
  // The cookies cookie_header() sends, in its order (copies).
  std::vector<Cookie> cookies_for(const url::Url& url, std::int64_t now);

  // Removes the cookie of this identity; returns whether there was one.
  bool remove(std::string_view name, std::string_view domain, std::string_view path);
  // Removes every cookie that has expired at `now`.
  void remove_expired(std::int64_t now);
  void clear() noexcept { cookies_.clear(); }

  // Every stored cookie (expired ones too until the next remove_expired()), in creation order.
  const std::vector<Cookie>& cookies() const noexcept { return cookies_; }
  std::size_t size() const noexcept { return cookies_.size(); }
  const Limits& limits() const noexcept { return limits_; }

 private:
  std::vector<std::size_t> matching(const url::Url& url, std::int64_t now);
  Result<void> put(Cookie cookie, std::int64_t now);
  void enforce_limits(const std::string& domain, std::int64_t now);

  Limits limits_;
  std::shared_ptr<const PublicSuffixList> suffixes_;
  std::vector<Cookie> cookies_;  // creation order: a new cookie is appended, a replacement takes the old place
};

}  // namespace hipp::cookies
