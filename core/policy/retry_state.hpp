// RetryState: the retry and redirect decisions of one logical request, across its attempts.
//
// Theory of operation. The exchange (core/exchange) owns one RetryState per request, built from either
// policy: Hip's Retry (a value that increment() replaces, see retry.hpp) or hyperhttp's RetryPolicy (see
// retry_policy.hpp). After every attempt it reports what happened, exactly once, through one of:
//   on_error(a)     the attempt failed without a final response (a.error is set);
//   on_response(a)  a final response that is not a redirect to follow (a.status, a.headers);
//   on_redirect(a)  a redirect response the exchange is about to follow (a.status, a.headers' Location);
// and gets a RetryVerdict:
//   retry    wait `delay` (zero or more), then make the next attempt (for on_redirect: to the new location,
//            with remove_headers_on_redirect() stripped when it changes host);
//   deliver  the request is over: hand the response of this attempt to the user (on_response: a response
//            that is not retried, or the last one when retries ran out and raise_on_status is off; on_redirect:
//            the 3xx itself, not followed);
//   fail     the request is over: `error` is the Error to surface.
// `reason` always says why, in one line, for logs and traces. After deliver or fail the state is finished:
// every later call is misuse and fails with invalid_state.
//
// What each policy surfaces on fail:
//   Retry        MaxRetryError (max_retries; cause: the error of the last attempt, none for statuses and
//                redirects) once a counter is exhausted; the original error as is when it is never retried
//                (fatal kinds, a read error of a method not in method_whitelist, retries disabled);
//                unrewindable_body (cause: the original) when a retry would need a body that cannot be
//                rewound.
//   RetryPolicy  the original error as is when no retry was made yet; RetryError (retry_exhausted; cause: the
//                last original error) once at least one retry was made; max_retries ("too many redirects")
//                past max_redirects; unrewindable_body when a redirect needs a body that cannot be rewound.
//                Responses are never failed: exhausted status retries deliver the last response.
//
// Time and randomness come in through the Attempt (unix_now for HTTP-date Retry-After, random for jitter);
// delays are relative, and the exchange turns them into a WaitUntil(now + delay). Pure value type: no I/O,
// no clock; copyable; not synchronised (one request is driven by one caller at a time).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "core/message/headers.hpp"
#include "core/policy/retry.hpp"
#include "core/policy/retry_policy.hpp"
#include "core/time.hpp"

namespace hipp::policy {

// What the exchange reports about one attempt. Views and pointers are read during the call only.
struct Attempt {
  std::string_view method;
  std::string_view url;              // absolute URL of this attempt, no userinfo
  const Error* error = nullptr;      // set when the attempt failed without a final response
  bool request_sent = false;         // some request byte may have reached the server
  bool body_rewindable = true;       // the body could be sent again from the start (true when there is no
                                     // body, or when the redirect being followed drops it, as a 303 does)
  int status = 0;                    // final response status when error == nullptr
  const Headers* headers = nullptr;  // its headers (Retry-After, Location)
  std::int64_t unix_now = 0;         // wall-clock seconds, for HTTP-date Retry-After
  double random = 0.0;               // uniform in [0,1), for jitter
};

struct RetryVerdict {
  enum class Action { retry, deliver, fail };
  Action action = Action::deliver;
  Duration delay{};              // wait before the next attempt (action == retry), in [0, max(kBackoffMax,
                                 // kRetryAfterMax, the strategy's max_backoff)]
  std::string reason{};          // one line explaining the decision; empty only for a plain delivery (a
                                 // status no rule of the policy could retry), so the common path builds no text
  std::optional<Error> error{};  // action == fail: MaxRetryError (max_retries), RetryError
                                 // (retry_exhausted), unrewindable_body, invalid_state, or the original error
};

std::string_view to_string(RetryVerdict::Action action) noexcept;

class RetryState {
 public:
  static RetryState from(Retry retry);         // Hip
  static RetryState from(std::shared_ptr<const Retry> retry);  // Hip, sharing a client's default
  static RetryState from(RetryPolicy policy);  // hyperhttp

  // The attempt failed without a response. Errors (in the verdict): invalid_state when a.error is null or
  // the state is finished.
  RetryVerdict on_error(const Attempt& a);
  // A final non-redirect response: retry on its status? Errors: invalid_state when a.error is set or the
  // state is finished.
  RetryVerdict on_response(const Attempt& a);
  // A redirect about to be followed. Counts against redirect and total (Hip) or max_redirects (hyperhttp);
  // deliver = do not follow, return the 3xx (raise_on_redirect = false, retries disabled, or hyperhttp's
  // follow_redirects off); fail = MaxRetryError "too many redirects". Errors: as on_response.
  RetryVerdict on_redirect(const Attempt& a);

  // Whether redirects are followed at all. When false the exchange may deliver a 3xx without asking
  // on_redirect (which would answer deliver). Hip: unless retries are disabled; hyperhttp: follow_redirects.
  bool follows_redirects() const;
  // Whether verdicts use Attempt::random (hyperhttp's jittered backoffs; Hip's backoff has no jitter),
  // so a caller may skip drawing one.
  bool needs_random() const noexcept { return std::holds_alternative<Hyper>(policy_); }
  // One entry per attempt that did not end in a plain delivery: every failure reported to on_error, every
  // response retried or that exhausted the policy, every redirect (followed or not), in order.
  const std::vector<RequestHistory>& history() const { return history_; }
  // Moves the history out (for the delivered response); history() is empty afterwards.
  std::vector<RequestHistory> take_history() { return std::move(history_); }
  // Header names to strip from a redirected request that goes to another host (compare ignoring case).
  const std::vector<std::string>& remove_headers_on_redirect() const;

  // Retries made so far (redirects not included), and redirects followed so far.
  int retries() const { return retries_; }
  int redirects() const { return redirects_; }
  // Whether a deliver or fail verdict was given.
  bool finished() const { return finished_; }
  // Hip's Retry as it stands now (the policy's; for hyperhttp std::nullopt): what Hip's response.retries
  // holds after the request.
  std::optional<Retry> retry() const;

 private:
  // The configuration is shared, not copied: a request that never retries allocates nothing for it
  // (Hip's Retry.increment() makes a new Retry; here only when a retry actually happens).
  struct Hip {
    std::shared_ptr<const Retry> initial;
    std::shared_ptr<const Retry> current;
  };
  struct Hyper {
    RetryPolicy policy;
    Duration previous_delay{};
    std::vector<std::string> strip_on_redirect{"Authorization"};
  };

  explicit RetryState(std::variant<Hip, Hyper> policy) : policy_(std::move(policy)) {}

  RetryVerdict hip_error(Hip& hip, const Attempt& a);
  RetryVerdict hip_response(Hip& hip, const Attempt& a);
  RetryVerdict hip_redirect(Hip& hip, const Attempt& a);
  RetryVerdict hyper_error(Hyper& hyper, const Attempt& a);
  RetryVerdict hyper_response(Hyper& hyper, const Attempt& a);
  RetryVerdict hyper_redirect(Hyper& hyper, const Attempt& a);

  void record(const Attempt& a, std::optional<std::string_view> location);
  RetryVerdict finish(RetryVerdict verdict);
  RetryVerdict misuse(std::string detail);

  std::variant<Hip, Hyper> policy_;
  std::vector<RequestHistory> history_;
  int retries_ = 0;
  int redirects_ = 0;
  bool finished_ = false;
};

}  // namespace hipp::policy
