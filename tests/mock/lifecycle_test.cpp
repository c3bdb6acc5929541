// The request lifecycle (core/exchange and its policies) driven through the mock transport on its virtual
// clock: retries, backoff, Retry-After, redirects, auth, hooks, telemetry, circuit breaking, keep-alive.
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include "transports/mock/mock_client.hpp"

using hipp::mock::exact;
using hipp::mock::Fault;
using hipp::mock::MockClient;
using hipp::mock::MockTransport;
using hipp::mock::prefix;
using namespace std::chrono_literals;

namespace {

hipp::Duration elapsed(const MockTransport& mock) { return mock.clock().elapsed(); }

}  // namespace

TEST_CASE("status retries with Hip's backoff run on the virtual clock", "[mock][retry]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/items")).reply(503).times(3).then().reply(200, "ok");
  MockClient http(mock, {.retries = hipp::Retry{.total = 5, .status_forcelist = {503}, .backoff_factor = 0.5}});

  auto r = http.request("GET", "http://api.test/items");
  CHECK(r.status == 200);
  CHECK(r.body == "ok");
  CHECK(r.attempts == 4);
  CHECK(mock.requests().size() == 4);
  // Hip: no delay before the first retry, then factor * 2^(n-1): 0 + 1.0 + 2.0 seconds.
  CHECK(elapsed(mock) == 3s);
  CHECK(r.history.size() == 3);
  CHECK(r.history[0].status == 503);
  REQUIRE(r.decisions.size() == 3);
  CHECK_THAT(r.decisions[0].what, Catch::Contains("503"));
}

TEST_CASE("Retry-After is honoured for 429, in seconds and as an HTTP-date", "[mock][retry]") {
  MockTransport mock;  // virtual wall clock starts at 1'700'000'000 = Tue, 14 Nov 2023 22:13:20 GMT
  mock.on("GET", exact("http://api.test/a")).reply(429, "", {{"Retry-After", "30"}}).then().reply(200);
  mock.on("GET", exact("http://api.test/b"))
      .reply(503, "", {{"Retry-After", "Tue, 14 Nov 2023 22:14:20 GMT"}})
      .then()
      .reply(200);
  MockClient http(mock, {.retries = hipp::Retry{.total = 3, .status_forcelist = {429, 503}}});

  CHECK(http.request("GET", "http://api.test/a").status == 200);
  CHECK(elapsed(mock) == 30s);
  // 30 s later the date is 50 s ahead... minus the 30 s already passed: 30 s more.
  CHECK(http.request("GET", "http://api.test/b").status == 200);
  CHECK(elapsed(mock) == 60s);
}

TEST_CASE("status retries exhausted: MaxRetryError, or the last response with raise_on_status=false",
          "[mock][retry]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/down")).reply(500);
  MockClient http(mock, {.retries = hipp::Retry{.total = 2, .status_forcelist = {500}}});
  try {
    http.request("GET", "http://api.test/down");
    FAIL("expected MaxRetryError");
  } catch (const hipp::MaxRetryError& e) {
    CHECK(mock.requests().size() == 3);
    CHECK_THAT(std::string(e.what()), Catch::Contains("500"));
  }
  auto r = http.request("GET", "http://api.test/down",
                        {.retries = hipp::Retry{.total = 1, .status_forcelist = {500}, .raise_on_status = false}});
  CHECK(r.status == 500);
  CHECK(mock.requests().size() == 5);
}

TEST_CASE("a POST whose bytes were sent is never resent after a read timeout; a GET is", "[mock][retry]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/orders")).fault(Fault::read_timeout_after(0));
  mock.on("GET", exact("http://api.test/orders")).fault(Fault::read_timeout_after(0)).then().reply(200, "[]");
  MockClient http(mock, {.timeout = hipp::Timeout{.read = 2s}, .retries = hipp::Retry{.total = 3}});

  CHECK_THROWS_AS(http.request("POST", "http://api.test/orders", {.body = std::string("{}")}), hipp::ReadTimeoutError);
  CHECK(mock.requests().size() == 1);
  CHECK(elapsed(mock) == 2s);  // the read deadline, exactly

  auto r = http.request("GET", "http://api.test/orders");
  CHECK(r.status == 200);
  CHECK(mock.requests().size() == 3);
}

TEST_CASE("connect errors are retried for any method; exhausted retries carry the reason", "[mock][retry]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/x")).fault(Fault::connect_refused());
  MockClient http(mock, {.retries = hipp::Retry{.total = 2}});
  try {
    http.request("POST", "http://api.test/x", {.body = std::string("payload")});
    FAIL("expected MaxRetryError");
  } catch (const hipp::MaxRetryError& e) {
    REQUIRE(e.error().cause != nullptr);
    CHECK(e.error().cause->code == hipp::ErrorCode::connect_failed);
  }
  CHECK(mock.requests().empty());  // nothing ever reached the server
}

TEST_CASE("retries=false surfaces the first error and returns redirects as they are", "[mock][retry]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/r")).reply(302, "", {{"Location", "/elsewhere"}});
  mock.on("GET", exact("http://api.test/refused")).fault(Fault::connect_refused());
  MockClient http(mock);
  auto r = http.request("GET", "http://api.test/r", {.retries = false});
  CHECK(r.status == 302);
  CHECK_THROWS_AS(http.request("GET", "http://api.test/refused", {.retries = false}), hipp::NewConnectionError);
}

TEST_CASE("hyperhttp's RetryPolicy: the original error first, RetryError after a retry", "[mock][retry]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/flaky")).reply(503);
  mock.on("GET", exact("http://api.test/gone")).fault(Fault::connect_refused());
  const hipp::RetryPolicy policy{.max_retries = 2,
                                 .retry_categories = {hipp::RetryCategory::connection, hipp::RetryCategory::transient},
                                 .backoff_strategy = hipp::ExponentialBackoff{.base = 100ms, .factor = 2.0,
                                                                              .jitter = false}};
  MockClient http(mock, {.retries = policy});
  // Statuses: retried with backoff, then the last response is delivered (hyperhttp).
  auto r = http.request("GET", "http://api.test/flaky");
  CHECK(r.status == 503);
  CHECK(mock.requests().size() == 3);
  CHECK(elapsed(mock) == 300ms);  // 100 ms, then 200 ms

  try {  // connection category listed: retried, then RetryError wrapping the original
    http.request("GET", "http://api.test/gone");
    FAIL("expected RetryError");
  } catch (const hipp::RetryError& e) {
    REQUIRE(e.error().cause != nullptr);
    CHECK(e.error().cause->code == hipp::ErrorCode::connect_failed);
  }
  // No retry at all: the original error, as is.
  CHECK_THROWS_AS(http.request("GET", "http://api.test/gone", {.retries = hipp::RetryPolicy::disabled()}),
                  hipp::NewConnectionError);
}

TEST_CASE("redirects: 303 turns POST into GET without its body; 307 keeps both", "[mock][redirect]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/form")).reply(303, "", {{"Location", "/done"}});
  mock.on("GET", exact("http://api.test/done")).reply(200, "done");
  mock.on("PUT", exact("http://api.test/old")).reply(307, "", {{"Location", "http://api.test/new"}});
  mock.on("PUT", exact("http://api.test/new")).reply(201);
  MockClient http(mock);

  auto r = http.request("POST", "http://api.test/form", {.body = std::string("a=1")});
  CHECK(r.status == 200);
  CHECK(r.url == "http://api.test/done");
  REQUIRE(mock.requests().size() == 2);
  CHECK(mock.requests()[1].method == "GET");
  CHECK(mock.requests()[1].body.empty());
  CHECK_FALSE(mock.requests()[1].headers.contains("Content-Length"));
  CHECK_FALSE(mock.requests()[1].headers.contains("Content-Type"));

  auto put = http.request("PUT", "http://api.test/old", {.body = std::string("payload")});
  CHECK(put.status == 201);
  REQUIRE(mock.requests().size() == 4);
  CHECK(mock.requests()[3].method == "PUT");
  CHECK(mock.requests()[3].body == "payload");
  CHECK(mock.all_routes_used());
}

TEST_CASE("a cross-origin redirect strips credentials, and they stay stripped", "[mock][redirect]") {
  MockTransport mock;
  mock.on("GET", exact("http://a.test/start")).reply(302, "", {{"Location", "http://b.test/hop"}});
  mock.on("GET", exact("http://b.test/hop")).reply(302, "", {{"Location", "http://a.test/end"}});
  mock.on("GET", exact("http://a.test/end")).reply(200);
  MockClient http(mock);
  auto r = http.request("GET", "http://a.test/start",
                        {.headers = {{"Authorization", "Bearer secret"}, {"Cookie", "sid=1"}, {"X-Keep", "1"}}});
  CHECK(r.status == 200);
  REQUIRE(mock.requests().size() == 3);
  CHECK(mock.requests()[0].headers.get("Authorization") == "Bearer secret");
  for (int i : {1, 2}) {
    const auto& h = mock.requests()[static_cast<std::size_t>(i)].headers;
    CHECK_FALSE(h.contains("Authorization"));
    CHECK_FALSE(h.contains("Cookie"));
    CHECK(h.get("X-Keep") == "1");
  }
  CHECK(mock.requests()[1].headers.get("Host") == "b.test");
  CHECK(r.history.size() == 2);
}

TEST_CASE("redirect loops and long chains end in MaxRetryError", "[mock][redirect]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/a")).reply(302, "", {{"Location", "/b"}});
  mock.on("GET", exact("http://api.test/b")).reply(302, "", {{"Location", "/a"}});
  mock.on("GET", prefix("http://api.test/n/")).reply_with([](const hipp::mock::RecordedRequest& req) {
    return hipp::mock::Reply{302, "", {{"Location", req.target + "x"}}};
  });
  MockClient http(mock, {.retries = hipp::Retry{.total = 10, .redirect = 3}});
  CHECK_THROWS_AS(http.request("GET", "http://api.test/a"), hipp::MaxRetryError);
  CHECK_THROWS_AS(http.request("GET", "http://api.test/n/"), hipp::MaxRetryError);
}

TEST_CASE("URL userinfo becomes Basic auth; auth=nullptr sends none", "[mock][auth]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/me")).reply(200);
  MockClient http(mock);
  http.request("GET", "http://Aladdin:open%20sesame@api.test/me");
  CHECK(mock.requests().back().headers.get("Authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(mock.requests().back().url == "http://api.test/me");

  MockClient with_auth(mock, {.auth = std::make_shared<hipp::BearerAuth>(*hipp::BearerAuth::create("t0ken"))});
  with_auth.request("GET", "http://api.test/me");
  CHECK(mock.requests().back().headers.get("Authorization") == "Bearer t0ken");
  with_auth.request("GET", "http://api.test/me", {.auth = nullptr});
  CHECK_FALSE(mock.requests().back().headers.contains("Authorization"));
}

TEST_CASE("hooks fire per attempt and may change the request; a throwing hook aborts", "[mock][hooks]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/h")).reply(503).then().reply(200);
  int requests = 0;
  std::vector<int> statuses;
  hipp::EventHooks hooks;
  hooks.request.push_back([&](hipp::exchange::Request& req) {
    ++requests;
    req.headers.set("X-Attempt", std::to_string(requests));
  });
  hooks.response.push_back([&](const hipp::exchange::AttemptResponse& r) { statuses.push_back(r.head.status); });
  int observed = 0;
  MockClient http(mock, {.retries = hipp::Retry{.total = 2, .status_forcelist = {503}},
                         .event_hooks = hooks,
                         .telemetry = [&](const hipp::AttemptRecord&) { ++observed; }});
  CHECK(http.request("GET", "http://api.test/h").status == 200);
  CHECK(requests == 2);
  CHECK(observed == 2);
  CHECK(statuses == std::vector<int>{503, 200});
  CHECK(mock.requests()[1].headers.get("X-Attempt") == "2");

  hooks.response.push_back([](const hipp::exchange::AttemptResponse&) { throw std::runtime_error("hook says no"); });
  http.set_event_hooks(hooks);
  CHECK_THROWS_WITH(http.request("GET", "http://api.test/h"), "hook says no");
}

TEST_CASE("the circuit opens after repeated failures and recovers on the virtual clock", "[mock][circuit]") {
  MockTransport mock;
  mock.on("GET", exact("http://down.test/")).fault(Fault::connect_refused()).times(2).then().reply(200);
  MockClient http(mock, {.retries = false,
                         .circuit_breaker = hipp::CircuitBreakerOptions{.failure_threshold = 2,
                                                                        .recovery_timeout = 30s}});
  CHECK_THROWS_AS(http.request("GET", "http://down.test/"), hipp::NewConnectionError);
  CHECK_THROWS_AS(http.request("GET", "http://down.test/"), hipp::NewConnectionError);
  try {
    http.request("GET", "http://down.test/");
    FAIL("expected the circuit to be open");
  } catch (const hipp::HTTPError& e) {
    CHECK(e.code() == hipp::ErrorCode::circuit_open);
    CHECK_THAT(std::string(e.what()), Catch::Contains("down.test:80"));
  }
  mock.clock().advance(31s);
  CHECK(http.request("GET", "http://down.test/").status == 200);
}

TEST_CASE("keep-alive: connections are reused, a stale one is replaced once for idempotent requests",
          "[mock][pool]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/k")).reply(200, "1").then().fault(Fault::close_after(0)).then().reply(200, "3");
  MockClient http(mock, {.retries = false});
  CHECK(http.request("GET", "http://api.test/k").body == "1");
  auto r = http.request("GET", "http://api.test/k");  // the reused connection dies: a fresh one carries it
  CHECK(r.body == "3");
  REQUIRE(mock.requests().size() == 3);
  CHECK(mock.requests()[0].connection == 1);
  CHECK(mock.requests()[1].connection == 1);
  CHECK(mock.requests()[2].connection == 2);
  CHECK(mock.connections_opened() == 2);
}

TEST_CASE("a reused connection that dies after part of a response is not resent outside the policy",
          "[mock][pool][regression]") {
  // Regression: the stale-connection resend (RFC 9112 §9.3.1) fired for a reset after response bytes had
  // arrived, so a GET the server had processed went out again with retries=false.
  MockTransport mock;
  mock.on("GET", exact("http://api.test/k"))
      .reply(200, "1")
      .then()
      .fault(Fault::reset_after(12))
      .then()
      .reply(200, "3")
      .then()
      .fault(Fault::close_after(9))
      .then()
      .reply(200, "5");
  MockClient http(mock, {.retries = false});
  CHECK(http.request("GET", "http://api.test/k").body == "1");
  CHECK_THROWS_AS(http.request("GET", "http://api.test/k"), hipp::ProtocolError);  // reset mid-head
  CHECK(mock.requests().size() == 2);
  CHECK(http.request("GET", "http://api.test/k").body == "3");  // on a new connection
  CHECK_THROWS_AS(http.request("GET", "http://api.test/k"), hipp::ProtocolError);  // EOF mid-head
  CHECK(mock.requests().size() == 4);
  CHECK(http.request("GET", "http://api.test/k").body == "5");
  CHECK(mock.connections_opened() == 3);
}

TEST_CASE("wire bytes are recorded exactly", "[mock][wire]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/echo")).reply_with([](const hipp::mock::RecordedRequest& req) {
    return hipp::mock::Reply{200, req.body, {}, {}};
  });
  MockClient http(mock);
  auto r = http.request("POST", "http://api.test/echo", {.body = std::string("hello")});
  CHECK(r.body == "hello");
  CHECK(mock.requests()[0].wire ==
        "POST /echo HTTP/1.1\r\nHost: api.test\r\nUser-Agent: hipp/0.1\r\nAccept: */*\r\nContent-Length: 5\r\n\r\nhello");
}

TEST_CASE("unmatched requests fail clearly; unused routes are reported", "[mock]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/used")).reply(200);
  mock.on("DELETE", exact("http://api.test/unused")).reply(204);
  MockClient http(mock);
  http.request("GET", "http://api.test/used");
  CHECK_THROWS_WITH(http.request("GET", "http://api.test/nope", {.retries = false}),
                    Catch::Contains("no route matches GET http://api.test/nope"));
  CHECK(mock.unused_routes() == std::vector<std::string>{"DELETE http://api.test/unused"});
}

TEST_CASE("malformed responses are typed errors and the connection is not reused", "[mock][hostile]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/bad"))
      .fault(Fault::raw_bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"))
      .then()
      .reply(200, "fine");
  MockClient http(mock, {.retries = false});
  CHECK_THROWS_AS(http.request("GET", "http://api.test/bad"), hipp::ProtocolError);
  CHECK(http.request("GET", "http://api.test/bad").body == "fine");
  CHECK(mock.connections_opened() == 2);
}
