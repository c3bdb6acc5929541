// VirtualClock — the mock transport's time: it moves only when the script says so.
//
// Backoff, Retry-After, server think time and timeouts advance it by exactly the amount they stand for, so a
// lifecycle with thirty seconds of backoff runs in microseconds and its timing can be asserted exactly.
#pragma once

#include <cstdint>

#include "core/time.hpp"

namespace hipp::mock {

class VirtualClock {
 public:
  // Starts at `start` (monotonic timeline) and `unix_start` (wall-clock seconds, for HTTP-date Retry-After).
  explicit VirtualClock(TimePoint start = TimePoint(std::chrono::hours(1)), std::int64_t unix_start = 1'700'000'000)
      : start_(start), now_(start), unix_start_(unix_start) {}

  TimePoint now() const noexcept { return now_; }
  // Wall-clock seconds at now().
  std::int64_t unix_now() const noexcept {
    return unix_start_ + std::chrono::duration_cast<std::chrono::seconds>(now_ - start_).count();
  }
  // Virtual time elapsed since the clock was made.
  Duration elapsed() const noexcept { return now_ - start_; }

  void advance(Duration d) noexcept {
    if (d > Duration::zero()) now_ += d;
  }
  // Moves to `t` if it is later (never goes back).
  void advance_to(TimePoint t) noexcept {
    if (!t.is_never() && t > now_) now_ = t;
  }

 private:
  TimePoint start_;
  TimePoint now_;
  std::int64_t unix_start_;
};

}  // namespace hipp::mock
