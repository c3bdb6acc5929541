#include <catch.hpp>

#include "core/url/url.hpp"

using hipp::url::parse;
using hipp::url::Url;

namespace {

Url parsed(std::string_view input) {
  auto url = parse(input);
  INFO(input << " -> " << (url ? std::string("ok") : url.error().message()));
  REQUIRE(url);
  return *url;
}

}  // namespace

TEST_CASE("parse: Hip's documented examples") {
  const Url mail = parsed("http://google.com/mail/");
  CHECK(mail.scheme == "http");
  CHECK(mail.host == "google.com");
  CHECK_FALSE(mail.port);
  CHECK(mail.path == "/mail/");
  CHECK_FALSE(mail.query);
  CHECK(mail.to_string() == "http://google.com/mail/");

  const Url bare = parsed("google.com:80");
  CHECK(bare.scheme.empty());
  CHECK(bare.host == "google.com");
  CHECK(bare.port == 80);
  CHECK(bare.path.empty());

  const Url origin_form = parsed("/foo?bar");
  CHECK(origin_form.scheme.empty());
  CHECK(origin_form.host.empty());
  CHECK_FALSE(origin_form.port);
  CHECK(origin_form.path == "/foo");
  CHECK(origin_form.query == "bar");

  const Url full = parsed("http://username:password@host.com:80/path?query#fragment");
  CHECK(full.userinfo == "username:password");
  CHECK(full.port == 80);
  CHECK(full.fragment == "fragment");
  CHECK(full.to_string() == "http://username:password@host.com:80/path?query#fragment");

  // Hip: parse_url('') is an empty Url.
  CHECK(parsed("") == Url{});
}

TEST_CASE("parse: every component of a full URL, with encoding of invalid characters") {
  const Url u = parsed("http://user:pass@[::1]:8080/a b?q=1 2#f");
  CHECK(u.scheme == "http");
  CHECK(u.userinfo == "user:pass");
  CHECK(u.host == "[::1]");
  CHECK(u.hostname() == "::1");
  CHECK(u.port == 8080);
  CHECK(u.path == "/a%20b");
  CHECK(u.query == "q=1%202");
  CHECK(u.fragment == "f");
  CHECK(u.to_string() == "http://user:pass@[::1]:8080/a%20b?q=1%202#f");
  CHECK(u.to_string(false) == "http://[::1]:8080/a%20b?q=1%202#f");
}

TEST_CASE("parse: scheme and host are lower-cased, nothing else is") {
  const Url u = parsed("HTTPS://WWW.Example.COM/Path/To?Q=A#Frag");
  CHECK(u.scheme == "https");
  CHECK(u.host == "www.example.com");
  CHECK(u.path == "/Path/To");
  CHECK(u.query == "Q=A");
  CHECK(u.fragment == "Frag");
  CHECK(parsed("http://[FE80::AbCd]/").host == "[fe80::abcd]");
}

TEST_CASE("parse: leniency about schemes and authorities") {
  SECTION("a bare host") {
    const Url u = parsed("localhost");
    CHECK(u.scheme.empty());
    CHECK(u.host == "localhost");
    CHECK(u.path.empty());
  }
  SECTION("name:port is a host and port, not a scheme") {
    const Url u = parsed("localhost:8080/x?y");
    CHECK(u.scheme.empty());
    CHECK(u.host == "localhost");
    CHECK(u.port == 8080);
    CHECK(u.path == "/x");
    CHECK(u.query == "y");
  }
  SECTION("a scheme followed by something other than a port") {
    const Url mail = parsed("mailto:someone@example.com");
    CHECK(mail.scheme == "mailto");
    CHECK(mail.host.empty());
    CHECK(mail.path == "someone@example.com");
    const Url dotted = parsed("a.b:c");
    CHECK(dotted.scheme == "a.b");
    CHECK(dotted.path == "c");
    const Url rootless = parsed("http:/x");
    CHECK(rootless.scheme == "http");
    CHECK(rootless.path == "/x");
  }
  SECTION("a scheme with '.', '+' or '-' followed by //") {
    const Url u = parsed("coap+tcp.v-1://h/");
    CHECK(u.scheme == "coap+tcp.v-1");
    CHECK(u.host == "h");
  }
  SECTION("a network-path reference") {
    const Url u = parsed("//example.com/a");
    CHECK(u.scheme.empty());
    CHECK(u.host == "example.com");
    CHECK(u.path == "/a");
  }
  SECTION("an empty port is no port") {
    const Url u = parsed("http://example.com:/a");
    CHECK_FALSE(u.port);
    CHECK(u.to_string() == "http://example.com/a");
    CHECK_FALSE(parsed("http://[::1]:").port);
  }
  SECTION("ports 0 and 65535 and leading zeros") {
    CHECK(parsed("http://h:0/").port == 0);
    CHECK(parsed("http://h:65535/").port == 65535);
    CHECK(parsed("http://h:00080/").port == 80);
  }
  SECTION("userinfo runs to the last '@'") {
    const Url u = parsed("http://a@b:c@host/");
    CHECK(u.userinfo == "a%40b:c");
    CHECK(u.host == "host");
  }
}

TEST_CASE("parse: percent-encoding of path, query, fragment and userinfo") {
  CHECK(parsed("/a\"<>\\^`{|}").path == "/a%22%3C%3E%5C%5E%60%7B%7C%7D");
  CHECK(parsed("/[x]").path == "/%5Bx%5D");
  CHECK(parsed("/caf\xC3\xA9").path == "/caf%C3%A9");
  CHECK(parsed("/del\x7F").path == "/del%7F");
  // Existing escapes are kept, with upper-case hex; a lone '%' is encoded.
  CHECK(parsed("/a%2fb%zz%").path == "/a%2Fb%25zz%25");
  CHECK(parsed("/?a=%e2%82%ac&b=%").query == "a=%E2%82%AC&b=%25");
  // Reserved characters that are allowed stay as they are.
  CHECK(parsed("/p;x=1:@!$&'()*+,=").path == "/p;x=1:@!$&'()*+,=");
  CHECK(parsed("/?a=1&b=/?:@").query == "a=1&b=/?:@");
  CHECK(parsed("/#a#b?/").fragment == "a%23b?/");
  CHECK(parsed("http://us er:p%41ss<@h/").userinfo == "us%20er:p%41ss%3C");
}

TEST_CASE("parse: dot segments are removed from absolute paths") {
  CHECK(parsed("http://h/a/b/../c/./d").path == "/a/c/d");
  CHECK(parsed("http://h/../../x").path == "/x");
  CHECK(parsed("/a/..").path == "/");
  // Escaped dots are not dots (RFC 3986 §2.3 would allow decoding them; Hip does not).
  CHECK(parsed("/a/%2E%2E/b").path == "/a/%2E%2E/b");
  // A rootless path is left alone.
  CHECK(parsed("x:a/../b").path == "a/../b");
}

TEST_CASE("parse: IPv6 literals and zone ids") {
  CHECK(parsed("http://[2001:db8::7]/").host == "[2001:db8::7]");
  CHECK(parsed("http://[::ffff:192.0.2.1]:443/").host == "[::ffff:192.0.2.1]");
  CHECK(parsed("http://[1:2:3:4:5:6:7:8]/").host == "[1:2:3:4:5:6:7:8]");
  CHECK(parsed("http://[1:2:3:4:5:6:7::]/").host == "[1:2:3:4:5:6:7::]");
  CHECK(parsed("http://[::]/").host == "[::]");

  const Url zoned = parsed("http://[FE80::1%25Eth0]:8080/");
  CHECK(zoned.host == "[fe80::1%25Eth0]");
  CHECK(zoned.hostname() == "fe80::1%Eth0");
  CHECK(zoned.port == 8080);
  // Hip accepts a bare '%' before the zone id; we normalise it to "%25".
  CHECK(parsed("http://[fe80::1%eth0]/").host == "[fe80::1%25eth0]");
}

TEST_CASE("Url: request_uri, effective_port, host_header, origin") {
  const Url plain = parsed("http://Example.com");
  CHECK(plain.request_uri() == "/");
  CHECK(plain.effective_port() == 80);
  CHECK(plain.host_header() == "example.com");
  CHECK(plain.origin() == "http://example.com:80");

  const Url tls = parsed("https://example.com:443/a?b=c#d");
  CHECK(tls.request_uri() == "/a?b=c");
  CHECK(tls.effective_port() == 443);
  CHECK(tls.host_header() == "example.com");
  CHECK(tls.origin() == "https://example.com:443");

  const Url odd = parsed("https://[::1]:8443");
  CHECK(odd.host_header() == "[::1]:8443");
  CHECK(odd.origin() == "https://[::1]:8443");
  CHECK(parsed("http://h:443/").host_header() == "h:443");

  CHECK(parsed("http://h/?").request_uri() == "/?");
  CHECK(parsed("ftp://h/").effective_port() == std::nullopt);
  CHECK(parsed("ftp://h/").origin() == "ftp://h");
  CHECK(parsed("ftp://h:21/").host_header() == "h:21");
}

TEST_CASE("Url: credentials are split at the first ':' and decoded") {
  CHECK(parsed("http://h/").credentials() == std::nullopt);
  const auto both = parsed("http://us%40er:p%3Ass:word@h/").credentials();
  REQUIRE(both);
  CHECK(both->first == "us@er");
  CHECK(both->second == "p:ss:word");
  const auto user_only = parsed("http://user@h/").credentials();
  REQUIRE(user_only);
  CHECK(user_only->first == "user");
  CHECK(user_only->second.empty());
  CHECK(parsed("http://a%20b:%E2%82%AC@h/").credentials()->second == "\xE2\x82\xAC");
}

TEST_CASE("Url::to_string guards paths that would be misread") {
  Url no_authority;
  no_authority.scheme = "x";
  no_authority.path = "//p";
  CHECK(no_authority.to_string() == "x:/.//p");

  Url colon;
  colon.path = "a:b/c";
  CHECK(colon.to_string() == "./a:b/c");

  Url relative_after_host;
  relative_after_host.scheme = "http";
  relative_after_host.host = "h";
  relative_after_host.path = "p";
  CHECK(relative_after_host.to_string() == "http://h/p");
}

TEST_CASE("percent_encode and percent_decode") {
  using hipp::url::percent_decode;
  using hipp::url::percent_encode;
  CHECK(percent_encode("a b/c%41", "/", true) == "a%20b/c%41");
  CHECK(percent_encode("a b/c%41", "", false) == "a%20b%2Fc%2541");
  CHECK(percent_encode("~-._AZaz09", "", false) == "~-._AZaz09");
  CHECK(percent_encode("\xFF\x01", "", false) == "%FF%01");
  CHECK(percent_decode("a%20b%2fc") == "a b/c");
  CHECK(percent_decode("%zz%4") == "%zz%4");
  CHECK(percent_decode("%00") == std::string(1, '\0'));
}
