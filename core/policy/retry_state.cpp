#include "core/policy/retry_state.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "core/message/method.hpp"
#include "core/policy/retry_after.hpp"

namespace hipp::policy {

namespace {

using Action = RetryVerdict::Action;

// "0.4 s", "120 s", "0.123 s": seconds rounded to the millisecond.
std::string format_seconds(Duration d) {
  const double s = std::round(std::chrono::duration<double, std::milli>(d).count()) / 1000.0;
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s);
  std::string out = ec == std::errc{} ? std::string(buf, end) : std::string("?");
  out += " s";
  return out;
}

std::string counter_text(std::string_view name, const std::optional<int>& value) {
  std::string out(name);
  out += '=';
  out += value ? std::to_string(*value) : std::string("None");
  return out;
}

// "retry 2 of 3" (Hip: the n-th use of total; unbounded total: "retry 2").
std::string retry_ordinal(int n, const std::optional<int>& limit) {
  std::string out = "retry " + std::to_string(n);
  if (limit) out += " of " + std::to_string(*limit);
  return out;
}

std::optional<std::string_view> location_of(const Attempt& a) {
  if (a.headers == nullptr) return std::nullopt;
  return a.headers->get("Location");
}

// Which Hip counter ran out: the event's own one if it is at zero or below, else total.
std::string exhausted_counter(const Retry& current, const Retry& initial, const std::optional<int> Retry::*own,
                              std::string_view own_name) {
  if (own != nullptr && current.*own && *(current.*own) <= 0) {
    return std::string(own_name) + " retries exhausted (" + counter_text(own_name, initial.*own) + ")";
  }
  return "total retries exhausted (" + counter_text("total", initial.total) + ")";
}

Error misuse_error(std::string detail) { return make_error(ErrorCode::invalid_state, std::move(detail)); }

}  // namespace

std::string_view to_string(RetryVerdict::Action action) noexcept {
  switch (action) {
    case Action::retry:
      return "retry";
    case Action::deliver:
      return "deliver";
    case Action::fail:
      return "fail";
  }
  return "fail";
}

RetryState RetryState::from(Retry retry) { return from(std::make_shared<const Retry>(std::move(retry))); }

RetryState RetryState::from(std::shared_ptr<const Retry> retry) {
  auto current = retry;
  return RetryState(Hip{std::move(retry), std::move(current)});
}

RetryState RetryState::from(RetryPolicy policy) { return RetryState(Hyper{std::move(policy), {}, {"Authorization"}}); }

bool RetryState::follows_redirects() const {
  if (const auto* hip = std::get_if<Hip>(&policy_)) return hip->current->enabled;
  return std::get<Hyper>(policy_).policy.follow_redirects;
}

const std::vector<std::string>& RetryState::remove_headers_on_redirect() const {
  if (const auto* hip = std::get_if<Hip>(&policy_)) return hip->current->remove_headers_on_redirect;
  return std::get<Hyper>(policy_).strip_on_redirect;
}

std::optional<Retry> RetryState::retry() const {
  if (const auto* hip = std::get_if<Hip>(&policy_)) return *hip->current;
  return std::nullopt;
}

void RetryState::record(const Attempt& a, std::optional<std::string_view> location) {
  history_.push_back(RequestHistory{
      .method = std::string(a.method),
      .url = std::string(a.url),
      .error = a.error != nullptr ? std::optional<Error>(*a.error) : std::nullopt,
      .status = a.error == nullptr ? std::optional<int>(a.status) : std::nullopt,
      .redirect_location = location ? std::optional<std::string>(*location) : std::nullopt,
  });
}

RetryVerdict RetryState::finish(RetryVerdict verdict) {
  if (verdict.action != Action::retry) finished_ = true;
  return verdict;
}

RetryVerdict RetryState::misuse(std::string detail) {
  RetryVerdict v{.action = Action::fail, .reason = "misuse: " + detail};
  v.error = misuse_error(std::move(detail));
  return v;
}

RetryVerdict RetryState::on_error(const Attempt& a) {
  if (finished_) return misuse("on_error after the request was finished");
  if (a.error == nullptr) return misuse("on_error needs Attempt::error");
  record(a, std::nullopt);
  if (auto* hip = std::get_if<Hip>(&policy_)) return finish(hip_error(*hip, a));
  return finish(hyper_error(std::get<Hyper>(policy_), a));
}

RetryVerdict RetryState::on_response(const Attempt& a) {
  if (finished_) return misuse("on_response after the request was finished");
  if (a.error != nullptr) return misuse("on_response with Attempt::error set (use on_error)");
  if (auto* hip = std::get_if<Hip>(&policy_)) return finish(hip_response(*hip, a));
  return finish(hyper_response(std::get<Hyper>(policy_), a));
}

RetryVerdict RetryState::on_redirect(const Attempt& a) {
  if (finished_) return misuse("on_redirect after the request was finished");
  if (a.error != nullptr) return misuse("on_redirect with Attempt::error set (use on_error)");
  record(a, location_of(a).value_or(std::string_view()));
  if (auto* hip = std::get_if<Hip>(&policy_)) return finish(hip_redirect(*hip, a));
  return finish(hyper_redirect(std::get<Hyper>(policy_), a));
}

// --- Hip ---------------------------------------------------------------------------------------------------

RetryVerdict RetryState::hip_error(Hip& hip, const Attempt& a) {
  const Error& error = *a.error;
  const std::string code(to_string(error.code));
  const ErrorKind kind = classify(error, a.request_sent);
  if (!hip.current->enabled) {
    return {.action = Action::fail, .reason = "retries are disabled: " + code + " surfaces as is", .error = error};
  }
  if (kind == ErrorKind::fatal) {
    return {.action = Action::fail, .reason = code + " is never retried", .error = error};
  }
  if (kind != ErrorKind::connect && a.request_sent && !hip.current->is_method_retryable(a.method)) {
    return {.action = Action::fail,
            .reason = std::string(a.method) + " is not in method_whitelist and its bytes were sent",
            .error = error};
  }

  const std::optional<int> Retry::*own = kind == ErrorKind::connect ? &Retry::connect
                                         : kind == ErrorKind::read  ? &Retry::read
                                                                    : nullptr;
  const std::string_view own_name = kind == ErrorKind::connect ? "connect" : "read";
  auto next = hip.current->increment(RetryEvent{.method = a.method,
                                               .url = a.url,
                                               .error = &error,
                                               .request_sent = a.request_sent,
                                               .body_rewindable = a.body_rewindable});
  if (!next) {
    std::string reason = next.error().code == ErrorCode::unrewindable_body
                             ? code + ": the request body cannot be rewound to retry"
                             : code + ": " + exhausted_counter(*hip.current, *hip.initial, own, own_name);
    return {.action = Action::fail, .reason = std::move(reason), .error = std::move(next).error()};
  }
  hip.current = std::make_shared<const Retry>(std::move(*next));
  ++retries_;
  const Duration delay = hip.current->backoff_time();
  std::string reason = code + ": " + retry_ordinal(static_cast<int>(hip.current->history.size()), hip.initial->total);
  if (own != nullptr && (*hip.current).*own) {
    reason += " (" + std::string(own_name) + " " + std::to_string(*((*hip.current).*own)) + " left)";
  }
  reason += ", backoff " + format_seconds(delay);
  return {.action = Action::retry, .delay = delay, .reason = std::move(reason)};
}

RetryVerdict RetryState::hip_response(Hip& hip, const Attempt& a) {
  const Retry& retry = *hip.current;
  // The common case, checked before any text is built: a status no rule could retry is simply delivered.
  const bool retry_after_status =
      std::find(Retry::kRetryAfterStatusCodes.begin(), Retry::kRetryAfterStatusCodes.end(), a.status) !=
      Retry::kRetryAfterStatusCodes.end();
  if (!retry_after_status && std::find(retry.status_forcelist.begin(), retry.status_forcelist.end(), a.status) ==
                                 retry.status_forcelist.end()) {
    return {.action = Action::deliver};
  }
  const std::string status = "status " + std::to_string(a.status);
  if (!retry.enabled) return {.action = Action::deliver, .reason = status + ": retries are disabled"};
  const auto retry_after =
      a.headers != nullptr ? retry.retry_after(a.status, *a.headers, a.unix_now) : std::optional<Duration>();
  const bool forced =
      std::find(retry.status_forcelist.begin(), retry.status_forcelist.end(), a.status) != retry.status_forcelist.end();
  if (!retry.is_retry(a.method, a.status, retry_after.has_value())) {
    if (forced) {
      return {
          .action = Action::deliver,
          .reason = status + " is in status_forcelist but " + std::string(a.method) + " is not in method_whitelist"};
    }
    return {.action = Action::deliver, .reason = status + " is not retried"};
  }

  record(a, std::nullopt);
  const std::string why = forced ? status + " in status_forcelist" : status + " with Retry-After";
  auto next = retry.increment(RetryEvent{.method = a.method,
                                         .url = a.url,
                                         .request_sent = a.request_sent,
                                         .body_rewindable = a.body_rewindable,
                                         .status = a.status});
  if (!next) {
    if (next.error().code == ErrorCode::unrewindable_body) {
      return {.action = Action::fail,
              .reason = why + ": the request body cannot be rewound to retry",
              .error = std::move(next).error()};
    }
    const std::string exhausted = exhausted_counter(retry, *hip.initial, &Retry::status, "status");
    if (retry.raise_on_status) {
      return {.action = Action::fail, .reason = why + ": " + exhausted, .error = std::move(next).error()};
    }
    return {.action = Action::deliver,
            .reason = why + ": " + exhausted + "; raise_on_status is off, the last response is delivered"};
  }
  hip.current = std::make_shared<const Retry>(std::move(*next));
  ++retries_;
  const Duration delay = hip.current->sleep_time(a.status, a.headers, a.unix_now);
  std::string reason = why + ": " + retry_ordinal(static_cast<int>(hip.current->history.size()), hip.initial->total);
  if (hip.current->status) reason += " (status " + std::to_string(*hip.current->status) + " left)";
  const bool used_retry_after = retry_after && *retry_after > Duration::zero();
  reason += (used_retry_after ? ", Retry-After " : ", backoff ") + format_seconds(delay);
  return {.action = Action::retry, .delay = delay, .reason = std::move(reason)};
}

RetryVerdict RetryState::hip_redirect(Hip& hip, const Attempt& a) {
  const Retry& retry = *hip.current;
  const std::string_view location = location_of(a).value_or(std::string_view());
  const std::string what = std::to_string(a.status) + " redirect to " + std::string(location);
  if (!retry.enabled)
    return {.action = Action::deliver, .reason = what + ": retries are disabled, the 3xx is returned"};
  auto next = retry.increment(RetryEvent{.method = a.method,
                                         .url = a.url,
                                         .request_sent = a.request_sent,
                                         .body_rewindable = a.body_rewindable,
                                         .status = a.status,
                                         .redirect_location = location});
  if (!next) {
    if (next.error().code == ErrorCode::unrewindable_body) {
      return {.action = Action::fail,
              .reason = what + ": the request body cannot be rewound to follow it",
              .error = std::move(next).error()};
    }
    const std::string exhausted =
        "too many redirects, " + exhausted_counter(retry, *hip.initial, &Retry::redirect, "redirect");
    if (retry.raise_on_redirect) {
      return {.action = Action::fail, .reason = what + ": " + exhausted, .error = std::move(next).error()};
    }
    return {.action = Action::deliver,
            .reason = what + ": " + exhausted + "; raise_on_redirect is off, the 3xx is delivered"};
  }
  hip.current = std::make_shared<const Retry>(std::move(*next));
  ++redirects_;
  std::string reason = what + ": " + retry_ordinal(static_cast<int>(hip.current->history.size()), hip.initial->total);
  if (hip.current->redirect) reason += " (redirect " + std::to_string(*hip.current->redirect) + " left)";
  return {.action = Action::retry, .delay = Duration::zero(), .reason = std::move(reason)};
}

// --- hyperhttp ---------------------------------------------------------------------------------------------

RetryVerdict RetryState::hyper_error(Hyper& hyper, const Attempt& a) {
  const RetryPolicy& policy = hyper.policy;
  const Error& error = *a.error;
  const std::string code(to_string(error.code));
  const auto category = retry_category(error);

  std::string refusal;
  if (retries_ >= policy.max_retries) {
    refusal = policy.max_retries <= 0
                  ? code + ": retries are disabled (max_retries=0)"
                  : code + ": retries exhausted (max_retries=" + std::to_string(policy.max_retries) + ")";
  } else if (!category) {
    refusal = code + " is not retryable (no retry category)";
  } else if (!policy.retries(*category)) {
    refusal = code + " is in category " + std::string(to_string(*category)) + ", not in retry_categories";
  } else if (a.request_sent && !policy.retry_non_idempotent && !method::is_idempotent(a.method)) {
    refusal = std::string(a.method) + " is not idempotent and its bytes were sent";
  } else if (a.request_sent && !a.body_rewindable) {
    refusal = code + ": the request body cannot be rewound to retry";
  }
  if (!refusal.empty()) {
    if (retries_ == 0)
      return {.action = Action::fail, .reason = refusal + "; the original error surfaces", .error = error};
    std::string detail = "request failed after " + std::to_string(retries_) + (retries_ == 1 ? " retry" : " retries");
    return {
        .action = Action::fail,
        .reason = refusal + "; RetryError after " + std::to_string(retries_) + (retries_ == 1 ? " retry" : " retries"),
        .error = make_error(ErrorCode::retry_exhausted, std::move(detail), error)};
  }

  const Duration delay = backoff_delay(policy.backoff_strategy, retries_, hyper.previous_delay, a.random);
  hyper.previous_delay = delay;
  ++retries_;
  return {.action = Action::retry,
          .delay = delay,
          .reason = code + " (" + std::string(to_string(*category)) + "): retry " + std::to_string(retries_) + " of " +
                    std::to_string(policy.max_retries) + ", backoff " + format_seconds(delay)};
}

RetryVerdict RetryState::hyper_response(Hyper& hyper, const Attempt& a) {
  const RetryPolicy& policy = hyper.policy;
  const auto& list = policy.status_force_list;
  if (std::find(list.begin(), list.end(), a.status) == list.end()) {
    return {.action = Action::deliver};  // not in status_force_list: a plain delivery, nothing to explain
  }
  const std::string status = "status " + std::to_string(a.status);
  const auto category = retry_category(a.status);
  if (!category || !policy.retries(*category)) {
    return {.action = Action::deliver,
            .reason = status + " is in status_force_list but its category " +
                      (category ? std::string(to_string(*category)) : std::string("client")) +
                      " is not in retry_categories"};
  }
  if (!policy.retry_non_idempotent && !method::is_idempotent(a.method)) {
    return {.action = Action::deliver, .reason = status + ": " + std::string(a.method) + " is not idempotent"};
  }
  record(a, std::nullopt);
  if (retries_ >= policy.max_retries) {
    return {.action = Action::deliver,
            .reason = status + ": retries exhausted (max_retries=" + std::to_string(policy.max_retries) +
                      "), the last response is delivered"};
  }
  if (!a.body_rewindable) {
    return {.action = Action::deliver,
            .reason = status + ": the request body cannot be rewound to retry, the response is delivered"};
  }

  std::optional<Duration> retry_after;
  if (policy.respect_retry_after && a.headers != nullptr) {
    if (const auto value = a.headers->get("Retry-After")) retry_after = parse_retry_after(*value, a.unix_now);
  }
  Duration delay{};
  if (retry_after) {
    delay = *retry_after;  // hyperhttp uses the server's value as is (zero included) and keeps its backoff state
  } else {
    delay = backoff_delay(policy.backoff_strategy, retries_, hyper.previous_delay, a.random);
    hyper.previous_delay = delay;
  }
  ++retries_;
  return {.action = Action::retry,
          .delay = delay,
          .reason = status + " in status_force_list (" + std::string(to_string(*category)) + "): retry " +
                    std::to_string(retries_) + " of " + std::to_string(policy.max_retries) +
                    (retry_after ? ", Retry-After " : ", backoff ") + format_seconds(delay)};
}

RetryVerdict RetryState::hyper_redirect(Hyper& hyper, const Attempt& a) {
  const RetryPolicy& policy = hyper.policy;
  const std::string_view location = location_of(a).value_or(std::string_view());
  const std::string what = std::to_string(a.status) + " redirect to " + std::string(location);
  if (!policy.follow_redirects) {
    return {.action = Action::deliver, .reason = what + ": follow_redirects is off, the 3xx is delivered"};
  }
  if (redirects_ >= policy.max_redirects) {
    std::string detail = "too many redirects (max_redirects=" + std::to_string(policy.max_redirects) +
                         ") with url: " + std::string(a.url);
    return {.action = Action::fail,
            .reason = what + ": too many redirects (max_redirects=" + std::to_string(policy.max_redirects) + ")",
            .error = make_error(ErrorCode::max_retries, std::move(detail))};
  }
  if (!a.body_rewindable) {
    return {.action = Action::fail,
            .reason = what + ": the request body cannot be rewound to follow it",
            .error = make_error(ErrorCode::unrewindable_body, "cannot rewind the request body to follow the redirect")};
  }
  ++redirects_;
  return {.action = Action::retry,
          .delay = Duration::zero(),
          .reason = what + ": redirect " + std::to_string(redirects_) + " of " + std::to_string(policy.max_redirects)};
}

}  // namespace hipp::policy
