// Test helper: drives a RetryState the way the exchange will, one attempt at a time.
#pragma once

#include <string>
#include <utility>

#include "core/policy/retry_state.hpp"

namespace hipp::policy::test {

// The error an attempt failed with (detail names the code, so messages are predictable).
inline Error error_of(ErrorCode code) { return make_error(code, "boom"); }

struct Driver {
  RetryState state;
  std::string method = "GET";
  std::string url = "http://example.com/a";
  std::int64_t unix_now = 1735689600;  // 2025-01-01T00:00:00Z
  double random = 0.5;

  explicit Driver(RetryState s) : state(std::move(s)) {}

  RetryVerdict fail(ErrorCode code, bool request_sent = true, bool body_rewindable = true) {
    const Error error = error_of(code);
    return state.on_error(Attempt{.method = method,
                                  .url = url,
                                  .error = &error,
                                  .request_sent = request_sent,
                                  .body_rewindable = body_rewindable,
                                  .unix_now = unix_now,
                                  .random = random});
  }

  RetryVerdict respond(int status, const Headers& headers = {}, bool body_rewindable = true) {
    return state.on_response(Attempt{.method = method,
                                     .url = url,
                                     .request_sent = true,
                                     .body_rewindable = body_rewindable,
                                     .status = status,
                                     .headers = &headers,
                                     .unix_now = unix_now,
                                     .random = random});
  }

  RetryVerdict redirect(int status, std::string_view location, bool body_rewindable = true) {
    const Headers headers{{"Location", location}};
    return state.on_redirect(Attempt{.method = method,
                                     .url = url,
                                     .request_sent = true,
                                     .body_rewindable = body_rewindable,
                                     .status = status,
                                     .headers = &headers,
                                     .unix_now = unix_now,
                                     .random = random});
  }
};

}  // namespace hipp::policy::test
