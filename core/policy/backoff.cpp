#include "core/policy/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace hipp::policy {

namespace {

double as_seconds(Duration d) noexcept {
  const double s = std::chrono::duration<double>(d).count();
  return s > 0.0 ? s : 0.0;
}

double unit(double random) noexcept {
  if (!(random > 0.0)) return 0.0;  // NaN and negatives
  return random < 1.0 ? random : std::nextafter(1.0, 0.0);
}

// Seconds in [0, cap] as a Duration (NaN counts as zero).
Duration capped(double value, double cap) noexcept {
  if (!(value > 0.0)) return Duration::zero();
  return seconds(std::min(value, cap));
}

}  // namespace

Duration ExponentialBackoff::delay(int retries_done, double random) const noexcept {
  const double cap = as_seconds(max_backoff);
  const double growth = factor > 0.0 ? factor : 0.0;  // NaN → 0
  // pow saturates to +inf for large exponents, which the cap absorbs.
  double value = std::min(as_seconds(base) * std::pow(growth, std::max(retries_done, 0)), cap);
  if (jitter) value *= 0.8 + 0.4 * unit(random);
  return capped(value, cap);
}

Duration DecorrelatedJitterBackoff::delay(int retries_done, Duration previous, double random) const noexcept {
  const double cap = as_seconds(max_backoff);
  const double low = as_seconds(base);
  const double r = unit(random);
  if (retries_done <= 0) return capped(low * r, cap);
  const double high = 3.0 * as_seconds(previous);
  // Python's random.uniform(a, b) = a + (b - a) * r, also when b < a.
  return capped(low + (high - low) * r, cap);
}

Duration backoff_delay(const BackoffStrategy& strategy, int retries_done, Duration previous, double random) noexcept {
  if (const auto* exponential = std::get_if<ExponentialBackoff>(&strategy)) {
    return exponential->delay(retries_done, random);
  }
  return std::get<DecorrelatedJitterBackoff>(strategy).delay(retries_done, previous, random);
}

}  // namespace hipp::policy
