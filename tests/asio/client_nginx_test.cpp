// The async client against a real nginx on loopback: requests, reuse (proven from nginx's $connection),
// streaming, the global connection cap with its oldest-first waiters, pool timeouts, many concurrent
// requests without leaking descriptors.
#include <catch.hpp>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>

#include "tests/asio/run_async.hpp"
#include "tests/support/nginx_fixture.hpp"
#include "tests/support/total_connections.hpp"
#include "transports/api/errors.hpp"
#include "transports/asio/client.hpp"

using hipp::test::NginxFixture;
using hipp::test::run_async;
using hipp::test::total_connections;
namespace async = hipp::async;

namespace {

NginxFixture& nginx() {
  static NginxFixture instance;
  return instance;
}

std::vector<hipp::test::AccessLogEntry> log_for(std::string_view marker, std::size_t count) {
  std::vector<hipp::test::AccessLogEntry> mine;
  for (int attempt = 0; attempt < 50; ++attempt) {
    mine.clear();
    for (auto& e : nginx().access_log()) {
      if (e.request.find(std::string("m=") + std::string(marker) + " ") != std::string::npos) mine.push_back(e);
    }
    if (mine.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return mine;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("async GET returns status, version, headers and the exact body", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor(), {.base_url = nginx().url("")});
  async::Response r = run_async(io, client.get("/small"));
  CHECK(r.status_code() == 200);
  CHECK(r.is_success());
  CHECK_FALSE(r.is_redirect());
  CHECK(r.http_version() == "HTTP/1.1");
  CHECK(r.headers().get("content-length") == "100");
  CHECK(r.content().size() == NginxFixture::small_size);
  CHECK(r.complete());
  CHECK(r.url() == nginx().url("/small"));
  CHECK(r.elapsed() > hipp::Duration::zero());
}

TEST_CASE("async keep-alive: sequential requests ride one connection", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor());
  run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      async::Response r = co_await client.get(nginx().url("/small?m=reuse"));
      CHECK(r.status_code() == 200);
    }
  }());
  auto entries = log_for("reuse", 3);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].connection == entries[2].connection);
  CHECK(entries[2].connection_requests == 3);
  auto stats = client.get_pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.idle == 1);
  CHECK(stats.begin()->second.in_use == 0);
}

TEST_CASE("async max_connections caps every origin together; waiters are served oldest first", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor(), {.max_connections = 2});
  std::vector<int> finished;
  int running = 0;
  run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 20; ++i) {
      ++running;
      asio::co_spawn(
          io,
          [&, i]() -> asio::awaitable<void> {
            async::Response r = co_await client.get(nginx().url("/small?m=cap"));
            CHECK(r.status_code() == 200);
            finished.push_back(i);
            --running;
          },
          asio::detached);
    }
    asio::steady_timer t(io);
    while (running > 0) {
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(asio::use_awaitable);
    }
  }());
  REQUIRE(finished.size() == 20);
  std::set<std::uint64_t> connections;
  for (const auto& e : log_for("cap", 20)) connections.insert(e.connection);
  CHECK(connections.size() <= 2);
  // The first two started on their own connections; every later one waited its turn, oldest first.
  for (std::size_t k = 2; k + 1 < finished.size(); ++k) CHECK(finished[k] < finished[k + 1]);
  CHECK(total_connections(client) <= 2);
}

TEST_CASE("async pool timeout: a request that finds no room within the pool deadline fails", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor(),
                       {.timeout = hipp::Timeout{.pool = std::chrono::milliseconds(100)}, .max_connections = 1});
  run_async(io, [&]() -> asio::awaitable<void> {
    async::Response held = co_await client.stream("GET", nginx().url("/big"));  // keeps its connection
    CHECK_FALSE(held.complete());
    bool timed_out = false;
    try {
      (void)co_await client.get(nginx().url("/small"));
    } catch (const hipp::PoolTimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    co_await held.aclose();  // frees the slot: the next request gets a connection
    async::Response next = co_await client.get(nginx().url("/small"));
    CHECK(next.status_code() == 200);
  }());
}

TEST_CASE("async streaming: aiter_bytes and aiter_lines walk a large body", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor());
  run_async(io, [&]() -> asio::awaitable<void> {
    async::Response r = co_await client.stream("GET", nginx().url("/big"));
    std::size_t total = 0;
    std::size_t chunks = 0;
    auto body = r.aiter_bytes(64 * 1024);
    while (auto chunk = co_await body.next()) {
      total += chunk->size();
      ++chunks;
      if (total < NginxFixture::big_size) CHECK(chunk->size() == 64 * 1024);
    }
    CHECK(total == NginxFixture::big_size);
    CHECK(chunks == NginxFixture::big_size / (64 * 1024));
    CHECK(r.complete());

    async::Response lines = co_await client.stream("GET", nginx().url("/big"));
    auto it = lines.aiter_lines();
    std::size_t n = 0;
    bool in_order = true;
    while (auto line = co_await it.next()) {
      char expected[32];
      std::snprintf(expected, sizeof expected, "%015zu", n);
      in_order = in_order && *line == expected;
      ++n;
    }
    CHECK(in_order);
    CHECK(n == NginxFixture::big_size / 16);
  }());
  // Both connections went back: the second request reused the first's.
  auto stats = client.get_pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.total == 1);
}

TEST_CASE("async POST sends the body; raise_for_status throws for 4xx", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor(), {.base_url = nginx().url("")});
  run_async(io, [&]() -> asio::awaitable<void> {
    // Options built before the co_await: g++ 12.2 destroys a braced temporary inside a co_await
    // expression twice (a GCC 12 coroutine bug, seen here as a double free); see docs/guide/async.md.
    hipp::RequestOptions upload{.body = std::string(100000, 'x')};
    async::Response echoed = co_await client.post("/echo", std::move(upload));
    CHECK(echoed.status_code() == 200);
    CHECK(echoed.headers().get("X-Received-Length") == "100000");
    async::Response missing = co_await client.get("/status/404");
    CHECK(missing.status_code() == 404);
    CHECK_THROWS_AS(missing.raise_for_status(), hipp::HTTPStatusError);
    async::Response ok = co_await client.get("/small");
    CHECK_NOTHROW(ok.raise_for_status());
  }());
}

TEST_CASE("async redirects: off by default as in hyperhttp, on per request or per client", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor(), {.base_url = nginx().url("")});
  async::Client following(io.get_executor(), {.base_url = nginx().url(""), .follow_redirects = true});
  run_async(io, [&]() -> asio::awaitable<void> {
    async::Response as_is = co_await client.get("/redirect");
    CHECK(as_is.status_code() == 302);
    CHECK(as_is.is_redirect());
    hipp::RequestOptions follow{.follow_redirects = true};
    async::Response followed = co_await client.get("/redirect", std::move(follow));
    CHECK(followed.status_code() == 200);
    CHECK(followed.url() == nginx().url("/small"));
    CHECK(followed.history().size() == 1);
    async::Response by_client = co_await following.get("/redirect");
    CHECK(by_client.status_code() == 200);
  }());
}

TEST_CASE("async: completion tokens other than use_awaitable (a callback, use_future)", "[asio]") {
  asio::io_context io;
  async::Client client(io.get_executor());
  int status = 0;
  std::exception_ptr failure;
  client.async_request("GET", nginx().url("/small"), {}, [&](std::exception_ptr e, async::Response r) {
    failure = e;
    status = r.status_code();
  });
  io.run();
  CHECK_FALSE(failure);
  CHECK(status == 200);

  asio::io_context io2;
  async::Client client2(io2.get_executor());
  std::future<async::Response> future = client2.async_request("GET", nginx().url("/small"), {}, asio::use_future);
  std::thread runner([&] { io2.run(); });
  CHECK(future.get().status_code() == 200);
  runner.join();
}

TEST_CASE("async: 1,000 concurrent requests finish and leak no descriptor", "[asio]") {
  const std::size_t before = open_descriptors();
  {
    asio::io_context io;
    async::Client client(io.get_executor(), {.max_connections = 64, .max_keepalive_connections = 64});
    int done = 0;
    int failed = 0;
    for (int i = 0; i < 1000; ++i) {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            try {
              async::Response r = co_await client.get(nginx().url("/small"));
              if (r.status_code() == 200 && r.content().size() == NginxFixture::small_size) ++done;
            } catch (const std::exception&) {
              ++failed;
            }
          },
          asio::detached);
    }
    io.run();
    CHECK(done == 1000);
    CHECK(failed == 0);
    CHECK(total_connections(client) <= 64);
  }
  CHECK(open_descriptors() == before);
}

TEST_CASE("async on an io_context run by two threads: the client on a strand", "[asio][threads]") {
  asio::io_context io(2);
  auto strand = asio::make_strand(io);
  async::Client client(strand, {.max_connections = 8});
  std::atomic<int> done{0};
  for (int i = 0; i < 200; ++i) {
    asio::co_spawn(
        strand,
        [&]() -> asio::awaitable<void> {
          async::Response r = co_await client.stream("GET", nginx().url("/small"));
          (void)co_await r.aread();
          if (r.content().size() == NginxFixture::small_size) ++done;
        },
        asio::detached);
  }
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  CHECK(done == 200);
}
