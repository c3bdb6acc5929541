// hipp::PoolManager's redirects, retries and auth against real peers: httpbin for the redirect and auth
// endpoints, nginx for connection reuse across retries (proven from its access log).
#include <catch.hpp>

#include <hipp/hipp.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/httpbin_fixture.hpp"
#include "tests/support/nginx_fixture.hpp"

using hipp::test::HttpbinFixture;
using hipp::test::NginxFixture;

namespace {

HttpbinFixture& httpbin() {
  static HttpbinFixture instance;
  return instance;
}

NginxFixture& nginx() {
  static NginxFixture instance;
  return instance;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("PoolManager follows httpbin's relative and absolute redirect chains", "[policies][redirect]") {
  hipp::PoolManager http;
  for (const char* path : {"/redirect/3", "/relative-redirect/3"}) {
    CAPTURE(path);
    auto r = http.request("GET", httpbin().url(path));
    CHECK(r.status() == 200);
    CHECK(r.history().size() == 3);
    CHECK(ends_with(r.url(), "/get"));
    for (const auto& hop : r.history()) CHECK(hop.status == 302);
  }
  auto absolute = http.request("GET", httpbin().url("/absolute-redirect/2"));
  CHECK(absolute.status() == 200);
  CHECK(absolute.history().size() == 2);
  CHECK(ends_with(absolute.url(), "/get"));
}

TEST_CASE("a 307 keeps the POST body; .redirect = false returns the 302; Retry{.redirect = 1} overflows",
          "[policies][redirect]") {
  hipp::PoolManager http;
  auto r = http.request("POST", httpbin().url("/redirect-to?url=%2Fpost&status_code=307"),
                        {.headers = {{"Content-Type", "text/plain"}}, .body = std::string("kept body")});
  CHECK(r.status() == 200);
  CHECK(ends_with(r.url(), "/post"));
  CHECK(nlohmann::json::parse(r.data())["data"] == "kept body");

  auto as_is = http.request("GET", httpbin().url("/redirect/2"), {.redirect = false});
  CHECK(as_is.status() == 302);
  CHECK(as_is.history().empty());

  CHECK_THROWS_AS(http.request("GET", httpbin().url("/redirect/3"), {.retries = hipp::Retry{.redirect = 1}}),
                  hipp::MaxRetryError);
  try {
    http.request("GET", httpbin().url("/redirect/3"), {.retries = hipp::Retry{.redirect = 1}});
  } catch (const hipp::MaxRetryError& e) {
    CHECK(std::string(e.what()).find("too many redirects") != std::string::npos);
  }
}

TEST_CASE("Basic auth through .auth and through URL userinfo", "[policies][auth]") {
  hipp::PoolManager http;
  auto r = http.request("GET", httpbin().url("/basic-auth/user/passwd"),
                        {.auth = std::make_shared<hipp::BasicAuth>("user", "passwd")});
  CHECK(r.status() == 200);
  CHECK(nlohmann::json::parse(r.data())["authenticated"] == true);
  std::string with_userinfo = httpbin().url("/basic-auth/user/passwd");
  with_userinfo.replace(0, 7, "http://user:passwd@");
  CHECK(http.request("GET", with_userinfo).status() == 200);
  CHECK(http.request("GET", httpbin().url("/basic-auth/user/passwd")).status() == 401);
}

TEST_CASE("Digest auth (MD5, SHA-256) through PoolManager", "[policies][auth]") {
  // httpbin's digest endpoints want back the cookie set on the challenge: the jar stores it from the 401
  // and the answer carries it.
  hipp::PoolManager http;
  for (const char* algorithm : {"MD5", "SHA-256"}) {
    CAPTURE(algorithm);
    auto r = http.request("GET", httpbin().url(std::string("/digest-auth/auth/user/passwd/") + algorithm),
                          {.auth = std::make_shared<hipp::DigestAuth>("user", "passwd")});
    CHECK(r.status() == 200);
    CHECK(r.attempts() == 2);  // the 401 challenge, then the answer
  }
}

TEST_CASE("a 503 retried by Retry{.total = 2} fails with MaxRetryError after 3 requests", "[policies][retry]") {
  std::atomic<int> attempts{0};
  hipp::PoolManagerOptions options;
  options.telemetry = [&](const hipp::exchange::AttemptRecord&) { ++attempts; };
  hipp::PoolManager http(std::move(options));
  CHECK_THROWS_AS(http.request("GET", httpbin().url("/status/503"),
                               {.retries = hipp::Retry{.total = 2, .status_forcelist = {503}}}),
                  hipp::MaxRetryError);
  CHECK(attempts == 3);
}

TEST_CASE("retries of a 503 reuse the kept-alive connection, as nginx's log proves", "[policies][retry]") {
  hipp::PoolManager http;
  const std::string marker = "policies-retry";
  auto r = http.request("GET", nginx().url("/status/503") + "?m=" + marker,
                        {.retries = hipp::Retry{.total = 2, .status_forcelist = {503}, .raise_on_status = false}});
  CHECK(r.status() == 503);
  CHECK(r.attempts() == 3);
  std::vector<hipp::test::AccessLogEntry> mine;
  for (int i = 0; i < 30 && mine.size() < 3; ++i) {
    mine.clear();
    for (auto& e : nginx().access_log()) {
      if (e.request.find("?m=" + marker + " ") != std::string::npos) mine.push_back(e);
    }
    if (mine.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(mine.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(mine[i].connection == mine[0].connection);
    CHECK(mine[i].connection_requests == mine[0].connection_requests + i);
  }
}
