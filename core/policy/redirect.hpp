// Redirects: the next hop a 3xx asks for (plan_redirect) and loop detection (RedirectChain).
//
// Theory of operation. The exchange sends a request and reads a response head. If the status is a
// redirect (301 302 303 307 308, Hip's REDIRECT_STATUSES) and following redirects is enabled, it first asks
// the retry policy whether another redirect is allowed (the redirect count and max_redirects are Retry's
// business), then calls plan_redirect() with the request exactly as it went out on this hop. The plan is the
// request of the next hop: method, absolute URL, headers with what must not travel removed, and whether
// the body goes along. The exchange records the plan in its RedirectChain (which refuses a loop), stops
// applying its own credentials if the plan is cross-origin, and sends the next hop. Each plan is built from
// the previous hop's headers, so what a hop stripped stays stripped for the rest of the chain: A → B → A
// does not get Authorization back on the second visit to A.
//
// Rules (RFC 9110 §15.4, Hip's Retry/urlopen, curl and browsers where they agree):
//  - Location (RFC 9110 §10.2.2) is a URI reference resolved against the current URL (RFC 3986 §5.2,
//    url::resolve). Leading and trailing spaces and tabs are ignored. A missing or empty Location is no
//    redirect: Hip delivers the 3xx as is, so plan_redirect() returns std::nullopt. Several Location fields
//    with different values are refused (invalid_url): a server that means one target sends one.
//  - If Location has no fragment, the current URL's fragment is kept (RFC 9110 §10.2.2).
//  - The target must be http or https with a host; anything else is invalid_url (LocationParseError).
//  - Methods (RFC 9110 §15.4.2 to §15.4.9):
//        status   method         next method     body
//        301/302  POST           GET             dropped   (historical, §15.4.2/§15.4.3; what every client does)
//        301/302  any other      unchanged       kept      (HEAD stays HEAD, PUT stays PUT)
//        303      HEAD           HEAD            dropped   (§15.4.4: retrieve with GET, or HEAD for HEAD)
//        303      any other      GET             dropped
//        307/308  any            unchanged       kept      (§15.4.8/§15.4.9 forbid the change)
//    "dropped" means RedirectPlan::drop_body is true and the headers that describe the body are removed
//    (kBodyHeaders: Content-Length, Transfer-Encoding, Content-Type, ...), whether or not there was a body.
//    "kept" with a body that cannot be rewound is unrewindable_body (Hip's UnrewindableBodyError).
//  - Origins (RFC 6454: scheme, host, effective port). On a cross-origin hop Authorization, Cookie and
//    Proxy-Authorization (kCrossOriginHeaders) are always removed, and so is every header named in
//    remove_headers_on_redirect (Hip's Retry option; compared case-insensitively), plus Host, which names
//    the old origin. Same-origin hops keep every header, as in Hip (which strips only when !is_same_host).
//    The exchange must also stop applying its own auth when RedirectPlan::cross_origin is set: the cookie
//    jar and auth flows add back what belongs to the new origin.
//  - An https → http downgrade never carries credentials: it is cross-origin (so the headers above go),
//    and userinfo in the new URL is removed as well.
//
// Pure functions and a value type: no I/O, no shared state, safe to call from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"
#include "core/url/url.hpp"

namespace hipp::policy {

// 301, 302, 303, 307 and 308 (Hip's REDIRECT_STATUSES). 300, 304 and 305 are not redirects to follow.
bool is_redirect_status(int status) noexcept;

// Headers removed on every cross-origin hop, whatever remove_headers_on_redirect says.
inline constexpr std::array<std::string_view, 3> kCrossOriginHeaders = {"Authorization", "Cookie",
                                                                        "Proxy-Authorization"};

// Headers that describe the request body (RFC 9110 §8.3 to §8.8, RFC 9530 digests, Expect, Trailer),
// removed when the body is dropped (303, and POST on 301/302).
inline constexpr std::array<std::string_view, 11> kBodyHeaders = {
    "Content-Length", "Transfer-Encoding", "Content-Type", "Content-Encoding", "Content-Language", "Content-Location",
    "Digest",         "Content-Digest",    "Repr-Digest",  "Expect",           "Trailer"};

// The request that received the 3xx, as it went out on this hop.
struct RedirectRequest {
  std::string method;
  url::Url url;                 // absolute (has a scheme): the base Location resolves against
  Headers headers;              // as sent on this hop (after earlier hops stripped theirs)
  bool has_body = false;        // the request carried a body (or announced one)
  bool body_rewindable = true;  // that body can be produced again from its start
};

// The next hop.
struct RedirectPlan {
  std::string method;
  url::Url url;                       // absolute http or https URL with a host; never holds CR or LF
  Headers headers;                    // the current hop's headers minus what had to go
  bool drop_body = false;             // send no body: 303, and POST on 301/302 (kBodyHeaders removed)
  bool cross_origin = false;          // scheme, host or effective port changed: stop applying auth
  bool downgrade = false;             // https → http (credentials never travel; implies cross_origin)
  std::vector<std::string> stripped;  // names of the headers removed on this hop, each once, as spelled
  std::string reason;                 // one line for the decision log, e.g.
                                      // "303 See Other: POST → GET http://h/x (body dropped)"
};

// Plans the hop a `status` response to `current` asks for.
//
// Returns std::nullopt ("no redirect": deliver the response as is) when `status` is not a redirect status,
// or when the response has no Location, or only an empty one. Otherwise the plan, built from
// current.headers (never from the original request's). `response_headers` are the 3xx's headers;
// `remove_headers_on_redirect` names headers (any case) to remove on cross-origin hops in addition to
// kCrossOriginHeaders.
//
// Errors:
//  - invalid_url: Location cannot be resolved (control characters such as CR/LF, a bad authority or port),
//    resolves to a scheme other than http or https, or to a URL without a host; several Location fields
//    disagree; current.url has no scheme. The detail quotes the Location (truncated to 200 bytes) and the
//    reason.
//  - unrewindable_body: the hop keeps the body (307, 308, or a non-POST 301/302) and current.has_body is
//    set while current.body_rewindable is not.
Result<std::optional<RedirectPlan>> plan_redirect(const RedirectRequest& current, int status,
                                                  const Headers& response_headers,
                                                  const std::vector<std::string>& remove_headers_on_redirect);

// The request of the next hop as plan_redirect() sees it when that hop is redirected in turn: the plan's
// method, URL and headers; a body only if `current` had one and the plan keeps it, as rewindable as before.
RedirectRequest next_request(const RedirectRequest& current, const RedirectPlan& plan);

// Whether two URLs have the same origin (RFC 6454 §4): scheme, host and effective port, ASCII
// case-insensitively. "http://h" and "http://h:80" are the same origin; "http://h" and "https://h" are not.
bool same_origin(const url::Url& a, const url::Url& b);

// The requests of one redirect chain, to refuse loops and to describe the chain in one line.
//
// Two requests are the same when method, URL (without fragment, which never goes on the wire) and Cookie
// header are equal. The Cookie is part of the identity because "A → B (sets a cookie) → A" is the common
// login flow, not a loop: the second request to A differs. A server that loops whatever the client sends
// repeats a request exactly and is caught at its first repetition; one that sets a fresh cookie every time
// is stopped by the redirect limit (Retry's).
//
// How many redirects are allowed is not decided here (Retry's redirect count, hyperhttp's max_redirects).
// A value type, not synchronised (one chain per exchange).
class RedirectChain {
 public:
  struct Visit {
    std::string method;
    url::Url url;
    std::optional<std::string> cookie;  // the combined Cookie header as sent, if any
  };

  // Starts a chain at its first request (hop 0).
  explicit RedirectChain(const RedirectRequest& first);
  RedirectChain(std::string_view method, const url::Url& url, const Headers& headers);

  // Records the next hop. Errors: max_retries (MaxRetryError, as Hip raises when redirects run out; a loop
  // is a reason to stop redirecting, not a new kind of failure) with the detail
  // "redirect loop: GET http://a/ → GET http://b/ → GET http://a/" when the plan's request was made before
  // in this chain; the chain is left unchanged then.
  Result<void> record(const RedirectPlan& plan);

  // Redirects followed so far (visits() has one more entry).
  std::size_t hops() const noexcept { return visits_.size() - 1; }
  const std::vector<Visit>& visits() const noexcept { return visits_; }
  // One line: "2 redirects: GET http://a/ → GET http://b/ → GET http://c/" (userinfo never shown).
  std::string describe() const;

 private:
  std::vector<Visit> visits_;
};

}  // namespace hipp::policy
