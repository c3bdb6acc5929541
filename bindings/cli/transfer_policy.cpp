#include "bindings/cli/transfer_policy.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/auth/basic_auth.hpp"
#include "core/auth/bearer_auth.hpp"
#include "core/auth/digest_auth.hpp"

namespace hipp::cli {

namespace {

constexpr double kDefaultFirstWait = 1.0;   // curl: the first retry waits 1 s, then doubles
constexpr double kDefaultMaxWait = 600.0;   // up to 10 minutes

bool fixed_delay(const CliOptions& o) { return o.retry_delay && *o.retry_delay > 0; }

Duration to_duration(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace

int retries_within_max_time(const CliOptions& o) {
  if (!o.retry_max_time || *o.retry_max_time <= 0) return o.retry;
  int allowed = 0;
  double waited = 0;
  double next = fixed_delay(o) ? *o.retry_delay : kDefaultFirstWait;
  // The k-th retry (0-based) starts after the waits of the k retries before it and its own.
  while (allowed < o.retry && waited < *o.retry_max_time) {
    ++allowed;
    waited += next;
    if (!fixed_delay(o)) next = std::min(next * 2, kDefaultMaxWait);
  }
  return allowed;
}

policy::RetryPolicy retry_policy(const CliOptions& o) {
  policy::RetryPolicy p;
  p.max_retries = retries_within_max_time(o);
  p.retry_categories = {policy::RetryCategory::transient, policy::RetryCategory::timeout,
                        policy::RetryCategory::server, policy::RetryCategory::connection};
  p.status_force_list = {408, 429, 500, 502, 503, 504};
  if (fixed_delay(o)) {
    const Duration d = to_duration(*o.retry_delay);
    p.backoff_strategy = policy::ExponentialBackoff{.base = d, .factor = 1.0, .max_backoff = d, .jitter = false};
    p.respect_retry_after = false;
  } else {
    p.backoff_strategy = policy::ExponentialBackoff{.base = to_duration(kDefaultFirstWait),
                                                    .factor = 2.0,
                                                    .max_backoff = to_duration(kDefaultMaxWait),
                                                    .jitter = false};
    p.respect_retry_after = true;
  }
  p.retry_non_idempotent = true;
  p.follow_redirects = o.location;
  p.max_redirects = o.max_redirs < 0 ? std::numeric_limits<int>::max() : o.max_redirs;
  return p;
}

Result<std::shared_ptr<auth::Auth>> transfer_auth(const CliOptions& o) {
  if (o.oauth2_bearer) {
    auto bearer = auth::BearerAuth::create(*o.oauth2_bearer);
    if (!bearer) return Unexpected{std::move(bearer).error()};
    return std::shared_ptr<auth::Auth>(std::make_shared<auth::BearerAuth>(std::move(*bearer)));
  }
  if (!o.user) return std::shared_ptr<auth::Auth>{};
  const auto colon = o.user->find(':');
  const std::string user = o.user->substr(0, colon);
  const std::string password = colon == std::string::npos ? std::string{} : o.user->substr(colon + 1);
  if (o.digest) return std::shared_ptr<auth::Auth>(std::make_shared<auth::DigestAuth>(user, password));
  return std::shared_ptr<auth::Auth>(std::make_shared<auth::BasicAuth>(user, password));
}

}  // namespace hipp::cli
