// The matching rules of RFC 6265 §5.1.3 (domains) and §5.1.4 (paths), as pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/url/url.hpp"

namespace hipp::cookies {

// Whether `host` is an IP address literal rather than a host name: an IPv6 address (it holds ':') or a
// dotted IPv4 address (only digits and dots). Such a host never domain-matches anything but itself.
bool is_ip_address(std::string_view host) noexcept;

// §5.1.2 canonicalized host of a request URL: lower case (url::parse already folds it), IPv6 without
// brackets, a trailing dot removed ("example.com." and "example.com" are the same host for cookies).
std::string canonical_host(const url::Url& url);

// §5.1.3: `host` (canonicalized) domain-matches `domain` when they are identical, or when `domain` is a
// suffix of `host`, the character before it is '.', and `host` is a host name, not an IP address.
// Both arguments are lower case; the comparison is exact.
bool domain_match(std::string_view host, std::string_view domain) noexcept;

// §5.1.4 default-path of a request path (the URL's path without the query): "/" when it is empty, does
// not start with '/', or holds only one '/'; otherwise everything up to, not including, its last '/'.
std::string default_path(std::string_view request_path);

// §5.1.4: `request_path` path-matches `cookie_path` when they are identical, or `cookie_path` is a prefix
// of it and either ends with '/' or is followed in `request_path` by '/'. An empty request path is "/".
bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept;

}  // namespace hipp::cookies
