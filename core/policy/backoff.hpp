// hyperhttp's backoff strategies (hyperhttp.utils.backoff): how long to wait before retry number n.
//
// Both are pure functions of their configuration, the retry count and a random value in [0, 1) that the
// caller draws (the core has no random source); the same inputs always give the same delay, which is what
// lets tests pin jitter down. Every delay is within [0, max_backoff]; configuration values that are negative
// or NaN count as zero, and a random value outside [0, 1) (or NaN) is clamped into it.
#pragma once

#include <chrono>
#include <variant>

#include "core/time.hpp"

namespace hipp::policy {

// Classic exponential backoff: base * factor^n, capped at max_backoff; with jitter, multiplied by a factor
// uniform in [0.8, 1.2) (hyperhttp's ±20 %) and capped again, so max_backoff bounds every single wait as
// hyperhttp's docs promise ("cap on any single wait").
struct ExponentialBackoff {
  Duration base = std::chrono::milliseconds(500);
  double factor = 2.0;
  Duration max_backoff = std::chrono::seconds(60);
  bool jitter = true;

  // The wait before the retry that follows `retries_done` retries (0 for the first retry).
  Duration delay(int retries_done, double random) const noexcept;
};

// AWS's "decorrelated jitter" as hyperhttp has it: the first retry waits uniform [0, base); each later one
// uniform between base and 3 × the previous wait, capped at max_backoff. Spreads retries of many clients
// better than exponential backoff under contention.
struct DecorrelatedJitterBackoff {
  Duration base = std::chrono::milliseconds(500);
  Duration max_backoff = std::chrono::seconds(60);

  // The wait before the retry that follows `retries_done` retries, given the previous wait (ignored when
  // retries_done == 0).
  Duration delay(int retries_done, Duration previous, double random) const noexcept;
};

using BackoffStrategy = std::variant<ExponentialBackoff, DecorrelatedJitterBackoff>;

// The wait before the retry that follows `retries_done` retries, whichever the strategy.
Duration backoff_delay(const BackoffStrategy& strategy, int retries_done, Duration previous, double random) noexcept;

}  // namespace hipp::policy
