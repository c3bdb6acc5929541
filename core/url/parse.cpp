// parse(): Hip's parse_url() with stricter validation.
#include "core/url/detail/components.hpp"
#include "core/url/url.hpp"

namespace hipp::url {

Result<Url> parse(std::string_view input) {
  // Hip: parse_url('') is an empty Url.
  if (input.empty()) return Url{};
  if (auto clean = detail::check_no_controls(input); !clean) return Unexpected{std::move(clean).error()};
  auto ref = detail::normalize_reference(detail::split_reference(input, detail::SchemeRule::lenient));
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

}  // namespace hipp::url
