// hipp::PoolManager over HTTP/2: negotiated by ALPN against nginx (TLS + http2 on loopback), turned off
// with http2=false, shared by concurrent requests, with large bodies both ways and streamed responses.
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/nginx_fixture.hpp"
#include "tests/support/total_connections.hpp"
#include "tests/tls/cert_matrix.hpp"

using hipp::test::cert_matrix;
using hipp::test::NginxFixture;
using hipp::test::NginxTls;
using hipp::test::total_connections;

namespace {

NginxFixture& nginx() {
  static NginxFixture instance(NginxTls{cert_matrix().crt("valid"), cert_matrix().key("valid"), {}});
  return instance;
}

std::string url(std::string_view path) { return "https://localhost:" + std::to_string(nginx().port()) + std::string(path); }

hipp::PoolManagerOptions options() {
  hipp::PoolManagerOptions o;
  o.tls.ca_certs = cert_matrix().crt("ca").string();
  o.retries = false;
  return o;
}

// The access-log entries written since `before` entries were there whose request line holds `tag`,
// once `count` of them are (nginx logs a request when it ends: another test's cancelled stream may
// be logged late, so entries are picked by tag, not by position).
std::vector<hipp::test::AccessLogEntry> new_entries(std::size_t before, std::size_t count, std::string_view tag) {
  std::vector<hipp::test::AccessLogEntry> picked;
  for (int attempt = 0; attempt < 50 && picked.size() < count; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    picked.clear();
    const auto log = nginx().access_log();
    for (std::size_t i = before; i < log.size(); ++i) {
      if (log[i].request.find(tag) != std::string::npos) picked.push_back(log[i]);
    }
  }
  REQUIRE(picked.size() == count);
  return picked;
}

std::string big_line(std::size_t i) {
  char line[17];
  std::snprintf(line, sizeof line, "%015zu\n", i);
  return line;
}

}  // namespace

TEST_CASE("PoolManager: https negotiates HTTP/2 by ALPN; http2=false keeps HTTP/1.1", "[tls][http2]") {
  const std::size_t before = nginx().access_log().size();
  {
    hipp::PoolManager http(options());
    auto r = http.request("GET", url("/small?alpn"));
    CHECK(r.status() == 200);
    CHECK(r.version() == "HTTP/2");
    CHECK(r.reason() == "OK");
    CHECK(r.data().size() == NginxFixture::small_size);
    CHECK(r.headers().get("content-length") == std::optional<std::string_view>("100"));
    auto again = http.request("GET", url("/status/404?alpn"));
    CHECK(again.status() == 404);
    const auto stats = http.pool_stats();
    REQUIRE(stats.count("https://localhost:" + std::to_string(nginx().port())) == 1);
    CHECK(stats.begin()->second.total == 1);
    CHECK(stats.begin()->second.idle == 1);
  }
  {
    auto o = options();
    o.http2 = false;
    hipp::PoolManager http(o);
    auto r = http.request("GET", url("/small?alpn"));
    CHECK(r.version() == "HTTP/1.1");
    CHECK(r.data().size() == NginxFixture::small_size);
  }
  const auto log = new_entries(before, 3, "?alpn");
  CHECK(log[0].request == "GET /small?alpn HTTP/2.0");
  CHECK(log[1].request == "GET /status/404?alpn HTTP/2.0");
  CHECK(log[1].connection == log[0].connection);  // both streams on one connection
  CHECK(log[2].request == "GET /small?alpn HTTP/1.1");
}

TEST_CASE("PoolManager: concurrent requests share one HTTP/2 connection", "[tls][http2]") {
  hipp::PoolManager http(options());
  REQUIRE(http.request("GET", url("/small")).status() == 200);  // the connection exists before the rush
  const std::size_t before = nginx().access_log().size();
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = http.request("GET", url(i % 5 == 0 ? "/big?rush" : "/small?rush"));
        const std::size_t want = i % 5 == 0 ? NginxFixture::big_size : NginxFixture::small_size;
        if (r.status() == 200 && r.data().size() == want) ++ok[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(ok[static_cast<std::size_t>(t)] == kEach);
  std::set<std::uint64_t> connections;
  for (const auto& e : new_entries(before, kThreads * kEach, "?rush")) connections.insert(e.connection);
  CHECK(connections.size() == 1);
  CHECK(total_connections(http) == 1);
}

TEST_CASE("PoolManager over HTTP/2: large bodies both ways, streamed responses beside others", "[tls][http2]") {
  hipp::PoolManager http(options());
  SECTION("an 8 MiB download arrives whole (flow-control windows are credited as it is read)") {
    auto r = http.request("GET", url("/big"));
    const std::string& body = r.data();
    REQUIRE(body.size() == NginxFixture::big_size);
    CHECK(body.substr(0, 16) == big_line(0));
    CHECK(body.substr(body.size() - 16) == big_line(NginxFixture::big_size / 16 - 1));
  }
  SECTION("a 3 MiB upload is received whole, its progress reported from 0 to its size") {
    const std::string payload(3 * 1024 * 1024 + 7, 'u');
    std::vector<std::uint64_t> sent;
    auto r = http.request("POST", url("/echo"), {.body = payload, .upload_progress = [&](std::uint64_t n, auto total) {
                                                   CHECK(total == std::optional<std::uint64_t>(payload.size()));
                                                   sent.push_back(n);
                                                 }});
    CHECK(r.status() == 200);
    CHECK(r.headers().get("x-received-length") == std::optional<std::string_view>(std::to_string(payload.size())));
    REQUIRE(sent.size() > 2);
    CHECK(sent.front() == 0);
    CHECK(sent.back() == payload.size());
    CHECK(std::is_sorted(sent.begin(), sent.end()));
  }
  SECTION("a streamed response is read while other requests use the connection") {
    auto streamed = http.request("GET", url("/big"), {.preload_content = false});
    CHECK(streamed.version() == "HTTP/2");
    std::string first = streamed.read(1000);
    CHECK(first.size() == 1000);
    for (int i = 0; i < 5; ++i) CHECK(http.request("GET", url("/small")).data().size() == NginxFixture::small_size);
    std::size_t total = first.size();
    for (const std::string& chunk : streamed.stream(64 * 1024)) total += chunk.size();
    CHECK(total == NginxFixture::big_size);
    CHECK(streamed.complete());
  }
  SECTION("a streamed response abandoned half-way cancels its stream; the connection lives on") {
    {
      auto streamed = http.request("GET", url("/big"), {.preload_content = false});
      CHECK(streamed.read(10).size() == 10);
    }  // destroyed unfinished: RST_STREAM(CANCEL)
    CHECK(http.request("GET", url("/small")).data().size() == NginxFixture::small_size);
    CHECK(total_connections(http) == 1);
  }
}

TEST_CASE("PoolManager over HTTP/2: a GOAWAY after nginx's keepalive_requests moves on to a new connection",
          "[tls][http2]") {
  // The fixture's nginx ends a connection after 1000 requests (keepalive_requests, which also bounds
  // HTTP/2 streams): GOAWAY, then close. Requests after it go to a new connection, none fails.
  hipp::PoolManager http(options());
  const std::size_t before = nginx().access_log().size();
  constexpr int kRequests = 1010;
  int ok = 0;
  for (int i = 0; i < kRequests; ++i) {
    auto r = http.request("GET", url("/small?goaway"));
    if (r.status() == 200 && r.data().size() == NginxFixture::small_size) ++ok;
  }
  CHECK(ok == kRequests);
  // Only this test's requests: earlier tests' cancelled streams may be logged late.
  std::set<std::uint64_t> connections;
  for (const auto& e : new_entries(before, kRequests, "/small?goaway HTTP/2.0")) connections.insert(e.connection);
  CHECK(connections.size() == 2);
  CHECK(total_connections(http) == 1);  // the finished connection was let go
}
