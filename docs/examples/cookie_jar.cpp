// The cookie jar as a value: store what servers set, ask what to send. No network, no clock: `now` is
// given (docs/guide/cookies.md).
#include <cstdio>
#include <cstdlib>
#include <string>

#include <hipp/hipp.hpp>

int main() {
  const std::int64_t now = 1'700'000'000;
  hipp::CookieJar jar({}, hipp::system_public_suffixes());
  auto login = *hipp::url::parse("https://www.example.com/app/login");
  // A host-only session cookie, a domain cookie for an hour, and one the jar refuses (a public suffix).
  bool ok = bool(jar.store(login, "sid=abc; Path=/; Secure; HttpOnly", now));
  ok = ok && bool(jar.store(login, "lang=en; Domain=example.com; Path=/; Max-Age=3600", now));
  auto refused = jar.store(login, "evil=1; Domain=com", now);
  ok = ok && !refused;

  const std::string at_www = jar.cookie_header(*hipp::url::parse("https://www.example.com/app"), now);
  const std::string at_apex = jar.cookie_header(*hipp::url::parse("http://example.com/"), now + 10);
  const std::string file = hipp::cookies::write_netscape(jar.cookies());  // what curl's -c would write
  const std::string later = jar.cookie_header(*hipp::url::parse("https://www.example.com/"), now + 3600);
  std::printf("www: %s\napex: %s\nan hour later: %s\nrefused: %s\n", at_www.c_str(), at_apex.c_str(), later.c_str(),
              refused ? "" : refused.error().detail.c_str());
  std::printf("%s", file.c_str());
  ok = ok && at_www == "sid=abc; lang=en" && at_apex == "lang=en" && later == "sid=abc";
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
