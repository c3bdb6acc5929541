#include <catch2/catch.hpp>

#include "core/cookies/cookie_jar.hpp"
#include "core/cookies/netscape_file.hpp"

using namespace hipp;
using namespace hipp::cookies;

namespace {

Cookie make(std::string name, std::string value, std::string domain, bool host_only, std::string path, bool secure,
            std::optional<std::int64_t> expiry, bool http_only) {
  Cookie c;
  c.name = std::move(name);
  c.value = std::move(value);
  c.domain = std::move(domain);
  c.host_only = host_only;
  c.path = std::move(path);
  c.secure = secure;
  c.expiry = expiry;
  c.http_only = http_only;
  return c;
}

bool same_fields(const Cookie& a, const Cookie& b) {
  return a.name == b.name && a.value == b.value && a.domain == b.domain && a.host_only == b.host_only &&
         a.path == b.path && a.secure == b.secure && a.expiry == b.expiry && a.http_only == b.http_only;
}

}  // namespace

TEST_CASE("Netscape file: reads curl's format") {
  const std::string file =
      "# Netscape HTTP Cookie File\n"
      "# https://curl.se/docs/http-cookies.html\n"
      "\n"
      ".example.com\tTRUE\t/\tFALSE\t1735689600\tsid\tabc\n"
      "www.example.com\tFALSE\t/app\tTRUE\t0\ttok\tx y\r\n"
      "#HttpOnly_.example.com\tTRUE\t/\tFALSE\t0\thid\t1\n"
      "h.test\tFALSE\t/\tFALSE\t0\tempty\n"  // six fields: an empty value
      "broken line without tabs\n"
      "h.test\tMAYBE\t/\tFALSE\t0\tn\tv\n"     // not TRUE/FALSE
      "h.test\tFALSE\t/\tFALSE\tsoon\tn\tv\n"  // not a number
      "   \n"
      "# a comment\n";
  auto parsed = read_netscape(file);
  CHECK(parsed.skipped == 3);
  REQUIRE(parsed.cookies.size() == 4);
  CHECK(same_fields(parsed.cookies[0], make("sid", "abc", "example.com", false, "/", false, 1735689600, false)));
  CHECK(same_fields(parsed.cookies[1], make("tok", "x y", "www.example.com", true, "/app", true, std::nullopt, false)));
  CHECK(same_fields(parsed.cookies[2], make("hid", "1", "example.com", false, "/", false, std::nullopt, true)));
  CHECK(same_fields(parsed.cookies[3], make("empty", "", "h.test", true, "/", false, std::nullopt, false)));
}

TEST_CASE("Netscape file: writes curl's format") {
  const std::string out = write_netscape({make("sid", "abc", "example.com", false, "/", false, 1735689600, false),
                                          make("tok", "v", "www.example.com", true, "/app", true, std::nullopt, true)});
  CHECK(out.rfind("# Netscape HTTP Cookie File\n", 0) == 0);
  CHECK(out.find("\n.example.com\tTRUE\t/\tFALSE\t1735689600\tsid\tabc\n") != std::string::npos);
  CHECK(out.find("\n#HttpOnly_www.example.com\tFALSE\t/app\tTRUE\t0\ttok\tv\n") != std::string::npos);
}

TEST_CASE("Netscape file: round trip of every field the format carries") {
  const std::vector<Cookie> cookies = {
      make("a", "1", "example.com", false, "/", false, 1735689600, false),
      make("b", "two words", "www.example.com", true, "/deep/path", true, std::nullopt, true),
      make("c", "", "127.0.0.1", true, "/", false, 4102444800, false),
      make("d", "=x=", "h.test", false, "/p", true, 1, true),
  };
  auto back = read_netscape(write_netscape(cookies));
  CHECK(back.skipped == 0);
  REQUIRE(back.cookies.size() == cookies.size());
  for (std::size_t i = 0; i < cookies.size(); ++i) {
    INFO(cookies[i].name);
    CHECK(same_fields(back.cookies[i], cookies[i]));
  }
}

TEST_CASE("Netscape file: cookies the format cannot carry are left out") {
  const std::string out = write_netscape({make("tab", "a\tb", "h.test", true, "/", false, std::nullopt, false),
                                          make("ok", "v", "h.test", true, "/", false, std::nullopt, false)});
  auto back = read_netscape(out);
  REQUIRE(back.cookies.size() == 1);
  CHECK(back.cookies[0].name == "ok");
  CHECK(back.skipped == 0);
}

TEST_CASE("Netscape file: a jar saved and loaded sends the same Cookie headers") {
  CookieJar jar;
  const std::int64_t now = 1'700'000'000;
  REQUIRE(jar.store(*url::parse("https://www.example.com/app/x"), "s=1; Secure; HttpOnly", now));
  REQUIRE(jar.store(*url::parse("https://www.example.com/"), "d=2; Domain=example.com; Max-Age=3600", now));
  REQUIRE(jar.store(*url::parse("http://www.example.com/"), "h=3", now));
  CookieJar loaded;
  for (auto& c : read_netscape(write_netscape(jar.cookies())).cookies) REQUIRE(loaded.insert(std::move(c), now + 1));
  for (const char* target : {"https://www.example.com/app/y", "http://www.example.com/app/y", "http://example.com/",
                             "https://sub.example.com/app"}) {
    INFO(target);
    CHECK(loaded.cookie_header(*url::parse(target), now + 2) == jar.cookie_header(*url::parse(target), now + 2));
  }
  CHECK(loaded.cookie_header(*url::parse("https://www.example.com/app/y"), now + 2) == "s=1; d=2; h=3");
}
