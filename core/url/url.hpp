// URLs: parsing with Hip's leniency, normalisation, and RFC 3986 reference resolution.
//
// parse() accepts what Hip's parse_url() accepts: absolute URLs, scheme-less
// authorities ("google.com:80", "localhost"), and origin-form references
// ("/foo?bar"). It normalises the scheme and host to lower case (RFC 3986
// §6.2.2.1), keeps IPv6 literals in brackets, percent-encodes characters
// that may not appear raw in the userinfo, path, query and fragment (leaving
// existing %XX escapes alone but upper-casing their hex digits), removes dot
// segments from absolute paths (§6.2.2.3, as Hip does), and rejects what
// cannot be a URL with ErrorCode::invalid_url (LocationParseError at the user
// API): bad ports, unbalanced brackets, invalid IPv6 literals, control
// characters, spaces or CR/LF anywhere.
//
// Leniency, in detail:
//  - "name:rest" is a scheme unless `rest` is a port: digits up to the end or
//    to '/', '?', '#'. "google.com:80" and "localhost:8080/x" are a host and
//    port; "mailto:a@b", "http:/x" and "a.b:c" have a scheme. (Hip reads
//    "localhost:8080" as scheme "localhost", and "a.b:c" as a bad port.)
//  - Input that neither starts with a scheme nor with '/' is an authority
//    followed by path, query and fragment, as if prefixed with "//".
//  - An empty port ("host:/") is no port.
//  - Bytes outside the component's allowed set are percent-encoded: space,
//    DEL, non-ASCII, '"' '<' '>' '\' '^' '`' '{' '|' '}' '[' ']', a '%' that
//    starts no escape, and '#' in the fragment.
// Refused (invalid_url, the detail names the reason and, for authority
// errors, the host and port but never the userinfo):
//  - any C0 control (0x00-0x1F, so CR, LF, NUL, TAB) anywhere;
//  - in the host: space, '[' or ']' outside a literal, '%', non-ASCII (the core
//    does no IDNA: pass the punycode form), any other non reg-name character;
//  - IPv6 literals that are not RFC 3986 IPv6address with an optional RFC
//    6874 zone id ("%25eth0"; a bare "%eth0" is accepted and normalised to
//    "%25"); IPvFuture literals; characters between ']' and ':';
//  - ports that are not 1 to 5 digits, or above 65535 ("-1", "8a", "99999").
//
// resolve() is RFC 3986 §5.2 reference resolution (strict, §5.2.2), used for
// redirects; it passes every example of §5.4.1 and §5.4.2.
//
// Pure functions: no I/O, no allocation beyond the returned strings, no
// shared state (safe to call from any thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"

namespace hipp::url {

struct Url {
  std::string scheme;                   // lower case; empty when the input had none
  std::optional<std::string> userinfo;  // "user:pass" percent-encoded as parse() normalises it, without '@'
  std::string host;                     // lower case; IPv6 literals keep their brackets: "[::1]"
  std::optional<std::uint16_t> port;    // as written; see effective_port()
  std::string path;                     // percent-encoded; may be empty
  std::optional<std::string> query;     // without '?'
  std::optional<std::string> fragment;  // without '#'

  // Whether to_string() writes an authority ("//..."): a host, userinfo or port is set.
  bool has_authority() const;
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
  // scheme://host:port with the port always explicit: the key of an origin.
  // Without ":port" only when effective_port() is empty (an unknown scheme).
  std::string origin() const;
  // userinfo split at the first ':' and percent-decoded, for Basic auth; the
  // password is empty when userinfo has no ':'. Empty when there is no userinfo.
  std::optional<std::pair<std::string, std::string>> credentials() const;
  // The whole URL, recomposed (RFC 3986 §5.3). Without userinfo when `with_userinfo` is false.
  // For every Url that parse() returns, parse(u.to_string()) == u. A path that
  // would be misread is guarded: "/." before a path starting with "//" when
  // there is no authority, "./" before a scheme-less first segment holding ':',
  // '/' before a relative path after an authority.
  std::string to_string(bool with_userinfo = true) const;

  friend bool operator==(const Url&, const Url&) = default;
};

// Parses a URL with Hip's leniency (see the top of this file). The empty string
// gives an empty Url, as in Hip. Errors: ErrorCode::invalid_url with the reason.
Result<Url> parse(std::string_view input);

// Resolves `reference` against `base` (RFC 3986 §5.2.2, strict: "http:g"
// against an http base gives "http:g"). `reference` is split as RFC 3986
// Appendix B says (no Hip leniency: "g" is a path, "g:h" has scheme "g"); a
// "name:" whose name is no valid scheme is part of the path. Its components are
// validated and normalised as in parse(), dot segments are removed by the
// algorithm itself, and the result's fragment is the reference's.
// Errors: ErrorCode::invalid_url if `base` has no scheme, or if `reference`
// holds a control character or an invalid authority (as in parse()).
Result<Url> resolve(const Url& base, std::string_view reference);

// RFC 3986 §5.2.4 (on the raw string: escapes such as "%2E" are not dots).
std::string remove_dot_segments(std::string_view path);

// Percent-encodes every byte outside `allowed` and outside unreserved (RFC 3986 §2.3);
// existing "%XX" escapes are kept when `keep_escapes` is true.
std::string percent_encode(std::string_view s, std::string_view allowed, bool keep_escapes);
// Decodes %XX escapes; malformed escapes are kept literally.
std::string percent_decode(std::string_view s);

}  // namespace hipp::url
