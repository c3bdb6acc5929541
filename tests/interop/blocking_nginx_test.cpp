// The synchronous client against a real nginx on loopback: requests, reuse
// (proven from nginx's own $connection / $connection_requests), streaming,
// uploads and pooling.
#include <catch.hpp>

#include <hipp/hipp.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/nginx_fixture.hpp"
#include "tests/support/total_connections.hpp"

using hipp::test::NginxFixture;
using hipp::test::total_connections;

namespace {

NginxFixture& nginx() {
  static NginxFixture instance;  // one nginx for this file's tests; stopped at exit
  return instance;
}

// Each test tags its requests with a query marker of its own, so it finds its
// log lines even when nginx logs an earlier test's aborted transfer late.
class Tagged {
 public:
  Tagged() : marker_("t" + std::to_string(++counter_)) {}
  std::string url(std::string_view path) const { return nginx().url(path) + "?m=" + marker_; }
  // This test's access-log lines, in order, once at least `count` exist.
  std::vector<hipp::test::AccessLogEntry> log(std::size_t count) const {
    std::vector<hipp::test::AccessLogEntry> mine;
    for (int attempt = 0; attempt < 50; ++attempt) {
      mine.clear();
      for (auto& e : nginx().access_log()) {
        if (e.request.find("?m=" + marker_ + " ") != std::string::npos) mine.push_back(e);
      }
      if (mine.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(mine.size() >= count);
    return mine;
  }

 private:
  static inline int counter_ = 0;
  std::string marker_;
};

}  // namespace

TEST_CASE("GET returns status, headers and the exact body") {
  hipp::PoolManager http;
  auto r = http.request("GET", nginx().url("/small"));
  CHECK(r.status() == 200);
  CHECK(r.reason() == "OK");
  CHECK(r.version() == "HTTP/1.1");
  CHECK(r.headers().get("content-length") == "100");
  CHECK(r.data().size() == NginxFixture::small_size);
  CHECK(r.complete());
  CHECK(r.url() == nginx().url("/small"));
}

TEST_CASE("sequential requests reuse one connection, as nginx's log proves") {
  hipp::PoolManager http;
  const Tagged t;
  for (int i = 0; i < 5; ++i) CHECK(http.request("GET", t.url("/small")).status() == 200);
  auto log = t.log(5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(log[i].connection == log[0].connection);
    CHECK(log[i].connection_requests == log[0].connection_requests + i);
  }
  auto stats = http.pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.idle == 1);
  CHECK(stats.begin()->second.in_use == 0);
}

TEST_CASE("HEAD, 204 and 304 have no body and keep the connection") {
  hipp::PoolManager http;
  const Tagged t;
  auto head = http.request("HEAD", t.url("/big"));
  CHECK(head.status() == 200);
  CHECK(head.headers().get("Content-Length") == std::to_string(NginxFixture::big_size));
  CHECK(head.data().empty());
  CHECK(http.request("GET", t.url("/status/204")).data().empty());
  CHECK(http.request("GET", t.url("/status/304")).status() == 304);
  CHECK(http.request("GET", t.url("/small")).data().size() == NginxFixture::small_size);
  auto log = t.log(4);
  CHECK(log[3].connection == log[0].connection);
}

TEST_CASE("Connection: close from the server is honoured: the next request opens a new connection") {
  hipp::PoolManager http;
  const Tagged t;
  CHECK(http.request("GET", t.url("/close")).status() == 200);
  CHECK(http.request("GET", t.url("/small")).status() == 200);
  auto log = t.log(2);
  CHECK(log[0].connection != log[1].connection);
}

TEST_CASE("streaming: read(n), stream(), and the connection goes back when the body ends") {
  hipp::PoolManager http;
  const Tagged t;
  auto r = http.request("GET", t.url("/big"), {.preload_content = false});
  CHECK(r.status() == 200);
  CHECK_FALSE(r.complete());
  CHECK(r.read(10).size() == 10);
  std::size_t total = 10;
  for (const std::string& chunk : r.stream(64 * 1024)) {
    CHECK(chunk.size() <= 64 * 1024);
    total += chunk.size();
  }
  CHECK(total == NginxFixture::big_size);
  CHECK(r.complete());
  CHECK(r.bytes_read() == NginxFixture::big_size);
  auto stats = http.pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.idle == 1);
  CHECK(http.request("GET", t.url("/small")).status() == 200);
  auto log = t.log(2);
  CHECK(log[1].connection == log[0].connection);
}

TEST_CASE("release_conn() drains a short remainder and keeps the connection; a long one is closed") {
  hipp::PoolManager http;
  const Tagged t;
  {
    auto r = http.request("GET", t.url("/small"), {.preload_content = false});
    r.release_conn();
    CHECK(r.complete());
  }
  {
    auto r = http.request("GET", t.url("/big"), {.preload_content = false});
    CHECK(r.read(1).size() == 1);
    r.release_conn();  // 8 MiB left: cheaper to close
  }
  CHECK(http.request("GET", t.url("/small")).status() == 200);
  auto log = t.log(3);
  CHECK(log[1].connection == log[0].connection);
  CHECK(log[2].connection != log[1].connection);
}

TEST_CASE("an abandoned streaming response closes its connection instead of returning it") {
  hipp::PoolManager http;
  {
    auto r = http.request("GET", nginx().url("/big"), {.preload_content = false});
    CHECK(r.read(100).size() == 100);
  }
  CHECK(total_connections(http) == 0);
}

TEST_CASE("uploads: bytes, form fields, JSON, a file and a generator reach nginx whole") {
  hipp::PoolManager http;
  const Tagged t;
  // The /echo sink answers with the body length nginx received, de-chunked.
  auto received = [](hipp::Response r) {
    CHECK(r.status() == 200);
    return std::string(r.headers().get("X-Received-Length").value_or("none"));
  };
  const std::string payload(100'000, 'x');
  CHECK(received(http.request("POST", t.url("/echo"), {.body = payload})) == "100000");
  CHECK(received(http.request("POST", t.url("/echo"), {.fields = {{"a", "1"}, {"b", "two words"}}})) ==
        std::to_string(std::string("a=1&b=two+words").size()));
  CHECK(received(http.request("PUT", t.url("/echo"), {.json = nlohmann::json{{"k", "v"}}})) ==
        std::to_string(std::string(R"({"k":"v"})").size()));

  auto file = std::filesystem::temp_directory_path() / "hipp-upload-test.bin";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(300'000, 'f');
  }
  std::vector<std::uint64_t> sent;  // upload progress through the blocking transport: 0, 64 KiB, ..., all
  CHECK(received(http.request("POST", t.url("/echo"),
                              {.body = hipp::FileBody{file}, .upload_progress = [&](std::uint64_t n, auto total) {
                                 CHECK(total == std::optional<std::uint64_t>(300'000));
                                 sent.push_back(n);
                               }})) == "300000");
  CHECK(sent == std::vector<std::uint64_t>{0, 65536, 131072, 196608, 262144, 300'000});
  std::filesystem::remove(file);

  int pieces = 0;
  auto generator = hipp::GeneratorBody{[&]() -> std::optional<std::string> {
    if (pieces == 3) return std::nullopt;
    ++pieces;
    return std::string(1000, 'g');
  }};
  CHECK(received(http.request("POST", t.url("/echo"), {.body = generator})) == "3000");

  auto log = t.log(5);
  for (const auto& e : log) CHECK(e.connection == log[0].connection);
}

TEST_CASE("Expect: 100-continue sends the body after nginx's 100") {
  hipp::PoolManager http;
  auto r = http.request("PUT", nginx().url("/echo"),
                        {.headers = {{"Expect", "100-continue"}}, .body = std::string(5000, 'e')});
  CHECK(r.status() == 200);
}

TEST_CASE("IPv6 loopback works when the machine has it") {
  if (!nginx().has_ipv6()) {
    WARN("no IPv6 loopback here; skipped");
    return;
  }
  hipp::PoolManager http;
  CHECK(http.request("GET", nginx().url6("/small")).data().size() == NginxFixture::small_size);
}

TEST_CASE("block=true caps connections at maxsize across threads, and every request completes") {
  hipp::PoolManager http({.maxsize = 2, .block = true});
  const Tagged t;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int worker = 0; worker < 6; ++worker) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (http.request("GET", t.url("/small")).data().size() == NginxFixture::small_size) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == 60);
  auto log = t.log(60);
  std::set<std::uint64_t> connections;
  for (const auto& e : log) connections.insert(e.connection);
  CHECK(connections.size() <= 2);
  CHECK(total_connections(http) <= 2);
}

TEST_CASE("block=true with a pool timeout gives EmptyPoolError when no connection frees up") {
  hipp::PoolManager http({.maxsize = 1, .block = true, .timeout = {.pool = hipp::seconds(0.2)}});
  auto holder = http.request("GET", nginx().url("/big"), {.preload_content = false});
  CHECK_THROWS_AS(http.request("GET", nginx().url("/small")), hipp::EmptyPoolError);
  holder.release_conn();
  CHECK(http.request("GET", nginx().url("/small")).status() == 200);
}

TEST_CASE("block=false opens extra connections but keeps only maxsize") {
  hipp::PoolManager http({.maxsize = 1});
  auto a = http.request("GET", nginx().url("/big"), {.preload_content = false});
  auto b = http.request("GET", nginx().url("/big"), {.preload_content = false});
  a.data();
  b.data();
  auto stats = http.pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.idle == 1);
  CHECK(stats.begin()->second.total == 1);
}

TEST_CASE("num_pools evicts the least recently used pool") {
  hipp::PoolManager http({.num_pools = 1});
  CHECK(http.request("GET", nginx().url("/small")).status() == 200);
  CHECK(http.request("GET", "http://localhost:" + std::to_string(nginx().port()) + "/small").status() == 200);
  auto stats = http.pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->first.find("localhost") != std::string::npos);
}

TEST_CASE("close() and clear()") {
  hipp::PoolManager http;
  CHECK(http.request("GET", nginx().url("/small")).status() == 200);
  http.clear();
  CHECK(http.pool_stats().empty());
  CHECK(http.request("GET", nginx().url("/small")).status() == 200);
  http.close();
  CHECK_THROWS_AS(http.request("GET", nginx().url("/small")), hipp::ClosedPoolError);
}

TEST_CASE("a keep-alive connection closed by the server while idle is not reused") {
  hipp::PoolManager http;
  // After this location, nginx closes the connection once it has been idle for 1 s.
  const Tagged t;
  CHECK(http.request("GET", t.url("/short-keepalive")).status() == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(http.request("GET", t.url("/small")).status() == 200);
  auto log = t.log(2);
  CHECK(log[1].connection != log[0].connection);
  CHECK(log[1].connection_requests == 1);
}

TEST_CASE("the trace hook sees heads as sent and received") {
  std::vector<std::pair<hipp::TraceKind, std::string>> seen;
  hipp::PoolManager http({.trace = [&](hipp::TraceKind kind, std::string_view detail) {
    seen.emplace_back(kind, std::string(detail));
  }});
  http.request("GET", nginx().url("/small"), {.headers = {{"X-Probe", "1"}}});
  auto find = [&](hipp::TraceKind kind) -> std::string {
    for (auto& [k, d] : seen)
      if (k == kind) return d;
    return {};
  };
  CHECK(find(hipp::TraceKind::request_head).rfind("GET /small HTTP/1.1\r\nHost: 127.0.0.1:", 0) == 0);
  CHECK(find(hipp::TraceKind::request_head).find("X-Probe: 1\r\n") != std::string::npos);
  CHECK(find(hipp::TraceKind::response_head).rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_FALSE(find(hipp::TraceKind::connected).empty());
}
