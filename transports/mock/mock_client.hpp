// MockClient — the client API over a MockTransport, with the sync client's request() and options.
//
// It runs every request through core/exchange exactly as PoolManager does (same defaults, same
// per-request overrides, same exceptions), on the transport's virtual clock. Responses are read whole.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decode/limits.hpp"
#include "core/exchange/exchange.hpp"
#include "transports/api/exchange_setup.hpp"
#include "transports/api/shared_cookie_jar.hpp"
#include "transports/mock/mock_transport.hpp"

namespace hipp::mock {

struct MockClientOptions {
  Headers headers{};                  // sent with every request unless the request overrides them
  Timeout timeout{};                  // default for every request
  Retries retries = Retry::standard();
  std::shared_ptr<auth::Auth> auth{};
  EventHooks event_hooks{};
  AttemptObserver telemetry{};
  std::optional<CircuitBreakerOptions> circuit_breaker{};
  // As PoolManagerOptions::cookies: unset, a fresh jar of the client's own (expiry runs on the virtual
  // clock's unix_now); null: no jar.
  std::optional<std::shared_ptr<SharedCookieJar>> cookies{};
  // As PoolManagerOptions::decode_limits: bodies with a Content-Encoding are decoded (unless the request's
  // decode_content is false) within these.
  decode::Limits decode_limits{};
};

struct MockResponse {
  int status = 0;
  std::string reason;
  std::string version;
  Headers headers;
  std::string body;                                 // decoded unless the request's decode_content is false
  std::string url;                                  // final URL
  std::vector<policy::RequestHistory> history;      // earlier attempts and redirect hops
  std::vector<exchange::Decision> decisions;        // why it went the way it did
  int attempts = 0;
  Duration elapsed{};                               // virtual time the request took

  const std::string& data() const noexcept { return body; }
  // Throws DecodeError if the body is not JSON.
  nlohmann::json json() const;
};

class MockClient {
 public:
  // `transport` must outlive the client.
  explicit MockClient(MockTransport& transport, MockClientOptions options = {});

  // As PoolManager::request(): throws the same exceptions (NewConnectionError for a request no route matches).
  MockResponse request(std::string_view method, std::string_view url, RequestOptions options = {});

  void set_event_hooks(EventHooks hooks) { options_.event_hooks = std::move(hooks); }
  MockTransport& transport() noexcept { return transport_; }
  // The client's cookie jar; null when cookies are disabled.
  const std::shared_ptr<SharedCookieJar>& cookies() const noexcept { return cookies_; }

 private:
  MockTransport& transport_;
  MockClientOptions options_;
  ClientDefaults defaults_;
  std::shared_ptr<SharedCircuitGate> circuit_;
  std::shared_ptr<SharedCookieJar> cookies_;
  std::mutex auth_lock_;
  std::uint64_t random_state_ = 0x9E3779B97F4A7C15ULL;  // deterministic: tests see the same jitter every run
};

}  // namespace hipp::mock
