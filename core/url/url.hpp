// URLs: parsing with Hip's leniency, normalisation, and RFC 3986 reference resolution.
//
// parse() accepts what Hip's parse_url() accepts: absolute URLs, scheme-less
// authorities ("google.com:80", "localhost"), and origin-form references
// ("/foo?bar"). It normalises the scheme and host to lower case (RFC 3986
// §6.2.2.1), keeps IPv6 literals in brackets, percent-encodes characters
// that may not appear raw in the path, query and fragment (leaving existing
// %XX escapes alone), and rejects what cannot be a URL with
// ErrorCode::invalid_url (LocationParseError at the user API): bad ports,
// unbalanced brackets, invalid IPv6 literals, control characters, spaces
// or CR/LF anywhere.
//
// resolve() is RFC 3986 §5.2 reference resolution (strict, §5.2.2), used for
// redirects; it passes every example of §5.4.1 and §5.4.2.
//
// Pure functions: no I/O, no allocation beyond the returned strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hipp::url {

struct Url {
  std::string scheme;                   // lower case; empty when the input had none
  std::optional<std::string> userinfo;  // "user:pass" as given (percent-encoded), without '@'
  std::string host;                     // lower case; IPv6 literals keep their brackets: "[::1]"
  std::optional<std::uint16_t> port;    // as written; see effective_port()
  std::string path;                     // percent-encoded; may be empty
  std::optional<std::string> query;     // without '?'
  std::optional<std::string> fragment;  // without '#'

  // Path plus query as sent on the request line: "/" when the path is empty.
  std::string request_uri() const;
  // The port to connect to: the explicit one, else 80 for http, 443 for https.
  // Empty if neither an explicit port nor a known scheme gives one.
  std::optional<std::uint16_t> effective_port() const;
  // host[:port], the value of the Host header: the port is omitted when it is
  // the scheme's default (RFC 9110 §7.2).
  std::string host_header() const;
  // The host as given to the resolver: IPv6 brackets removed.
  std::string hostname() const;
  // scheme://host[:port] with the port always explicit: the key of an origin.
  std::string origin() const;
  // userinfo split at the first ':' and percent-decoded, for Basic auth.
  std::optional<std::pair<std::string, std::string>> credentials() const;
  // The whole URL, recomposed (RFC 3986 §5.3). Without userinfo when `with_userinfo` is false.
  std::string to_string(bool with_userinfo = true) const;

  friend bool operator==(const Url&, const Url&) = default;
};

// Parses a URL with Hip's leniency. Errors: ErrorCode::invalid_url with the reason.
Result<Url> parse(std::string_view input);

// Resolves `reference` against `base` (RFC 3986 §5.2); `base` must have a scheme.
// Errors: ErrorCode::invalid_url if `reference` is not a URI reference.
Result<Url> resolve(const Url& base, std::string_view reference);

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view path);

// Percent-encodes every byte outside `allowed` and outside unreserved (RFC 3986 §2.3);
// existing "%XX" escapes are kept when `keep_escapes` is true.
std::string percent_encode(std::string_view s, std::string_view allowed, bool keep_escapes);
// Decodes %XX escapes; malformed escapes are kept literally.
std::string percent_decode(std::string_view s);

}  // namespace hipp::url
