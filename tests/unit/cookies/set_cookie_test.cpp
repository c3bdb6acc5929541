#include <catch2/catch.hpp>

#include <string>

#include "core/cookies/set_cookie.hpp"

using namespace hipp;
using namespace hipp::cookies;

TEST_CASE("Set-Cookie: name, value and attributes (RFC 6265 §5.2)") {
  auto sc = parse_set_cookie(
      " sid = a b c ; Path=/app; Domain=.Example.COM; Secure; HttpOnly; Max-Age=60; "
      "Expires=Wed, 09 Jun 2021 10:18:14 GMT; SameSite=Lax; Unknown=1; Priority");
  REQUIRE(sc);
  CHECK(sc->name == "sid");
  CHECK(sc->value == "a b c");  // trimmed at both ends only
  CHECK(sc->path == "/app");
  CHECK(sc->domain == "example.com");  // leading dot removed, lower case
  CHECK(sc->secure);
  CHECK(sc->http_only);
  CHECK(sc->max_age == 60);
  CHECK(sc->expires == 1623233894);
  CHECK(sc->same_site == SameSite::lax);
}

TEST_CASE("Set-Cookie: the forgiving parts of §5.2") {
  SECTION("empty value, quotes kept, '=' in the value") {
    auto a = parse_set_cookie("a=");
    REQUIRE(a);
    CHECK(a->value.empty());
    auto b = parse_set_cookie("b=\"quoted\"");
    REQUIRE(b);
    CHECK(b->value == "\"quoted\"");
    auto c = parse_set_cookie("c=x=y==");
    REQUIRE(c);
    CHECK(c->name == "c");
    CHECK(c->value == "x=y==");
  }
  SECTION("attribute names ignore case, values are trimmed") {
    auto sc = parse_set_cookie("a=1;  pAtH =  /x  ;sEcUrE;HTTPONLY;samesite=STRICT");
    REQUIRE(sc);
    CHECK(sc->path == "/x");
    CHECK(sc->secure);
    CHECK(sc->http_only);
    CHECK(sc->same_site == SameSite::strict);
  }
  SECTION("the last of a repeated attribute counts") {
    auto sc = parse_set_cookie("a=1; Domain=one.test; Path=/one; Max-Age=5; Domain=two.test; Path=/two; Max-Age=9");
    REQUIRE(sc);
    CHECK(sc->domain == "two.test");
    CHECK(sc->path == "/two");
    CHECK(sc->max_age == 9);
  }
  SECTION("unparsable attribute values are ignored as if absent") {
    auto sc = parse_set_cookie("a=1; Expires=soon; Max-Age=1e3; Domain=; Path=relative; SameSite=Sometimes");
    REQUIRE(sc);
    CHECK_FALSE(sc->expires);
    CHECK_FALSE(sc->max_age);
    CHECK_FALSE(sc->domain);
    CHECK_FALSE(sc->path);  // §5.2.4: not starting with '/': the default path
    CHECK(sc->same_site == SameSite::unspecified);
  }
  SECTION("a relative Path undoes an earlier absolute one") {
    auto sc = parse_set_cookie("a=1; Path=/abs; Path=rel");
    REQUIRE(sc);
    CHECK_FALSE(sc->path);
  }
  SECTION("Max-Age: zero, negative, and saturating on overflow") {
    CHECK(parse_set_cookie("a=1; Max-Age=0")->max_age == 0);
    CHECK(parse_set_cookie("a=1; Max-Age=-5")->max_age == -5);
    CHECK(*parse_set_cookie("a=1; Max-Age=99999999999999999999999999")->max_age > 1'000'000'000'000'000LL);
    CHECK_FALSE(parse_set_cookie("a=1; Max-Age=-")->max_age);
    CHECK_FALSE(parse_set_cookie("a=1; Max-Age=+5")->max_age);
  }
  SECTION("HTAB is whitespace, not a control") {
    auto sc = parse_set_cookie("\ta\t=\tv\t;\tPath=/");
    REQUIRE(sc);
    CHECK(sc->name == "a");
    CHECK(sc->value == "v");
  }
}

TEST_CASE("Set-Cookie: refused fields name the reason") {
  struct Row {
    std::string field;
    const char* reason;
  };
  const Row rows[] = {
      {"novalue", "no '='"},
      {"=v", "empty name"},
      {"  =v; Path=/", "empty name"},
      {"", "no '='"},
      {std::string("a=b\0c", 5), "control character"},
      {"a=b\r\nSet-Cookie: x=y", "control character"},
      {"a=b\n", "control character"},
      {"a=b; Path=/\x7f", "control character"},
      {"a=\x01", "control character"},
      {"a=" + std::string(5000, 'x'), "too large"},
  };
  for (const auto& row : rows) {
    INFO(row.field.substr(0, 40));
    auto sc = parse_set_cookie(row.field);
    REQUIRE_FALSE(sc);
    CHECK(sc.error().code == ErrorCode::invalid_set_cookie);
    CHECK(sc.error().category == ErrorCategory::protocol);
    CHECK(sc.error().detail.find(row.reason) != std::string::npos);
  }
}

TEST_CASE("Set-Cookie: the size cap is Limits::max_cookie_bytes, for the whole field") {
  const std::string exactly = "a=" + std::string(4094, 'x');
  CHECK(parse_set_cookie(exactly));
  CHECK_FALSE(parse_set_cookie(exactly + "y"));
  CHECK_FALSE(parse_set_cookie("a=1; Path=/" + std::string(4090, 'p')));  // attributes count too
  Limits small;
  small.max_cookie_bytes = 8;
  CHECK(parse_set_cookie("abc=1234", small));
  CHECK_FALSE(parse_set_cookie("abc=12345", small));
}
