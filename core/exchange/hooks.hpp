// What an exchange tells the outside about each attempt: event hooks, telemetry and the circuit gate.
//
// Hooks run inside Exchange calls, on the transport's thread. They may throw: the exception propagates out
// of the Exchange call that ran the hook, the exchange moves to its failed state, and the transport aborts
// the request (hyperhttp: "a hook's exception aborts the request").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/exchange/request.hpp"
#include "core/http1/connection.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::exchange {

// The final response head of one attempt, as response hooks see it.
struct AttemptResponse {
  const http1::ResponseHead& head;  // status, reason, version, headers
  const url::Url& url;
  int attempt = 0;  // 1 for the first network attempt of the exchange
};

// Called before every network attempt is written (retries, redirects and auth round trips included).
// May change the request's headers and body.
using RequestHook = std::function<void(Request&)>;
// Called with every final response head, before any policy looks at it.
using ResponseHook = std::function<void(const AttemptResponse&)>;

struct EventHooks {
  std::vector<RequestHook> request{};
  std::vector<ResponseHook> response{};
};

// One attempt's outcome, for telemetry (hyperhttp's record_attempt(retry_state, outcome)).
enum class AttemptOutcome { success, retry, fail };

struct AttemptRecord {
  int attempt = 0;                // 1-based
  std::string_view method;
  std::string_view url;
  AttemptOutcome outcome = AttemptOutcome::success;
  int status = 0;                 // 0 when no response arrived
  const Error* error = nullptr;   // set when the attempt failed without a response
  Duration elapsed{};             // from the attempt's start to its outcome
  Duration delay{};               // outcome == retry: wait before the next attempt
  std::string_view reason;        // the decision in one line (may be empty for a plain success)
};
using AttemptObserver = std::function<void(const AttemptRecord&)>;

// Upload progress: called as the request body goes out, with the body bytes written on this attempt
// (framing such as chunk sizes not counted) and the body's size when known (std::nullopt for a chunked
// body). Every attempt that sends the body starts with a call with sent == 0, so a resend (a retry, a
// 307/308, an auth round trip) restarts the count; then one call after each write of body bytes, the
// last with sent == total. "Written" means handed to the connection and flushed by the transport's
// Send; over HTTP/2 up to ~256 KiB of that may still wait for the peer's flow-control window.
// Runs on the transport's thread inside an Exchange call (for HTTP/2 under the shared connection's
// lock): keep it short. It may throw, with the hooks' consequences (the request is aborted).
using UploadProgress = std::function<void(std::uint64_t sent, std::optional<std::uint64_t> total)>;

// The client's circuit breakers, as one exchange reaches them: a transport implements it over
// policy::CircuitBreakerManager with whatever locking it needs. `origin` is "host:port".
class CircuitGate {
 public:
  virtual ~CircuitGate() = default;
  // Whether a request to `origin` may go out at `now`. Errors: circuit_open.
  virtual Result<void> allow(std::string_view origin, TimePoint now) = 0;
  // The outcome of an attempt to `origin`: `error` when it failed without a response, else `status`.
  virtual void record(std::string_view origin, const Error* error, int status, TimePoint now) = 0;
};

}  // namespace hipp::exchange
