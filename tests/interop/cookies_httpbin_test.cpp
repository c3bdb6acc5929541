// The cookie jar against httpbin: /cookies/set's 302 stores the cookie that the redirected /cookies then
// echoes, /cookies/delete expires it, and per-request cookies stay with their origin across
// /redirect-to hops to a second httpbin.
#include <catch.hpp>

#include <nlohmann/json.hpp>

#include <hipp/hipp.hpp>

#include "tests/support/httpbin_fixture.hpp"

using hipp::test::HttpbinFixture;

namespace {

HttpbinFixture& httpbin() {
  static HttpbinFixture instance;
  return instance;
}

HttpbinFixture& other_httpbin() {
  static HttpbinFixture instance;
  return instance;
}

// httpbin's /cookies answer: {"cookies": {name: value, ...}}.
nlohmann::json cookies_seen(hipp::Response&& r) { return r.json().at("cookies"); }
nlohmann::json cookies_seen(hipp::Response& r) { return r.json().at("cookies"); }

}  // namespace

TEST_CASE("httpbin: /cookies/set then /cookies round trip through the redirect and later requests",
          "[interop][cookies]") {
  hipp::PoolManager http;
  auto set = http.request("GET", httpbin().url("/cookies/set?k=v&second=2"));
  REQUIRE(set.status() == 200);
  CHECK(set.url() == httpbin().url("/cookies"));  // the 302 was followed, carrying the new cookies
  CHECK(cookies_seen(set) == nlohmann::json{{"k", "v"}, {"second", "2"}});

  auto later = http.request("GET", httpbin().url("/cookies"));
  CHECK(cookies_seen(later) == nlohmann::json{{"k", "v"}, {"second", "2"}});
  REQUIRE(http.cookies()->size() == 2);
  CHECK(http.cookies()->cookies()[0].domain == "127.0.0.1");
  CHECK(http.cookies()->cookies()[0].host_only);

  auto deleted = http.request("GET", httpbin().url("/cookies/delete?k"));
  CHECK(cookies_seen(deleted) == nlohmann::json{{"second", "2"}});
  CHECK(http.cookies()->size() == 1);
}

TEST_CASE("httpbin: an explicit Cookie header and per-request cookies go with the jar's", "[interop][cookies]") {
  hipp::PoolManager http;
  http.request("GET", httpbin().url("/cookies/set?jar=1"));
  auto r = http.request("GET", httpbin().url("/cookies"),
                        {.headers = {{"Cookie", "explicit=1"}}, .cookies = {{"per", "request"}}});
  CHECK(cookies_seen(r) == nlohmann::json{{"jar", "1"}, {"explicit", "1"}, {"per", "request"}});
  // Per-request cookies are not kept.
  CHECK(cookies_seen(http.request("GET", httpbin().url("/cookies"))) == nlohmann::json{{"jar", "1"}});
}

TEST_CASE("httpbin: per-request cookies never follow a redirect to another origin", "[interop][cookies]") {
  hipp::PoolManager http({.cookies = std::shared_ptr<hipp::SharedCookieJar>{}});  // no jar: only what we send
  // Same origin: they follow.
  auto same = http.request("GET", httpbin().url("/redirect-to"),
                           {.fields = {{"url", httpbin().url("/cookies")}}, .cookies = {{"secret", "s3"}}});
  REQUIRE(same.status() == 200);
  CHECK(cookies_seen(same) == nlohmann::json{{"secret", "s3"}});
  // Another port is another origin (RFC 6454), though cookies themselves ignore ports.
  auto away = http.request("GET", httpbin().url("/redirect-to"),
                           {.fields = {{"url", other_httpbin().url("/cookies")}}, .cookies = {{"secret", "s3"}}});
  REQUIRE(away.status() == 200);
  CHECK(away.url() == other_httpbin().url("/cookies"));
  CHECK(cookies_seen(away) == nlohmann::json::object());
  // Nor an explicit Cookie header.
  auto header =
      http.request("GET", httpbin().url("/redirect-to"),
                   {.fields = {{"url", other_httpbin().url("/cookies")}}, .headers = {{"Cookie", "secret=s3"}}});
  CHECK(cookies_seen(header) == nlohmann::json::object());
}

TEST_CASE("httpbin: jar cookies are sent by host: 127.0.0.1's never reach localhost", "[interop][cookies]") {
  hipp::PoolManager http;
  http.request("GET", httpbin().url("/cookies/set?mine=1"));
  std::string elsewhere = other_httpbin().url("/cookies");
  elsewhere.replace(elsewhere.find("127.0.0.1"), 9, "localhost");
  auto r = http.request("GET", httpbin().url("/redirect-to"), {.fields = {{"url", elsewhere}}});
  REQUIRE(r.status() == 200);
  CHECK(cookies_seen(r) == nlohmann::json::object());
}
