// The blocking transport's clock: std::chrono::steady_clock mapped onto the core's TimePoint.
#pragma once

#include <chrono>

#include "core/time.hpp"

namespace hipp::blocking {

inline TimePoint steady_now() {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

// Milliseconds until `deadline` for poll(2): -1 for never, 0 if already passed, rounded up.
int poll_timeout_ms(TimePoint deadline, TimePoint now);

}  // namespace hipp::blocking
