#include <catch.hpp>

#include <string>
#include <vector>

#include "core/policy/circuit_breaker.hpp"

using namespace hipp;
using hipp::policy::CircuitBreaker;
using hipp::policy::CircuitBreakerManager;
using hipp::policy::CircuitBreakerOptions;
using hipp::policy::CircuitState;

namespace {

// The virtual clock: seconds since an arbitrary epoch.
TimePoint at(double s) { return TimePoint(seconds(s)); }

CircuitBreaker breaker(CircuitBreakerOptions options = {}) {
  auto b = CircuitBreaker::create("api.example.com:443", std::move(options));
  REQUIRE(b);
  return std::move(*b);
}

CircuitBreakerManager manager(CircuitBreakerOptions options = {}, std::size_t max_hosts = 1024) {
  auto m = CircuitBreakerManager::create(std::move(options), max_hosts);
  REQUIRE(m);
  return std::move(*m);
}

void fail_times(CircuitBreaker& b, int n, TimePoint now) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(b.allow(now));
    b.record_failure(now);
  }
}

std::string refusal(CircuitBreaker& b, TimePoint now) {
  const auto r = b.allow(now);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::circuit_open);
  CHECK(r.error().category == ErrorCategory::policy);
  return r.error().detail;
}

}  // namespace

TEST_CASE("circuit breaker defaults are hyperhttp's") {
  const CircuitBreakerOptions o;
  CHECK(o.failure_threshold == 5);
  CHECK(o.recovery_timeout == seconds(30));
  CHECK(o.success_threshold == 2);
  CHECK(o.half_open_max_trials == 1);
  CHECK(to_string(ErrorCode::circuit_open) == "circuit_open");
  CHECK(category_of(ErrorCode::circuit_open) == ErrorCategory::policy);
}

TEST_CASE("invalid circuit breaker options are refused") {
  struct Case {
    CircuitBreakerOptions options;
    const char* field;
  };
  std::vector<Case> cases;
  cases.push_back({CircuitBreakerOptions{.failure_threshold = 0}, "failure_threshold"});
  cases.push_back({CircuitBreakerOptions{.recovery_timeout = Duration::zero()}, "recovery_timeout"});
  cases.push_back({CircuitBreakerOptions{.recovery_timeout = seconds(-1)}, "recovery_timeout"});
  cases.push_back({CircuitBreakerOptions{.success_threshold = 0}, "success_threshold"});
  cases.push_back({CircuitBreakerOptions{.half_open_max_trials = 0}, "half_open_max_trials"});
  for (const auto& c : cases) {
    INFO(c.field);
    const auto b = CircuitBreaker::create("h:80", c.options);
    REQUIRE_FALSE(b);
    CHECK(b.error().code == ErrorCode::invalid_state);
    CHECK(b.error().detail.find(c.field) != std::string::npos);
    CHECK_FALSE(CircuitBreakerManager::create(c.options));
  }
  CHECK_FALSE(CircuitBreakerManager::create({}, 0));
}

TEST_CASE("closed: consecutive failures open the circuit at the threshold; a success resets the count") {
  auto b = breaker();
  fail_times(b, 4, at(0));
  CHECK(b.state(at(0)) == CircuitState::closed);
  CHECK(b.consecutive_failures() == 4);
  REQUIRE(b.allow(at(1)));
  b.record_success(at(1));
  CHECK(b.consecutive_failures() == 0);
  CHECK(b.pristine());
  fail_times(b, 4, at(2));
  CHECK(b.state(at(2)) == CircuitState::closed);
  fail_times(b, 1, at(3));
  CHECK(b.state(at(3)) == CircuitState::open);
  CHECK(b.next_transition() == at(33));
}

TEST_CASE("open: refused until recovery_timeout, with host:port and the seconds remaining") {
  auto b = breaker();
  fail_times(b, 5, at(100));
  CHECK(refusal(b, at(100)) == "circuit open for api.example.com:443 after 5 consecutive failures: retry in 30.0s");
  CHECK(refusal(b, at(117.5)) == "circuit open for api.example.com:443 after 5 consecutive failures: retry in 12.5s");
  // Rounded up to a tenth: a refusal never says 0.0s.
  CHECK(refusal(b, at(129.99)) == "circuit open for api.example.com:443 after 5 consecutive failures: retry in 0.1s");
  CHECK(refusal(b, TimePoint(seconds(130) - Duration(1))).find("retry in 0.1s") != std::string::npos);
  CHECK(b.remaining(at(120)) == seconds(10));
  CHECK(b.state(at(129.9)) == CircuitState::open);
  CHECK(b.state(at(130)) == CircuitState::half_open);
  CHECK(b.remaining(at(130)) == Duration::zero());
}

TEST_CASE("open: late outcomes of earlier attempts change nothing") {
  auto b = breaker();
  fail_times(b, 5, at(0));
  b.record_failure(at(10));  // does not extend the open period
  b.record_success(at(11));  // does not close it
  b.record_ignored(at(12));
  CHECK(b.state(at(29)) == CircuitState::open);
  CHECK(b.next_transition() == at(30));
  CHECK(b.state(at(30)) == CircuitState::half_open);
}

TEST_CASE("half-open: one trial at a time; success_threshold successes close the circuit") {
  auto b = breaker();
  fail_times(b, 5, at(0));
  REQUIRE(b.allow(at(30)));  // the first trial
  CHECK(b.state(at(30)) == CircuitState::half_open);
  CHECK(b.trials_in_flight() == 1);
  CHECK(refusal(b, at(31)) == "circuit half-open for api.example.com:443, 1 trial request in flight: retry in 29.0s");
  b.record_success(at(32));
  CHECK(b.state(at(32)) == CircuitState::half_open);
  CHECK(b.half_open_successes() == 1);
  REQUIRE(b.allow(at(33)));  // the second trial
  b.record_success(at(34));
  CHECK(b.state(at(34)) == CircuitState::closed);
  CHECK(b.pristine());
  CHECK(b.next_transition() == TimePoint::never());
  // Closed again: the full threshold is needed to reopen.
  fail_times(b, 4, at(35));
  CHECK(b.state(at(35)) == CircuitState::closed);
}

TEST_CASE("half-open: a failed trial reopens for a full recovery period") {
  auto b = breaker();
  fail_times(b, 5, at(0));
  REQUIRE(b.allow(at(30)));
  b.record_success(at(31));
  REQUIRE(b.allow(at(32)));
  b.record_failure(at(33));
  CHECK(b.state(at(33)) == CircuitState::open);
  CHECK(b.half_open_successes() == 0);
  CHECK(refusal(b, at(40)) == "circuit open for api.example.com:443 after a failed trial request: retry in 23.0s");
  CHECK(b.state(at(63)) == CircuitState::half_open);
}

TEST_CASE("half-open: several trials when half_open_max_trials allows") {
  auto b = breaker({.success_threshold = 3, .half_open_max_trials = 2});
  fail_times(b, 5, at(0));
  REQUIRE(b.allow(at(30)));
  REQUIRE(b.allow(at(30)));
  CHECK(refusal(b, at(30)).find("2 trial requests in flight") != std::string::npos);
  b.record_success(at(31));
  REQUIRE(b.allow(at(31)));
  b.record_success(at(32));
  b.record_success(at(32));
  CHECK(b.state(at(32)) == CircuitState::closed);
}

TEST_CASE("half-open: an ignored outcome frees the trial slot without counting") {
  auto b = breaker();
  fail_times(b, 5, at(0));
  REQUIRE(b.allow(at(30)));
  b.record_ignored(at(31));  // e.g. the caller cancelled the probe
  CHECK(b.trials_in_flight() == 0);
  CHECK(b.half_open_successes() == 0);
  CHECK(b.state(at(31)) == CircuitState::half_open);
  REQUIRE(b.allow(at(31)));
}

TEST_CASE("half-open: a trial that never reports is presumed lost after recovery_timeout") {
  auto b = breaker();
  fail_times(b, 5, at(0));
  REQUIRE(b.allow(at(30)));
  CHECK(refusal(b, at(59.95)).find("retry in 0.1s") != std::string::npos);
  CHECK(b.remaining(at(45)) == seconds(15));
  REQUIRE(b.allow(at(60)));  // the first trial's slot is taken over
  CHECK(b.trials_in_flight() == 1);
}

TEST_CASE("half-open: a success that is not a trial does not count toward closing") {
  auto b = breaker({.success_threshold = 1});
  fail_times(b, 5, at(0));
  b.record_success(at(30));  // an attempt admitted before the circuit opened
  CHECK(b.state(at(30)) == CircuitState::half_open);
  REQUIRE(b.allow(at(30)));
  b.record_success(at(31));
  CHECK(b.state(at(31)) == CircuitState::closed);
}

TEST_CASE("counted and uncounted failures") {
  const policy::CountedFailures counted;
  struct Row {
    ErrorCode code;
    bool counts;
  };
  for (const Row r :
       {Row{ErrorCode::connect_failed, true}, Row{ErrorCode::resolve_failed, true},
        Row{ErrorCode::connection_reset, true}, Row{ErrorCode::connection_closed, true},
        Row{ErrorCode::connect_timeout, true}, Row{ErrorCode::read_timeout, true}, Row{ErrorCode::write_timeout, true},
        Row{ErrorCode::total_timeout, true}, Row{ErrorCode::incomplete_body, true}, Row{ErrorCode::pool_timeout, false},
        Row{ErrorCode::pool_empty, false}, Row{ErrorCode::malformed_response, false}, Row{ErrorCode::tls_failed, false},
        Row{ErrorCode::decode_failed, false}, Row{ErrorCode::invalid_url, false}, Row{ErrorCode::max_retries, false},
        Row{ErrorCode::circuit_open, false}}) {
    INFO(to_string(r.code));
    CHECK(counted.counts(make_error(r.code)) == r.counts);
  }
  for (int status : {500, 502, 503, 504, 599}) CHECK(counted.counts(status));
  for (int status : {200, 204, 301, 304, 400, 404, 429, 499}) CHECK_FALSE(counted.counts(status));

  policy::CountedFailures custom;
  custom.categories = {ErrorCategory::tls};
  custom.codes = {};
  custom.ignored_codes = {};
  custom.server_errors = false;
  custom.statuses = {429, 503};
  CHECK(custom.counts(make_error(ErrorCode::tls_failed)));
  CHECK_FALSE(custom.counts(make_error(ErrorCode::connect_failed)));
  CHECK(custom.counts(429));
  CHECK(custom.counts(503));
  CHECK_FALSE(custom.counts(500));
}

TEST_CASE("record() and record_status() classify with the options") {
  auto b = breaker({.failure_threshold = 2});
  REQUIRE(b.allow(at(0)));
  b.record(make_error(ErrorCode::tls_failed), at(0));  // not counted
  b.record_status(404, at(0));                         // the host answered
  CHECK(b.consecutive_failures() == 0);
  b.record(make_error(ErrorCode::read_timeout), at(1));
  CHECK(b.consecutive_failures() == 1);
  b.record(make_error(ErrorCode::pool_timeout), at(1));  // ignored: the count stays
  CHECK(b.consecutive_failures() == 1);
  b.record_status(503, at(2));
  CHECK(b.state(at(2)) == CircuitState::open);

  // An uncounted error in half-open releases the trial without closing or reopening.
  REQUIRE(b.allow(at(32)));
  b.record(make_error(ErrorCode::decode_failed), at(33));
  CHECK(b.state(at(33)) == CircuitState::half_open);
  CHECK(b.trials_in_flight() == 0);
}

TEST_CASE("CircuitBreakerManager keys by host:port") {
  CHECK(CircuitBreakerManager::key_for(url::parse("https://api.example.com/x").value()) == "api.example.com:443");
  CHECK(CircuitBreakerManager::key_for(url::parse("http://API.example.com:8080/").value()) == "api.example.com:8080");
  CHECK(CircuitBreakerManager::key_for(url::parse("http://[::1]/").value()) == "[::1]:80");
  CHECK(CircuitBreakerManager::key_for(url::parse("/relative").value()).empty());
}

TEST_CASE("CircuitBreakerManager: hosts are independent; only hosts with failures are remembered") {
  auto m = manager({.failure_threshold = 2});
  CHECK(m.allow("a:80", at(0)));
  m.record_success("a:80", at(0));
  CHECK(m.size() == 0);
  m.record_failure("a:80", at(1));
  CHECK(m.size() == 1);
  m.record_failure("a:80", at(2));
  CHECK(m.state("a:80", at(2)) == CircuitState::open);
  CHECK(m.state("a:443", at(2)) == CircuitState::closed);
  CHECK(m.allow("a:443", at(2)));
  const auto refused = m.allow("a:80", at(12));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().detail == "circuit open for a:80 after 2 consecutive failures: retry in 20.0s");

  // Half-open, two successful trials: closed and forgotten.
  REQUIRE(m.allow("a:80", at(32)));
  m.record_status("a:80", 200, at(32));
  REQUIRE(m.allow("a:80", at(33)));
  m.record_status("a:80", 200, at(33));
  CHECK(m.state("a:80", at(33)) == CircuitState::closed);
  CHECK(m.find("a:80") == nullptr);
  CHECK(m.size() == 0);

  // A partial count is forgotten by a success too.
  m.record("b:80", make_error(ErrorCode::connect_failed), at(40));
  m.record("b:80", make_error(ErrorCode::invalid_url), at(40));
  REQUIRE(m.find("b:80") != nullptr);
  CHECK(m.find("b:80")->consecutive_failures() == 1);
  m.record_success("b:80", at(41));
  CHECK(m.size() == 0);
}

TEST_CASE("CircuitBreakerManager is bounded: closed breakers are evicted first, then the LRU") {
  // A closed breaker with a partial count goes before open ones, whatever their age.
  auto n = manager({.failure_threshold = 2}, 3);
  n.record_failure("open2:80", at(0));
  n.record_failure("open2:80", at(0));
  n.record_failure("open1:80", at(1));
  n.record_failure("open1:80", at(1));
  n.record_failure("partial:80", at(2));  // closed, one failure, more recent than both open ones
  CHECK(n.size() == 3);
  CHECK_FALSE(n.allow("open1:80", at(3)));  // open2 is now the least recently used
  n.record_failure("new:80", at(4));
  CHECK(n.size() == 3);
  CHECK(n.find("partial:80") == nullptr);  // the closed one went, though open2 was less recently used
  CHECK(n.find("open1:80") != nullptr);
  CHECK(n.find("open2:80") != nullptr);
  CHECK(n.find("new:80") != nullptr);

  // Every breaker open: the least recently used goes.
  auto m = manager({.failure_threshold = 1}, 3);
  m.record_failure("open1:80", at(0));
  m.record_failure("open2:80", at(0));
  m.record_failure("open3:80", at(1));
  CHECK_FALSE(m.allow("open1:80", at(2)));  // open1 used last
  m.record_failure("open4:80", at(3));
  CHECK(m.size() == 3);
  CHECK(m.find("open2:80") == nullptr);
  CHECK(m.find("open1:80") != nullptr);
  CHECK(m.find("open3:80") != nullptr);
  CHECK(m.find("open4:80") != nullptr);
}
