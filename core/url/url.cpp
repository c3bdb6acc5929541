// Url's queries and recomposition.
#include <array>
#include <charconv>
#include <cstring>
#include <string>

#include "core/url/url.hpp"

namespace hipp::url {

namespace {

std::optional<std::uint16_t> default_port(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return std::nullopt;
}

// Collects the pieces of a string, then writes them with one allocation and
// plain copies: Url's recompositions run on every request, and append() per
// piece costs a capacity check and a reallocation when the SSO buffer is left.
class Pieces {
 public:
  void add(std::string_view piece) noexcept {
    pieces_[count_++] = piece;
    size_ += piece.size();
  }
  // ":port", with the digits kept in this object.
  void add_port(std::uint16_t port) noexcept {
    port_[0] = ':';
    const auto end = std::to_chars(port_ + 1, port_ + sizeof port_, port).ptr;
    add(std::string_view(port_, static_cast<std::size_t>(end - port_)));
  }
  std::string join() const {
    std::string out(size_, '\0');
    char* p = out.data();
    for (std::size_t i = 0; i < count_; ++i) {
      std::memcpy(p, pieces_[i].data(), pieces_[i].size());
      p += pieces_[i].size();
    }
    return out;
  }

 private:
  std::array<std::string_view, 12> pieces_{};  // the most to_string() adds
  std::size_t count_ = 0;
  std::size_t size_ = 0;
  char port_[8] = {};
};

}  // namespace

bool Url::has_authority() const { return !host.empty() || userinfo.has_value() || port.has_value(); }

std::string Url::request_uri() const {
  std::string uri = path.empty() ? "/" : path;
  if (query) {
    uri += '?';
    uri += *query;
  }
  return uri;
}

std::optional<std::uint16_t> Url::effective_port() const { return port ? port : default_port(scheme); }

std::string Url::host_header() const {
  if (!port || port == default_port(scheme)) return host;
  Pieces out;
  out.add(host);
  out.add_port(*port);
  return out.join();
}

std::string Url::hostname() const {
  if (host.size() < 2 || host.front() != '[' || host.back() != ']') return host;
  std::string name = host.substr(1, host.size() - 2);
  // The resolver wants the zone id after a bare '%' ("fe80::1%eth0"); the URL
  // form escapes that '%' as "%25" (RFC 6874 §2).
  if (const std::size_t zone = name.find("%25"); zone != std::string::npos) name.erase(zone + 1, 2);
  return name;
}

std::string Url::origin() const {
  std::string out = scheme + "://" + host;
  if (const auto p = effective_port()) out += ":" + std::to_string(*p);
  return out;
}

std::optional<std::pair<std::string, std::string>> Url::credentials() const {
  if (!userinfo) return std::nullopt;
  const std::size_t colon = userinfo->find(':');
  if (colon == std::string::npos) return std::pair{percent_decode(*userinfo), std::string{}};
  return std::pair{percent_decode(std::string_view(*userinfo).substr(0, colon)),
                   percent_decode(std::string_view(*userinfo).substr(colon + 1))};
}

std::string Url::to_string(bool with_userinfo) const {
  // §5.3 Component Recomposition.
  Pieces out;
  if (!scheme.empty()) {
    out.add(scheme);
    out.add(":");
  }
  const bool authority = has_authority();
  if (authority) {
    out.add("//");
    if (with_userinfo && userinfo) {
      out.add(*userinfo);
      out.add("@");
    }
    out.add(host);
    if (port) out.add_port(*port);
  }
  // Keep the path from being misread (§3.3, §4.2): after an authority it must
  // start with '/'; without one it must not start with "//" (it would become
  // the authority), and a scheme-less first segment must not hold ':'.
  if (authority && !path.empty() && path[0] != '/') {
    out.add("/");
  } else if (!authority && path.substr(0, 2) == "//") {
    out.add("/.");
  } else if (!authority && scheme.empty() && path.substr(0, path.find('/')).find(':') != std::string::npos) {
    out.add("./");
  }
  out.add(path);
  if (query) {
    out.add("?");
    out.add(*query);
  }
  if (fragment) {
    out.add("#");
    out.add(*fragment);
  }
  return out.join();
}

}  // namespace hipp::url
