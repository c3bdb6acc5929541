// Hip's Retry (hip.util.retry.Retry) and RetryState::from(Retry), table-driven over Hip's documented behaviour.
#include <catch.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/policy/retry.hpp"
#include "core/policy/retry_after.hpp"
#include "core/policy/retry_state.hpp"
#include "retry_support.hpp"

using namespace hipp;
using hipp::policy::Attempt;
using hipp::policy::ErrorKind;
using hipp::policy::Retry;
using hipp::policy::RetryEvent;
using hipp::policy::RetryState;
using hipp::policy::test::Driver;
using hipp::policy::test::error_of;
using Action = hipp::policy::RetryVerdict::Action;

namespace {

Duration ms(int n) { return std::chrono::milliseconds(n); }

}  // namespace

TEST_CASE("Retry defaults are Hip's") {
  const Retry r;
  CHECK(r.total == 10);
  CHECK_FALSE(r.connect.has_value());
  CHECK_FALSE(r.read.has_value());
  CHECK_FALSE(r.redirect.has_value());
  CHECK_FALSE(r.status.has_value());
  CHECK(r.method_whitelist == std::vector<std::string>{"DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"});
  CHECK(r.status_forcelist.empty());
  CHECK(r.backoff_factor == 0.0);
  CHECK(r.raise_on_redirect);
  CHECK(r.raise_on_status);
  CHECK(r.history.empty());
  CHECK(r.respect_retry_after_header);
  CHECK(r.remove_headers_on_redirect == std::vector<std::string>{"Authorization"});
  CHECK(r.enabled);
  CHECK(Retry::kBackoffMax == std::chrono::seconds(120));
  CHECK(Retry::kRetryAfterStatusCodes == std::array<int, 3>{413, 429, 503});

  const Retry standard = Retry::standard();  // Retry.DEFAULT = Retry(3)
  CHECK(standard.total == 3);
  CHECK_FALSE(standard.redirect.has_value());
  CHECK(standard.enabled);

  const Retry off = Retry::disabled();  // retries=False
  CHECK_FALSE(off.enabled);
  CHECK(off.redirect == 0);
  CHECK_FALSE(off.raise_on_redirect);
}

TEST_CASE("Retry::is_exhausted: any counter below zero") {
  struct Row {
    Retry retry;
    bool exhausted;
  };
  const Row rows[] = {
      {Retry{}, false},
      {Retry{.total = std::nullopt}, false},
      {Retry{.total = 0}, false},  // zero retries left is not yet exhausted: the next increment is
      {Retry{.total = -1}, true},
      {Retry{.total = 5, .connect = -1}, true},
      {Retry{.total = 5, .read = -1}, true},
      {Retry{.total = 5, .redirect = -1}, true},
      {Retry{.total = 5, .status = -1}, true},
      {Retry{.total = std::nullopt, .connect = 0, .read = 0, .redirect = 0, .status = 0}, false},
  };
  for (const auto& row : rows) CHECK(row.retry.is_exhausted() == row.exhausted);
}

TEST_CASE("classify: connect, read, other and fatal errors") {
  struct Row {
    ErrorCode code;
    ErrorKind sent;
    ErrorKind unsent;
  };
  const Row rows[] = {
      {ErrorCode::resolve_failed, ErrorKind::connect, ErrorKind::connect},
      {ErrorCode::connect_failed, ErrorKind::connect, ErrorKind::connect},
      {ErrorCode::connect_timeout, ErrorKind::connect, ErrorKind::connect},
      {ErrorCode::read_timeout, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::write_timeout, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::connection_reset, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::connection_closed, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::malformed_response, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::incomplete_body, ErrorKind::read, ErrorKind::connect},
      {ErrorCode::tls_failed, ErrorKind::other, ErrorKind::other},
      {ErrorCode::certificate_verify_failed, ErrorKind::other, ErrorKind::other},
      {ErrorCode::pool_empty, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::pool_closed, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::pool_timeout, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::decode_failed, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::invalid_url, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::unrewindable_body, ErrorKind::fatal, ErrorKind::fatal},
      {ErrorCode::max_retries, ErrorKind::fatal, ErrorKind::fatal},
  };
  for (const auto& row : rows) {
    INFO(to_string(row.code));
    CHECK(policy::classify(error_of(row.code), true) == row.sent);
    CHECK(policy::classify(error_of(row.code), false) == row.unsent);
  }
}

TEST_CASE("Retry::increment decrements the counters of the event's kind") {
  const Retry start{.total = 5, .connect = 5, .read = 5, .redirect = 5, .status = 5};
  const Error connect = error_of(ErrorCode::connect_failed);
  const Error read = error_of(ErrorCode::read_timeout);
  const Error tls = error_of(ErrorCode::tls_failed);
  const Error reset_unsent = error_of(ErrorCode::connection_reset);
  struct Row {
    const char* what;
    RetryEvent event;
    int total, connect_left, read_left, redirect_left, status_left;
  };
  const Row rows[] = {
      {"connect error", {.method = "GET", .url = "u", .error = &connect}, 4, 4, 5, 5, 5},
      {"read error", {.method = "GET", .url = "u", .error = &read}, 4, 5, 4, 5, 5},
      {"reset before sending",
       {.method = "GET", .url = "u", .error = &reset_unsent, .request_sent = false},
       4,
       4,
       5,
       5,
       5},
      {"TLS error: total only", {.method = "GET", .url = "u", .error = &tls}, 4, 5, 5, 5, 5},
      {"status", {.method = "GET", .url = "u", .status = 503}, 4, 5, 5, 5, 4},
      {"redirect", {.method = "GET", .url = "u", .status = 302, .redirect_location = "/b"}, 4, 5, 5, 4, 5},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto next = start.increment(row.event);
    REQUIRE(next);
    CHECK(next->total == row.total);
    CHECK(next->connect == row.connect_left);
    CHECK(next->read == row.read_left);
    CHECK(next->redirect == row.redirect_left);
    CHECK(next->status == row.status_left);
    CHECK(next->history.size() == 1);
    CHECK(start.history.empty());  // immutable: the original is untouched
    CHECK(start.total == 5);
  }
  // Unset counters stay unset.
  const auto next = Retry{.total = std::nullopt}.increment({.method = "GET", .url = "u", .error = &read});
  REQUIRE(next);
  CHECK_FALSE(next->total.has_value());
  CHECK_FALSE(next->read.has_value());
}

TEST_CASE("Retry(total=N) allows N retries, then MaxRetryError caused by the last error") {
  for (int n : {0, 1, 3}) {
    INFO("total=" << n);
    Driver d(RetryState::from(Retry{.total = n}));
    for (int i = 0; i < n; ++i) {
      const auto v = d.fail(ErrorCode::read_timeout);
      REQUIRE(v.action == Action::retry);
    }
    const auto v = d.fail(ErrorCode::connection_reset);
    REQUIRE(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == ErrorCode::max_retries);
    CHECK(v.error->category == ErrorCategory::policy);
    CHECK(v.error->detail == "max retries exceeded with url: http://example.com/a");
    REQUIRE(v.error->cause != nullptr);
    CHECK(v.error->cause->code == ErrorCode::connection_reset);  // the reason: the error of the last attempt
    CHECK(v.error->message() ==
          "max_retries: max retries exceeded with url: http://example.com/a; caused by: connection_reset: boom");
    CHECK(d.state.retries() == n);
    CHECK(d.state.finished());
  }
}

TEST_CASE("connect and read counters limit their own kind; total takes precedence") {
  struct Row {
    const char* what;
    Retry retry;
    ErrorCode code;
    bool request_sent;
    int retries_allowed;
    const char* exhausted;
  };
  const Row rows[] = {
      {"connect=2", Retry{.total = 10, .connect = 2}, ErrorCode::connect_failed, false, 2,
       "connect_failed: connect retries exhausted (connect=2)"},
      {"connect=0", Retry{.total = 10, .connect = 0}, ErrorCode::connect_timeout, false, 0,
       "connect_timeout: connect retries exhausted (connect=0)"},
      {"read=1", Retry{.total = 10, .read = 1}, ErrorCode::read_timeout, true, 1,
       "read_timeout: read retries exhausted (read=1)"},
      {"read=1 does not limit connect errors", Retry{.total = 4, .read = 1}, ErrorCode::connect_failed, false, 4,
       "connect_failed: total retries exhausted (total=4)"},
      {"connect=1 does not limit read errors", Retry{.total = 3, .connect = 1}, ErrorCode::read_timeout, true, 3,
       "read_timeout: total retries exhausted (total=3)"},
      {"total wins over a larger read", Retry{.total = 2, .read = 5}, ErrorCode::read_timeout, true, 2,
       "read_timeout: total retries exhausted (total=2)"},
      {"total=None falls back on read", Retry{.total = std::nullopt, .read = 3}, ErrorCode::read_timeout, true, 3,
       "read_timeout: read retries exhausted (read=3)"},
      {"TLS errors count against total only", Retry{.total = 2, .connect = 0, .read = 0}, ErrorCode::tls_failed, true,
       2, "tls_failed: total retries exhausted (total=2)"},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Driver d(RetryState::from(row.retry));
    for (int i = 0; i < row.retries_allowed; ++i) REQUIRE(d.fail(row.code, row.request_sent).action == Action::retry);
    const auto v = d.fail(row.code, row.request_sent);
    CHECK(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == ErrorCode::max_retries);
    CHECK(v.reason == row.exhausted);
  }
}

TEST_CASE("Retry(total=None) with no other limit retries without end") {
  Driver d(RetryState::from(Retry{.total = std::nullopt}));
  for (int i = 0; i < 1000; ++i) REQUIRE(d.fail(ErrorCode::connection_reset).action == Action::retry);
  CHECK(d.state.retries() == 1000);
}

TEST_CASE("backoff: 0, 0.2, 0.4, 0.8 ... capped at 120 s for backoff_factor 0.1") {
  Driver d(RetryState::from(Retry{.total = std::nullopt, .backoff_factor = 0.1}));
  const std::vector<Duration> expected = {ms(0),
                                          ms(200),
                                          ms(400),
                                          ms(800),
                                          ms(1600),
                                          ms(3200),
                                          ms(6400),
                                          ms(12800),
                                          ms(25600),
                                          ms(51200),
                                          ms(102400),
                                          std::chrono::seconds(120),
                                          std::chrono::seconds(120)};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("retry " << i + 1);
    const auto v = d.fail(ErrorCode::read_timeout);
    REQUIRE(v.action == Action::retry);
    CHECK(v.delay == expected[i]);
  }
  for (int i = 0; i < 2000; ++i) REQUIRE(d.fail(ErrorCode::read_timeout).delay == std::chrono::seconds(120));
}

TEST_CASE("backoff counts the errors since the last redirect; none without a factor") {
  Driver d(RetryState::from(Retry{.total = std::nullopt, .backoff_factor = 1.0}));
  CHECK(d.fail(ErrorCode::read_timeout).delay == ms(0));
  CHECK(d.fail(ErrorCode::read_timeout).delay == ms(2000));
  CHECK(d.fail(ErrorCode::connect_failed, false).delay == ms(4000));
  CHECK(d.redirect(302, "/b").delay == ms(0));            // Hip never sleeps for a redirect...
  CHECK(d.fail(ErrorCode::read_timeout).delay == ms(0));  // ...and it starts a new run of errors
  CHECK(d.fail(ErrorCode::read_timeout).delay == ms(2000));
  CHECK(d.respond(503, Headers{}).action == Action::deliver);  // not in status_forcelist: not a retry

  for (double factor : {0.0, -1.0, std::nan("")}) {
    Driver flat(RetryState::from(Retry{.total = std::nullopt, .backoff_factor = factor}));
    for (int i = 0; i < 5; ++i) CHECK(flat.fail(ErrorCode::read_timeout).delay == Duration::zero());
  }
}

TEST_CASE("reasons name the retry, the counter left and the backoff") {
  Driver d(RetryState::from(Retry{.total = 3, .read = 3, .backoff_factor = 0.2}));
  CHECK(d.fail(ErrorCode::read_timeout).reason == "read_timeout: retry 1 of 3 (read 2 left), backoff 0 s");
  CHECK(d.fail(ErrorCode::read_timeout).reason == "read_timeout: retry 2 of 3 (read 1 left), backoff 0.4 s");
  CHECK(d.fail(ErrorCode::connect_failed, false).reason == "connect_failed: retry 3 of 3, backoff 0.8 s");
  Driver unbounded(RetryState::from(Retry{.total = std::nullopt}));
  CHECK(unbounded.fail(ErrorCode::read_timeout).reason == "read_timeout: retry 1, backoff 0 s");
}

TEST_CASE("method_whitelist: read errors retry only whitelisted methods; connect errors any method") {
  struct Row {
    const char* method;
    Retry retry;
    ErrorCode code;
    bool request_sent;
    Action action;
  };
  const Row rows[] = {
      {"GET", Retry{}, ErrorCode::read_timeout, true, Action::retry},
      {"get", Retry{}, ErrorCode::read_timeout, true, Action::retry},  // Hip upper-cases the method
      {"PUT", Retry{}, ErrorCode::connection_reset, true, Action::retry},
      {"DELETE", Retry{}, ErrorCode::incomplete_body, true, Action::retry},
      {"POST", Retry{}, ErrorCode::read_timeout, true, Action::fail},
      {"PATCH", Retry{}, ErrorCode::connection_reset, true, Action::fail},
      {"POST", Retry{}, ErrorCode::tls_failed, true, Action::fail},
      {"POST", Retry{}, ErrorCode::connect_failed, false, Action::retry},
      {"POST", Retry{}, ErrorCode::connect_timeout, false, Action::retry},
      {"POST", Retry{}, ErrorCode::connection_closed, false, Action::retry},  // stale connection, nothing sent
      {"POST", Retry{}, ErrorCode::tls_failed, false, Action::retry},
      {"POST", Retry{.method_whitelist = {}}, ErrorCode::read_timeout, true, Action::retry},  // falsy: any verb
      {"POST", Retry{.method_whitelist = {"POST"}}, ErrorCode::read_timeout, true, Action::retry},
      {"GET", Retry{.method_whitelist = {"POST"}}, ErrorCode::read_timeout, true, Action::fail},
  };
  for (const auto& row : rows) {
    INFO(row.method << " " << to_string(row.code) << " sent=" << row.request_sent);
    Driver d(RetryState::from(row.retry));
    d.method = row.method;
    const auto v = d.fail(row.code, row.request_sent);
    CHECK(v.action == row.action);
    if (v.action == Action::fail) {
      // Not retryable: the original error surfaces as is, never wrapped in MaxRetryError.
      REQUIRE(v.error.has_value());
      CHECK(v.error->code == row.code);
      CHECK(v.error->cause == nullptr);
      CHECK(v.reason == std::string(row.method) + " is not in method_whitelist and its bytes were sent");
    }
  }
}

TEST_CASE("errors that are never retried surface as is") {
  for (ErrorCode code : {ErrorCode::pool_empty, ErrorCode::pool_closed, ErrorCode::decode_failed,
                         ErrorCode::invalid_url, ErrorCode::invalid_header_value, ErrorCode::body_source_failed}) {
    INFO(to_string(code));
    Driver d(RetryState::from(Retry::standard()));
    const auto v = d.fail(code);
    CHECK(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == code);
    CHECK(v.reason == std::string(to_string(code)) + " is never retried");
  }
}

TEST_CASE("a body that cannot be rewound is never resent") {
  Driver d(RetryState::from(Retry::standard()));
  d.method = "PUT";
  // Nothing was sent: the body was not consumed, so the retry is fine.
  CHECK(d.fail(ErrorCode::connect_failed, false, false).action == Action::retry);
  // Sent: retrying would need the body again.
  const auto v = d.fail(ErrorCode::connection_reset, true, false);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::unrewindable_body);
  REQUIRE(v.error->cause != nullptr);
  CHECK(v.error->cause->code == ErrorCode::connection_reset);
  CHECK(v.reason == "connection_reset: the request body cannot be rewound to retry");

  Driver status(RetryState::from(Retry{.status_forcelist = {503}}));
  status.method = "PUT";
  const auto s = status.respond(503, Headers{}, false);
  CHECK(s.action == Action::fail);
  REQUIRE(s.error.has_value());
  CHECK(s.error->code == ErrorCode::unrewindable_body);

  Driver redirect(RetryState::from(Retry::standard()));
  const auto r = redirect.redirect(307, "/b", false);
  CHECK(r.action == Action::fail);
  REQUIRE(r.error.has_value());
  CHECK(r.error->code == ErrorCode::unrewindable_body);
  // A 303 drops the body: the exchange says it is rewindable and the redirect is followed.
  Driver see_other(RetryState::from(Retry::standard()));
  CHECK(see_other.redirect(303, "/b", true).action == Action::retry);
}

TEST_CASE("status_forcelist: whitelisted methods retried, status counter, raise_on_status") {
  for (int status : {200, 404, 502}) {
    Driver d(RetryState::from(Retry{.total = 10, .status = 2, .status_forcelist = {500, 503}}));
    const auto v = d.respond(status);
    CHECK(v.action == Action::deliver);
    CHECK(v.reason.empty());  // a plain delivery explains nothing (and costs no text)
  }
  {
    Driver d(RetryState::from(Retry{.total = 10, .status = 2, .status_forcelist = {500, 503}}));
    auto v = d.respond(503);
    CHECK(v.action == Action::retry);
    CHECK(v.reason == "status 503 in status_forcelist: retry 1 of 10 (status 1 left), backoff 0 s");
    CHECK(d.respond(500).action == Action::retry);
    v = d.respond(503);
    CHECK(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == ErrorCode::max_retries);
    CHECK(v.error->detail == "max retries exceeded with url: http://example.com/a (too many 503 error responses)");
    CHECK(v.error->cause == nullptr);
    CHECK(v.reason == "status 503 in status_forcelist: status retries exhausted (status=2)");
  }
  {
    // raise_on_status=false: the last response is delivered instead of MaxRetryError.
    Driver d(RetryState::from(Retry{.total = 10, .status = 1, .status_forcelist = {503}, .raise_on_status = false}));
    CHECK(d.respond(503).action == Action::retry);
    const auto v = d.respond(503);
    CHECK(v.action == Action::deliver);
    CHECK_FALSE(v.error.has_value());
    CHECK(v.reason ==
          "status 503 in status_forcelist: status retries exhausted (status=1); raise_on_status is off, the last "
          "response is delivered");
  }
  {
    // POST is not in method_whitelist: a forced status is delivered, not retried.
    Driver d(RetryState::from(Retry{.status_forcelist = {503}}));
    d.method = "POST";
    const auto v = d.respond(503);
    CHECK(v.action == Action::deliver);
    CHECK(v.reason == "status 503 is in status_forcelist but POST is not in method_whitelist");
  }
  {
    // Status retries also use total.
    Driver d(RetryState::from(Retry{.total = 1, .status_forcelist = {502}}));
    CHECK(d.respond(502).action == Action::retry);
    CHECK(d.respond(502).action == Action::fail);
  }
}

TEST_CASE("Retry-After on 413, 429 and 503 is respected and replaces the backoff") {
  const Headers five{{"Retry-After", "5"}};
  struct Row {
    const char* what;
    Retry retry;
    int status;
    Headers headers;
    Action action;
    Duration delay;
  };
  const Row rows[] = {
      // Hip's is_retry: total and respect_retry_after_header and Retry-After and status in the set
      {"503 + Retry-After, no forcelist", Retry::standard(), 503, five, Action::retry, std::chrono::seconds(5)},
      {"429 + Retry-After", Retry::standard(), 429, five, Action::retry, std::chrono::seconds(5)},
      {"413 + Retry-After", Retry::standard(), 413, five, Action::retry, std::chrono::seconds(5)},
      {"503 without Retry-After", Retry::standard(), 503, Headers{}, Action::deliver, Duration::zero()},
      {"500 + Retry-After: not in the set", Retry::standard(), 500, five, Action::deliver, Duration::zero()},
      {"respect_retry_after_header off", Retry{.total = 3, .respect_retry_after_header = false}, 503, five,
       Action::deliver, Duration::zero()},
      {"total=0 disables the Retry-After path", Retry{.total = 0}, 503, five, Action::deliver, Duration::zero()},
      {"garbage Retry-After is ignored", Retry::standard(), 503, Headers{{"Retry-After", "soon"}}, Action::deliver,
       Duration::zero()},
      {"HTTP-date", Retry::standard(), 503, Headers{{"Retry-After", "Wed, 01 Jan 2025 00:00:30 GMT"}}, Action::retry,
       std::chrono::seconds(30)},
      {"RFC 850 date", Retry::standard(), 503, Headers{{"Retry-After", "Wednesday, 01-Jan-25 00:01:00 GMT"}},
       Action::retry, std::chrono::seconds(60)},
      {"asctime date", Retry::standard(), 429, Headers{{"Retry-After", "Wed Jan  1 00:00:09 2025"}}, Action::retry,
       std::chrono::seconds(9)},
      {"huge value capped", Retry::standard(), 503, Headers{{"Retry-After", "1000000000000"}}, Action::retry,
       policy::kRetryAfterMax},
      {"forced 503, Retry-After used", Retry{.status_forcelist = {503}}, 503, five, Action::retry,
       std::chrono::seconds(5)},
      {"forced 500: Retry-After only for 413/429/503, backoff used", Retry{.status_forcelist = {500}}, 500, five,
       Action::retry, Duration::zero()},
      {"Retry-After: 0 falls back on backoff (Hip)", Retry{.status_forcelist = {503}}, 503,
       Headers{{"Retry-After", "0"}}, Action::retry, Duration::zero()},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Driver d(RetryState::from(row.retry));
    const auto v = d.respond(row.status, row.headers);
    CHECK(v.action == row.action);
    CHECK(v.delay == row.delay);
  }

  Driver d(RetryState::from(Retry::standard()));
  CHECK(d.respond(503, five).reason == "status 503 with Retry-After: retry 1 of 3, Retry-After 5 s");
  // A past date means "now".
  Driver past(RetryState::from(Retry{.status_forcelist = {503}, .backoff_factor = 0.5}));
  CHECK(past.respond(503, Headers{{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}}).delay == Duration::zero());
  // A later retry of the same run: Retry-After beats the backoff, an absent one gives the backoff.
  CHECK(past.respond(503, five).delay == std::chrono::seconds(5));
  CHECK(past.respond(503).delay == std::chrono::seconds(2));  // 0.5 * 2^(3-1)
  // Hip treats "Retry-After: 0" as no Retry-After: the backoff applies.
  CHECK(past.respond(503, Headers{{"Retry-After", "0"}}).delay == std::chrono::seconds(4));
}

TEST_CASE("Retry(3, redirect=2): the third redirect raises MaxRetryError") {
  Driver d(RetryState::from(Retry{.total = 3, .redirect = 2}));
  CHECK(d.state.follows_redirects());
  auto v = d.redirect(302, "/redirect/2");
  CHECK(v.action == Action::retry);
  CHECK(v.delay == Duration::zero());
  CHECK(v.reason == "302 redirect to /redirect/2: retry 1 of 3 (redirect 1 left)");
  CHECK(d.redirect(302, "/redirect/1").action == Action::retry);
  v = d.redirect(302, "/get");
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::max_retries);
  CHECK(v.error->detail == "max retries exceeded with url: http://example.com/a (too many redirects)");
  CHECK(v.reason == "302 redirect to /get: too many redirects, redirect retries exhausted (redirect=2)");
  CHECK(d.state.redirects() == 2);
  CHECK(d.state.retries() == 0);
}

TEST_CASE("Retry(redirect=2, raise_on_redirect=False) returns the third 302") {
  Driver d(RetryState::from(Retry{.redirect = 2, .raise_on_redirect = false}));
  CHECK(d.redirect(302, "/2").action == Action::retry);
  CHECK(d.redirect(302, "/1").action == Action::retry);
  const auto v = d.redirect(302, "/0");
  CHECK(v.action == Action::deliver);
  CHECK_FALSE(v.error.has_value());
  // Hip's redirect=False is redirect=0, raise_on_redirect=False: the first 3xx is returned.
  Driver none(RetryState::from(Retry{.redirect = 0, .raise_on_redirect = false}));
  CHECK(none.redirect(301, "/x").action == Action::deliver);
}

TEST_CASE("Retry.DEFAULT follows 3 redirects and retries 3 times in all") {
  Driver d(RetryState::from(Retry::standard()));
  for (int i = 0; i < 3; ++i) REQUIRE(d.redirect(302, "/next").action == Action::retry);
  CHECK(d.redirect(302, "/next").action == Action::fail);

  // Redirects and retries share total.
  Driver mixed(RetryState::from(Retry::standard()));
  CHECK(mixed.redirect(301, "/b").action == Action::retry);
  CHECK(mixed.fail(ErrorCode::read_timeout).action == Action::retry);
  CHECK(mixed.respond(503, Headers{{"Retry-After", "1"}}).action == Action::retry);
  const auto v = mixed.fail(ErrorCode::connect_failed, false);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::max_retries);
  REQUIRE(v.error->cause != nullptr);
  CHECK(v.error->cause->code == ErrorCode::connect_failed);
}

TEST_CASE("retries=False: errors surface as is, redirects are returned, statuses delivered") {
  {
    Driver d(RetryState::from(Retry::disabled()));
    CHECK_FALSE(d.state.follows_redirects());
    const auto v = d.fail(ErrorCode::resolve_failed, false);  // Hip: NewConnectionError, not MaxRetryError
    CHECK(v.action == Action::fail);
    REQUIRE(v.error.has_value());
    CHECK(v.error->code == ErrorCode::resolve_failed);
    CHECK(v.reason == "retries are disabled: resolve_failed surfaces as is");
  }
  {
    Driver d(RetryState::from(Retry::disabled()));
    const auto v = d.redirect(302, "/get");  // r.status == 302
    CHECK(v.action == Action::deliver);
    CHECK_FALSE(v.error.has_value());
  }
  {
    Driver d(RetryState::from(Retry{.status_forcelist = {503}, .enabled = false}));
    CHECK(d.respond(503, Headers{{"Retry-After", "1"}}).action == Action::deliver);
  }
}

TEST_CASE("history records every counted attempt in order") {
  Driver d(RetryState::from(Retry{.total = 5, .status_forcelist = {503}}));
  REQUIRE(d.fail(ErrorCode::connect_failed, false).action == Action::retry);
  d.url = "http://example.com/b";
  REQUIRE(d.redirect(302, "/c").action == Action::retry);
  d.url = "http://example.com/c";
  REQUIRE(d.respond(503).action == Action::retry);
  REQUIRE(d.respond(200).action == Action::deliver);  // a plain delivery is not history

  const auto& h = d.state.history();
  REQUIRE(h.size() == 3);
  CHECK(h[0].method == "GET");
  CHECK(h[0].url == "http://example.com/a");
  REQUIRE(h[0].error.has_value());
  CHECK(h[0].error->code == ErrorCode::connect_failed);
  CHECK_FALSE(h[0].status.has_value());
  CHECK_FALSE(h[0].redirect_location.has_value());

  CHECK(h[1].url == "http://example.com/b");
  CHECK_FALSE(h[1].error.has_value());
  CHECK(h[1].status == 302);
  CHECK(h[1].redirect_location == "/c");

  CHECK(h[2].url == "http://example.com/c");
  CHECK(h[2].status == 503);
  CHECK_FALSE(h[2].redirect_location.has_value());

  // Hip's response.retries: the Retry after the request, with the same history and counters.
  const auto retry = d.state.retry();
  REQUIRE(retry.has_value());
  CHECK(retry->total == 2);
  CHECK(retry->history.size() == 3);
}

TEST_CASE("remove_headers_on_redirect is the policy's") {
  CHECK(RetryState::from(Retry{}).remove_headers_on_redirect() == std::vector<std::string>{"Authorization"});
  CHECK(
      RetryState::from(Retry{.remove_headers_on_redirect = {"Authorization", "Cookie"}}).remove_headers_on_redirect() ==
      std::vector<std::string>{"Authorization", "Cookie"});
}

TEST_CASE("misuse of RetryState is an invalid_state verdict") {
  Driver d(RetryState::from(Retry::standard()));
  auto v = d.state.on_error(Attempt{.method = "GET", .url = "u"});
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::invalid_state);

  const Error e = error_of(ErrorCode::read_timeout);
  v = d.state.on_response(Attempt{.method = "GET", .url = "u", .error = &e, .status = 200});
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::invalid_state);

  CHECK(d.respond(200).action == Action::deliver);
  CHECK(d.state.finished());
  v = d.fail(ErrorCode::read_timeout);
  CHECK(v.action == Action::fail);
  REQUIRE(v.error.has_value());
  CHECK(v.error->code == ErrorCode::invalid_state);
  CHECK(d.redirect(302, "/x").error->code == ErrorCode::invalid_state);
}

TEST_CASE("Retry::increment used directly, as Hip's increment()") {
  const Error read = error_of(ErrorCode::read_timeout);
  const Retry r{.total = 1};
  auto next = r.increment({.method = "GET", .url = "http://h/", .error = &read});
  REQUIRE(next);
  CHECK(next->total == 0);
  REQUIRE(next->history.size() == 1);
  CHECK(next->history[0].error->code == ErrorCode::read_timeout);
  auto last = next->increment({.method = "GET", .url = "http://h/", .error = &read});
  REQUIRE_FALSE(last);
  CHECK(last.error().code == ErrorCode::max_retries);
  // A POST read error: Hip re-raises the error itself.
  auto post = r.increment({.method = "POST", .url = "http://h/", .error = &read});
  REQUIRE_FALSE(post);
  CHECK(post.error().code == ErrorCode::read_timeout);
  // is_retry as Hip documents it.
  CHECK(Retry{.status_forcelist = {500}}.is_retry("GET", 500, false));
  CHECK_FALSE(Retry{.status_forcelist = {500}}.is_retry("POST", 500, false));
  CHECK(Retry{}.is_retry("GET", 503, true));
  CHECK_FALSE(Retry{}.is_retry("GET", 503, false));
  CHECK_FALSE(Retry{.total = std::nullopt}.is_retry("GET", 503, true));  // `self.total and ...`
  CHECK_FALSE(Retry::disabled().is_retry("GET", 503, true));
}
