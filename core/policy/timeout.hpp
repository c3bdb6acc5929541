// Timeouts: the configuration (Timeout) and the deadlines of one attempt (RequestDeadlines).
//
// Theory of operation. A request attempt goes through up to four phases, each with its own limit:
//   pool     waiting for a connection from a pool with block=true (Hip's pool_timeout, hyperhttp's pool)
//   connect  opening the connection, TLS handshake and proxy tunnel included (Hip's connect)
//   write    sending the request: each write must make progress within this limit (hyperhttp's write)
//   read     receiving the response: each read must make progress within this limit (Hip's read)
// and `total` caps the whole attempt from the moment it started (before pool acquisition). The core never
// reads a clock: the caller creates a RequestDeadlines with the `now` at which the attempt starts, asks for
// the deadline of a phase (passing the `now` at which that phase, or that single read or write, begins), arms
// its timer with it, and when the timer fires asks timeout_error() which Error that means.
//
// Differences from Hip, on purpose:
// - Hip's `total` only shortens the read timeout once, after connecting, and then applies it per socket
//   operation (its docs warn that a slow trickle is never cut off). Here `total` is a true cap: every
//   deadline is min(phase deadline, start + total), so no attempt outlives start + total.
// - Hip's "system default" sentinel does not exist: an unset limit means no limit. The client supplies its
//   own defaults (hyperhttp's 30 s, for example) when it builds the Timeout.
// One RequestDeadlines per attempt, as Hip clones its Timeout for every urlopen() (retries and redirects
// included). Pure value types: no I/O, no clock, copyable, not synchronised.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::policy {

// The phases a timeout can fire in.
enum class Phase { pool, connect, write, read };

std::string_view to_string(Phase phase) noexcept;

// The ErrorCode a fired deadline of `phase` stands for:
//   pool → pool_empty (Hip's EmptyPoolError: block=true and no connection freed in time; like Hip, it is a
//          policy error and not retried as a timeout would be),
//   connect → connect_timeout, write → write_timeout, read → read_timeout.
// A fired `total` cap keeps the code of the phase it interrupted (Hip raises ReadTimeoutError when total
// shortened the read timeout); only the detail differs, see RequestDeadlines::timeout_error().
ErrorCode timeout_code(Phase phase) noexcept;

// Per-phase limits. std::nullopt means "no limit"; Timeout{} and Timeout::none() limit nothing.
// An aggregate: `Timeout{.connect = seconds(2), .read = seconds(7)}` (the `{}` member initializers keep
// designated initializers free of -Wmissing-field-initializers).
struct Timeout {
  std::optional<Duration> connect{};
  std::optional<Duration> read{};
  std::optional<Duration> write{};
  std::optional<Duration> pool{};
  std::optional<Duration> total{};

  // No limit at all (Hip's Timeout(connect=None, read=None)).
  static Timeout none() { return Timeout{}; }

  // The scalar form (Hip's Timeout.from_float, hyperhttp's `timeout=5.0`): `s` applies to connect, read,
  // write and pool; total stays unset. `s` is in seconds: +infinity, or a value too large for Duration
  // (about 292 years), means no limit. Errors: invalid_state when `s` is NaN, zero or negative (Hip rejects
  // timeouts <= 0 with ValueError).
  static Result<Timeout> from_seconds(double s);

  // Checks every set limit is positive. Errors: invalid_state naming the first offending field
  // (Hip rejects timeouts <= 0). RequestDeadlines::start() calls it.
  Result<void> validate() const;

  friend bool operator==(const Timeout&, const Timeout&) = default;
};

// Converts one limit given in seconds, with from_seconds()'s rules (NaN, zero and negative are invalid_state,
// +infinity and out-of-range values are std::nullopt = no limit). `field` names it in the error detail.
Result<std::optional<Duration>> limit_from_seconds(double s, std::string_view field);

// The deadlines of one attempt. Every deadline is an absolute TimePoint in the caller's timeline, or
// TimePoint::never() when nothing limits that phase; additions saturate, so a limit near Duration::max()
// yields never() instead of wrapping.
class RequestDeadlines {
 public:
  // Starts the attempt at `now`, before pool acquisition. Errors: those of Timeout::validate().
  static Result<RequestDeadlines> start(const Timeout& timeout, TimePoint now);

  const Timeout& timeout() const { return timeout_; }
  TimePoint started() const { return start_; }

  // start + total, or never(). Every other deadline is capped by it.
  TimePoint total_deadline() const;
  // When waiting for a pooled connection must give up: min(start + pool, start + total).
  TimePoint pool_deadline() const;
  // When a connection attempt begun at `now` must give up: min(now + connect, start + total).
  TimePoint connect_deadline(TimePoint now) const;
  // When a write begun at `now` must have made progress: min(now + write, start + total).
  TimePoint write_deadline(TimePoint now) const;
  // When a read begun at `now` must have produced data: min(now + read, start + total). Call it again for
  // every read: the read limit bounds the silence between reads, not the whole response.
  TimePoint read_deadline(TimePoint now) const;
  // The deadline of `phase` for a step begun at `now` (pool ignores `now`: it always counts from start).
  TimePoint deadline(Phase phase, TimePoint now) const;

  // Whether the total cap has passed at `now`.
  bool total_expired(TimePoint now) const { return now >= total_deadline(); }

  // The Error a deadline of `phase` that fired at `now` stands for. Code: timeout_code(phase). Detail:
  //   when the total cap has passed at `now`: "total timeout of 10s exceeded (while reading)"
  //   otherwise the phase's own limit: "read timed out (read timeout=2.5s)", "connect timed out (connect
  //   timeout=1s)", "write timed out (write timeout=1s)", "no connection available (pool timeout=3s)".
  // Call it only when a deadline from this object fired; if neither limit has passed at `now` the detail
  // still names the phase's limit (or "timed out" when the phase has none).
  Error timeout_error(Phase phase, TimePoint now) const;

 private:
  RequestDeadlines(const Timeout& timeout, TimePoint start) : timeout_(timeout), start_(start) {}
  TimePoint capped(TimePoint from, const std::optional<Duration>& limit) const;

  Timeout timeout_;
  TimePoint start_;
};

}  // namespace hipp::policy
