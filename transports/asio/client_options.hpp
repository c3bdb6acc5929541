// ClientOptions — the async client's settings, as hyperhttp's Client documents them
// (../docs/guide/async.md). Aggregates for designated initializers:
//
//   hipp::async::Client client(io.get_executor(), {.base_url = "https://api.example.com",
//                                                   .timeout = hipp::Timeout{.connect = 5s, .read = 30s}});
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "core/decode/limits.hpp"
#include "core/http1/connection.hpp"
#include "core/http2/connection.hpp"
#include "core/message/headers.hpp"
#include "core/policy/timeout.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/api/request_options.hpp"
#include "transports/api/shared_cookie_jar.hpp"
#include "transports/asio/detail/tcp_connect.hpp"
#include "transports/tls/client_config.hpp"

namespace hipp::mock {
class MockTransport;
}

namespace hipp::async {

using Resolver = detail::Resolver;

struct ClientOptions {
  // Prepended to relative URLs ("/users" → base_url + "/users"); absolute URLs are used as they are.
  std::string base_url{};
  Headers headers{};                 // sent with every request unless the request overrides them
  RequestCookies cookies{};          // sent with every request to every origin, before the jar's
  // hyperhttp's timeout=30.0: connect, read, write and pool; connect_timeout below overrides connect.
  Timeout timeout = Timeout{.connect = std::chrono::seconds(30), .read = std::chrono::seconds(30),
                            .write = std::chrono::seconds(30), .pool = std::chrono::seconds(30)};
  std::optional<Duration> connect_timeout = std::chrono::seconds(10);
  std::size_t max_connections = 100;          // every origin together; waiting requests are served oldest first
  std::size_t max_keepalive_connections = 20; // idle connections kept per origin
  std::optional<Duration> keepalive_expiry = std::chrono::seconds(120);
  bool http2 = true;                          // offer h2 by ALPN on https, falling back to HTTP/1.1
  bool http2_prior_knowledge = false;         // h2c on http://, no upgrade
  http2::Settings http2_settings{};
  // verify, CA bundle (hyperhttp's verify="/path"), cert/key (mTLS), pins.
  tls::ClientConfig tls{};
  Duration happy_eyeballs_delay = std::chrono::milliseconds(250);
  // Resolves names (IP literals never reach it); unset: asio's resolver. Tests inject addresses here.
  Resolver resolver{};
  // Resolved names are kept at most max_ttl (getaddrinfo gives no TTL), capacity entries, LRU; forgotten
  // when every address of an entry failed. max_ttl 0 turns the cache off.
  connect::DnsCacheOptions dns_cache{};
  bool follow_redirects = false;
  int max_redirects = 20;
  // The client's retry policy: hyperhttp's RetryPolicy (its follow_redirects and max_redirects are taken
  // from the two fields above), or Hip's Retry, a count or a bool. Unset: no retries (hyperhttp's None).
  std::optional<Retries> retry{};
  std::optional<CircuitBreakerOptions> circuit_breaker{};  // hyperhttp's circuit_breaker_manager
  AttemptObserver telemetry{};
  std::string user_agent{};                    // empty: hipp's own
  bool accept_compressed = true;               // advertise gzip, deflate, br, zstd and decode them
  decode::Limits decode_limits{};
  std::shared_ptr<auth::Auth> auth{};
  EventHooks event_hooks{};
  // As PoolManagerOptions::cookies: unset, a fresh jar of the client's own; null: no jar.
  std::optional<std::shared_ptr<SharedCookieJar>> cookie_jar{};
  // hyperhttp's transport=: every request runs through this mock transport instead of the network (no
  // DNS, no TLS, no sockets), on its virtual clock. Must outlive the client.
  mock::MockTransport* transport = nullptr;
  http1::Limits limits{};
};

}  // namespace hipp::async
