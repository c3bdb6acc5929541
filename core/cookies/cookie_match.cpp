#include "core/cookies/cookie_match.hpp"

namespace hipp::cookies {

bool is_ip_address(std::string_view host) noexcept {
  if (host.find(':') != std::string_view::npos) return true;
  if (host.empty()) return false;
  for (char c : host) {
    if (c != '.' && (c < '0' || c > '9')) return false;
  }
  // Digits and dots are an IPv4 address to every resolver (inet_aton reads "127.1" and "2130706433" too),
  // and no top-level domain is all digits.
  return true;
}

std::string canonical_host(const url::Url& url) {
  std::string host = url.hostname();
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

bool domain_match(std::string_view host, std::string_view domain) noexcept {
  if (host == domain) return true;
  if (domain.empty() || domain.size() >= host.size()) return false;
  if (host.substr(host.size() - domain.size()) != domain) return false;
  if (host[host.size() - domain.size() - 1] != '.') return false;
  return !is_ip_address(host);
}

std::string default_path(std::string_view request_path) {
  // Steps 2-3: no path, a path not starting with '/', or a single '/': the default is "/".
  if (request_path.empty() || request_path.front() != '/') return "/";
  const std::size_t last = request_path.rfind('/');
  if (last == 0) return "/";
  return std::string(request_path.substr(0, last));  // step 4
}

bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept {
  if (request_path.empty()) request_path = "/";
  if (request_path == cookie_path) return true;
  if (cookie_path.empty() || request_path.substr(0, cookie_path.size()) != cookie_path) return false;
  if (cookie_path.back() == '/') return true;
  return request_path.size() > cookie_path.size() && request_path[cookie_path.size()] == '/';
}

}  // namespace hipp::cookies
