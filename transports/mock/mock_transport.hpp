// MockTransport — a scripted fake server and network for unit-testing code that uses hipp.
//
// Like httpx's MockTransport or Python's `responses`: routes match requests by method, URL (exact, prefix,
// regex) and header/body predicates, and answer with replies, sequences ("503 twice, then 200") or faults
// (connect refused, connect timeout, read timeout after N bytes, reset mid-body, raw malformed bytes).
// Every request is recorded with its exact wire bytes. Time is a VirtualClock: backoff, Retry-After and
// timeouts move it instantly, so a lifecycle with a minute of backoff runs in microseconds.
//
// The requests themselves run through the same core as the real clients (core/exchange with its retry,
// redirect, auth, hook and circuit-breaker policies, and the http1::Connection machine), so what a test
// sees is what production does; only sockets and the clock are fake. MockClient is the client API.
//
//   hipp::mock::MockTransport mock;
//   mock.on("GET", hipp::mock::exact("http://api.test/health")).reply(503).times(2).then().reply(200, "ok");
//   hipp::mock::MockClient http(mock, {.retries = hipp::Retry{.total = 3, .status_forcelist = {503}}});
//   auto r = http.request("GET", "http://api.test/health");
//   CHECK(r.status == 200);
//   CHECK(mock.requests().size() == 3);
//   CHECK(mock.all_routes_used());
//
// Requests no route matches fail to connect (NewConnectionError, "no mock route matches GET http://...").
// Thread safety: none; one test thread uses one MockTransport.
#pragma once

#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "core/exchange/exchange.hpp"
#include "core/http1/connection.hpp"
#include "transports/api/body_source.hpp"
#include "transports/mock/recorded_request.hpp"
#include "transports/mock/route.hpp"
#include "transports/mock/virtual_clock.hpp"

namespace hipp::mock {

namespace detail {
struct MockConnection;
}

class MockTransport {
 public:
  MockTransport();
  ~MockTransport();
  MockTransport(const MockTransport&) = delete;
  MockTransport& operator=(const MockTransport&) = delete;

  // A route for `method` ("GET", ...; empty for any) and `url`. Routes are tried in the order added; the
  // reference stays valid for the transport's life.
  Route& on(std::string method, UrlMatch url);
  Route& on_any(UrlMatch url = any_url()) { return on({}, std::move(url)); }

  // Every request the fake server received, in order.
  const std::vector<RecordedRequest>& requests() const noexcept { return requests_; }
  // Forgets the recorded requests (long runs and benchmarks bound their memory with it). Routes, their call
  // counts, idle connections and the clock are kept.
  void clear_requests() noexcept { requests_.clear(); }
  // Descriptions of the routes that were never called (empty when all were).
  std::vector<std::string> unused_routes() const;
  bool all_routes_used() const { return unused_routes().empty(); }
  // Connections opened so far (a reused keep-alive connection is not opened again).
  std::size_t connections_opened() const noexcept { return connections_opened_; }

  VirtualClock& clock() noexcept { return clock_; }
  const VirtualClock& clock() const noexcept { return clock_; }

  // Limits of the client-side machines (http1::Connection) this transport creates.
  void set_limits(http1::Limits limits) { limits_ = limits; }

  // --- for clients: runs `ex` to its end on the virtual clock ---
  // Returns the delivered response with its whole body read (the connection is then kept for reuse when
  // it can be), or the Error the exchange failed with. Exceptions from hooks propagate.
  struct Outcome {
    std::optional<exchange::FinalResponse> response;
    std::string body;
    std::optional<Error> error;
  };
  Outcome run(exchange::Exchange& ex, BodySource& source);

 private:
  using Connection = std::unique_ptr<detail::MockConnection>;
  Route* find_route(const RecordedRequest& request);
  void server_read(detail::MockConnection& c);
  void answer(detail::MockConnection& c);
  Result<void> read_body(exchange::Exchange& ex, detail::MockConnection& c, std::string& body);
  // One Receive: moves what the server has to send into the machine, or reports why nothing came.
  // Returns the error to report, or nothing when bytes (or EOF) went in.
  std::optional<Error> deliver_bytes(detail::MockConnection& c, TimePoint deadline);
  void release(Connection c, bool reusable);

  std::list<Route> routes_;
  std::vector<RecordedRequest> requests_;
  std::deque<Connection> idle_;
  VirtualClock clock_;
  http1::Limits limits_{};
  std::size_t connections_opened_ = 0;
};

}  // namespace hipp::mock
