// hyperhttp's RetryPolicy, its backoff strategies and RetryState::from(RetryPolicy).
#include <catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "core/policy/backoff.hpp"
#include "core/policy/retry_policy.hpp"
#include "core/policy/retry_state.hpp"
#include "retry_support.hpp"

using namespace hipp;
using hipp::policy::DecorrelatedJitterBackoff;
using hipp::policy::ExponentialBackoff;
using hipp::policy::RetryCategory;
using hipp::policy::RetryPolicy;
using hipp::policy::RetryState;
using hipp::policy::test::Driver;
using hipp::policy::test::error_of;
using Action = hipp::policy::RetryVerdict::Action;

namespace {

double sec(Duration d) { return std::chrono::duration<double>(d).count(); }
Duration ms(int n) { return std::chrono::milliseconds(n); }

}  // namespace

TEST_CASE("RetryPolicy defaults are hyperhttp's") {
  const RetryPolicy p;
  CHECK(p.max_retries == 3);
  CHECK(p.retry_categories ==
        std::vector<RetryCategory>{RetryCategory::transient, RetryCategory::timeout, RetryCategory::server});
  CHECK(p.status_force_list == std::vector<int>{429, 500, 502, 503, 504});
  REQUIRE(std::holds_alternative<ExponentialBackoff>(p.backoff_strategy));
  const auto& e = std::get<ExponentialBackoff>(p.backoff_strategy);
  CHECK(e.base == ms(500));
  CHECK(e.factor == 2.0);
  CHECK(e.max_backoff == std::chrono::seconds(60));
  CHECK(e.jitter);
  CHECK(p.respect_retry_after);
  CHECK_FALSE(p.retry_non_idempotent);
  CHECK_FALSE(p.follow_redirects);
  CHECK(p.max_redirects == 20);
  CHECK(RetryPolicy::disabled().max_retries == 0);
}

TEST_CASE("hyperhttp's categories of hipp errors") {
  struct Row {
    ErrorCode code;
    std::optional<RetryCategory> category;
  };
  const Row rows[] = {
      {ErrorCode::connection_reset, RetryCategory::transient},
      {ErrorCode::connection_closed, RetryCategory::transient},
      {ErrorCode::connect_timeout, RetryCategory::timeout},
      {ErrorCode::read_timeout, RetryCategory::timeout},
      {ErrorCode::write_timeout, RetryCategory::timeout},
      {ErrorCode::pool_timeout, RetryCategory::timeout},
      {ErrorCode::pool_empty, RetryCategory::timeout},
      {ErrorCode::total_timeout, RetryCategory::timeout},
      {ErrorCode::connect_failed, RetryCategory::connection},
      {ErrorCode::resolve_failed, RetryCategory::connection},
      {ErrorCode::tls_failed, std::nullopt},
      {ErrorCode::certificate_verify_failed, std::nullopt},
      {ErrorCode::malformed_response, std::nullopt},
      {ErrorCode::incomplete_body, std::nullopt},
      {ErrorCode::decode_failed, std::nullopt},
      {ErrorCode::invalid_url, std::nullopt},
      {ErrorCode::pool_closed, std::nullopt},
      {ErrorCode::retry_exhausted, std::nullopt},
  };
  for (const auto& row : rows) {
    INFO(to_string(row.code));
    CHECK(policy::retry_category(error_of(row.code)) == row.category);
  }
}

TEST_CASE("hyperhttp's categories of statuses") {
  struct Row {
    int status;
    std::optional<RetryCategory> category;
  };
  const Row rows[] = {
      {408, RetryCategory::timeout},
      {429, RetryCategory::transient},
      {400, std::nullopt},
      {401, std::nullopt},
      {404, std::nullopt},
      {500, RetryCategory::server},
      {502, RetryCategory::server},
      {503, RetryCategory::transient},
      {504, RetryCategory::timeout},
      {599, RetryCategory::server},
      {200, RetryCategory::transient},
      {302, RetryCategory::transient},
  };
  for (const auto& row : rows) {
    INFO(row.status);
    CHECK(policy::retry_category(row.status) == row.category);
  }
}

TEST_CASE("ExponentialBackoff without jitter: base * factor^n capped at max_backoff") {
  const ExponentialBackoff b{.base = ms(100), .factor = 2.0, .max_backoff = std::chrono::seconds(30), .jitter = false};
  const double expected[] = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30, 30};
  for (int n = 0; n < 12; ++n) {
    INFO("n=" << n);
    CHECK(sec(b.delay(n, 0.5)) == Approx(expected[n]));
  }
  CHECK(b.delay(100000, 0.5) == std::chrono::seconds(30));  // pow overflows to inf: still the cap
  const ExponentialBackoff flat{.base = ms(250), .factor = 1.0, .jitter = false};
  CHECK(flat.delay(7, 0.3) == ms(250));
  const ExponentialBackoff zero{.base = Duration::zero(), .jitter = false};
  CHECK(zero.delay(5000, 0.3) == Duration::zero());  // 0 * inf is not NaN here
}

TEST_CASE("ExponentialBackoff jitter: x[0.8, 1.2) from the random value, never above max_backoff") {
  const ExponentialBackoff b{.base = ms(100), .factor = 2.0, .max_backoff = std::chrono::seconds(30), .jitter = true};
  struct Row {
    int n;
    double random;
    double expected;
  };
  const Row rows[] = {
      {0, 0.0, 0.08},  {0, 0.5, 0.1}, {0, 0.75, 0.11}, {3, 0.0, 0.64},
      {3, 0.25, 0.72}, {20, 0.0, 24}, {20, 0.5, 30},   {20, 0.99, 30},  // at the cap: capped again
  };
  for (const auto& row : rows) {
    INFO("n=" << row.n << " random=" << row.random);
    CHECK(sec(b.delay(row.n, row.random)) == Approx(row.expected));
  }
  // Bounds over a grid of retry counts and random values.
  for (int n = 0; n < 15; ++n) {
    const double raw = std::min(0.1 * std::pow(2.0, n), 30.0);
    for (int i = 0; i < 100; ++i) {
      const double r = i / 100.0;
      const double d = sec(b.delay(n, r));
      CHECK(d >= 0.8 * raw - 1e-9);
      CHECK(d <= std::min(1.2 * raw, 30.0) + 1e-9);
    }
  }
  // Random values outside [0, 1) are clamped into it.
  CHECK(sec(b.delay(0, -3.0)) == Approx(0.08));
  CHECK(sec(b.delay(0, std::nan(""))) == Approx(0.08));
  CHECK(sec(b.delay(0, 7.0)) == Approx(0.12));
  CHECK(sec(b.delay(0, 1.0)) == Approx(0.12));
}

TEST_CASE("DecorrelatedJitterBackoff: uniform [0, base) first, then uniform between base and 3 x previous") {
  const DecorrelatedJitterBackoff b{.base = ms(100), .max_backoff = std::chrono::seconds(10)};
  CHECK(sec(b.delay(0, Duration::zero(), 0.0)) == Approx(0.0));
  CHECK(sec(b.delay(0, Duration::zero(), 0.5)) == Approx(0.05));
  CHECK(sec(b.delay(0, std::chrono::seconds(99), 0.5)) == Approx(0.05));  // previous ignored for the first
  CHECK(sec(b.delay(1, ms(50), 0.0)) == Approx(0.1));
  CHECK(sec(b.delay(1, ms(50), 0.5)) == Approx(0.125));
  CHECK(sec(b.delay(2, ms(2000), 0.5)) == Approx(0.1 + (6.0 - 0.1) * 0.5));
  CHECK(b.delay(3, std::chrono::seconds(5), 0.9) == std::chrono::seconds(10));  // capped
  // 3 x previous below base: between the two, as Python's uniform(a, b) with b < a.
  CHECK(sec(b.delay(1, ms(10), 0.5)) == Approx(0.065));

  // Bounds: [min(base, 3p), min(cap, max(base, 3p))] for every previous and random value.
  for (int p_ms : {0, 1, 10, 33, 34, 100, 1000, 3333, 4000, 100000}) {
    for (int i = 0; i < 50; ++i) {
      const double r = i / 50.0;
      const double three_p = 3 * p_ms / 1000.0;
      const double d = sec(b.delay(1, ms(p_ms), r));
      CHECK(d >= std::min(std::min(0.1, three_p), 10.0) - 1e-9);
      CHECK(d <= std::min(10.0, std::max(0.1, three_p)) + 1e-9);
    }
  }
}

TEST_CASE("hyperhttp: the first failure surfaces the original error, unwrapped") {
  for (ErrorCode code :
       {ErrorCode::tls_failed, ErrorCode::malformed_response, ErrorCode::connect_failed, ErrorCode::invalid_url}) {
    INFO(to_string(code));
    Driver d(RetryState::from(RetryPolicy{}));
    const auto v = d.fail(code, code != ErrorCode::connect_failed);
    CHECK(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == code);
    CHECK(v.error->cause == nullptr);
    CHECK(v.reason.find("the original error surfaces") != std::string::npos);
  }
  Driver d(RetryState::from(RetryPolicy{}));
  CHECK(d.fail(ErrorCode::connect_failed, false).reason ==
        "connect_failed is in category connection, not in retry_categories; the original error surfaces");
  Driver off(RetryState::from(RetryPolicy::disabled()));
  const auto v = off.fail(ErrorCode::read_timeout);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::read_timeout);
  CHECK(v.reason == "read_timeout: retries are disabled (max_retries=0); the original error surfaces");
}

TEST_CASE("hyperhttp: RetryError only after at least one retry, carrying the original") {
  Driver d(RetryState::from(RetryPolicy{}));
  // Default ExponentialBackoff: 0.5 s * 2^n with jitter; random 0.5 is the middle of the jitter range.
  auto v = d.fail(ErrorCode::read_timeout);
  CHECK(v.action == Action::retry);
  CHECK(v.delay == ms(500));
  CHECK(v.reason == "read_timeout (timeout): retry 1 of 3, backoff 0.5 s");
  CHECK(d.fail(ErrorCode::connection_reset).delay == ms(1000));
  CHECK(d.fail(ErrorCode::read_timeout).delay == ms(2000));
  v = d.fail(ErrorCode::read_timeout);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::retry_exhausted);
  CHECK(v.error->category == ErrorCategory::policy);
  CHECK(v.error->detail == "request failed after 3 retries");
  REQUIRE(v.error->cause != nullptr);
  CHECK(v.error->cause->code == ErrorCode::read_timeout);
  CHECK(v.error->message() == "retry_exhausted: request failed after 3 retries; caused by: read_timeout: boom");
  CHECK(v.reason == "read_timeout: retries exhausted (max_retries=3); RetryError after 3 retries");

  // After one retry, a non-retryable error is wrapped as well.
  Driver once(RetryState::from(RetryPolicy{}));
  REQUIRE(once.fail(ErrorCode::read_timeout).action == Action::retry);
  v = once.fail(ErrorCode::tls_failed);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::retry_exhausted);
  CHECK(v.error->detail == "request failed after 1 retry");
  REQUIRE(v.error->cause != nullptr);
  CHECK(v.error->cause->code == ErrorCode::tls_failed);

  // A status retry counts as a retry too.
  Driver status(RetryState::from(RetryPolicy{}));
  REQUIRE(status.respond(503).action == Action::retry);
  v = status.fail(ErrorCode::decode_failed);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::retry_exhausted);
}

TEST_CASE("hyperhttp: retry_categories decide which errors are retried") {
  struct Row {
    std::vector<RetryCategory> categories;
    ErrorCode code;
    bool request_sent;
    Action action;
  };
  const Row rows[] = {
      {{RetryCategory::connection}, ErrorCode::connect_failed, false, Action::retry},
      {{RetryCategory::connection}, ErrorCode::resolve_failed, false, Action::retry},
      {{RetryCategory::connection}, ErrorCode::read_timeout, true, Action::fail},
      {{RetryCategory::timeout}, ErrorCode::connect_timeout, false, Action::retry},
      {{RetryCategory::timeout}, ErrorCode::connection_reset, true, Action::fail},
      {{RetryCategory::transient}, ErrorCode::connection_closed, true, Action::retry},
      {{RetryCategory::server}, ErrorCode::read_timeout, true, Action::fail},
      {{}, ErrorCode::read_timeout, true, Action::fail},
  };
  for (const auto& row : rows) {
    INFO(to_string(row.code));
    Driver d(RetryState::from(RetryPolicy{.retry_categories = row.categories}));
    CHECK(d.fail(row.code, row.request_sent).action == row.action);
  }
}

TEST_CASE("hyperhttp: only idempotent methods are retried once sent, unless told otherwise") {
  const RetryPolicy all{
      .retry_categories = {RetryCategory::transient, RetryCategory::timeout, RetryCategory::connection}};
  struct Row {
    const char* method;
    bool retry_non_idempotent;
    ErrorCode code;
    bool request_sent;
    Action action;
  };
  const Row rows[] = {
      {"GET", false, ErrorCode::read_timeout, true, Action::retry},
      {"DELETE", false, ErrorCode::connection_reset, true, Action::retry},
      {"POST", false, ErrorCode::read_timeout, true, Action::fail},
      {"PATCH", false, ErrorCode::connection_reset, true, Action::fail},
      {"POST", false, ErrorCode::connect_failed, false, Action::retry},
      {"POST", false, ErrorCode::connection_closed, false, Action::retry},
      {"POST", true, ErrorCode::read_timeout, true, Action::retry},
  };
  for (const auto& row : rows) {
    INFO(row.method << " " << to_string(row.code));
    RetryPolicy p = all;
    p.retry_non_idempotent = row.retry_non_idempotent;
    Driver d(RetryState::from(p));
    d.method = row.method;
    const auto v = d.fail(row.code, row.request_sent);
    CHECK(v.action == row.action);
    if (v.action == Action::fail) {
      CHECK(v.reason == std::string(row.method) +
                            " is not idempotent and its bytes were sent; the original error "
                            "surfaces");
    }
  }
  // A body that cannot be rewound is not resent.
  Driver put(RetryState::from(RetryPolicy{}));
  put.method = "PUT";
  const auto v = put.fail(ErrorCode::read_timeout, true, false);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::read_timeout);
  CHECK(put.fail(ErrorCode::read_timeout).error->code == ErrorCode::invalid_state);  // finished
  Driver put2(RetryState::from(RetryPolicy{.retry_categories = {RetryCategory::connection}}));
  put2.method = "PUT";
  CHECK(put2.fail(ErrorCode::connect_failed, false, false).action == Action::retry);
}

TEST_CASE("hyperhttp: statuses in status_force_list are retried; exhausted ones delivered") {
  struct Row {
    const char* what;
    RetryPolicy policy;
    const char* method;
    int status;
    Headers headers;
    Action action;
    std::optional<Duration> delay;
  };
  const Headers seven{{"Retry-After", "7"}};
  const Row rows[] = {
      {"503", RetryPolicy{}, "GET", 503, {}, Action::retry, ms(500)},
      {"429 + Retry-After", RetryPolicy{}, "GET", 429, seven, Action::retry, std::chrono::seconds(7)},
      {"500 + Retry-After: any forced status", RetryPolicy{}, "GET", 500, seven, Action::retry,
       std::chrono::seconds(7)},
      {"Retry-After: 0 is used as is", RetryPolicy{}, "GET", 503, Headers{{"Retry-After", "0"}}, Action::retry,
       Duration::zero()},
      {"Retry-After date", RetryPolicy{}, "GET", 503, Headers{{"Retry-After", "Wed, 01 Jan 2025 00:00:42 GMT"}},
       Action::retry, std::chrono::seconds(42)},
      {"garbage Retry-After: backoff", RetryPolicy{}, "GET", 503, Headers{{"Retry-After", "later"}}, Action::retry,
       ms(500)},
      {"respect_retry_after off", RetryPolicy{.respect_retry_after = false}, "GET", 503, seven, Action::retry, ms(500)},
      {"404 not forced", RetryPolicy{}, "GET", 404, {}, Action::deliver, std::nullopt},
      {"200", RetryPolicy{}, "GET", 200, {}, Action::deliver, std::nullopt},
      {"408 not in the default list", RetryPolicy{}, "GET", 408, {}, Action::deliver, std::nullopt},
      {"408 forced: timeout category", RetryPolicy{.status_force_list = {408}}, "GET", 408, {}, Action::retry, ms(500)},
      {"404 forced: client category never retried",
       RetryPolicy{.status_force_list = {404}},
       "GET",
       404,
       {},
       Action::deliver,
       std::nullopt},
      {"500 when server is not a category",
       RetryPolicy{.retry_categories = {RetryCategory::timeout}},
       "GET",
       500,
       {},
       Action::deliver,
       std::nullopt},
      {"POST", RetryPolicy{}, "POST", 503, {}, Action::deliver, std::nullopt},
      {"POST told otherwise", RetryPolicy{.retry_non_idempotent = true}, "POST", 503, {}, Action::retry, ms(500)},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Driver d(RetryState::from(row.policy));
    d.method = row.method;
    const auto v = d.respond(row.status, row.headers);
    CHECK(v.action == row.action);
    CHECK_FALSE(v.error.has_value());
    if (row.delay) CHECK(v.delay == *row.delay);
  }

  Driver d(RetryState::from(RetryPolicy{.max_retries = 2}));
  CHECK(d.respond(502).action == Action::retry);
  CHECK(d.respond(502).action == Action::retry);
  const auto v = d.respond(502);
  CHECK(v.action == Action::deliver);  // a response is never turned into RetryError
  CHECK(v.reason == "status 502: retries exhausted (max_retries=2), the last response is delivered");
  CHECK(RetryState::from(RetryPolicy{.retry_categories = {RetryCategory::timeout}})
            .on_response({.method = "GET", .url = "u", .status = 500})
            .reason == "status 500 is in status_force_list but its category server is not in retry_categories");
}

TEST_CASE("hyperhttp: decorrelated jitter chains the previous wait") {
  Driver d(RetryState::from(RetryPolicy{
      .backoff_strategy = DecorrelatedJitterBackoff{.base = ms(100), .max_backoff = std::chrono::seconds(10)}}));
  CHECK(sec(d.fail(ErrorCode::read_timeout).delay) == Approx(0.05));
  CHECK(sec(d.fail(ErrorCode::read_timeout).delay) == Approx(0.125));
  // A Retry-After does not disturb the chain.
  CHECK(d.respond(503, Headers{{"Retry-After", "3"}}).delay == std::chrono::seconds(3));
  Driver e(RetryState::from(RetryPolicy{
      .max_retries = 5,
      .backoff_strategy = DecorrelatedJitterBackoff{.base = ms(100), .max_backoff = std::chrono::seconds(10)}}));
  e.random = 0.5;
  CHECK(sec(e.fail(ErrorCode::read_timeout).delay) == Approx(0.05));
  CHECK(sec(e.fail(ErrorCode::read_timeout).delay) == Approx(0.125));
  CHECK(sec(e.fail(ErrorCode::read_timeout).delay) == Approx(0.1 + (0.375 - 0.1) * 0.5));
}

TEST_CASE("hyperhttp: redirects follow follow_redirects and max_redirects") {
  Driver off(RetryState::from(RetryPolicy{}));
  CHECK_FALSE(off.state.follows_redirects());
  auto v = off.redirect(302, "/next");
  CHECK(v.action == Action::deliver);
  CHECK(v.reason == "302 redirect to /next: follow_redirects is off, the 3xx is delivered");

  Driver on(RetryState::from(RetryPolicy{.max_retries = 0, .follow_redirects = true, .max_redirects = 2}));
  CHECK(on.state.follows_redirects());
  CHECK(on.redirect(301, "/1").action == Action::retry);
  v = on.redirect(302, "/2");
  CHECK(v.action == Action::retry);
  CHECK(v.reason == "302 redirect to /2: redirect 2 of 2");
  v = on.redirect(302, "/3");
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::max_retries);
  CHECK(v.error->detail == "too many redirects (max_redirects=2) with url: http://example.com/a");
  CHECK(on.state.redirects() == 2);
  CHECK(on.state.retries() == 0);  // redirects are not retries

  Driver body(RetryState::from(RetryPolicy{.follow_redirects = true}));
  v = body.redirect(307, "/b", false);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::unrewindable_body);

  CHECK(RetryState::from(RetryPolicy{}).remove_headers_on_redirect() == std::vector<std::string>{"Authorization"});
  CHECK_FALSE(RetryState::from(RetryPolicy{}).retry().has_value());
}

TEST_CASE("hyperhttp: history records failures, retried statuses and redirects") {
  Driver d(RetryState::from(RetryPolicy{.follow_redirects = true}));
  REQUIRE(d.fail(ErrorCode::read_timeout).action == Action::retry);
  REQUIRE(d.respond(503).action == Action::retry);
  REQUIRE(d.redirect(302, "/z").action == Action::retry);
  REQUIRE(d.respond(200).action == Action::deliver);
  const auto& h = d.state.history();
  REQUIRE(h.size() == 3);
  CHECK(h[0].error->code == ErrorCode::read_timeout);
  CHECK(h[1].status == 503);
  CHECK(h[2].status == 302);
  CHECK(h[2].redirect_location == "/z");
}
