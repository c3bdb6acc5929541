// Exchange — one logical request across its attempts: the request lifecycle as a clock-driven machine.
//
// Theory of operation
// -------------------
// A transport owns sockets, timers, files and the pool; the exchange owns every decision between "the
// user called request()" and "here is the response" (DESIGN.md, "Two levels of state machine"). The
// transport runs one loop:
//
//   Exchange ex(request, options, retry_state, now);
//   for (;;) {
//     auto action = ex.next_action();
//     OpenConnection → pool checkout/connect → ex.on_connected(machine, reused, now) | ex.on_connect_failed(e, now)
//     Send           → write the machine's output  → ex.on_sent(now)                | ex.on_io_failed(e, now)
//     PullBody       → next piece of a streamed body → ex.on_body_chunk(b, now) / on_body_end(now) | on_io_failed
//     Receive        → one read into the machine    → ex.on_received(now)            | ex.on_io_failed(e, now)
//     ReleaseConnection → back to the pool or closed, then loop
//     WaitUntil      → sleep / arm a timer          → ex.on_timer(now)
//     Deliver        → ex.take_response(); the body is read from the connection by the transport
//     Fail           → close the connection, report the error
//   }
//
// Inside, per attempt: circuit gate → auth flow → request hooks → connection → request head → (100
// Continue) → body → final head → response hooks → circuit record → auth flow (Digest's 401 round trip)
// → redirect (policy::plan_redirect, counted by the retry policy) → status retry (policy::RetryState) →
// deliver. Errors before a final head go to the retry policy (with whether request bytes were sent and
// whether the body can be sent again). A response that is not delivered has its body drained (up to
// ExchangeOptions::max_drain_bytes) so its connection can be reused; one that is larger is closed instead.
//
// Decisions that change the course of the request (retry, redirect, auth resend, a fired deadline, a
// refused resend, the final failure) are recorded with their reason in decisions(); a request that
// simply succeeds records nothing, so the common path allocates no text.
//
// Connections: one at a time. Between OpenConnection and the next ReleaseConnection/Deliver/Fail the
// exchange drives the Channel the transport lent it in on_connected() (core/exchange/channel.hpp: an
// HTTP/1.1 connection, or one stream of an HTTP/2 connection other requests share); the transport never
// touches the machine's state itself except to move bytes as the actions say.
//
// Time: every on_* call takes `now` (the transport's monotonic clock, or a virtual one); poll_timeout()
// is the deadline of what the exchange currently waits for. The total timeout (policy::Timeout::total)
// caps each attempt, as in Hip.
//
// Errors: the exchange never throws. Calls that do not match the last action (on_sent() without a Send)
// fail the exchange with invalid_state. User code it runs (hooks, auth flows, observers) may throw; the
// exception propagates to the caller and the exchange is then failed (state() == State::failed).
// Thread safety: none; one thread drives one exchange at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/auth.hpp"
#include "core/exchange/actions.hpp"
#include "core/exchange/channel.hpp"
#include "core/exchange/cookie_store.hpp"
#include "core/exchange/hooks.hpp"
#include "core/exchange/request.hpp"
#include "core/policy/redirect.hpp"
#include "core/policy/retry_state.hpp"
#include "core/policy/timeout.hpp"

namespace hipp::exchange {

struct ExchangeOptions {
  policy::Timeout timeout{};
  bool follow_redirects = true;            // Hip's `redirect`; false delivers a 3xx as it is
  std::unique_ptr<auth::AuthFlow> auth{};  // null: no auth for this request
  CircuitGate* circuit = nullptr;          // null: no circuit breaking
  CookieStore* cookies = nullptr;          // null: no cookie jar (the caller's own Cookie header still goes)
  EventHooks hooks{};
  AttemptObserver observer{};              // telemetry, called once per attempt
  UploadProgress upload_progress{};        // null: not reported (see hooks.hpp for when it is called)
  auth::RandomBytes random{};              // jitter and Digest's cnonce; null: jitter 0 and no cnonce
  std::int64_t unix_now = 0;               // wall-clock seconds at `now` of the constructor (HTTP-date Retry-After)
  std::size_t max_drain_bytes = 1024 * 1024;  // body of an undelivered response read to keep its connection
  Duration expect_continue_wait = std::chrono::seconds(1);  // curl's default, RFC 9110 §10.1.1
  std::size_t body_piece = 64 * 1024;      // bytes handed to the machine (and asked of PullBody) at a time
};

// The delivered response: its head, where it came from, and how it got there.
struct FinalResponse {
  http1::ResponseHead head;
  url::Url url;                                   // the final URL (after redirects)
  std::string method;                             // the final method (303 turns POST into GET)
  std::vector<policy::RequestHistory> history;    // every earlier attempt and redirect hop, in order
  int attempts = 0;                               // network attempts made, this one included
};

// A decision with its reason, in the order made.
struct Decision {
  TimePoint at;
  std::string what;
};

class Exchange {
 public:
  enum class State {
    starting,         // a new attempt begins at the next next_action()
    connecting,       // waiting for on_connected / on_connect_failed
    sending,          // head or body going out
    awaiting_continue,// head sent with Expect: 100-continue, body held back
    awaiting_head,    // request sent, reading the final head
    draining,         // reading an undelivered response's body to reuse its connection
    waiting,          // backoff or Retry-After
    delivered,
    failed,
  };

  Exchange(Request request, ExchangeOptions options, policy::RetryState retry, TimePoint now);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // What to do next. After Deliver or Fail it returns the same action again. The reference is valid until
  // the next call on the exchange (read what the action says before reporting back).
  const Action& next_action();

  // --- Events (each with the `now` it happened at) ---
  // The connection asked for by OpenConnection, as a Channel (an HTTP/1.1 connection, or a stream of an
  // HTTP/2 one). The channel stays the transport's; the exchange drives it until it releases, delivers
  // or fails. `reused`: the connection served requests before (a stale-connection failure on it, a
  // close or reset before any byte of the response arrived, may be resent once on a new connection,
  // outside the retry policy's counts: RFC 9112 §9.3.1, for idempotent methods). A stream the HTTP/2
  // server did not process (stream_unprocessed: REFUSED_STREAM, or above a GOAWAY's last stream id) is
  // resent once the same way, whatever its method (RFC 9113 §8.7).
  void on_connected(Channel& channel, bool reused, TimePoint now);
  // No connection: resolve/connect failure, connect or pool timeout (category timeout, for either), pool closed.
  void on_connect_failed(Error error, TimePoint now);
  void on_sent(TimePoint now);
  // A piece of the streamed body. It is lent: keep it valid and unchanged until the Send that follows
  // has been carried out (or the exchange failed); an HTTP/1.1 channel writes it in place.
  void on_body_chunk(Bytes chunk, TimePoint now);
  void on_body_end(TimePoint now);
  void on_received(TimePoint now);
  // A Send, Receive or PullBody failed. Timeouts (category timeout) are named by the exchange.
  void on_io_failed(Error error, TimePoint now);
  void on_timer(TimePoint now);

  // --- Queries ---
  State state() const noexcept { return state_; }
  // The deadline of what the exchange waits for now; never() when it waits for nothing.
  TimePoint poll_timeout() const noexcept { return wait_deadline_; }
  // The deadlines of the current (after Deliver: the final) attempt; the transport reads the delivered body
  // with them. Only valid once next_action() has been called (the first attempt has started).
  const policy::RequestDeadlines& deadlines() const noexcept { return *attempt_deadlines_; }
  const std::vector<Decision>& decisions() const noexcept { return decisions_; }
  // The request of the current attempt. After take_response() its URL and method have moved into the response.
  const Request& request() const noexcept { return request_; }
  // The current request URL without userinfo (url::Url::to_string(false)), made once per URL.
  const std::string& url_text();
  // Moves that text out (a transport's delivered response keeps it); url_text() makes it again if asked.
  std::string take_url_text() {
    url_text();
    return std::move(url_text_);
  }
  int attempts() const noexcept { return attempts_; }

  // After Deliver: the response (moved out; call once).
  FinalResponse take_response();

 private:
  enum class SendStage { head, body, end };
  enum class AfterDrain { deliver_nothing, resend, redirect, retry };

  void begin_attempt(TimePoint now);
  void start_head(TimePoint now);
  void continue_body(TimePoint now);
  void finish_body(TimePoint now);
  void report_upload(bool start);  // start: the body begins on this attempt (sent == 0)
  void await_head(TimePoint now);
  void process_events(TimePoint now);
  void handle_head(http1::ResponseHead&& head, TimePoint now);
  void handle_attempt_error(Error error, TimePoint now);
  void start_drain(AfterDrain then, TimePoint now);
  void finish_drain(bool reusable, TimePoint now);
  void schedule_next_attempt(Duration delay, TimePoint now);
  void deliver(TimePoint now);
  void fail(Error error, TimePoint now);
  void receive(TimePoint deadline);
  bool expect(State state, TimePoint now);
  void decide(TimePoint now, std::string what);
  void observe(AttemptOutcome outcome, int status, const Error* error, Duration delay, std::string_view reason,
               TimePoint now);
  policy::Attempt attempt_info(const Error* error, int status, const Headers* headers, TimePoint now);
  double random_unit();
  std::int64_t unix_at(TimePoint now) const;  // options_.unix_now plus the time elapsed since the start

  // Held across user code (hooks, auth flows): if it throws, the exchange is left failed, answering Fail.
  // Built only then: a Fail set up front would cost an allocation per attempt and per head.
  class FailIfThrown {
   public:
    explicit FailIfThrown(Exchange& exchange) noexcept : exchange_(exchange), uncaught_(std::uncaught_exceptions()) {}
    FailIfThrown(const FailIfThrown&) = delete;
    FailIfThrown& operator=(const FailIfThrown&) = delete;
    ~FailIfThrown();

   private:
    Exchange& exchange_;
    int uncaught_;
  };

  Request request_;
  ExchangeOptions options_;
  policy::RetryState retry_;
  std::optional<policy::RequestDeadlines> attempt_deadlines_;
  State state_ = State::starting;
  Action next_;                                   // what next_action() answers while waiting for an event
  std::optional<ReleaseConnection> release_;      // answered first, once
  Action released_ = ReleaseConnection{};         // what next_action() lends while answering release_
  TimePoint started_;                             // the exchange's start (for the wall clock)
  TimePoint attempt_started_;
  TimePoint wait_deadline_ = TimePoint::never();
  TimePoint read_deadline_ = TimePoint::never();  // of the current Receive, before any soft cap
  TimePoint continue_deadline_ = TimePoint::never();
  int attempts_ = 0;

  // The current attempt.
  Channel* conn_ = nullptr;
  bool conn_reused_ = false;
  bool bytes_sent_ = false;                       // a Send was asked for: request bytes may be out
  bool response_started_ = false;                 // bytes of a response arrived on this attempt
  SendStage stage_ = SendStage::head;
  std::size_t body_offset_ = 0;                   // RequestBody::Kind::bytes: how much went to the machine
  std::uint64_t body_handed_ = 0;                 // body bytes given to the channel on this attempt
  std::uint64_t body_reported_ = 0;               // what options_.upload_progress was last told
  bool body_done_ = false;                        // RequestBody::Kind::stream: on_body_end() seen
  std::optional<http1::ResponseHead> head_;
  AfterDrain after_drain_ = AfterDrain::deliver_nothing;
  std::size_t drained_ = 0;
  Duration pending_delay_{};
  std::optional<policy::RedirectPlan> pending_redirect_;

  // Across attempts.
  bool body_pulled_ = false;                      // the stream source has produced bytes (a resend rewinds it)
  bool stale_resend_used_ = false;                // RFC 9112 §9.3.1 resend on a fresh connection, once
  bool auth_allowed_ = true;                      // false after a cross-origin redirect: credentials stay behind
  std::string url_text_;                          // request_.url without userinfo, made when a policy needs it
  CookieHeader cookie_header_;                    // the jar's part of the Cookie header, replaced per attempt
  std::vector<Decision> decisions_;
};

std::string_view to_string(Exchange::State state) noexcept;

}  // namespace hipp::exchange
