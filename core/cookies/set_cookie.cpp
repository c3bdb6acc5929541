#include "core/cookies/set_cookie.hpp"

#include <limits>

#include "core/cookies/cookie_date.hpp"
#include "core/message/headers.hpp"

namespace hipp::cookies {

namespace {

bool is_control(unsigned char c) { return (c <= 0x08) || (c >= 0x0A && c <= 0x1F) || c == 0x7F; }

// §5.2 trims WSP: SP and HTAB.
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// §5.2.2: "-"? DIGIT+ ; anything else leaves the attribute ignored. Saturates instead of overflowing, since
// "a very long time" and "the longest time we can count" mean the same to a cookie.
std::optional<std::int64_t> parse_max_age(std::string_view v) {
  bool negative = false;
  if (!v.empty() && v.front() == '-') {
    negative = true;
    v.remove_prefix(1);
  }
  if (v.empty()) return std::nullopt;
  std::int64_t n = 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 10 - 10;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    if (n < kMax) n = n * 10 + (c - '0');
  }
  return negative ? -n : n;
}

Unexpected refuse(std::string why) { return fail(ErrorCode::invalid_set_cookie, std::move(why)); }

}  // namespace

Result<SetCookie> parse_set_cookie(std::string_view field, const Limits& limits) {
  if (field.size() > limits.max_cookie_bytes) {
    return refuse("too large: " + std::to_string(field.size()) + " bytes, more than max_cookie_bytes (" +
                  std::to_string(limits.max_cookie_bytes) + ")");
  }
  for (char c : field) {
    if (is_control(static_cast<unsigned char>(c))) return refuse("control character in the field");
  }

  // §5.2 step 1: the name-value pair runs to the first ';', the attributes follow.
  const std::size_t semi = field.find(';');
  const std::string_view pair = field.substr(0, semi);
  std::string_view attributes = semi == std::string_view::npos ? std::string_view{} : field.substr(semi);

  const std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return refuse("no '=' in the name-value pair");  // step 2
  SetCookie out;
  out.name = std::string(trim(pair.substr(0, eq)));  // steps 3-4
  out.value = std::string(trim(pair.substr(eq + 1)));
  if (out.name.empty()) return refuse("empty name");  // step 5

  // §5.2 step 6 onwards: each "; name[=value]" in turn.
  while (!attributes.empty()) {
    attributes.remove_prefix(1);  // the ';'
    const std::size_t next = attributes.find(';');
    const std::string_view av = attributes.substr(0, next);
    attributes = next == std::string_view::npos ? std::string_view{} : attributes.substr(next);

    const std::size_t aeq = av.find('=');
    const std::string_view name = trim(av.substr(0, aeq));
    const std::string_view value = aeq == std::string_view::npos ? std::string_view{} : trim(av.substr(aeq + 1));

    if (iequals(name, "expires")) {
      if (auto t = parse_cookie_date(value)) out.expires = *t;  // §5.2.1: unparsable dates are ignored
    } else if (iequals(name, "max-age")) {
      if (auto n = parse_max_age(value)) out.max_age = *n;
    } else if (iequals(name, "domain")) {
      if (value.empty()) continue;  // §5.2.3: ignored (RFC 6265 keeps the previous one; bis too)
      std::string_view d = value;
      if (d.front() == '.') d.remove_prefix(1);
      if (d.empty()) continue;
      out.domain = to_lower(d);
    } else if (iequals(name, "path")) {
      // §5.2.4: a path not starting with '/' means the default path, overriding an earlier Path.
      if (!value.empty() && value.front() == '/') {
        out.path = std::string(value);
      } else {
        out.path.reset();
      }
    } else if (iequals(name, "secure")) {
      out.secure = true;
    } else if (iequals(name, "httponly")) {
      out.http_only = true;
    } else if (iequals(name, "samesite")) {
      if (iequals(value, "strict")) {
        out.same_site = SameSite::strict;
      } else if (iequals(value, "lax")) {
        out.same_site = SameSite::lax;
      } else if (iequals(value, "none")) {
        out.same_site = SameSite::none;
      } else {
        out.same_site = SameSite::unspecified;
      }
    }
  }
  return out;
}

}  // namespace hipp::cookies
