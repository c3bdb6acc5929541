// Fixed-seed properties of RetryState over random sequences of outcomes, for both policies:
//  - the number of retries never exceeds what the policy allows, counter by counter;
//  - a non-idempotent request whose bytes were sent is never retried, nor is a sent unrewindable body;
//  - every verdict has a reason; fail carries an error, retry and deliver do not; delays stay bounded;
//  - the request always ends (deliver or fail) and nothing is decided after it ended.
#include <catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/message/method.hpp"
#include "core/policy/retry_after.hpp"
#include "core/policy/retry_state.hpp"

using namespace hipp;
using hipp::policy::Attempt;
using hipp::policy::Retry;
using hipp::policy::RetryPolicy;
using hipp::policy::RetryState;
using hipp::policy::RetryVerdict;
using Action = hipp::policy::RetryVerdict::Action;

namespace {

enum class Kind { connect, read, other, fatal };

// The test's own oracle, independent of policy::classify and policy::retry_category.
struct Failure {
  ErrorCode code;
  Kind when_sent;        // Hip's kind when the request was sent
  bool hyper_may_retry;  // whether hyperhttp has a category for it
};

const Failure kFailures[] = {
    {ErrorCode::connect_failed, Kind::connect, true},   {ErrorCode::resolve_failed, Kind::connect, true},
    {ErrorCode::connect_timeout, Kind::connect, true},  {ErrorCode::read_timeout, Kind::read, true},
    {ErrorCode::write_timeout, Kind::read, true},       {ErrorCode::connection_reset, Kind::read, true},
    {ErrorCode::connection_closed, Kind::read, true},   {ErrorCode::incomplete_body, Kind::read, false},
    {ErrorCode::malformed_response, Kind::read, false}, {ErrorCode::tls_failed, Kind::other, false},
    {ErrorCode::pool_empty, Kind::fatal, true},         {ErrorCode::decode_failed, Kind::fatal, false},
};

const char* const kMethods[] = {"GET", "PUT", "DELETE", "HEAD", "POST", "PATCH", "post"};
const int kStatuses[] = {200, 201, 404, 408, 413, 429, 500, 502, 503, 504};
const int kRedirects[] = {301, 302, 303, 307, 308};
const char* const kRetryAfter[] = {"", "3", "0", "garbage", "1000000000000", "Wed, 01 Jan 2025 00:00:30 GMT"};

std::optional<int> maybe_count(std::mt19937& rng) {
  std::uniform_int_distribution<int> pick(-1, 4);
  const int n = pick(rng);
  return n < 0 ? std::nullopt : std::optional<int>(n);
}

Retry random_retry(std::mt19937& rng) {
  std::bernoulli_distribution coin(0.5);
  Retry r;
  r.total = maybe_count(rng);
  r.connect = maybe_count(rng);
  r.read = maybe_count(rng);
  r.redirect = maybe_count(rng);
  r.status = maybe_count(rng);
  if (coin(rng)) r.status_forcelist = {500, 502, 503};
  r.backoff_factor = coin(rng) ? 0.0 : 0.5;
  r.raise_on_redirect = coin(rng);
  r.raise_on_status = coin(rng);
  r.respect_retry_after_header = coin(rng);
  if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) r = Retry::disabled();
  return r;
}

RetryPolicy random_policy(std::mt19937& rng) {
  std::bernoulli_distribution coin(0.5);
  RetryPolicy p;
  p.max_retries = std::uniform_int_distribution<int>(0, 5)(rng);
  if (coin(rng)) p.retry_categories.push_back(policy::RetryCategory::connection);
  if (coin(rng)) {
    p.backoff_strategy = policy::DecorrelatedJitterBackoff{.base = std::chrono::milliseconds(100),
                                                           .max_backoff = std::chrono::seconds(10)};
  }
  p.respect_retry_after = coin(rng);
  p.follow_redirects = coin(rng);
  p.max_redirects = std::uniform_int_distribution<int>(0, 3)(rng);
  return p;
}

// The bound every delay respects: the largest of Hip's backoff cap, the Retry-After cap and hyperhttp's
// default max_backoff (60 s).
constexpr Duration kDelayBound = policy::kRetryAfterMax;

struct Tally {
  int total = 0, connect = 0, read = 0, redirect = 0, status = 0;
};

void check_verdict_shape(const RetryVerdict& v) {
  // Only a plain delivery (nothing the policy could have retried) may go unexplained.
  if (v.action != Action::deliver) CHECK_FALSE(v.reason.empty());
  CHECK(v.error.has_value() == (v.action == Action::fail));
  CHECK(v.delay >= Duration::zero());
  CHECK(v.delay <= kDelayBound);
  if (v.action != Action::retry) CHECK(v.delay == Duration::zero());
}

}  // namespace

TEST_CASE("property: random outcome sequences never exceed the policy nor retry unsafe requests") {
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> outcome_kind(0, 2);
  std::bernoulli_distribution coin(0.5);
  std::bernoulli_distribution mostly(0.85);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  for (int run = 0; run < 3000; ++run) {
    const bool hip = coin(rng);
    const Retry retry = random_retry(rng);
    const RetryPolicy hyper = random_policy(rng);
    RetryState state = hip ? RetryState::from(retry) : RetryState::from(hyper);
    const std::string method = kMethods[std::uniform_int_distribution<std::size_t>(0, std::size(kMethods) - 1)(rng)];
    const bool idempotent = method::is_idempotent(method);
    const bool rewindable = mostly(rng);
    INFO("run " << run << (hip ? " Hip" : " hyperhttp") << " " << method << " rewindable=" << rewindable);

    Tally tally;
    bool ended = false;
    for (int step = 0; step < 60 && !ended; ++step) {
      const int kind = outcome_kind(rng);
      Attempt a{.method = method,
                .url = "http://example.com/p",
                .body_rewindable = rewindable,
                .unix_now = 1735689600,
                .random = unit(rng)};
      RetryVerdict v;
      Headers headers;
      if (kind == 0) {
        const Failure& f = kFailures[std::uniform_int_distribution<std::size_t>(0, std::size(kFailures) - 1)(rng)];
        const Error error = make_error(f.code, "x");
        a.error = &error;
        a.request_sent = f.when_sent != Kind::connect && coin(rng);
        const Kind k = f.when_sent == Kind::read && !a.request_sent ? Kind::connect : f.when_sent;
        v = state.on_error(a);
        check_verdict_shape(v);
        if (v.action == Action::retry) {
          if (hip) CHECK(k != Kind::fatal);
          if (!hip) CHECK(f.hyper_may_retry);
          // Never resend a non-idempotent request that reached the server, nor an unrewindable body.
          if (a.request_sent) {
            CHECK(idempotent);
            CHECK(rewindable);
          }
          ++tally.total;
          if (k == Kind::connect) ++tally.connect;
          if (k == Kind::read) ++tally.read;
        } else if (v.action == Action::fail && v.error->code != f.code) {
          // Wrapped errors keep the original as their cause.
          if (v.error->code == ErrorCode::max_retries || v.error->code == ErrorCode::retry_exhausted) {
            REQUIRE(v.error->cause != nullptr);
            CHECK(v.error->cause->code == f.code);
          }
        }
        CHECK(v.action != Action::deliver);
      } else if (kind == 1) {
        a.request_sent = true;
        a.status = kStatuses[std::uniform_int_distribution<std::size_t>(0, std::size(kStatuses) - 1)(rng)];
        const char* ra = kRetryAfter[std::uniform_int_distribution<std::size_t>(0, std::size(kRetryAfter) - 1)(rng)];
        if (*ra != '\0') headers.add("Retry-After", ra);
        a.headers = &headers;
        v = state.on_response(a);
        check_verdict_shape(v);
        if (v.action == Action::retry) {
          CHECK(idempotent);  // a response means the request was sent
          CHECK(rewindable);
          ++tally.total;
          ++tally.status;
        }
      } else {
        a.request_sent = true;
        a.status = kRedirects[std::uniform_int_distribution<std::size_t>(0, std::size(kRedirects) - 1)(rng)];
        headers.add("Location", "/next");
        a.headers = &headers;
        v = state.on_redirect(a);
        check_verdict_shape(v);
        CHECK(v.delay == Duration::zero());
        if (v.action == Action::retry) {
          CHECK(rewindable);
          ++tally.total;
          ++tally.redirect;
        }
      }
      ended = v.action != Action::retry;
    }

    if (hip) {
      const auto within = [](int used, const std::optional<int>& limit) { return !limit || used <= *limit; };
      if (!retry.enabled) {
        CHECK(tally.total == 0);
      }
      CHECK(within(tally.total, retry.total));
      CHECK(within(tally.connect, retry.connect));
      CHECK(within(tally.read, retry.read));
      CHECK(within(tally.redirect, retry.redirect));
      CHECK(within(tally.status, retry.status));
      CHECK(state.retries() + state.redirects() == tally.total);
    } else {
      CHECK(tally.total - tally.redirect <= hyper.max_retries);
      CHECK(tally.redirect <= hyper.max_redirects);
      if (!hyper.follow_redirects) CHECK(tally.redirect == 0);
      CHECK(state.retries() == tally.total - tally.redirect);
    }
    if (ended) {
      CHECK(state.finished());
      const Error late = make_error(ErrorCode::read_timeout);
      const auto after = state.on_error(Attempt{.method = method, .url = "u", .error = &late});
      CHECK(after.action == Action::fail);
      CHECK(after.error->code == ErrorCode::invalid_state);
    }
  }
}

TEST_CASE("property: with a finite policy every request ends") {
  std::mt19937 rng(7);
  std::bernoulli_distribution coin(0.5);
  for (int run = 0; run < 500; ++run) {
    Retry retry = random_retry(rng);
    if (!retry.total) retry.total = 4;
    RetryState state = coin(rng) ? RetryState::from(retry) : RetryState::from(random_policy(rng));
    // Always the most retryable outcome: a connect error before sending, or a redirect.
    bool ended = false;
    int steps = 0;
    const Error error = make_error(ErrorCode::connect_failed);
    while (!ended && steps < 100) {
      ++steps;
      RetryVerdict v;
      if (coin(rng)) {
        v = state.on_error(Attempt{.method = "GET", .url = "u", .error = &error});
      } else {
        const Headers headers{{"Location", "/x"}};
        v = state.on_redirect(
            Attempt{.method = "GET", .url = "u", .request_sent = true, .status = 302, .headers = &headers});
      }
      ended = v.action != Action::retry;
    }
    CHECK(ended);
    CHECK(steps <= 4 + 1 + 20 + 1);
  }
}
