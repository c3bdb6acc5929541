// The pieces of a client's policy setup that every transport shares: turning Hip's `retries` argument
// into the exchange's retry state, the client's circuit breakers behind a lock, a random source, and auth
// flows serialised per client. The decisions themselves live in core/; this is the thread-safe glue.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "core/auth/auth.hpp"
#include "core/exchange/hooks.hpp"
#include "core/policy/circuit_breaker.hpp"
#include "core/policy/retry_state.hpp"
#include "transports/api/request_options.hpp"

namespace hipp {

using EventHooks = exchange::EventHooks;
using AttemptObserver = exchange::AttemptObserver;
using AttemptRecord = exchange::AttemptRecord;
using CircuitBreakerOptions = policy::CircuitBreakerOptions;

// Hip's `retries` in any of its forms → the per-request state the exchange drives. `true` is Retry.DEFAULT,
// `false` is Retry::disabled() (no retries; redirects returned as they are), `n` is Retry(n).
policy::RetryState make_retry_state(const Retries& retries);
// hyperhttp keeps redirects out of retries proper: a RetryPolicy carries follow_redirects and max_redirects.
// Returns `retries` with those two replaced where given (a Hip Retry counts redirects itself: unchanged).
Retries with_redirects(Retries retries, std::optional<bool> follow, std::optional<int> max_redirects);

// A client's default retry configuration, built once: starting a request's RetryState from it copies no
// configuration (the hot path of every request).
class RetryTemplate {
 public:
  explicit RetryTemplate(const Retries& retries);
  // `follow`: a client's or request's follow_redirects, which a RetryPolicy takes over; unset: the policy's.
  policy::RetryState start(std::optional<bool> follow = std::nullopt) const;

 private:
  std::shared_ptr<const Retry> hip_;
  std::optional<RetryPolicy> hyper_;
};

// Random bytes for jitter and Digest's cnonce: a per-thread generator seeded from std::random_device.
// Thread-safe; cheap enough to call on every attempt.
auth::RandomBytes thread_random();

// A client's circuit breakers (one per host:port), shared by every thread that uses the client.
class SharedCircuitGate final : public exchange::CircuitGate {
 public:
  // Errors: those of CircuitBreakerOptions::validate().
  static Result<std::shared_ptr<SharedCircuitGate>> create(const CircuitBreakerOptions& options);

  Result<void> allow(std::string_view origin, TimePoint now) override;
  void record(std::string_view origin, const Error* error, int status, TimePoint now) override;

  explicit SharedCircuitGate(policy::CircuitBreakerManager manager) : manager_(std::move(manager)) {}

 private:
  std::mutex mutex_;
  policy::CircuitBreakerManager manager_;
};

// The flow of `auth` for one request, every call made under `lock`: Auth instances keep state (Digest's
// nonce count) without locking, and one client's requests run on many threads. `auth` and `lock` must
// outlive the flow.
std::unique_ptr<auth::AuthFlow> serialized_flow(auth::Auth& auth, std::mutex& lock);

}  // namespace hipp
