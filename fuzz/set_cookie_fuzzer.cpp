// libFuzzer target for core/cookies: parse_set_cookie() and CookieJar on arbitrary Set-Cookie bytes.
//
// Input layout: the first byte picks the request URL (http or https, a name or an IP address, a deep
// path); the rest is one or more Set-Cookie field values separated by '\n' (so a field itself never holds
// one: the parser refuses controls anyway, and this lets a run store several cookies).
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - never crashes (ASan/UBSan);
//  - a parsed cookie has a non-empty name, and neither name nor value holds a control other than HTAB;
//  - the jar keeps every cookie with a domain and a path starting with '/', within its limits;
//  - the Cookie header never holds CR, LF or NUL, and a Secure cookie never goes over http;
//  - a cookie file written from the jar reads back as the same cookies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/cookies/cookie_jar.hpp"
#include "core/cookies/netscape_file.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool has_control(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace cookies = hipp::cookies;
  if (size == 0) return 0;
  static constexpr const char* kUrls[] = {"http://www.example.com/a/b/c",
                                          "https://www.example.com/",
                                          "http://127.0.0.1:8080/x/",
                                          "https://example.co.uk/deep/er/path?q",
                                          "http://[::1]/",
                                          "https://a.b.c.example.com."};
  const auto url = *hipp::url::parse(kUrls[data[0] % (sizeof kUrls / sizeof kUrls[0])]);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  cookies::Limits limits;
  limits.max_cookies_per_domain = 8;
  limits.max_cookies = 16;
  cookies::CookieJar jar(limits);
  const std::int64_t now = 1'700'000'000;
  std::int64_t t = now;
  while (!input.empty()) {
    const std::size_t eol = input.find('\n');
    const std::string_view field = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);

    auto parsed = cookies::parse_set_cookie(field, limits);
    if (parsed) {
      require(!parsed->name.empty());
      require(!has_control(parsed->name) && !has_control(parsed->value));
      require(field.size() <= limits.max_cookie_bytes);
    } else {
      require(parsed.error().code == hipp::ErrorCode::invalid_set_cookie);
    }
    auto stored = jar.store(url, field, t++);
    require(stored.has_value() || !stored.error().detail.empty());
  }
  require(jar.size() <= limits.max_cookies);
  for (const auto& c : jar.cookies()) {
    require(!c.domain.empty());
    require(!c.path.empty() && c.path.front() == '/');
  }

  for (const char* target : kUrls) {
    const auto u = *hipp::url::parse(target);
    const std::string header = jar.cookie_header(u, t);
    require(header.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    if (u.scheme == "http") {
      for (const auto& c : jar.cookies_for(u, t)) require(!c.secure);
    }
  }

  const auto all = jar.cookies();
  const auto back = cookies::read_netscape(cookies::write_netscape(all));
  require(back.skipped == 0);
  std::size_t j = 0;
  for (const auto& c : all) {
    const auto tab = [](const std::string& f) { return f.find('\t') != std::string::npos; };
    if (tab(c.name) || tab(c.value) || tab(c.domain) || tab(c.path)) continue;  // the format cannot carry it
    require(j < back.cookies.size());
    const auto& b = back.cookies[j++];
    require(b.name == c.name && b.value == c.value && b.domain == c.domain && b.path == c.path &&
            b.host_only == c.host_only && b.secure == c.secure && b.http_only == c.http_only);
  }
  require(j == back.cookies.size());
  return 0;
}
