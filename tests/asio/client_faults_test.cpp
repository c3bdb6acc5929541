// The async client against hostile and silent peers: typed errors, deadlines, cancellation at each step,
// and a connection that saw a problem never going back to the pool. Also the mock transport behind
// ClientOptions::transport.
#include <catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "tests/asio/run_async.hpp"
#include "tests/support/scripted_server.hpp"
#include "tests/support/total_connections.hpp"
#include "transports/api/errors.hpp"
#include "transports/asio/client.hpp"
#include "transports/mock/mock_transport.hpp"

using hipp::test::run_async;
using hipp::test::ScriptedServer;
using hipp::test::total_connections;
namespace async = hipp::async;
namespace step = hipp::test::step;
using namespace std::chrono_literals;

namespace {

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// Runs `request` and cancels it through its cancellation slot after `delay`.
template <class Task>
std::exception_ptr run_and_cancel(asio::io_context& io, Task request, std::chrono::milliseconds delay) {
  asio::cancellation_signal signal;
  std::exception_ptr outcome;
  bool finished = false;
  asio::co_spawn(io, std::move(request), asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, auto&&...) {
                   outcome = e;
                   finished = true;
                 }));
  asio::steady_timer timer(io, delay);
  timer.async_wait([&](const std::error_code&) { signal.emit(asio::cancellation_type::terminal); });
  io.restart();
  while (!finished) io.run_one_for(5s);
  timer.cancel();
  io.poll();
  return outcome;
}

}  // namespace

TEST_CASE("async read timeout against a silent server is ReadTimeoutError", "[asio][faults]") {
  ScriptedServer server({{step::read_request(), step::sleep(2s)}});
  asio::io_context io;
  async::Client client(io.get_executor(), {.timeout = hipp::Timeout{.read = 100ms}});
  CHECK_THROWS_AS(run_async(io, client.get(server.url("/"))), hipp::ReadTimeoutError);
  CHECK(total_connections(client) == 0);
}

TEST_CASE("async: a refused connection is NewConnectionError", "[asio][faults]") {
  std::uint16_t port = 0;
  {
    ScriptedServer gone(std::vector<hipp::test::Script>{});
    port = gone.port();
  }
  asio::io_context io;
  async::Client client(io.get_executor());
  CHECK_THROWS_AS(run_async(io, client.get("http://127.0.0.1:" + std::to_string(port) + "/")), hipp::NewConnectionError);
}

TEST_CASE("async hostile responses give typed errors and the connection is never reused", "[asio][faults]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"CL and TE together", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
      {"signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"},
      {"bad chunk framing", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
      {"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"},
  };
  for (const auto& [name, bytes] : cases) {
    DYNAMIC_SECTION(name) {
      ScriptedServer server({{step::read_request(), step::send(bytes), step::wait_for_close()},
                             {step::read_request(), step::send(kOk)}});
      asio::io_context io;
      async::Client client(io.get_executor());
      CHECK_THROWS_AS(run_async(io, client.get(server.url("/"))), hipp::ProtocolError);
      async::Response next = run_async(io, client.get(server.url("/")));
      CHECK(next.content() == "ok");
      CHECK(server.connections_accepted() == 2);  // the poisoned connection was not reused
    }
  }
}

TEST_CASE("async: a body cut short is IncompleteRead and its connection is closed", "[asio][faults]") {
  ScriptedServer server({{step::read_request(), step::send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), step::close()}});
  asio::io_context io;
  async::Client client(io.get_executor());
  CHECK_THROWS_AS(run_async(io, client.get(server.url("/"))), hipp::IncompleteRead);
  CHECK(total_connections(client) == 0);
}

TEST_CASE("async cancellation at each step closes the connection and throws RequestCancelled", "[asio][faults]") {
  SECTION("waiting for the head") {
    ScriptedServer server({{step::read_request(), step::sleep(2s)}});
    asio::io_context io;
    async::Client client(io.get_executor());
    auto e = run_and_cancel(io, client.get(server.url("/")), 100ms);
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), hipp::RequestCancelled);
    CHECK(total_connections(client) == 0);
  }
  SECTION("in the middle of the body") {
    ScriptedServer server(
        {{step::read_request(), step::send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"), step::sleep(2s)}});
    asio::io_context io;
    async::Client client(io.get_executor());
    auto e = run_and_cancel(
        io,
        [&]() -> asio::awaitable<void> {
          async::Response r = co_await client.stream("GET", server.url("/"));
          (void)co_await r.aread();
        }(),
        100ms);
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), hipp::RequestCancelled);
    CHECK(total_connections(client) == 0);
  }
  SECTION("connecting") {
    asio::io_context io;
    asio::ip::tcp::acceptor hole(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    hole.listen(0);
    asio::ip::tcp::socket filler(io);
    filler.connect(hole.local_endpoint());  // the queue is full: the next SYN goes unanswered
    async::Client client(io.get_executor());
    auto e = run_and_cancel(io, client.get("http://127.0.0.1:" + std::to_string(hole.local_endpoint().port()) + "/"), 100ms);
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), hipp::RequestCancelled);
  }
  SECTION("waiting for a pool slot") {
    ScriptedServer server({{step::read_request(), step::send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), step::sleep(2s)}});
    asio::io_context io;
    async::Client client(io.get_executor(), {.max_connections = 1});
    auto held = run_async(io, client.stream("GET", server.url("/")));
    auto e = run_and_cancel(io, client.get(server.url("/")), 100ms);
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), hipp::RequestCancelled);
  }
  SECTION("during a retry's backoff") {
    ScriptedServer server({{step::read_request(), step::send("HTTP/1.1 503 Busy\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n")}});
    asio::io_context io;
    async::Client client(io.get_executor(), {.retry = hipp::Retries{hipp::RetryPolicy{.max_retries = 2}}});
    auto e = run_and_cancel(io, client.get(server.url("/")), 200ms);
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), hipp::RequestCancelled);
  }
}

TEST_CASE("async retries with the client's policy (hyperhttp's RetryPolicy)", "[asio][faults]") {
  ScriptedServer server({{step::read_request(), step::send("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"), step::read_request(),
                          step::send(kOk)}});
  asio::io_context io;
  hipp::RetryPolicy policy{.max_retries = 2, .backoff_strategy = hipp::policy::ExponentialBackoff{.base = std::chrono::milliseconds(10)}};
  async::Client client(io.get_executor(), {.retry = hipp::Retries{policy}});
  async::Response r = run_async(io, client.get(server.url("/")));
  CHECK(r.status_code() == 200);
  CHECK(r.attempts() == 2);
}

TEST_CASE("async client over the mock transport (ClientOptions::transport)", "[asio][mock]") {
  hipp::mock::MockTransport mock;
  mock.on("GET", hipp::mock::exact("http://api.test/users")).reply(200, R"([{"name":"alice"}])");
  asio::io_context io;
  async::Client client(io.get_executor(), {.base_url = "http://api.test", .transport = &mock});
  async::Response r = run_async(io, client.get("/users"));
  CHECK(r.status_code() == 200);
  CHECK(r.json()[0]["name"] == "alice");
  REQUIRE(mock.requests().size() == 1);
  CHECK(mock.requests()[0].method == "GET");
}

TEST_CASE("async happy eyeballs: a black-holed first address costs the attempt delay, not the timeout",
          "[asio][connect]") {
  // A black hole on loopback: a listener with a backlog of 0 whose accept queue one connection already
  // fills; Linux drops further SYNs to it, so a connect there neither completes nor fails in time.
  asio::io_context io;
  asio::ip::tcp::acceptor hole(io);
  const asio::ip::tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);
  hole.open(loopback.protocol());
  hole.bind(loopback);
  hole.listen(0);
  asio::ip::tcp::socket filler(io);
  filler.connect(hole.local_endpoint());

  ScriptedServer server({{step::read_request(), step::send(kOk)}});
  const asio::ip::tcp::endpoint good(asio::ip::make_address("127.0.0.1"), server.port());
  const asio::ip::tcp::endpoint black = hole.local_endpoint();
  int resolved = 0;
  async::ClientOptions o;
  o.happy_eyeballs_delay = 200ms;
  o.timeout = hipp::Timeout{.connect = 10s};
  o.connect_timeout = 10s;
  o.resolver = [&](std::string, std::uint16_t) -> asio::awaitable<hipp::Result<std::vector<asio::ip::tcp::endpoint>>> {
    ++resolved;
    co_return std::vector<asio::ip::tcp::endpoint>{black, good};
  };
  async::Client client(io.get_executor(), o);
  const auto started = std::chrono::steady_clock::now();
  async::Response r = run_async(io, client.get("http://dual-stack.test:" + std::to_string(server.port()) + "/"));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(r.content() == "ok");
  CHECK(resolved == 1);
  CHECK(took >= 200ms);
  CHECK(took < 2s);
}

TEST_CASE("async: when every address fails the error names them", "[asio][connect]") {
  std::uint16_t port = 0;
  {
    ScriptedServer gone(std::vector<hipp::test::Script>{});
    port = gone.port();
  }
  asio::io_context io;
  async::ClientOptions o;
  const asio::ip::tcp::endpoint refused(asio::ip::make_address("127.0.0.1"), port);
  o.resolver = [&](std::string, std::uint16_t) -> asio::awaitable<hipp::Result<std::vector<asio::ip::tcp::endpoint>>> {
    co_return std::vector<asio::ip::tcp::endpoint>{refused, refused};
  };
  async::Client client(io.get_executor(), o);
  try {
    (void)run_async(io, client.get("http://nowhere.test/"));
    FAIL("expected NewConnectionError");
  } catch (const hipp::NewConnectionError& e) {
    CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  }
}

TEST_CASE("async DNS cache: a name is resolved once while its entry lives", "[asio][connect]") {
  ScriptedServer server({{step::read_request(), step::send(kOk)}, {step::read_request(), step::send(kOk)}});
  asio::io_context io;
  int resolved = 0;
  async::ClientOptions o;
  o.max_keepalive_connections = 0;  // every request connects (and so looks the name up) again
  o.resolver = [&](std::string, std::uint16_t) -> asio::awaitable<hipp::Result<std::vector<asio::ip::tcp::endpoint>>> {
    ++resolved;
    co_return std::vector<asio::ip::tcp::endpoint>{
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port())};
  };
  async::Client client(io.get_executor(), o);
  const std::string url = "http://cached.test:" + std::to_string(server.port()) + "/";
  CHECK(run_async(io, client.get(url)).content() == "ok");
  CHECK(run_async(io, client.get(url)).content() == "ok");
  CHECK(resolved == 1);
}
