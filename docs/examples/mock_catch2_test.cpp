// Testing code that uses hipp with the mock transport, in Catch2 v2 (docs/guide/testing-with-mock.md).
// The build runs it as the test "example mock_catch2_test": no network, and the backoff below takes no time.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include <string>

#include "transports/mock/mock_client.hpp"

using namespace std::chrono_literals;
namespace mock = hipp::mock;

namespace {

// The code under test: a tiny API client. It takes the client by reference, so tests hand it a MockClient
// and production code the same calls on a PoolManager.
struct Inventory {
  mock::MockClient& http;

  int count(const std::string& item) {
    auto r = http.request("GET", "http://shop.test/items/" + item);
    if (r.status == 404) return 0;
    return r.json().at("count").get<int>();
  }
  bool reserve(const std::string& item) {
    return http.request("POST", "http://shop.test/reservations", {.json = nlohmann::json{{"item", item}}}).status ==
           201;
  }
};

}  // namespace

TEST_CASE("a flaky backend is retried with backoff, on the virtual clock") {
  mock::MockTransport server;
  server.on("GET", mock::exact("http://shop.test/items/apple"))
      .reply(503)
      .times(2)
      .then()
      .reply(200, R"({"count": 3})", {{"Content-Type", "application/json"}});
  mock::MockClient http(server, {.retries = hipp::Retry{.total = 3, .status_forcelist = {503}, .backoff_factor = 1.0}});

  CHECK(Inventory{http}.count("apple") == 3);
  CHECK(server.requests().size() == 3);
  CHECK(server.clock().elapsed() == 2s);  // Hip's backoff: 0 s, then 2 s; the test took microseconds
  CHECK(server.all_routes_used());
}

TEST_CASE("the POST body goes out exactly once, and its bytes are on record") {
  mock::MockTransport server;
  auto& reservations = server.on("POST", mock::exact("http://shop.test/reservations")).reply(201);
  mock::MockClient http(server);  // the default Retry::standard(): a POST is still never resent once sent

  CHECK(Inventory{http}.reserve("pear"));
  REQUIRE(reservations.calls() == 1);
  const mock::RecordedRequest& sent = server.requests().front();
  CHECK(sent.headers.get("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(sent.body) == nlohmann::json{{"item", "pear"}});
  CHECK(sent.wire.rfind("POST /reservations HTTP/1.1\r\nHost: shop.test\r\n", 0) == 0);
}

TEST_CASE("faults surface as hipp's exceptions") {
  mock::MockTransport server;
  server.on("GET", mock::prefix("http://shop.test/items/")).fault(mock::Fault::read_timeout_after(0));
  mock::MockClient http(server, {.timeout = hipp::Timeout{.read = 5s}, .retries = false});

  CHECK_THROWS_AS(Inventory{http}.count("plum"), hipp::ReadTimeoutError);
  CHECK(server.clock().elapsed() == 5s);  // exactly the read timeout
}
