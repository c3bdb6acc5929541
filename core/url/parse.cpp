// parse(): Hip's parse_url() with stricter validation.
#include "core/url/detail/chars.hpp"
#include "core/url/detail/components.hpp"
#include "core/url/detail/fast_parse.hpp"
#include "core/url/url.hpp"

namespace hipp::url {

namespace detail {

namespace {

// Byte classes for parse_common(), one bit each.
enum : unsigned char {
  kHostChar = 1,   // lower-case reg-name characters that need neither lower-casing nor checks
  kPathChar = 2,   // unreserved / kPathAllowed, without '%'
  kQueryChar = 4,  // unreserved / kQueryAllowed, without '%'
};

struct ClassTable {
  unsigned char bits[256];
};

constexpr ClassTable make_classes() noexcept {
  ClassTable t{};
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    const bool unreserved = is_unreserved(c);
    unsigned char b = 0;
    if (unreserved && !(c >= 'A' && c <= 'Z')) b |= kHostChar;
    if (unreserved || kPathAllowed.find(c) != std::string_view::npos) b |= kPathChar;
    if (unreserved || kQueryAllowed.find(c) != std::string_view::npos) b |= kQueryChar;
    t.bits[i] = b;
  }
  return t;
}

constexpr ClassTable kClasses = make_classes();

inline bool has(char c, unsigned char bit) noexcept { return (kClasses.bits[static_cast<unsigned char>(c)] & bit) != 0; }

}  // namespace

std::optional<Url> parse_common(std::string_view input) {
  constexpr std::string_view kPrefix = "http://";
  if (input.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const char* p = input.data() + kPrefix.size();
  const char* const end = input.data() + input.size();

  const char* const host_begin = p;
  while (p != end && has(*p, kHostChar)) ++p;
  if (p == host_begin) return std::nullopt;
  const std::string_view host(host_begin, static_cast<std::size_t>(p - host_begin));

  std::optional<std::uint16_t> port;
  if (p != end && *p == ':') {
    ++p;
    const char* const digits = p;
    unsigned value = 0;
    while (p != end && is_digit(*p) && p - digits < 5) value = value * 10 + static_cast<unsigned>(*p++ - '0');
    if (value > 65535) return std::nullopt;
    // An empty port means none (RFC 3986 §3.2.3), as parse_authority() has it.
    if (p != digits) port = static_cast<std::uint16_t>(value);
  }

  const char* const path_begin = p;
  if (p != end && *p != '/' && *p != '?') return std::nullopt;
  for (; p != end && *p != '?'; ++p) {
    if (!has(*p, kPathChar)) return std::nullopt;
    // A segment starting with '.' may be a dot segment: remove_dot_segments() is the general parser's.
    if (*p == '.' && p[-1] == '/') return std::nullopt;
  }
  const std::string_view path(path_begin, static_cast<std::size_t>(p - path_begin));

  std::optional<std::string_view> query;
  if (p != end) {
    const char* const query_begin = ++p;
    for (; p != end; ++p) {
      if (!has(*p, kQueryChar)) return std::nullopt;
    }
    query = std::string_view(query_begin, static_cast<std::size_t>(p - query_begin));
  }

  Url url;
  url.scheme = "http";
  url.host = host;
  url.port = port;
  url.path = path;
  if (query) url.query = std::string(*query);
  return url;
}

Result<Url> parse_general(std::string_view input) {
  // Hip: parse_url('') is an empty Url.
  if (input.empty()) return Url{};
  if (auto clean = check_no_controls(input); !clean) return Unexpected{std::move(clean).error()};
  auto ref = normalize_reference(split_reference(input, SchemeRule::lenient));
  if (!ref) return Unexpected{std::move(ref).error()};

  Url url;
  url.scheme = ref->scheme.value_or(std::string{});
  if (ref->authority) {
    url.userinfo = std::move(ref->authority->userinfo);
    url.host = std::move(ref->authority->host);
    url.port = ref->authority->port;
  }
  // Hip removes dot segments while parsing (RFC 3986 §6.2.2.3). Only absolute
  // paths: on a rootless path ("mailto:a/../b") removal could make it absolute.
  url.path = !ref->path.empty() && ref->path[0] == '/' ? remove_dot_segments(ref->path) : std::move(ref->path);
  url.query = std::move(ref->query);
  url.fragment = std::move(ref->fragment);
  return url;
}

}  // namespace detail

Result<Url> parse(std::string_view input) {
  // Most URLs a client is given are already in normal form: read those in one pass.
  if (auto url = detail::parse_common(input)) return std::move(*url);
  return detail::parse_general(input);
}

}  // namespace hipp::url
