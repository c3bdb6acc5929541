// What the CLI's curl flags mean for one transfer: the retry/redirect policy and the auth.
//
// The retry flags map onto hyperhttp's RetryPolicy rather than Hip's Retry because only RetryPolicy's
// ExponentialBackoff expresses curl's waits exactly: Hip's backoff never waits before the first retry.
//   --retry N          max_retries = N; statuses 408, 429, 500, 502, 503, 504 (curl's transient set);
//                      timeouts and connection failures (refused, unresolvable) are retried too. Resets and
//                      empty replies are also retried: RetryPolicy's transient category, which 429 and 503
//                      need, includes them (curl needs --retry-all-errors for those).
//                      Every method is retried (retry_non_idempotent), as curl reruns the whole transfer.
//   (no --retry-delay) ExponentialBackoff{base 1 s, factor 2, max 600 s, no jitter}: 1, 2, 4 … 600 s, and
//                      a Retry-After on 429/503 replaces the wait (curl >= 7.66).
//   --retry-delay S    ExponentialBackoff{base S, factor 1, max S, no jitter}: exactly S before every retry;
//                      Retry-After is then ignored, as in curl. S = 0 means the default above (curl).
//   --retry-max-time T curl makes another retry only while the time since the first attempt is below T.
//                      The exchange has no budget across attempts (Timeout::total caps one attempt, which
//                      is -m), so the CLI caps N instead: the k-th retry is allowed while the waits before
//                      it add up to less than T. Transfer time is not counted, so with slow transfers hipp
//                      can retry later than curl would. T = 0 means no limit.
//   -L, --max-redirs M follow_redirects; max_redirects = M (-1: unlimited). Without -L a 3xx is delivered.
// Pure functions of the options; no I/O.
#pragma once

#include <memory>

#include "bindings/cli/cli_options.hpp"
#include "core/auth/auth.hpp"
#include "core/policy/retry_policy.hpp"
#include "core/result.hpp"

namespace hipp::cli {

// The retry and redirect policy for `o` (see the top of this file).
policy::RetryPolicy retry_policy(const CliOptions& o);

// How many of `o.retry` retries --retry-max-time leaves (o.retry itself without it).
int retries_within_max_time(const CliOptions& o);

// The auth for `o`: --oauth2-bearer (BearerAuth), -u user:pass (BasicAuth, DigestAuth with --digest; a -u
// without ':' has an empty password, where curl would prompt for one); null for none. --oauth2-bearer wins
// over -u, as in curl. Errors: invalid_credentials for a token that is not an RFC 6750 b64token.
Result<std::shared_ptr<auth::Auth>> transfer_auth(const CliOptions& o);

}  // namespace hipp::cli
