#include "core/cookies/cookie_jar.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/cookies/cookie_match.hpp"

namespace hipp::cookies {

namespace {

constexpr std::int64_t kEarliest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max();

Unexpected refuse(std::string why) { return fail(ErrorCode::invalid_set_cookie, std::move(why)); }

bool is_secure(const url::Url& url) { return url.scheme == "https"; }

std::string request_path(const url::Url& url) { return url.path.empty() ? std::string("/") : url.path; }

// §5.3 step 3: Max-Age is relative to now; a delta <= 0 means the earliest representable time.
std::int64_t expiry_from_max_age(std::int64_t delta, std::int64_t now) {
  if (delta <= 0) return kEarliest;
  return now > kLatest - delta ? kLatest : now + delta;
}

// What insert() accepts in a field: no controls (as parse_set_cookie()) and no ';', which would end the
// pair in a Cookie header.
bool clean(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F || c == ';';
  });
}

}  // namespace

CookieJar::CookieJar(Limits limits, std::shared_ptr<const PublicSuffixList> suffixes)
    : limits_(limits), suffixes_(std::move(suffixes)) {}

Result<void> CookieJar::store(const url::Url& request_url, std::string_view set_cookie, std::int64_t now) {
  auto parsed = parse_set_cookie(set_cookie, limits_);
  if (!parsed) return Unexpected{std::move(parsed).error()};
  SetCookie& sc = *parsed;
  const std::string host = canonical_host(request_url);
  const bool secure_request = is_secure(request_url);

  Cookie c;
  c.name = std::move(sc.name);
  c.value = std::move(sc.value);
  // Step 3: Max-Age first, then Expires, else a session cookie.
  if (sc.max_age) {
    c.expiry = expiry_from_max_age(*sc.max_age, now);
  } else if (sc.expires) {
    c.expiry = *sc.expires;
  }

  // Steps 4-6: the domain.
  std::string domain = sc.domain.value_or("");
  while (!domain.empty() && domain.back() == '.') domain.pop_back();  // "example.com." is example.com
  if (!domain.empty() && suffixes_ && suffixes_->is_public_suffix(domain)) {
    if (domain != host) return refuse("Domain=" + domain + " is a public suffix");
    domain.clear();  // the host is the suffix itself: host-only
  }
  if (!domain.empty() && is_ip_address(host)) {
    // An address has no subdomains: a Domain equal to it still yields a host-only cookie.
    if (domain != host) return refuse("Domain=" + domain + " for the IP address " + host);
    domain.clear();
  }
  if (!domain.empty()) {
    if (!domain_match(host, domain)) return refuse("Domain=" + domain + " does not domain-match " + host);
    c.host_only = false;
    c.domain = std::move(domain);
  } else {
    c.host_only = true;
    c.domain = host;
  }
  c.path = sc.path ? std::move(*sc.path) : default_path(request_url.path);  // step 7
  c.secure = sc.secure;                                                     // step 8
  c.http_only = sc.http_only;                                               // steps 9-10: always an HTTP API
  c.same_site = sc.same_site;

  // RFC 6265bis §5.7 step 9: only a secure origin sets Secure cookies.
  if (c.secure && !secure_request) return refuse("Secure cookie set over http");
  // RFC 6265bis §5.7 step 15: an http response must not replace or shadow a Secure cookie of the same name.
  if (!secure_request) {
    for (const Cookie& old : cookies_) {
      if (old.secure && old.name == c.name &&
          (domain_match(c.domain, old.domain) || domain_match(old.domain, c.domain)) && path_match(c.path, old.path) &&
          !old.expired(now)) {
        return refuse("non-Secure cookie over http would replace the Secure cookie " + c.name);
      }
    }
  }
  return put(std::move(c), now);
}

std::size_t CookieJar::store_all(const url::Url& request_url, const Headers& headers, std::int64_t now) {
  std::size_t stored = 0;
  for (const auto& field : headers) {
    if (iequals(field.name, "Set-Cookie") && store(request_url, field.value, now)) ++stored;
  }
  return stored;
}

Result<void> CookieJar::insert(Cookie cookie, std::int64_t now) {
  if (cookie.name.empty()) return refuse("empty name");
  if (cookie.domain.empty()) return refuse("empty domain");
  if (cookie.path.empty() || cookie.path.front() != '/') return refuse("path does not start with '/'");
  if (!clean(cookie.name) || !clean(cookie.value) || !clean(cookie.domain) || !clean(cookie.path)) {
    return refuse("control character or ';' in a field");
  }
  if (cookie.name.size() + cookie.value.size() + cookie.domain.size() + cookie.path.size() > limits_.max_cookie_bytes) {
    return refuse("too large");
  }
  cookie.domain = to_lower(cookie.domain);
  return put(std::move(cookie), now);
}

// Steps 11-12: replace the cookie of the same identity (keeping its creation time), or append.
Result<void> CookieJar::put(Cookie c, std::int64_t now) {
  c.creation_time = now;
  c.last_access_time = now;
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.name == c.name && old.domain == c.domain && old.path == c.path;
  });
  if (c.expired(now)) {
    // An expired cookie is only a deletion (Max-Age=0, an Expires in the past).
    if (same != cookies_.end()) cookies_.erase(same);
    return {};
  }
  if (same != cookies_.end()) {
    c.creation_time = same->creation_time;
    *same = std::move(c);
    return {};
  }
  const std::string domain = c.domain;
  cookies_.push_back(std::move(c));
  enforce_limits(domain, now);
  return {};
}

void CookieJar::enforce_limits(const std::string& domain, std::int64_t now) {
  auto in_domain = [&](const Cookie& c) { return c.domain == domain; };
  const bool over_domain = static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) >
                           limits_.max_cookies_per_domain;
  if (!over_domain && cookies_.size() <= limits_.max_cookies) return;
  remove_expired(now);  // §5.3: expired cookies are the first to go
  // Then the least recently used: of the domain while it is over its cap, of the jar while it is over.
  auto evict_lru = [&](auto&& pick) {
    auto victim = cookies_.end();
    for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
      if (pick(*it) && (victim == cookies_.end() || it->last_access_time < victim->last_access_time)) victim = it;
    }
    if (victim != cookies_.end()) cookies_.erase(victim);
  };
  while (static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) >
         limits_.max_cookies_per_domain) {
    evict_lru(in_domain);
  }
  while (cookies_.size() > limits_.max_cookies) {
    evict_lru([](const Cookie&) { return true; });
  }
}

std::vector<std::size_t> CookieJar::matching(const url::Url& url, std::int64_t now) {
  if (cookies_.empty()) return {};  // every request asks: an empty jar answers without allocating
  remove_expired(now);
  const std::string host = canonical_host(url);
  const std::string path = request_path(url);
  const bool secure = is_secure(url);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cookies_.size(); ++i) {
    const Cookie& c = cookies_[i];
    if (c.host_only ? host != c.domain : !domain_match(host, c.domain)) continue;
    if (!path_match(path, c.path)) continue;
    if (c.secure && !secure) continue;
    out.push_back(i);
  }
  // §5.4 step 2: longer paths first; among equal lengths the earlier created first, which is the order
  // stored (stable_sort keeps it).
  std::stable_sort(out.begin(), out.end(),
                   [&](std::size_t a, std::size_t b) { return cookies_[a].path.size() > cookies_[b].path.size(); });
  for (std::size_t i : out) cookies_[i].last_access_time = now;  // step 3
  return out;
}

std::string CookieJar::cookie_header(const url::Url& url, std::int64_t now) {
  std::string out;
  for (std::size_t i : matching(url, now)) {
    if (!out.empty()) out += "; ";
    out += cookies_[i].name;
    out += '=';
    out += cookies_[i].value;
  }
  return out;
}

std::vector<Cookie> CookieJar::cookies_for(const url::Url& url, std::int64_t now) {
  std::vector<Cookie> out;
  for (std::size_t i : matching(url, now)) out.push_back(cookies_[i]);
  return out;
}

bool CookieJar::remove(std::string_view name, std::string_view domain, std::string_view path) {
  auto it = std::find_if(cookies_.begin(), cookies_.end(),
                         [&](const Cookie& c) { return c.name == name && c.domain == domain && c.path == path; });
  if (it == cookies_.end()) return false;
  cookies_.erase(it);
  return true;
}

void CookieJar::remove_expired(std::int64_t now) {
  std::erase_if(cookies_, [now](const Cookie& c) { return c.expired(now); });
}

}  // namespace hipp::cookies
