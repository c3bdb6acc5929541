// RetryPolicy: hyperhttp's retry configuration (hyperhttp.errors.retry.RetryPolicy).
//
// Theory of operation. hyperhttp classifies every failure into a category and retries it when the category
// is listed in retry_categories and fewer than max_retries retries have been made. A response is retried
// when its status is in status_force_list and the status's category is listed too; the wait is the server's
// Retry-After when respect_retry_after is set and the header parses, else the backoff strategy's delay.
// What surfaces when it stops:
//   - no retry was made: the ORIGINAL error, unchanged (ReadTimeout, ConnectError…), never wrapped;
//   - at least one retry was made: retry_exhausted (RetryError) whose cause is the last original error;
//   - a response: the last response is delivered (a status is not an exception; raise_for_status is the
//     caller's).
// hipp adds one rule hyperhttp lacks: only idempotent methods (RFC 9110 §9.2.2) are retried once their bytes
// may have reached the server, unless retry_non_idempotent is set; a failure before any byte was sent is
// retried for every method. A body that cannot be rewound is never resent.
// Redirects are not retries in hyperhttp: they are off unless follow_redirects (hyperhttp's Client
// default), capped by max_redirects, and carried here so one RetryState decides both.
// Pure value type: no I/O, no clock, copyable, not synchronised.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/policy/backoff.hpp"

namespace hipp::policy {

// hyperhttp's retryable error categories (its ErrorClassifier has more: PROTOCOL, TLS, DNS, CLIENT and FATAL,
// which hyperhttp's default never retries; they have no value here and are never retried).
enum class RetryCategory {
  transient,   // a glitch likely gone on the next try: reset, closed connection; statuses 429 and 503
  timeout,     // connect, read, write, pool and total timeouts; statuses 408 and 504
  server,      // other 5xx statuses
  connection,  // the connection could not be made: refused, unreachable, unresolvable (hyperhttp's DNS)
};

std::string_view to_string(RetryCategory category) noexcept;

// The category of a failure, as hyperhttp's ErrorClassifier maps its exceptions:
//   connection_reset, connection_closed → transient (ReadError, WriteError, ConnectionResetError)
//   connect_timeout, read_timeout, write_timeout, pool_timeout, pool_empty, total_timeout → timeout
//     (hyperhttp's PoolTimeout is a timeout too)
//   connect_failed, resolve_failed → connection (ConnectError; DNSError folds in here)
//   everything else (protocol, TLS, decode, usage, policy errors, pool_closed) → std::nullopt: not retryable
std::optional<RetryCategory> retry_category(const Error& error) noexcept;

// The category of a response status (hyperhttp's categorize_status): 408 → timeout, 429 → transient, other
// 4xx → std::nullopt (CLIENT, never retried), 503 → transient, 504 → timeout, other 5xx → server, anything
// else → transient.
std::optional<RetryCategory> retry_category(int status) noexcept;

struct RetryPolicy {
  int max_retries = 3;
  std::vector<RetryCategory> retry_categories = {RetryCategory::transient, RetryCategory::timeout,
                                                 RetryCategory::server};
  std::vector<int> status_force_list = {429, 500, 502, 503, 504};
  BackoffStrategy backoff_strategy = ExponentialBackoff{};
  bool respect_retry_after = true;
  // hipp's addition: also retry non-idempotent methods (POST, PATCH…) after their bytes were sent.
  bool retry_non_idempotent = false;
  // hyperhttp's Client(follow_redirects=False, max_redirects=20).
  bool follow_redirects = false;
  int max_redirects = 20;

  // hyperhttp's retry=False: no retries; the first failure surfaces as is.
  static RetryPolicy disabled() { return RetryPolicy{.max_retries = 0}; }

  // Whether `category` is listed in retry_categories.
  bool retries(RetryCategory category) const noexcept;
  // Whether a response with `status` is retried (status_force_list and its category), ignoring counts.
  bool retries_status(int status) const noexcept;
};

}  // namespace hipp::policy
