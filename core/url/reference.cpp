// Splitting a URI reference into components (RFC 3986 Appendix B) and
// normalising each one.
#include <algorithm>
#include <string>
#include <string_view>

#include "core/url/detail/chars.hpp"
#include "core/url/detail/components.hpp"

namespace hipp::url::detail {

namespace {

// Hip's parse_url reads "google.com:80" as a host and port because its scheme
// pattern has no '.'; it still reads "localhost:8080" as scheme "localhost"
// and path "8080", which no HTTP caller means. We decide on what follows the
// colon instead: a port (digits up to the end or to '/', '?', '#') makes
// "name" a host, anything else makes it a scheme. One rule, so that every Url
// parse() returns has a spelling that parse() reads back the same.
bool lenient_is_scheme(std::string_view after_colon) noexcept {
  std::size_t digits = 0;
  while (digits < after_colon.size() && is_digit(after_colon[digits])) ++digits;
  const bool port_like = digits > 0 && (digits == after_colon.size() ||
                                        std::string_view("/?#").find(after_colon[digits]) != std::string_view::npos);
  return !port_like;
}

// Cuts `rest` at the first of `delims`, returning the head and leaving the tail (delimiter included).
std::string_view take_until(std::string_view& rest, std::string_view delims) noexcept {
  const std::size_t end = std::min(rest.find_first_of(delims), rest.size());
  const std::string_view head = rest.substr(0, end);
  rest.remove_prefix(end);
  return head;
}

}  // namespace

bool is_scheme(std::string_view s) noexcept {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

RawReference split_reference(std::string_view input, SchemeRule rule) {
  RawReference raw;
  std::string_view rest = input;
  const std::size_t colon = rest.find(':');
  if (colon != std::string_view::npos && colon > 0 && colon < rest.find_first_of("/?#")) {
    const std::string_view name = rest.substr(0, colon);
    if (is_scheme(name) && (rule == SchemeRule::strict || lenient_is_scheme(rest.substr(colon + 1)))) {
      raw.scheme = name;
      rest.remove_prefix(colon + 1);
    }
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    raw.authority = take_until(rest, "/?#");
  } else if (rule == SchemeRule::lenient && !raw.scheme && (rest.empty() || rest[0] != '/')) {
    // Hip prepends "//" to a reference without scheme or leading '/'.
    raw.authority = take_until(rest, "/?#");
  }
  raw.path = take_until(rest, "?#");
  if (!rest.empty() && rest[0] == '?') {
    rest.remove_prefix(1);
    raw.query = take_until(rest, "#");
  }
  if (!rest.empty()) {
    raw.fragment = rest.substr(1);
  }
  return raw;
}

Result<void> check_no_controls(std::string_view input) {
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (is_c0_control(input[i])) {
      constexpr char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(input[i]);
      return fail(ErrorCode::invalid_url, std::string("control character 0x") + kHex[byte >> 4] + kHex[byte & 0x0F] +
                                              " at offset " + std::to_string(i));
    }
  }
  return {};
}

Result<Reference> normalize_reference(const RawReference& raw) {
  Reference out;
  if (raw.scheme) {
    std::string scheme(*raw.scheme);
    for (char& c : scheme) c = to_lower(c);
    out.scheme = std::move(scheme);
  }
  if (raw.authority) {
    auto authority = parse_authority(*raw.authority);
    if (!authority) return Unexpected{std::move(authority).error()};
    out.authority = std::move(*authority);
  }
  out.path = normalize_component(raw.path, kPathAllowed);
  if (raw.query) out.query = normalize_component(*raw.query, kQueryAllowed);
  if (raw.fragment) out.fragment = normalize_component(*raw.fragment, kQueryAllowed);
  return out;
}

}  // namespace hipp::url::detail
