// Time as the core sees it: a TimePoint handed in by the caller.
//
// The core never reads a clock. Transports pass `now` from a monotonic clock
// (the blocking and Asio transports use std::chrono::steady_clock; the mock
// transport a virtual clock), and the core answers with deadlines in the same
// timeline. TimePoint is a strong type so that a duration cannot be passed
// where an instant is meant.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>

namespace hipp {

using Duration = std::chrono::nanoseconds;

class TimePoint {
 public:
  constexpr TimePoint() = default;
  constexpr explicit TimePoint(Duration since_epoch) : since_epoch_(since_epoch) {}

  // A point later than every real deadline: "no deadline".
  static constexpr TimePoint never() { return TimePoint(Duration::max()); }

  constexpr Duration since_epoch() const { return since_epoch_; }
  constexpr bool is_never() const { return since_epoch_ == Duration::max(); }

  // Saturating: adding to never() or overflowing stays never().
  friend constexpr TimePoint operator+(TimePoint t, Duration d) {
    if (t.is_never()) return t;
    if (d > Duration::zero() && t.since_epoch_ > Duration::max() - d) return never();
    return TimePoint(t.since_epoch_ + d);
  }
  friend constexpr TimePoint operator-(TimePoint t, Duration d) { return TimePoint(t.since_epoch_ - d); }
  friend constexpr Duration operator-(TimePoint a, TimePoint b) { return a.since_epoch_ - b.since_epoch_; }
  TimePoint& operator+=(Duration d) { return *this = *this + d; }
  friend constexpr auto operator<=>(TimePoint, TimePoint) = default;

 private:
  Duration since_epoch_{0};
};

constexpr TimePoint earliest(TimePoint a, TimePoint b) { return a < b ? a : b; }

// Converts fractional seconds (Hip's unit for timeouts and backoff) to a Duration.
constexpr Duration seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace hipp
