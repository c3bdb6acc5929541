// The async client over https: verification, HTTP/1.1 when asked, and HTTP/2 by ALPN with concurrent
// requests sharing one connection (proven from nginx's $connection), streamed and uploaded bodies, and a
// cancelled stream that leaves the connection to the others.
#include <catch.hpp>

#include <set>
#include <thread>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "tests/asio/run_async.hpp"
#include "tests/support/nginx_fixture.hpp"
#include "tests/tls/cert_matrix.hpp"
#include "transports/api/errors.hpp"
#include "transports/asio/client.hpp"

using hipp::test::cert_matrix;
using hipp::test::NginxFixture;
using hipp::test::NginxTls;
using hipp::test::run_async;
namespace async = hipp::async;
using namespace std::chrono_literals;

namespace {

NginxFixture& nginx() {
  static NginxFixture instance(NginxTls{cert_matrix().crt("valid"), cert_matrix().key("valid"), {}});
  return instance;
}

std::string url(std::string_view path) { return "https://localhost:" + std::to_string(nginx().port()) + std::string(path); }

async::ClientOptions options() {
  async::ClientOptions o;
  o.tls.ca_certs = cert_matrix().crt("ca").string();
  return o;
}

std::vector<hipp::test::AccessLogEntry> tagged(std::string_view tag, std::size_t count) {
  std::vector<hipp::test::AccessLogEntry> picked;
  for (int attempt = 0; attempt < 50 && picked.size() < count; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(100ms);
    picked.clear();
    for (auto& e : nginx().access_log()) {
      if (e.request.find(tag) != std::string::npos) picked.push_back(e);
    }
  }
  return picked;
}

}  // namespace

TEST_CASE("async https: verified by default, HTTP/1.1 with http2=false", "[asio][tls]") {
  asio::io_context io;
  auto o = options();
  o.http2 = false;
  async::Client client(io.get_executor(), o);
  async::Response r = run_async(io, client.get(url("/small")));
  CHECK(r.status_code() == 200);
  CHECK(r.http_version() == "HTTP/1.1");
  CHECK(r.content().size() == NginxFixture::small_size);

  async::Client untrusting(io.get_executor());  // the system bundle does not know the test CA
  CHECK_THROWS_AS(run_async(io, untrusting.get(url("/small"))), hipp::SSLError);
}

TEST_CASE("async HTTP/2: concurrent requests share one connection", "[asio][tls][http2]") {
  asio::io_context io;
  async::Client client(io.get_executor(), options());
  // The first request opens the connection; the 100 after it are streams on it.
  async::Response first = run_async(io, client.get(url("/small?first-h2")));
  CHECK(first.http_version() == "HTTP/2");
  int ok = 0;
  for (int i = 0; i < 100; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          async::Response r = co_await client.get(url("/small?many-h2"));
          if (r.status_code() == 200 && r.content().size() == NginxFixture::small_size) ++ok;
        },
        asio::detached);
  }
  io.restart();
  while (ok < 100 && io.run_one_for(10s) > 0) {
  }
  CHECK(ok == 100);
  auto entries = tagged("many-h2", 100);
  REQUIRE(entries.size() == 100);
  std::set<std::uint64_t> connections;
  for (const auto& e : entries) connections.insert(e.connection);
  CHECK(connections.size() == 1);
  CHECK(*connections.begin() == tagged("first-h2", 1).at(0).connection);
  const auto stats = client.get_pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.total == 1);
}

TEST_CASE("async HTTP/2: a streamed download, an upload, and a cancelled stream", "[asio][tls][http2]") {
  asio::io_context io;
  async::Client client(io.get_executor(), options());
  run_async(io, [&]() -> asio::awaitable<void> {
    async::Response big = co_await client.stream("GET", url("/big"));
    CHECK(big.http_version() == "HTTP/2");
    std::size_t total = 0;
    auto chunks = big.aiter_bytes(256 * 1024);
    while (auto chunk = co_await chunks.next()) total += chunk->size();
    CHECK(total == NginxFixture::big_size);

    hipp::RequestOptions upload{.body = std::string(3 * 1024 * 1024, 'u')};
    async::Response echoed = co_await client.post(url("/echo"), std::move(upload));
    CHECK(echoed.status_code() == 200);
    CHECK(echoed.headers().get("X-Received-Length") == "3145728");
  }());

  // A stream cancelled in the middle of its body is reset; the connection carries on for the next request.
  asio::cancellation_signal signal;
  bool cancelled = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        async::Response r = co_await client.stream("GET", url("/big?cancel-me"));
        auto chunks = r.aiter_bytes(16 * 1024);
        (void)co_await chunks.next();
        asio::steady_timer forever(io, 1h);
        co_await forever.async_wait(asio::use_awaitable);
      },
      asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) { cancelled = e != nullptr; }));
  asio::steady_timer later(io, 200ms);
  later.async_wait([&](const std::error_code&) { signal.emit(asio::cancellation_type::terminal); });
  io.restart();
  while (!cancelled && io.run_one_for(5s) > 0) {
  }
  CHECK(cancelled);
  async::Response after = run_async(io, client.get(url("/small")));
  CHECK(after.status_code() == 200);
  const auto stats = client.get_pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.total == 1);
}
