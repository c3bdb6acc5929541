// From a client's defaults and one request's options to a ready exchange: the part of request() every
// client (blocking, mock, async) shares, so that per-request overrides mean the same thing everywhere.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/exchange/exchange.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/api/prepared_request.hpp"
#include "transports/api/request_options.hpp"

namespace hipp {

// What a client applies to every request unless the request says otherwise.
struct ClientDefaults {
  Headers headers{};
  Timeout timeout{};
  RetryTemplate retries{Retry::standard()};
  std::shared_ptr<auth::Auth> auth{};
  AttemptObserver telemetry{};
  // hyperhttp's follow_redirects and max_redirects: unset, each retry policy's own rule (Hip's Retry follows
  // redirects, a RetryPolicy its follow_redirects field). RequestOptions::follow_redirects overrides.
  std::optional<bool> follow_redirects{};
  std::optional<int> max_redirects{};
};

// The world's side of a client's policies, which the exchange reaches through interfaces.
struct ClientContext {
  EventHooks hooks{};                        // a snapshot for this request
  exchange::CircuitGate* circuit = nullptr;  // the client's breakers, or null
  std::mutex* auth_lock = nullptr;           // serialises auth flows of this client (required with auth)
  auth::RandomBytes random{};
  std::int64_t unix_now = 0;                 // wall-clock seconds now
  std::shared_ptr<exchange::CookieStore> cookies{};  // the client's cookie jar, or null: no jar
};

struct PreparedExchange {
  PreparedRequest request;
  exchange::ExchangeOptions options;
  policy::RetryState retry;
  std::shared_ptr<auth::Auth> auth;  // what options.auth's flow refers to: keep it alive as long as the exchange
  std::shared_ptr<exchange::CookieStore> cookies;  // what options.cookies points to: the same
  bool preload_content = true;

  // The exchange's view of the request (the body bytes move into it; files and generators stay in
  // `request.body` for a BodySource).
  exchange::Request take_exchange_request();
};

// Applies Hip's request() rules (prepare_request), then the overrides: timeout, retries, redirect, auth
// (URL userinfo becomes Basic unless the request chose an auth or none), the per-request cookies (into the
// Cookie header) and the client's jar. Errors: those of prepare_request(); for RequestOptions::cookies,
// invalid_header_name and invalid_header_value.
Result<PreparedExchange> prepare_exchange(std::string_view method, std::string_view url, RequestOptions&& options,
                                          const ClientDefaults& defaults, ClientContext context);

}  // namespace hipp
