// Reference resolution, RFC 3986 §5.2.
#include <algorithm>
#include <string>
#include <string_view>

#include "core/url/detail/components.hpp"
#include "core/url/url.hpp"

namespace hipp::url {

namespace {

// §5.2.3 Merge Paths.
std::string merge(const Url& base, std::string_view reference_path) {
  if (base.has_authority() && base.path.empty()) return "/" + std::string(reference_path);
  const std::size_t slash = base.path.rfind('/');
  if (slash == std::string::npos) return std::string(reference_path);
  return base.path.substr(0, slash + 1) + std::string(reference_path);
}

void set_authority(Url& target, detail::Authority&& authority) {
  target.userinfo = std::move(authority.userinfo);
  target.host = std::move(authority.host);
  target.port = authority.port;
}

}  // namespace

std::string remove_dot_segments(std::string_view path) {
  // §5.2.4, steps A to E, on a shrinking view of the input.
  std::string_view in = path;
  std::string out;
  out.reserve(path.size());
  const auto drop_last_segment = [&out] {
    const std::size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {          // A
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {    // A
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {   // B
      in.remove_prefix(2);
    } else if (in == "/.") {                 // B
      in = "/";
    } else if (in.substr(0, 4) == "/../") {  // C
      in.remove_prefix(3);
      drop_last_segment();
    } else if (in == "/..") {                // C
      in = "/";
      drop_last_segment();
    } else if (in == "." || in == "..") {    // D
      in = {};
    } else {                                 // E: move the first segment, with its leading '/'
      const std::size_t end = std::min(in.find('/', 1), in.size());
      out.append(in.substr(0, end));
      in.remove_prefix(end);
    }
  }
  return out;
}

Result<Url> resolve(const Url& base, std::string_view reference) {
  if (base.scheme.empty()) return fail(ErrorCode::invalid_url, "base URL has no scheme");
  if (auto clean = detail::check_no_controls(reference); !clean) return Unexpected{std::move(clean).error()};
  auto r = detail::normalize_reference(detail::split_reference(reference, detail::SchemeRule::strict));
  if (!r) return Unexpected{std::move(r).error()};

  // §5.2.2, the strict algorithm (a reference scheme equal to the base's is not ignored).
  Url t;
  if (r->scheme) {
    t.scheme = std::move(*r->scheme);
    if (r->authority) set_authority(t, std::move(*r->authority));
    t.path = remove_dot_segments(r->path);
    t.query = std::move(r->query);
  } else {
    if (r->authority) {
      set_authority(t, std::move(*r->authority));
      t.path = remove_dot_segments(r->path);
      t.query = std::move(r->query);
    } else {
      if (r->path.empty()) {
        t.path = base.path;
        t.query = r->query ? std::move(r->query) : base.query;
      } else {
        t.path = remove_dot_segments(r->path[0] == '/' ? r->path : merge(base, r->path));
        t.query = std::move(r->query);
      }
      t.userinfo = base.userinfo;
      t.host = base.host;
      t.port = base.port;
    }
    t.scheme = base.scheme;
  }
  t.fragment = std::move(r->fragment);
  return t;
}

}  // namespace hipp::url
