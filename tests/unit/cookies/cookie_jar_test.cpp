#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "core/cookies/cookie_jar.hpp"

using namespace hipp;
using namespace hipp::cookies;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;

url::Url u(std::string_view text) { return *url::parse(text); }

// A fixed list standing in for the public suffix list.
class FakeSuffixes final : public PublicSuffixList {
 public:
  bool is_public_suffix(std::string_view domain) const override {
    static const std::set<std::string, std::less<>> kList = {"com", "uk", "co.uk", "github.io", "test"};
    return kList.count(domain) != 0;
  }
};

std::string header(CookieJar& jar, std::string_view url, std::int64_t now = kNow) {
  return jar.cookie_header(u(url), now);
}

}  // namespace

TEST_CASE("jar: a cookie without Domain is host-only") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://www.example.com/"), "a=1", kNow));
  REQUIRE(jar.size() == 1);
  CHECK(jar.cookies()[0].host_only);
  CHECK(jar.cookies()[0].domain == "www.example.com");
  CHECK(header(jar, "http://www.example.com/x") == "a=1");
  CHECK(header(jar, "http://sub.www.example.com/") == "");      // not to subdomains
  CHECK(header(jar, "http://example.com/") == "");              // nor to the parent
  CHECK(header(jar, "http://www.example.com:8443/") == "a=1");  // cookies ignore the port (RFC 6265 §8.5)
}

TEST_CASE("jar: Domain makes a domain cookie, sent to the domain and its subdomains") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://www.example.com/"), "d=1; Domain=.Example.com", kNow));
  CHECK_FALSE(jar.cookies()[0].host_only);
  CHECK(jar.cookies()[0].domain == "example.com");
  CHECK(header(jar, "http://example.com/") == "d=1");
  CHECK(header(jar, "http://www.example.com/") == "d=1");
  CHECK(header(jar, "http://a.b.example.com/") == "d=1");
  CHECK(header(jar, "http://notexample.com/") == "");
  CHECK(header(jar, "http://example.com.evil/") == "");
}

TEST_CASE("jar: a Domain the request host does not domain-match is refused") {
  CookieJar jar;
  for (const char* field : {"a=1; Domain=other.com", "a=1; Domain=www.example.com.evil",
                            "a=1; Domain=sub.www.example.com", "a=1; Domain=ample.com"}) {
    INFO(field);
    auto r = jar.store(u("http://www.example.com/"), field, kNow);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_set_cookie);
    CHECK(r.error().detail.find("domain-match") != std::string::npos);
  }
  CHECK(jar.size() == 0);
  CHECK(jar.store(u("http://www.example.com./"), "a=1; Domain=example.com.", kNow));  // trailing dots
}

TEST_CASE("jar: public suffixes are refused, unless they are the host itself (§5.3 step 5)") {
  CookieJar jar({}, std::make_shared<FakeSuffixes>());
  for (const auto& [url, field] : {std::pair{"http://www.example.com/", "a=1; Domain=com"},
                                   std::pair{"http://shop.example.co.uk/", "a=1; Domain=co.uk"},
                                   std::pair{"http://shop.example.co.uk/", "a=1; Domain=uk"},
                                   std::pair{"http://me.github.io/", "a=1; Domain=github.io"}}) {
    INFO(field);
    auto r = jar.store(u(url), field, kNow);
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("public suffix") != std::string::npos);
  }
  CHECK(jar.size() == 0);
  // Below the suffix is fine.
  CHECK(jar.store(u("http://shop.example.co.uk/"), "b=1; Domain=example.co.uk", kNow));
  CHECK(header(jar, "http://example.co.uk/") == "b=1");
  CHECK(header(jar, "http://other.co.uk/") == "");
  // The suffix as the request host: host-only.
  REQUIRE(jar.store(u("http://github.io/"), "c=1; Domain=github.io", kNow));
  CHECK(jar.cookies().back().host_only);
  CHECK(header(jar, "http://me.github.io/") == "");
  CHECK(header(jar, "http://github.io/") == "c=1");
}

TEST_CASE("jar: without a suffix list only domain-matching applies") {
  CookieJar jar;
  CHECK(jar.store(u("http://www.example.com/"), "a=1; Domain=com", kNow));
  CHECK(header(jar, "http://other.com/") == "a=1");  // why a real client injects a list
}

TEST_CASE("jar: IP-address hosts only ever get host-only cookies") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://127.0.0.1:8080/"), "a=1; Domain=127.0.0.1", kNow));
  CHECK(jar.cookies()[0].host_only);
  CHECK_FALSE(jar.store(u("http://10.0.0.1/"), "b=1; Domain=0.0.1", kNow));
  CHECK_FALSE(jar.store(u("http://10.0.0.1/"), "b=1; Domain=0.1", kNow));
  REQUIRE(jar.store(u("http://[::1]/"), "v6=1", kNow));
  CHECK(header(jar, "http://[::1]:9/") == "v6=1");
  CHECK(header(jar, "http://127.0.0.1/") == "a=1");
}

TEST_CASE("jar: Path defaults to the request's directory, and path-matches") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://h.test/dir/page?q=1"), "a=1", kNow));
  CHECK(jar.cookies()[0].path == "/dir");
  CHECK(header(jar, "http://h.test/dir") == "a=1");
  CHECK(header(jar, "http://h.test/dir/sub/x") == "a=1");
  CHECK(header(jar, "http://h.test/dirx") == "");
  CHECK(header(jar, "http://h.test/") == "");
  REQUIRE(jar.store(u("http://h.test/dir/page"), "b=1; Path=/", kNow));
  CHECK(header(jar, "http://h.test/other") == "b=1");
  REQUIRE(jar.store(u("http://h.test/dir/page"), "c=1; Path=relative", kNow));
  CHECK(jar.cookies().back().path == "/dir");
}

TEST_CASE("jar: Secure cookies go over https only, and only https sets them") {
  CookieJar jar;
  REQUIRE(jar.store(u("https://h.test/"), "s=1; Secure", kNow));
  REQUIRE(jar.store(u("https://h.test/"), "p=1", kNow));
  CHECK(header(jar, "https://h.test/") == "s=1; p=1");
  CHECK(header(jar, "http://h.test/") == "p=1");
  CHECK(header(jar, "http://localhost/") == "");

  auto over_http = jar.store(u("http://h.test/"), "t=1; Secure", kNow);
  REQUIRE_FALSE(over_http);
  CHECK(over_http.error().detail.find("Secure") != std::string::npos);
  // RFC 6265bis §5.7 step 15: http may not replace (or shadow) the Secure cookie.
  CHECK_FALSE(jar.store(u("http://h.test/"), "s=evil", kNow));
  CHECK_FALSE(jar.store(u("http://h.test/sub/x"), "s=evil; Path=/sub", kNow));
  CHECK(header(jar, "https://h.test/") == "s=1; p=1");
  // https may.
  CHECK(jar.store(u("https://h.test/"), "s=2", kNow));
  CHECK(header(jar, "http://h.test/") == "s=2; p=1");  // s keeps its creation time
}

TEST_CASE("jar: expiry from now, Max-Age over Expires, deletion") {
  const std::string in_an_hour = "Tue, 14 Nov 2023 23:13:20 GMT";  // kNow + 3600
  const std::string an_hour_ago = "Tue, 14 Nov 2023 21:13:20 GMT";

  SECTION("Max-Age counts from the now given") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Max-Age=60", kNow));
    CHECK(jar.cookies()[0].expiry == kNow + 60);
    CHECK(header(jar, "http://h.test/", kNow + 59) == "a=1");
    CHECK(header(jar, "http://h.test/", kNow + 60) == "");  // expired at its expiry time
    CHECK(jar.size() == 0);                                 // and evicted
  }
  SECTION("Expires is absolute") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Expires=" + in_an_hour, kNow));
    CHECK(jar.cookies()[0].expiry == kNow + 3600);
    CHECK(header(jar, "http://h.test/", kNow + 3599) == "a=1");
    CHECK(header(jar, "http://h.test/", kNow + 3600) == "");
  }
  SECTION("Max-Age wins whatever the order") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Max-Age=10; Expires=" + in_an_hour, kNow));
    REQUIRE(jar.store(u("http://h.test/"), "b=1; Expires=" + in_an_hour + "; Max-Age=10", kNow));
    REQUIRE(jar.store(u("http://h.test/"), "c=1; Expires=" + an_hour_ago + "; Max-Age=10", kNow));
    CHECK(header(jar, "http://h.test/", kNow + 9) == "a=1; b=1; c=1");
    CHECK(header(jar, "http://h.test/", kNow + 10) == "");
  }
  SECTION("no Max-Age or Expires: a session cookie, never expiring in the jar") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Expires=garbage", kNow));
    CHECK_FALSE(jar.cookies()[0].expiry);
    CHECK(header(jar, "http://h.test/", kNow + 100'000'000) == "a=1");
  }
  SECTION("Max-Age=0, a negative Max-Age or a past Expires deletes the stored cookie") {
    for (const std::string& kill :
         {std::string("a=; Max-Age=0"), std::string("a=x; Max-Age=-1"), "a=; Expires=" + an_hour_ago}) {
      INFO(kill);
      CookieJar jar;
      REQUIRE(jar.store(u("http://h.test/"), "a=1", kNow));
      REQUIRE(jar.store(u("http://h.test/"), "b=1", kNow));
      REQUIRE(jar.store(u("http://h.test/"), kill, kNow + 1));
      CHECK(header(jar, "http://h.test/", kNow + 1) == "b=1");
      CHECK(jar.size() == 1);
    }
  }
  SECTION("deleting needs the same identity: another path leaves it") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Path=/", kNow));
    REQUIRE(jar.store(u("http://h.test/"), "a=; Max-Age=0; Path=/x", kNow));
    CHECK(header(jar, "http://h.test/x") == "a=1");
  }
  SECTION("Max-Age far in the future saturates instead of overflowing") {
    CookieJar jar;
    REQUIRE(jar.store(u("http://h.test/"), "a=1; Max-Age=9223372036854775807", kNow));
    CHECK(header(jar, "http://h.test/", kNow + 1'000'000'000) == "a=1");
  }
}

TEST_CASE("jar: a cookie of the same name, domain and path replaces the old one and keeps its creation time") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://h.test/"), "a=1", kNow));
  REQUIRE(jar.store(u("http://h.test/"), "b=1", kNow + 1));
  REQUIRE(jar.store(u("http://h.test/"), "a=2; HttpOnly", kNow + 2));
  REQUIRE(jar.size() == 2);
  CHECK(jar.cookies()[0].value == "2");
  CHECK(jar.cookies()[0].creation_time == kNow);
  CHECK(jar.cookies()[0].http_only);
  CHECK(header(jar, "http://h.test/", kNow + 3) == "a=2; b=1");  // still created first
  // Another path is another cookie.
  REQUIRE(jar.store(u("http://h.test/p/q"), "a=3", kNow + 4));
  CHECK(jar.size() == 3);
  // The host-only flag is no part of the identity (§5.3 step 11): a Domain=h.test cookie replaces the
  // host-only one of h.test, and takes its place in creation order.
  REQUIRE(jar.store(u("http://www.h.test/"), "a=4; Domain=h.test", kNow + 5));
  CHECK(jar.size() == 3);
  CHECK_FALSE(jar.cookies()[0].host_only);
  CHECK(header(jar, "http://h.test/p/x", kNow + 6) == "a=3; a=4; b=1");
  CHECK(header(jar, "http://www.h.test/", kNow + 6) == "a=4");
}

TEST_CASE("jar: Cookie header order is longer paths first, then creation (§5.4 step 2)") {
  CookieJar jar;
  REQUIRE(jar.store(u("http://h.test/"), "root=1; Path=/", kNow));
  REQUIRE(jar.store(u("http://h.test/"), "deep=1; Path=/a/b", kNow + 1));
  REQUIRE(jar.store(u("http://h.test/"), "mid=1; Path=/a", kNow + 2));
  REQUIRE(jar.store(u("http://h.test/"), "root2=1; Path=/", kNow + 3));
  REQUIRE(jar.store(u("http://h.test/"), "deep2=1; Path=/a/b", kNow));  // same second, stored later
  CHECK(header(jar, "http://h.test/a/b/c", kNow + 4) == "deep=1; deep2=1; mid=1; root=1; root2=1");
  const auto sent = jar.cookies_for(u("http://h.test/a"), kNow + 5);
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].name == "mid");
  CHECK(sent[0].last_access_time == kNow + 5);  // step 3: sending updates the last-access time
}

TEST_CASE("jar: caps per domain and in total evict expired cookies first, then the least recently used") {
  SECTION("per domain (default 50)") {
    CookieJar jar;
    const Limits& lim = jar.limits();
    CHECK(lim.max_cookies_per_domain == 50);
    for (std::size_t i = 0; i < lim.max_cookies_per_domain; ++i) {
      REQUIRE(jar.store(u("http://h.test/"), "c" + std::to_string(i) + "=1", kNow + static_cast<std::int64_t>(i)));
    }
    (void)jar.cookie_header(u("http://h.test/"), kNow + 100);         // every cookie used at +100...
    REQUIRE(jar.store(u("http://h.test/"), "c0=again", kNow + 101));  // ...c0 again at +101 (a replacement)
    REQUIRE(jar.store(u("http://h.test/"), "extra=1", kNow + 102));
    CHECK(jar.size() == 50);
    // c0 was replaced, so its last access is +101; c1 is now the least recently used one.
    const auto& all = jar.cookies();
    CHECK(std::none_of(all.begin(), all.end(), [](const Cookie& c) { return c.name == "c1"; }));
    CHECK(std::any_of(all.begin(), all.end(), [](const Cookie& c) { return c.name == "extra"; }));
    // Another domain has its own 50.
    REQUIRE(jar.store(u("http://other.test/"), "o=1", kNow + 103));
    CHECK(jar.size() == 51);
  }
  SECTION("expired cookies go before live ones") {
    Limits lim;
    lim.max_cookies_per_domain = 3;
    CookieJar jar(lim);
    REQUIRE(jar.store(u("http://h.test/"), "old=1", kNow));
    REQUIRE(jar.store(u("http://h.test/"), "short=1; Max-Age=5", kNow + 1));
    REQUIRE(jar.store(u("http://h.test/"), "mid=1", kNow + 2));
    REQUIRE(jar.store(u("http://h.test/"), "new=1", kNow + 10));  // short has expired by now
    CHECK(header(jar, "http://h.test/", kNow + 11) == "old=1; mid=1; new=1");
  }
  SECTION("in total") {
    Limits lim;
    lim.max_cookies = 3;
    CookieJar jar(lim);
    REQUIRE(jar.store(u("http://a.test/"), "a=1", kNow));
    REQUIRE(jar.store(u("http://b.test/"), "b=1", kNow + 1));
    REQUIRE(jar.store(u("http://c.test/"), "c=1", kNow + 2));
    (void)jar.cookie_header(u("http://a.test/"), kNow + 3);  // a is used, b is now the oldest
    REQUIRE(jar.store(u("http://d.test/"), "d=1", kNow + 4));
    CHECK(jar.size() == 3);
    CHECK(header(jar, "http://b.test/", kNow + 5) == "");
    CHECK(header(jar, "http://a.test/", kNow + 5) == "a=1");
  }
  SECTION("too large a field is refused, the jar unchanged") {
    CookieJar jar;
    CHECK_FALSE(jar.store(u("http://h.test/"), "big=" + std::string(4096, 'x'), kNow));
    CHECK(jar.size() == 0);
  }
}

TEST_CASE("jar: store_all keeps every valid Set-Cookie of a head and skips the rest") {
  CookieJar jar;
  Headers h{{"Set-Cookie", "a=1"},
            {"Content-Type", "text/plain"},
            {"set-cookie", "bad"},
            {"Set-Cookie", "b=2; Path=/"},
            {"Set-Cookie", "c=3; Domain=elsewhere.test"}};
  CHECK(jar.store_all(u("http://h.test/x"), h, kNow) == 2);
  CHECK(header(jar, "http://h.test/") == "a=1; b=2");
}

TEST_CASE("jar: insert() takes a ready cookie, validated") {
  CookieJar jar;
  Cookie c;
  c.name = "n";
  c.value = "v";
  c.domain = "Example.COM";
  c.host_only = false;
  REQUIRE(jar.insert(c, kNow));
  CHECK(jar.cookies()[0].domain == "example.com");
  CHECK(header(jar, "http://www.example.com/") == "n=v");

  Cookie bad = c;
  bad.value = "a;b";
  CHECK_FALSE(jar.insert(bad, kNow));
  bad = c;
  bad.value = "a\r\nX: y";
  CHECK_FALSE(jar.insert(bad, kNow));
  bad = c;
  bad.name.clear();
  CHECK_FALSE(jar.insert(bad, kNow));
  bad = c;
  bad.path = "rel";
  CHECK_FALSE(jar.insert(bad, kNow));
  bad = c;
  bad.domain.clear();
  CHECK_FALSE(jar.insert(bad, kNow));
  CHECK(jar.size() == 1);

  CHECK(jar.remove("n", "example.com", "/"));
  CHECK_FALSE(jar.remove("n", "example.com", "/"));
}
