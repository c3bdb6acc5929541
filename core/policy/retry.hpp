// Retry: Hip's retry configuration (hip.util.retry.Retry), as an immutable value.
//
// Theory of operation. A Retry holds counters of what may still be retried. Every time an attempt fails, or a
// response asks for a retry or a redirect, the exchange calls increment(), which returns a *new* Retry with
// the counters decremented and the event appended to history (the old one is untouched, so one Retry can be
// the default of a whole pool), or an Error that ends the request:
//
//   what happened                       counters decremented    refused (the error surfaces as is) when
//   ----------------------------------  ----------------------  -----------------------------------------
//   connect error (request never sent)  total, connect          never: nothing reached the server
//   read error (request may have been   total, read             the method is not in method_whitelist
//     processed)
//   other error (TLS failure)           total                   its bytes were sent and the method is not
//                                                                 in method_whitelist (Hip has no such rule)
//   status in status_forcelist, or      total, status           (is_retry() is asked first)
//     413/429/503 with Retry-After
//   redirect                            total, redirect         -
//
// A counter set to N allows N retries of its kind: the (N+1)-th makes it negative, and a Retry with any
// negative counter is exhausted, which turns into MaxRetryError (ErrorCode::max_retries) whose cause is the
// error of that last attempt (Hip's `reason`). std::nullopt (Hip's None) is no constraint; `total` takes
// precedence over the others because it is decremented on every increment. Errors that are not about the
// network at all (usage, pool, decode, policy errors) are never retried and surface unchanged.
//
// Backoff (get_backoff_time): no delay before the first retry of a run, then
//   backoff_factor * 2^(consecutive errors - 1)    capped at kBackoffMax,
// where "consecutive errors" counts history entries since the last redirect. backoff_factor 0.1 gives 0, 0.2,
// 0.4, 0.8, … 120 s. A Retry-After header on a 413, 429 or 503 replaces the backoff when
// respect_retry_after_header is set (sleep_time()).
//
// Differences from Hip, on purpose:
// - Hip's `False` for total (retries=False) is Retry::disabled() (enabled = false); its `False` for redirect
//   is `.redirect = 0, .raise_on_redirect = false`, which Hip's constructor makes of it anyway.
// - A Retry-After that does not parse is ignored (backoff applies), where Hip raises InvalidHeader. Huge values
//   are capped at kRetryAfterMax (retry_after.hpp).
// - Hip resends an unrewindable body (a generator it cannot seek) half-consumed; here increment() fails with
//   unrewindable_body (cause: the triggering error) whenever a retry or redirect needs the body again and the
//   exchange says it cannot be rewound.
// Pure value type: no I/O, no clock; copyable; not synchronised (share it by copying, or read-only).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::policy {

// One entry of Retry::history (Hip's RequestHistory): an attempt that increment() counted.
struct RequestHistory {
  std::string method;
  std::string url;                                 // absolute, without userinfo
  std::optional<Error> error{};                    // the failure, when the attempt got no response
  std::optional<int> status{};                     // the response status (status retries, redirects)
  std::optional<std::string> redirect_location{};  // the Location of a redirect, as received
};

// Which of Retry's counters an error draws on (Hip's _is_connection_error / _is_read_error).
enum class ErrorKind {
  connect,  // nothing was sent (refused, unresolvable, connect timeout): counts against connect; any method
  read,     // the request may have reached the server (reset, read/write timeout, malformed or cut-short
            // response): counts against read; only methods in method_whitelist
  other,    // TLS failures (Hip's SSLError): counts against total only
  fatal,    // never retried, surfaces as is: usage, pool (EmptyPoolError, ClosedPoolError), decode and policy
};

std::string_view to_string(ErrorKind kind) noexcept;

// Classifies `error`. `request_sent` says whether any request byte may have reached the server: a connection,
// timeout or protocol failure before that is a connect error whatever its code (a reused connection found
// closed before writing, say), because nothing can have been processed.
ErrorKind classify(const Error& error, bool request_sent) noexcept;

// What increment() is told about one attempt (the Hip-only subset of the exchange's Attempt).
struct RetryEvent {
  std::string_view method;
  std::string_view url;
  const Error* error = nullptr;  // set when the attempt failed without a response
  bool request_sent = true;      // some request byte may have reached the server
  bool body_rewindable = true;   // the body the next attempt needs can be sent again from its start
  int status = 0;                // the response status, when error == nullptr
  std::optional<std::string_view> redirect_location{};  // set when this response is a redirect to follow
};

struct Retry {
  std::optional<int> total = 10;  // Hip's constructor default; the pool default is standard() (3)
  std::optional<int> connect{};
  std::optional<int> read{};
  std::optional<int> redirect{};
  std::optional<int> status{};
  // Upper-case methods retried after read errors and on status codes; empty = every method (Hip's falsy
  // value). Compared ignoring ASCII case, as Hip upper-cases the method.
  std::vector<std::string> method_whitelist = default_method_whitelist();
  std::vector<int> status_forcelist{};
  double backoff_factor = 0.0;  // seconds; negative or NaN means 0
  bool raise_on_redirect = true;
  bool raise_on_status = true;
  std::vector<RequestHistory> history{};
  bool respect_retry_after_header = true;
  // Headers the exchange strips from a redirected request to another host (matched ignoring case).
  std::vector<std::string> remove_headers_on_redirect = {"Authorization"};
  // false = Hip's retries=False: errors surface as is (never wrapped in MaxRetryError), redirects are not
  // followed (the 3xx is returned) and no status is retried. Build it with disabled().
  bool enabled = true;

  static constexpr Duration kBackoffMax = std::chrono::seconds(120);             // Hip's BACKOFF_MAX
  static constexpr std::array<int, 3> kRetryAfterStatusCodes = {413, 429, 503};  // RETRY_AFTER_STATUS_CODES
  // Hip's DEFAULT_METHOD_WHITELIST, the idempotent methods of RFC 9110 §9.2.2:
  // DELETE GET HEAD OPTIONS PUT TRACE.
  static std::vector<std::string> default_method_whitelist();

  // Hip's Retry.DEFAULT = Retry(3): what a PoolManager uses when the request names no policy.
  static Retry standard() { return Retry{.total = 3}; }
  // Hip's retries=False.
  static Retry disabled() { return Retry{.total = 0, .redirect = 0, .raise_on_redirect = false, .enabled = false}; }

  // Whether any counter is below zero (Hip's is_exhausted; a disabled Retry is exhausted by any increment).
  bool is_exhausted() const noexcept;
  // Whether `method` may be retried after it was sent (method_whitelist, ignoring case; empty = any).
  bool is_method_retryable(std::string_view method) const noexcept;
  // Hip's is_retry: should a response with `status` be retried? True when the method is retryable and the
  // status is in status_forcelist, or when total allows retries (set and > 0), respect_retry_after_header is
  // set, `has_retry_after` and the status is 413, 429 or 503. Never for a disabled Retry.
  bool is_retry(std::string_view method, int status, bool has_retry_after) const noexcept;
  // Hip's get_backoff_time from history (see the top of this file); zero when backoff_factor <= 0.
  Duration backoff_time() const noexcept;
  // The Retry-After of `headers` when it should be honoured for `status`: respect_retry_after_header is set,
  // the status is 413/429/503 and the first Retry-After field parses (parse_retry_after; `unix_now` is the
  // wall clock in seconds, for HTTP-dates). std::nullopt otherwise.
  std::optional<Duration> retry_after(int status, const Headers& headers, std::int64_t unix_now) const;
  // Hip's sleep(): how long to wait before the retry this Retry was returned for. A positive honoured
  // Retry-After (above), else backoff_time(). Hip falls back to backoff for "Retry-After: 0" too.
  Duration sleep_time(int status, const Headers* headers, std::int64_t unix_now) const;

  // Hip's increment(): counts `event` and returns the Retry for the next attempt. Errors:
  //   the event's own error, unchanged, when it must not be retried: classify() says fatal, the Retry is
  //     disabled, or it is a read/other error of a sent request whose method is not retryable;
  //   max_retries (MaxRetryError) when the new Retry is exhausted; detail "max retries exceeded with url:
  //     <url>" plus, for responses, " (too many redirects)" or " (too many <status> error responses)"; cause:
  //     the event's error when it has one;
  //   unrewindable_body when the counters allow the retry but the request was sent (or a redirect is to be
  //     followed) and the body cannot be rewound; cause: the event's error when it has one.
  // On success the returned Retry's history ends with this event; `*this` is never modified.
  Result<Retry> increment(const RetryEvent& event) const;
};

}  // namespace hipp::policy
