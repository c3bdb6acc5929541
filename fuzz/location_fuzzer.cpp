// libFuzzer target for core/policy/redirect: plan_redirect() with arbitrary Location values and bases.
//
// Input layout: byte 0 picks the status, method and body flags; byte 1 is the length of the base URL
// that follows (clamped to what is left; a base that does not parse as an absolute URL is replaced by a
// fixed one); the remaining bytes are the Location value, CR, LF and NUL included.
//
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - plan_redirect() fails only with invalid_url or unrewindable_body;
//  - a plan's URL is absolute http or https with a host, holds no CR, LF or other control byte, and
//    survives url::parse(to_string()) unchanged;
//  - cross_origin is exactly !same_origin(base, target), and a cross-origin plan carries no Authorization,
//    Cookie, Proxy-Authorization, Host or remove_headers_on_redirect header; a downgrade carries no userinfo;
//  - a dropped body leaves no Content-Length or Transfer-Encoding; the method is the old one, GET or HEAD;
//  - the reason is one line; RedirectChain refuses the same hop twice.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/redirect.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool has_control(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return true;
  }
  return false;
}

constexpr std::array<int, 8> kStatuses = {301, 302, 303, 307, 308, 300, 200, 304};
constexpr std::array<std::string_view, 8> kMethods = {"GET",    "HEAD",  "POST",    "PUT",
                                                      "DELETE", "PATCH", "OPTIONS", "post"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace url = hipp::url;
  namespace policy = hipp::policy;
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  const std::size_t base_len = std::min<std::size_t>(data[1], size - 2);
  const std::string_view base_text(reinterpret_cast<const char*>(data + 2), base_len);
  const std::string_view location(reinterpret_cast<const char*>(data + 2 + base_len), size - 2 - base_len);

  static const url::Url kDefaultBase = url::parse("https://user:pw@a.example:8443/b/c/d;p?q#frag").value();
  auto base = url::parse(base_text);
  policy::RedirectRequest current;
  current.url = base && !base->scheme.empty() ? *base : kDefaultBase;
  current.method = std::string(kMethods[(flags >> 3) & 7]);
  current.has_body = (flags & 0x40) != 0;
  current.body_rewindable = (flags & 0x80) == 0;
  current.headers = hipp::Headers{
      {"Authorization", "Bearer t"}, {"cookie", "a=1"},       {"Proxy-Authorization", "x"},   {"X-Secret", "s"},
      {"Host", "a.example"},         {"Content-Length", "3"}, {"Content-Type", "text/plain"}, {"Accept", "*/*"}};
  const int status = kStatuses[flags & 7];
  const std::vector<std::string> remove = {"x-secret"};

  hipp::Headers response;
  response.add("Location", location);
  const auto planned = policy::plan_redirect(current, status, response, remove);
  if (!planned) {
    const auto code = planned.error().code;
    require(code == hipp::ErrorCode::invalid_url || code == hipp::ErrorCode::unrewindable_body);
    return 0;
  }
  if (!planned->has_value()) {
    require(!policy::is_redirect_status(status) || location.find_first_not_of(" \t") == std::string_view::npos);
    return 0;
  }
  const policy::RedirectPlan& plan = **planned;

  require(plan.url.scheme == "http" || plan.url.scheme == "https");
  require(!plan.url.host.empty());
  const std::string text = plan.url.to_string();
  require(!has_control(text));
  const auto reparsed = url::parse(text);
  require(reparsed.has_value() && *reparsed == plan.url);

  require(plan.cross_origin == !policy::same_origin(current.url, plan.url));
  if (plan.cross_origin) {
    for (const auto name : {"Authorization", "Cookie", "Proxy-Authorization", "X-Secret", "Host"}) {
      require(!plan.headers.contains(name));
    }
  }
  if (plan.downgrade) require(plan.cross_origin && !plan.url.userinfo);
  if (plan.drop_body) require(!plan.headers.contains("Content-Length") && !plan.headers.contains("Transfer-Encoding"));
  require(plan.method == current.method || plan.method == "GET" || plan.method == "HEAD");
  require(plan.reason.find('\r') == std::string::npos && plan.reason.find('\n') == std::string::npos);

  policy::RedirectChain chain(current);
  const auto first = chain.record(plan);
  require(!first || chain.hops() == 1);
  require(!chain.record(plan).has_value());
  return 0;
}
