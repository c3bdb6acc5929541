// The real transports' clock: std::chrono::steady_clock mapped onto the core's TimePoint (the mock
// transport has a virtual one instead).
#pragma once

#include <chrono>

#include "core/time.hpp"

namespace hipp {

inline TimePoint steady_now() {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

// The steady_clock instant of `t` (for timers); never() maps to the clock's maximum.
inline std::chrono::steady_clock::time_point to_steady(TimePoint t) {
  if (t.is_never()) return std::chrono::steady_clock::time_point::max();
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(t.since_epoch()));
}

}  // namespace hipp
