// Circuit breaking: fail fast on a host that keeps failing (hyperhttp's DomainCircuitBreakerManager).
//
// Theory of operation. One CircuitBreaker per host:port. Before each attempt the exchange asks allow(now);
// after it, it reports exactly one outcome: record_success, record_failure or record_ignored (or lets
// record(error) / record_status(status) classify it with the options). Time only moves through the `now`
// arguments, so a virtual clock drives it in tests.
//
//   state      input                              result
//   closed     allow                              allowed
//   closed     success                            failures = 0
//   closed     counted failure                    failures += 1; at failure_threshold → open (opened = now)
//   open       allow, now <  opened + recovery    refused: circuit_open
//   open       allow, now >= opened + recovery    → half-open, then as half-open (the first trial)
//   open       success / failure / ignored        nothing (late outcomes of attempts admitted earlier)
//   half-open  allow, trials < max_trials         allowed as a trial (trials += 1)
//   half-open  allow, trials = max_trials         refused: circuit_open, unless the last trial began at
//                                                 least recovery_timeout ago: its outcome is presumed lost
//                                                 (a cancelled request never reports), trials restart at 1
//   half-open  success                            trials -= 1, successes += 1; at success_threshold → closed
//   half-open  counted failure                    → open again (opened = now)
//   half-open  ignored                            trials -= 1
// A success, failure or ignored outcome in half-open with no trial outstanding is a late outcome of an
// attempt admitted before the circuit opened: a failure still reopens (it is evidence), a success does not
// count toward closing (it says nothing about the host since it opened).
//
// Which failures count (CountedFailures, from hyperhttp's CONNECTION, TIMEOUT, SERVER and TRANSIENT):
// errors of the connection and timeout categories (refused, reset, DNS, connect/read/write timeouts), a
// response cut short (incomplete_body), and 5xx responses. Not counted: pool_timeout (our own pool was
// saturated; the host may be fine, and breaking on it would turn local load into an outage), TLS,
// protocol, decode, usage and policy errors, and 1xx-4xx responses (the host answered: a success). A 429 is
// the rate limiter's business; add it to counted_statuses to break on it.
//
// Not synchronised: the transport owns the lock (one mutex around its CircuitBreakerManager; every call is
// short and never blocks). No I/O, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/url/url.hpp"

namespace hipp::policy {

enum class CircuitState { closed, open, half_open };

// "closed", "open", "half-open".
std::string_view to_string(CircuitState state) noexcept;

// Which outcomes count toward failure_threshold (and reopen a half-open circuit).
struct CountedFailures {
  std::vector<ErrorCategory> categories{ErrorCategory::connection, ErrorCategory::timeout};
  std::vector<ErrorCode> codes{ErrorCode::incomplete_body};       // counted whatever their category
  std::vector<ErrorCode> ignored_codes{ErrorCode::pool_timeout};  // never counted; wins over the above
  bool server_errors = true;                                      // 5xx responses
  std::vector<int> statuses{};                                    // further statuses to count, e.g. 429

  // Whether `error` counts as a failure of the host.
  bool counts(const Error& error) const;
  // Whether a response with `status` counts as a failure (otherwise it is a success).
  bool counts(int status) const;
};

// hyperhttp's defaults: five consecutive failures open the circuit for 30 s, then one probe request at a
// time, and two consecutive successful probes close it.
struct CircuitBreakerOptions {
  std::uint32_t failure_threshold = 5;      // consecutive counted failures that open the circuit
  Duration recovery_timeout = seconds(30);  // how long it stays open before a probe is allowed
  std::uint32_t success_threshold = 2;      // consecutive half-open successes that close it
  std::uint32_t half_open_max_trials = 1;   // probes in flight at once while half-open
  CountedFailures counted{};

  // Errors: invalid_state naming the field when a threshold or half_open_max_trials is 0, or
  // recovery_timeout is not positive.
  Result<void> validate() const;
};

class CircuitBreaker {
 public:
  // A closed breaker for `key` (its host:port, used in error details). Errors: those of validate().
  static Result<CircuitBreaker> create(std::string key, CircuitBreakerOptions options = {});

  // Whether an attempt may start at `now` (see the table above; may move open → half-open and take a trial
  // slot). Errors: circuit_open with the detail
  //   "circuit open for api.example.com:443 after 5 consecutive failures: retry in 12.5s"
  //   "circuit open for api.example.com:443 after a failed trial request: retry in 30.0s"
  //   "circuit half-open for api.example.com:443, 1 trial request in flight: retry in 29.9s"
  // The seconds are what remaining() returns, rounded up to a tenth (never "0.0s" while refusing).
  Result<void> allow(TimePoint now);

  // The outcomes of an admitted attempt. Exactly one per allow() that succeeded.
  void record_success(TimePoint now);
  void record_failure(TimePoint now);
  // An attempt that tells nothing about the host (cancelled, a usage error, an uncounted failure):
  // releases its half-open trial slot, changes no count.
  void record_ignored(TimePoint now);
  // record_failure if options().counted counts `error`, else record_ignored.
  void record(const Error& error, TimePoint now);
  // A response arrived: record_failure if `status` is counted (5xx by default), else record_success.
  void record_status(int status, TimePoint now);

  // The state at `now`: an open circuit whose recovery_timeout has passed reads as half_open.
  CircuitState state(TimePoint now) const;
  // How long allow() will keep refusing at `now`: until the open period ends, or (half-open with every
  // trial slot taken) until the outstanding trial is presumed lost. Zero when allow() would admit.
  Duration remaining(TimePoint now) const;
  // When the state changes without input: the end of the open period; TimePoint::never() otherwise.
  TimePoint next_transition() const;

  std::uint32_t consecutive_failures() const noexcept { return failures_; }
  std::uint32_t half_open_successes() const noexcept { return successes_; }
  std::uint32_t trials_in_flight() const noexcept { return trials_; }
  // Closed with no failure counted: equivalent to a new breaker (the manager forgets such entries).
  bool pristine() const noexcept { return state_ == CircuitState::closed && failures_ == 0; }
  const std::string& key() const noexcept { return key_; }
  const CircuitBreakerOptions& options() const noexcept { return options_; }

 private:
  friend class CircuitBreakerManager;  // eviction reads the stored state without a `now`
  enum class OpenedBy { failures, trial };

  CircuitBreaker(std::string key, CircuitBreakerOptions options) : key_(std::move(key)), options_(std::move(options)) {}
  void open(TimePoint now, OpenedBy by);
  void settle(TimePoint now);  // open → half-open once the recovery timeout has passed
  Error refusal(TimePoint now) const;

  std::string key_;
  CircuitBreakerOptions options_;
  CircuitState state_ = CircuitState::closed;
  OpenedBy opened_by_ = OpenedBy::failures;
  std::uint32_t failures_ = 0;   // consecutive counted failures while closed (kept for the detail when open)
  std::uint32_t successes_ = 0;  // consecutive successful trials while half-open
  std::uint32_t trials_ = 0;     // trials admitted and not yet reported while half-open
  TimePoint opened_at_{};
  TimePoint last_trial_at_{};
};

// One CircuitBreaker per "host:port", created on a host's first counted failure and forgotten when it is
// pristine again (closed, no failures), so the map holds only hosts with something to remember and a host
// never seen is simply allowed.
//
// Bounded: at most max_hosts breakers. Making room for a new one evicts the least recently used closed
// breaker (it only holds a partial failure count); only when every breaker is open or half-open is the
// least recently used of them evicted, which lets that host be tried again early. "Used" means any call
// naming the key. Lookups are O(log n); an eviction scans the map (O(max_hosts)), and happens only when a
// new host fails while the map is full.
//
// Not synchronised: the transport holds one lock around the manager (see the top of this file).
class CircuitBreakerManager {
 public:
  static constexpr std::size_t kDefaultMaxHosts = 1024;

  // Errors: those of CircuitBreakerOptions::validate(); invalid_state when max_hosts is 0.
  static Result<CircuitBreakerManager> create(CircuitBreakerOptions options = {},
                                              std::size_t max_hosts = kDefaultMaxHosts);

  // "host:port" with the effective port ("example.com:443", "[::1]:8080"). Empty when the URL has no host or
  // no known port. Hosts are compared as given: url::parse() has already lower-cased them.
  static std::string key_for(const url::Url& url);

  // CircuitBreaker's calls, for the breaker of `key` (absent keys behave as a new, closed breaker).
  Result<void> allow(std::string_view key, TimePoint now);
  void record_success(std::string_view key, TimePoint now);
  void record_failure(std::string_view key, TimePoint now);
  void record_ignored(std::string_view key, TimePoint now);
  void record(std::string_view key, const Error& error, TimePoint now);
  void record_status(std::string_view key, int status, TimePoint now);
  CircuitState state(std::string_view key, TimePoint now) const;

  // The breaker of `key`, or nullptr when the manager holds none (the host is closed and pristine). Valid
  // until the next non-const call.
  const CircuitBreaker* find(std::string_view key) const;
  std::size_t size() const noexcept { return breakers_.size(); }
  std::size_t max_hosts() const noexcept { return max_hosts_; }
  const CircuitBreakerOptions& options() const noexcept { return options_; }
  void clear() noexcept { breakers_.clear(); }

 private:
  struct Entry {
    CircuitBreaker breaker;
    std::uint64_t last_used;
  };
  using Map = std::map<std::string, Entry, std::less<>>;

  CircuitBreakerManager(CircuitBreakerOptions options, std::size_t max_hosts)
      : options_(std::move(options)), max_hosts_(max_hosts) {}
  Entry* touch(std::string_view key);            // the entry, marked as used, or nullptr
  Entry& touch_or_create(std::string_view key);  // evicts one entry when full
  void forget_if_pristine(std::string_view key);

  CircuitBreakerOptions options_;
  std::size_t max_hosts_;
  Map breakers_;
  std::uint64_t tick_ = 0;
};

}  // namespace hipp::policy
