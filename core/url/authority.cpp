// Authority parsing and validation (RFC 3986 §3.2, RFC 6874 for zone ids).
#include <string>
#include <string_view>

#include "core/url/detail/chars.hpp"
#include "core/url/detail/components.hpp"
#include "core/url/detail/ipv6.hpp"

namespace hipp::url::detail {

namespace {

// The detail names the host and port only: userinfo may hold a password.
Unexpected invalid(std::string why, std::string_view context) {
  why += " in '";
  why += context;
  why += '\'';
  return fail(ErrorCode::invalid_url, std::move(why));
}

// IP-literal = "[" ( IPv6address / IPv6addrz ) "]". Hip also accepts a zone id
// introduced by a bare '%' ("[fe80::1%eth0]"); we normalise it to "%25". The
// address is lower-cased; the zone id (an interface name) keeps its case.
Result<std::string> parse_ip_literal(std::string_view literal, std::string_view context) {
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  if (!inner.empty() && (inner[0] == 'v' || inner[0] == 'V')) {
    return invalid("IPvFuture literals are not supported", context);
  }
  const std::size_t percent = inner.find('%');
  const std::string_view address = inner.substr(0, percent);
  if (!is_ipv6_address(address)) return invalid("invalid IPv6 address", context);
  std::string host = "[";
  for (char c : address) host += to_lower(c);
  if (percent != std::string_view::npos) {
    std::string_view zone = inner.substr(percent);
    zone.remove_prefix(zone.substr(0, 3) == "%25" && zone.size() > 3 ? 3 : 1);
    if (zone.empty()) return invalid("empty IPv6 zone id", context);
    // ZoneID = 1*( unreserved / pct-encoded )
    for (std::size_t i = 0; i < zone.size(); ++i) {
      if (is_escape_at(zone, i)) {
        i += 2;
      } else if (!is_unreserved(zone[i])) {
        return invalid("invalid character in IPv6 zone id", context);
      }
    }
    host += "%25";
    host += normalize_component(zone, {});
  }
  host += ']';
  return host;
}

// reg-name = *( unreserved / sub-delims ), lower-cased. Percent-encoded and
// non-ASCII names are refused: the core does no IDNA, and a decoded name
// could smuggle bytes to the resolver.
Result<std::string> parse_reg_name(std::string_view name, std::string_view context) {
  std::string host;
  host.reserve(name.size());
  for (char c : name) {
    if (is_unreserved(c) || is_sub_delim(c)) {
      host += to_lower(c);
    } else if (c == ' ') {
      return invalid("space in host", context);
    } else if (c == '[' || c == ']') {
      return invalid("unbalanced brackets", context);
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return invalid("non-ASCII host (IDNA is not supported: pass the punycode A-label)", context);
    } else {
      return invalid(std::string("invalid character '") + c + "' in host", context);
    }
  }
  return host;
}

// port = *DIGIT, limited to 0..65535 and, like Hip, to five digits.
Result<std::uint16_t> parse_port(std::string_view text, std::string_view context) {
  unsigned value = 0;
  for (char c : text) {
    if (!is_digit(c)) return invalid("port is not a number", context);
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return invalid("port out of range 0..65535", context);
  }
  if (text.size() > 5) return invalid("port has more than five digits", context);
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<Authority> parse_authority(std::string_view authority) {
  Authority out;
  std::string_view rest = authority;
  // userinfo runs to the last '@' (as Hip's greedy match): "a@b@host" has userinfo "a@b".
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    out.userinfo = normalize_component(rest.substr(0, at), kUserinfoAllowed);
    rest.remove_prefix(at + 1);
  }
  const std::string_view hostport = rest;
  std::optional<std::string_view> port_text;
  if (!rest.empty() && rest[0] == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return invalid("unbalanced brackets", hostport);
    auto host = parse_ip_literal(rest.substr(0, close + 1), hostport);
    if (!host) return Unexpected{std::move(host).error()};
    out.host = std::move(*host);
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return invalid("unexpected characters after IPv6 literal", hostport);
      port_text = rest.substr(1);
    }
  } else {
    if (rest.find_first_of("[]") != std::string_view::npos) return invalid("unbalanced brackets", hostport);
    const std::size_t colon = rest.find(':');
    auto host = parse_reg_name(rest.substr(0, colon), hostport);
    if (!host) return Unexpected{std::move(host).error()};
    out.host = std::move(*host);
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  // An empty port ("host:") means no port (RFC 3986 §3.2.3; Hip drops it too).
  if (port_text && !port_text->empty()) {
    auto port = parse_port(*port_text, hostport);
    if (!port) return Unexpected{std::move(port).error()};
    out.port = *port;
  }
  return out;
}

}  // namespace hipp::url::detail
