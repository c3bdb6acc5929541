#include "core/policy/circuit_breaker.hpp"

#include <algorithm>
#include <utility>

#include "core/message/status.hpp"

namespace hipp::policy {

namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A Duration as seconds rounded up to a tenth, "12.5s": a refusal never reads "0.0s" (hyperhttp's
// e.remaining is shown with one decimal).
std::string tenths_of_seconds(Duration d) {
  constexpr std::int64_t kTenth = 100'000'000;  // ns
  const std::int64_t ns = std::max<std::int64_t>(d.count(), 0);
  const std::int64_t tenths = ns / kTenth + (ns % kTenth != 0 ? 1 : 0);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

}  // namespace

std::string_view to_string(CircuitState state) noexcept {
  switch (state) {
    case CircuitState::closed:
      return "closed";
    case CircuitState::open:
      return "open";
    case CircuitState::half_open:
      return "half-open";
  }
  return "unknown";
}

bool CountedFailures::counts(const Error& error) const {
  if (contains(ignored_codes, error.code)) return false;
  return contains(codes, error.code) || contains(categories, error.category);
}

bool CountedFailures::counts(int status) const {
  return (server_errors && status::is_server_error(status)) || contains(statuses, status);
}

Result<void> CircuitBreakerOptions::validate() const {
  if (failure_threshold == 0) return fail(ErrorCode::invalid_state, "circuit breaker failure_threshold must be >= 1");
  if (success_threshold == 0) return fail(ErrorCode::invalid_state, "circuit breaker success_threshold must be >= 1");
  if (half_open_max_trials == 0) {
    return fail(ErrorCode::invalid_state, "circuit breaker half_open_max_trials must be >= 1");
  }
  if (recovery_timeout <= Duration::zero()) {
    return fail(ErrorCode::invalid_state, "circuit breaker recovery_timeout must be positive");
  }
  return {};
}

// --- CircuitBreaker -----------------------------------------------------------------------------------

Result<CircuitBreaker> CircuitBreaker::create(std::string key, CircuitBreakerOptions options) {
  if (auto valid = options.validate(); !valid) return Unexpected{std::move(valid).error()};
  return CircuitBreaker(std::move(key), std::move(options));
}

void CircuitBreaker::open(TimePoint now, OpenedBy by) {
  state_ = CircuitState::open;
  opened_by_ = by;
  opened_at_ = now;
  successes_ = 0;
  trials_ = 0;
}

void CircuitBreaker::settle(TimePoint now) {
  if (state_ == CircuitState::open && now >= next_transition()) {
    state_ = CircuitState::half_open;
    successes_ = 0;
    trials_ = 0;
  }
}

CircuitState CircuitBreaker::state(TimePoint now) const {
  if (state_ == CircuitState::open && now >= next_transition()) return CircuitState::half_open;
  return state_;
}

TimePoint CircuitBreaker::next_transition() const {
  return state_ == CircuitState::open ? opened_at_ + options_.recovery_timeout : TimePoint::never();
}

Duration CircuitBreaker::remaining(TimePoint now) const {
  switch (state(now)) {
    case CircuitState::closed:
      return Duration::zero();
    case CircuitState::open:
      return next_transition() - now;
    case CircuitState::half_open: {
      // A half-open state reached lazily has no trial outstanding yet.
      if (state_ == CircuitState::open || trials_ < options_.half_open_max_trials) return Duration::zero();
      const TimePoint presumed_lost = last_trial_at_ + options_.recovery_timeout;
      return now >= presumed_lost ? Duration::zero() : presumed_lost - now;
    }
  }
  return Duration::zero();
}

Error CircuitBreaker::refusal(TimePoint now) const {
  const std::string retry_in = ": retry in " + tenths_of_seconds(remaining(now));
  if (state_ == CircuitState::open) {
    const std::string why = opened_by_ == OpenedBy::trial
                                ? std::string("after a failed trial request")
                                : "after " + std::to_string(failures_) + " consecutive failures";
    return make_error(ErrorCode::circuit_open, "circuit open for " + key_ + " " + why + retry_in);
  }
  return make_error(ErrorCode::circuit_open, "circuit half-open for " + key_ + ", " + std::to_string(trials_) +
                                                 (trials_ == 1 ? " trial request" : " trial requests") + " in flight" +
                                                 retry_in);
}

Result<void> CircuitBreaker::allow(TimePoint now) {
  settle(now);
  switch (state_) {
    case CircuitState::closed:
      return {};
    case CircuitState::open:
      return Unexpected{refusal(now)};
    case CircuitState::half_open:
      if (trials_ >= options_.half_open_max_trials) {
        // The outstanding trials had a whole recovery period to report; a cancelled attempt never does, and
        // the circuit must not stay stuck half-open because of it.
        if (now < last_trial_at_ + options_.recovery_timeout) return Unexpected{refusal(now)};
        trials_ = 0;
      }
      ++trials_;
      last_trial_at_ = now;
      return {};
  }
  return {};
}

void CircuitBreaker::record_success(TimePoint now) {
  settle(now);
  switch (state_) {
    case CircuitState::closed:
      failures_ = 0;
      return;
    case CircuitState::open:
      return;  // a late success: the open period runs its course
    case CircuitState::half_open:
      if (trials_ == 0) return;  // not a trial: says nothing about the host since it opened
      --trials_;
      if (++successes_ >= options_.success_threshold) {
        state_ = CircuitState::closed;
        failures_ = 0;
        successes_ = 0;
      }
      return;
  }
}

void CircuitBreaker::record_failure(TimePoint now) {
  settle(now);
  switch (state_) {
    case CircuitState::closed:
      if (++failures_ >= options_.failure_threshold) open(now, OpenedBy::failures);
      return;
    case CircuitState::open:
      return;  // a late failure does not extend the open period
    case CircuitState::half_open:
      open(now, OpenedBy::trial);
      return;
  }
}

void CircuitBreaker::record_ignored(TimePoint now) {
  settle(now);
  if (state_ == CircuitState::half_open && trials_ > 0) --trials_;
}

void CircuitBreaker::record(const Error& error, TimePoint now) {
  if (options_.counted.counts(error)) {
    record_failure(now);
  } else {
    record_ignored(now);
  }
}

void CircuitBreaker::record_status(int status, TimePoint now) {
  if (options_.counted.counts(status)) {
    record_failure(now);
  } else {
    record_success(now);
  }
}

// --- CircuitBreakerManager ----------------------------------------------------------------------------

Result<CircuitBreakerManager> CircuitBreakerManager::create(CircuitBreakerOptions options, std::size_t max_hosts) {
  if (auto valid = options.validate(); !valid) return Unexpected{std::move(valid).error()};
  if (max_hosts == 0) return fail(ErrorCode::invalid_state, "circuit breaker max_hosts must be >= 1");
  return CircuitBreakerManager(std::move(options), max_hosts);
}

std::string CircuitBreakerManager::key_for(const url::Url& url) {
  const auto port = url.effective_port();
  if (url.host.empty() || !port) return {};
  return url.host + ":" + std::to_string(*port);
}

CircuitBreakerManager::Entry* CircuitBreakerManager::touch(std::string_view key) {
  const auto it = breakers_.find(key);
  if (it == breakers_.end()) return nullptr;
  it->second.last_used = ++tick_;
  return &it->second;
}

CircuitBreakerManager::Entry& CircuitBreakerManager::touch_or_create(std::string_view key) {
  if (Entry* e = touch(key)) return *e;
  if (breakers_.size() >= max_hosts_) {
    // Least recently used closed breaker first: it holds only a partial count. Open ones protect a sick host.
    auto victim = breakers_.end();
    for (bool closed_only : {true, false}) {
      for (auto it = breakers_.begin(); it != breakers_.end(); ++it) {
        if (closed_only && it->second.breaker.state_ != CircuitState::closed) continue;
        if (victim == breakers_.end() || it->second.last_used < victim->second.last_used) victim = it;
      }
      if (victim != breakers_.end()) break;
    }
    breakers_.erase(victim);
  }
  // The options were validated by create(), so this cannot fail.
  auto breaker = CircuitBreaker::create(std::string(key), options_);
  const auto [it, inserted] = breakers_.emplace(std::string(key), Entry{std::move(*breaker), ++tick_});
  (void)inserted;
  return it->second;
}

void CircuitBreakerManager::forget_if_pristine(std::string_view key) {
  const auto it = breakers_.find(key);
  if (it != breakers_.end() && it->second.breaker.pristine()) breakers_.erase(it);
}

Result<void> CircuitBreakerManager::allow(std::string_view key, TimePoint now) {
  Entry* e = touch(key);
  return e ? e->breaker.allow(now) : Result<void>{};
}

void CircuitBreakerManager::record_success(std::string_view key, TimePoint now) {
  if (Entry* e = touch(key)) {
    e->breaker.record_success(now);
    forget_if_pristine(key);
  }
}

void CircuitBreakerManager::record_failure(std::string_view key, TimePoint now) {
  touch_or_create(key).breaker.record_failure(now);
}

void CircuitBreakerManager::record_ignored(std::string_view key, TimePoint now) {
  if (Entry* e = touch(key)) e->breaker.record_ignored(now);
}

void CircuitBreakerManager::record(std::string_view key, const Error& error, TimePoint now) {
  if (options_.counted.counts(error)) {
    record_failure(key, now);
  } else {
    record_ignored(key, now);
  }
}

void CircuitBreakerManager::record_status(std::string_view key, int status, TimePoint now) {
  if (options_.counted.counts(status)) {
    record_failure(key, now);
  } else {
    record_success(key, now);
  }
}

CircuitState CircuitBreakerManager::state(std::string_view key, TimePoint now) const {
  const CircuitBreaker* b = find(key);
  return b ? b->state(now) : CircuitState::closed;
}

const CircuitBreaker* CircuitBreakerManager::find(std::string_view key) const {
  const auto it = breakers_.find(key);
  return it == breakers_.end() ? nullptr : &it->second.breaker;
}

}  // namespace hipp::policy
