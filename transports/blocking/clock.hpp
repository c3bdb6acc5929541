// The blocking transport's clock: the shared steady clock, plus sleeping and poll(2) timeouts.
#pragma once

#include <chrono>
#include <thread>

#include "core/time.hpp"
#include "transports/api/steady_clock.hpp"

namespace hipp::blocking {

using hipp::steady_now;

// Sleeps until `deadline` (backoff, Retry-After); returns at once for a past one. never() is not slept on.
inline void sleep_until(TimePoint deadline) {
  const TimePoint now = steady_now();
  if (deadline.is_never() || deadline <= now) return;
  std::this_thread::sleep_for(deadline - now);
}

// Milliseconds until `deadline` for poll(2): -1 for never, 0 if already passed, rounded up.
int poll_timeout_ms(TimePoint deadline, TimePoint now);

}  // namespace hipp::blocking
