// Url's queries and recomposition.
#include <string>

#include "core/url/url.hpp"

namespace hipp::url {

namespace {

std::optional<std::uint16_t> default_port(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return std::nullopt;
}

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
  return host + ":" + std::to_string(*port);
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
  std::string out;
  if (!scheme.empty()) {
    out += scheme;
    out += ':';
  }
  const bool authority = has_authority();
  if (authority) {
    out += "//";
    if (with_userinfo && userinfo) {
      out += *userinfo;
      out += '@';
    }
    out += host;
    if (port) {
      out += ':';
      out += std::to_string(*port);
    }
  }
  // Keep the path from being misread (§3.3, §4.2): after an authority it must
  // start with '/'; without one it must not start with "//" (it would become
  // the authority), and a scheme-less first segment must not hold ':'.
  if (authority && !path.empty() && path[0] != '/') {
    out += '/';
  } else if (!authority && path.substr(0, 2) == "//") {
    out += "/.";
  } else if (!authority && scheme.empty() && path.substr(0, path.find('/')).find(':') != std::string::npos) {
    out += "./";
  }
  out += path;
  if (query) {
    out += '?';
    out += *query;
  }
  if (fragment) {
    out += '#';
    out += *fragment;
  }
  return out;
}

}  // namespace hipp::url
