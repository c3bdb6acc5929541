// The cookie jar through the whole lifecycle on the mock transport: Set-Cookie of every hop stored, each
// attempt's Cookie header recomputed for its own URL, per-request cookies kept to their origin, expiry on
// the virtual clock.
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include "transports/mock/mock_client.hpp"

using hipp::mock::exact;
using hipp::mock::MockClient;
using hipp::mock::MockTransport;
using namespace std::chrono_literals;

namespace {

std::optional<std::string> cookie_of(const MockTransport& mock, std::size_t i) {
  auto v = mock.requests().at(i).headers.get("Cookie");
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

}  // namespace

TEST_CASE("cookies: a cookie set by a redirect goes with the next hop, and with later requests", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/login"))
      .reply(302, "", {{"Location", "/home"}, {"Set-Cookie", "sid=abc; Path=/; HttpOnly"}});
  mock.on("GET", exact("http://api.test/home")).reply(200, "home", {{"Set-Cookie", "seen=1"}});
  mock.on("GET", exact("http://api.test/again")).reply(200);
  MockClient http(mock);
  auto r = http.request("GET", "http://api.test/login");
  CHECK(r.status == 200);
  REQUIRE(mock.requests().size() == 2);
  CHECK_FALSE(cookie_of(mock, 0));
  CHECK(cookie_of(mock, 1) == "sid=abc");
  http.request("GET", "http://api.test/again");
  CHECK(cookie_of(mock, 2) == "sid=abc; seen=1");
  CHECK(http.cookies()->size() == 2);
}

TEST_CASE("cookies: the caller's Cookie header is kept, the jar's part replaced per hop", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/a")).reply(302, "", {{"Location", "/b"}, {"Set-Cookie", "x=1"}});
  mock.on("GET", exact("http://api.test/b")).reply(302, "", {{"Location", "/c"}, {"Set-Cookie", "y=2"}});
  mock.on("GET", exact("http://api.test/c")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://api.test/a", {.headers = {{"Cookie", "mine=0"}}});
  REQUIRE(mock.requests().size() == 3);
  CHECK(cookie_of(mock, 0) == "mine=0");
  CHECK(cookie_of(mock, 1) == "mine=0; x=1");
  CHECK(cookie_of(mock, 2) == "mine=0; x=1; y=2");
  for (const auto& req : mock.requests()) CHECK(req.headers.get_all("Cookie").size() == 1);
}

TEST_CASE("cookies: jar cookies follow their own origin across a cross-origin chain", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://a.test/start"))
      .reply(302, "", {{"Location", "http://b.test/hop"}, {"Set-Cookie", "a=1"}});
  mock.on("GET", exact("http://b.test/hop")).reply(302, "", {{"Location", "http://a.test/end"}, {"Set-Cookie", "b=1"}});
  mock.on("GET", exact("http://a.test/end")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://a.test/start");
  REQUIRE(mock.requests().size() == 3);
  CHECK_FALSE(cookie_of(mock, 0));
  CHECK_FALSE(cookie_of(mock, 1));     // a's cookie stays home; b.test has none before its own answer
  CHECK(cookie_of(mock, 2) == "a=1");  // back home: a's cookie, never b's
  CHECK(http.cookies()->size() == 2);
}

TEST_CASE("cookies: per-request cookies go to their origin only, never past a cross-origin hop", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://a.test/start")).reply(302, "", {{"Location", "/same"}});
  mock.on("GET", exact("http://a.test/same")).reply(302, "", {{"Location", "http://b.test/away"}});
  mock.on("GET", exact("http://b.test/away")).reply(302, "", {{"Location", "http://a.test/back"}});
  mock.on("GET", exact("http://a.test/back")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://a.test/start", {.cookies = {{"token", "s3cret"}, {"lang", "en"}}});
  REQUIRE(mock.requests().size() == 4);
  CHECK(cookie_of(mock, 0) == "token=s3cret; lang=en");
  CHECK(cookie_of(mock, 1) == "token=s3cret; lang=en");  // same origin
  CHECK_FALSE(cookie_of(mock, 2));                       // another origin
  CHECK_FALSE(cookie_of(mock, 3));                       // and not even back home: gone for the chain
  CHECK(http.cookies()->size() == 0);                    // never stored in the jar
}

TEST_CASE("cookies: per-request cookies after an explicit Cookie header, before the jar's", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/set")).reply(200, "", {{"Set-Cookie", "jar=1"}});
  mock.on("GET", exact("http://api.test/x")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://api.test/set");
  http.request("GET", "http://api.test/x", {.headers = {{"Cookie", "h=1"}}, .cookies = {{"r", "2"}}});
  CHECK(cookie_of(mock, 1) == "h=1; r=2; jar=1");
}

TEST_CASE("cookies: invalid per-request cookies are refused before any byte", "[mock][cookies]") {
  MockTransport mock;
  MockClient http(mock);
  CHECK_THROWS_AS(http.request("GET", "http://api.test/", {.cookies = {{"bad name", "v"}}}), hipp::InvalidHeader);
  CHECK_THROWS_AS(http.request("GET", "http://api.test/", {.cookies = {{"n", "v;evil=1"}}}), hipp::InvalidHeader);
  CHECK_THROWS_AS(http.request("GET", "http://api.test/", {.cookies = {{"n", "v\r\nX: y"}}}), hipp::InvalidHeader);
  CHECK(mock.requests().empty());
}

TEST_CASE("cookies: expiry runs on the client's wall clock; Max-Age=0 deletes", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/set"))
      .reply(200, "", {{"Set-Cookie", "short=1; Max-Age=60"}, {"Set-Cookie", "long=1; Max-Age=3600"}});
  mock.on("GET", exact("http://api.test/del")).reply(200, "", {{"Set-Cookie", "long=; Max-Age=0"}});
  mock.on("GET", exact("http://api.test/x")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://api.test/set");
  http.request("GET", "http://api.test/x");
  CHECK(cookie_of(mock, 1) == "short=1; long=1");
  mock.clock().advance(61s);
  http.request("GET", "http://api.test/x");
  CHECK(cookie_of(mock, 2) == "long=1");
  http.request("GET", "http://api.test/del");
  http.request("GET", "http://api.test/x");
  CHECK_FALSE(cookie_of(mock, 4));
}

TEST_CASE("cookies: a null jar disables cookies; a shared jar is shared", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/set")).reply(200, "", {{"Set-Cookie", "a=1"}});
  mock.on("GET", exact("http://api.test/x")).reply(200);
  SECTION("disabled") {
    MockClient http(mock, {.cookies = std::shared_ptr<hipp::SharedCookieJar>{}});
    CHECK_FALSE(http.cookies());
    http.request("GET", "http://api.test/set");
    http.request("GET", "http://api.test/x", {.cookies = {{"still", "sent"}}});
    CHECK(cookie_of(mock, 1) == "still=sent");
  }
  SECTION("shared") {
    auto jar = std::make_shared<hipp::SharedCookieJar>();
    MockClient one(mock, {.cookies = jar});
    MockClient two(mock, {.cookies = jar});
    one.request("GET", "http://api.test/set");
    two.request("GET", "http://api.test/x");
    CHECK(cookie_of(mock, 1) == "a=1");
  }
}

TEST_CASE("cookies: a retried response's Set-Cookie goes with the retry", "[mock][cookies]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/busy")).reply(503, "", {{"Set-Cookie", "queue=7"}}).then().reply(200);
  MockClient http(mock, {.retries = hipp::Retry{.total = 2, .status_forcelist = {503}}});
  auto r = http.request("GET", "http://api.test/busy");
  CHECK(r.status == 200);
  REQUIRE(mock.requests().size() == 2);
  CHECK_FALSE(cookie_of(mock, 0));
  CHECK(cookie_of(mock, 1) == "queue=7");
}
