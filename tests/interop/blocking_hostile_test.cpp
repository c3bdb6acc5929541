// The synchronous client against a scripted raw-socket server that misbehaves:
// every hostile response gives a typed error, and the connection it arrived on
// never goes back to the pool.
#include <catch.hpp>

#include <hipp/hipp.hpp>

#include "tests/support/scripted_server.hpp"
#include "tests/support/total_connections.hpp"

using namespace std::chrono_literals;
namespace step = hipp::test::step;
using hipp::ErrorCode;
using hipp::test::Script;
using hipp::test::ScriptedServer;
using hipp::test::total_connections;

namespace {

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// Sends one GET to a server running `script`, expects exception E with `code`,
// and checks the pool kept nothing.
template <class E>
void expect_failure(Script script, ErrorCode code, hipp::RequestOptions options = {}) {
  ScriptedServer server({std::move(script)});
  hipp::PoolManager http({.retries = false});  // one attempt: the error itself, not MaxRetryError
  try {
    http.request("GET", server.url("/"), std::move(options)).data();
    FAIL("expected an error " << hipp::to_string(code));
  } catch (const E& e) {
    CHECK(e.code() == code);
    CHECK(e.url() == server.url("/"));
  }
  CHECK(total_connections(http) == 0);
}

Script respond(std::string bytes) { return {step::read_request(), step::send(std::move(bytes)), step::close()}; }

}  // namespace

TEST_CASE("Content-Length together with Transfer-Encoding is refused") {
  expect_failure<hipp::ProtocolError>(
      respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
      ErrorCode::conflicting_framing);
}

TEST_CASE("conflicting and signed Content-Length are refused") {
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                                      ErrorCode::invalid_content_length);
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"),
                                      ErrorCode::invalid_content_length);
}

TEST_CASE("broken chunk framing is refused") {
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
                                      ErrorCode::invalid_chunk);
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n"),
                                      ErrorCode::invalid_chunk);
}

TEST_CASE("a body cut short by the server closing is IncompleteRead") {
  expect_failure<hipp::IncompleteRead>(respond("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"),
                                       ErrorCode::incomplete_body);
}

TEST_CASE("a 1 MB header line is refused at the head limit") {
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n"),
                                      ErrorCode::header_too_large);
}

TEST_CASE("endless 1xx responses are refused") {
  std::string flood;
  for (int i = 0; i < 100; ++i) flood += "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n";
  expect_failure<hipp::ProtocolError>(respond(flood), ErrorCode::too_many_informational);
}

TEST_CASE("bare LF line endings are refused") {
  expect_failure<hipp::ProtocolError>(respond("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
                                      ErrorCode::malformed_response);
}

TEST_CASE("a server that closes without answering is an empty reply") {
  expect_failure<hipp::ProtocolError>({step::read_request(), step::close()}, ErrorCode::connection_closed);
}

TEST_CASE("a reset while waiting for the response is a connection error") {
  expect_failure<hipp::ProtocolError>({step::read_request(), step::reset()}, ErrorCode::connection_reset);
}

TEST_CASE("a silent server hits the read timeout; a slow one hits the total timeout") {
  expect_failure<hipp::ReadTimeoutError>({step::read_request(), step::sleep(3000ms), step::close()},
                                         ErrorCode::read_timeout, {.timeout = hipp::Timeout{.read = hipp::seconds(0.2)}});
  // Each byte comes within the read timeout, but the whole response does not fit in `total`.
  expect_failure<hipp::ReadTimeoutError>(
      {step::read_request(), step::send_slowly(kOk + std::string(64, ' '), 50ms), step::close()},
      ErrorCode::read_timeout, {.timeout = hipp::Timeout{.read = hipp::seconds(1), .total = hipp::seconds(0.5)}});
}

TEST_CASE("bytes after a complete response: the response is delivered, the connection is not reused") {
  ScriptedServer server({{step::read_request(), step::send(kOk + "GARBAGE"), step::wait_for_close()},
                         {step::read_request(), step::send(kOk), step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("after any protocol error the next request gets a fresh connection") {
  ScriptedServer server({respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                         {step::read_request(), step::send(kOk), step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK_THROWS_AS(http.request("GET", server.url("/")), hipp::ProtocolError);
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("keep-alive: the second request rides the first connection") {
  ScriptedServer server({{step::read_request(), step::send(kOk), step::read_request(), step::send(kOk),
                          step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK(http.request("GET", server.url("/a")).data() == "ok");
  CHECK(http.request("GET", server.url("/b")).data() == "ok");
  CHECK(server.connections_accepted() == 1);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].raw.rfind("GET /b HTTP/1.1\r\nHost: 127.0.0.1:", 0) == 0);
}

TEST_CASE("a reused connection the server dropped before answering is retried once on a fresh one") {
  // Connection 0 answers once, then takes the second request and closes without a byte: the client
  // resends the idempotent PUT on a new connection (RFC 9112 §9.3.1), even with retries disabled.
  ScriptedServer server({{step::read_request(), step::send(kOk), step::read_request(), step::close()},
                         {step::read_request(), step::send(kOk), step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  CHECK(http.request("PUT", server.url("/"), {.body = std::string("payload")}).data() == "ok");
  CHECK(server.connections_accepted() == 2);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[2].raw.find("\r\n\r\npayload") != std::string::npos);
}

TEST_CASE("a POST on a dropped reused connection is not resent: its bytes reached the wire") {
  ScriptedServer server({{step::read_request(), step::send(kOk), step::read_request(), step::close()},
                         {step::read_request(), step::send(kOk), step::wait_for_close()}});
  hipp::PoolManager http;  // Hip's default Retry: POST is not in method_whitelist
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  CHECK_THROWS_AS(http.request("POST", server.url("/"), {.body = std::string("payload")}), hipp::ProtocolError);
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("Hip's default Retry resends a GET after protocol errors, then MaxRetryError with the reason") {
  const Script garbage = respond("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
  ScriptedServer server({garbage, garbage, garbage, garbage});
  hipp::PoolManager http;
  try {
    http.request("GET", server.url("/"));
    FAIL("expected MaxRetryError");
  } catch (const hipp::MaxRetryError& e) {
    REQUIRE(e.error().cause != nullptr);
    CHECK(e.error().cause->code == ErrorCode::invalid_content_length);
  }
  CHECK(server.connections_accepted() == 4);  // the first attempt and Retry.DEFAULT's 3 retries
}

TEST_CASE("a fresh connection that fails is not retried") {
  ScriptedServer server({{step::read_request(), step::close()}, {step::read_request(), step::send(kOk)}});
  hipp::PoolManager http({.retries = false});
  CHECK_THROWS_AS(http.request("GET", server.url("/")), hipp::ProtocolError);
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("a generator body is never resent, even on a stale connection") {
  ScriptedServer server({{step::read_request(), step::send(kOk), step::read_request(), step::close()},
                         {step::read_request(), step::send(kOk)}});
  hipp::PoolManager http({.retries = false});
  CHECK(http.request("GET", server.url("/")).data() == "ok");
  bool done = false;
  auto once = hipp::GeneratorBody{[&]() -> std::optional<std::string> {
    if (done) return std::nullopt;
    done = true;
    return std::string("x");
  }};
  CHECK_THROWS_AS(http.request("POST", server.url("/"), {.body = once}), hipp::ProtocolError);
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("a server answering before the body with Expect: 100-continue: the body is not sent") {
  // The server answers at once, without reading the request (read_request would wait for the body).
  ScriptedServer server({{step::send("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"),
                          step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  auto r = http.request("PUT", server.url("/"),
                        {.headers = {{"Expect", "100-continue"}, {"Content-Length", "5"}}, .body = std::string("hello")});
  CHECK(r.status() == 413);
  // The request was never completed, so the connection cannot carry another one.
  CHECK(total_connections(http) == 0);
}

TEST_CASE("invalid input never reaches the wire") {
  ScriptedServer server({{step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK_THROWS_AS(http.request("GET", server.url("/"), {.headers = {{"X-A", "1\r\nX-Injected: 2"}}}), hipp::InvalidHeader);
  CHECK_THROWS_AS(http.request("GET", "http://127.0.0.1:" + std::to_string(server.port()) + "/a\r\nb"),
                  hipp::LocationParseError);
  CHECK_THROWS_AS(http.request("GET", "http://[::1/"), hipp::LocationParseError);
  CHECK(server.connections_accepted() == 0);
}

TEST_CASE("connection failures are typed") {
  hipp::PoolManager http({.retries = false});
  // Port 1 on loopback: nothing listens there.
  CHECK_THROWS_AS(http.request("GET", "http://127.0.0.1:1/"), hipp::NewConnectionError);
  CHECK_THROWS_AS(http.request("GET", "http://no-such-host.invalid/"), hipp::NameResolutionError);
}
