#include "core/exchange/exchange.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <utility>

#include "core/message/method.hpp"

namespace hipp::exchange {

namespace {

// Failures after which a fresh connection may carry the request again: the pooled connection was dead
// before the server saw anything of ours (RFC 9112 §9.3.1 allows an automatic retry of idempotent requests).
bool is_stale_connection_error(const Error& error) {
  return error.code == ErrorCode::connection_closed || error.code == ErrorCode::connection_reset;
}

// The HTTP/2 server says it did not act on the stream (RFC 9113 §8.7): safe to send again, any method.
bool is_unprocessed_stream_error(const Error& error) { return error.code == ErrorCode::stream_unprocessed; }

}  // namespace

std::string_view to_string(Exchange::State state) noexcept {
  switch (state) {
    case Exchange::State::starting: return "starting";
    case Exchange::State::connecting: return "connecting";
    case Exchange::State::sending: return "sending";
    case Exchange::State::awaiting_continue: return "awaiting_continue";
    case Exchange::State::awaiting_head: return "awaiting_head";
    case Exchange::State::draining: return "draining";
    case Exchange::State::waiting: return "waiting";
    case Exchange::State::delivered: return "delivered";
    case Exchange::State::failed: return "failed";
  }
  return "unknown";
}

Exchange::Exchange(Request request, ExchangeOptions options, policy::RetryState retry, TimePoint now)
    : request_(std::move(request)),
      options_(std::move(options)),
      retry_(std::move(retry)),
      next_(Deliver{}),
      started_(now),
      attempt_started_(now) {
  if (auto valid = options_.timeout.validate(); !valid) fail(std::move(valid).error(), now);
  if (options_.body_piece == 0) options_.body_piece = 64 * 1024;
}

Exchange::~Exchange() = default;

const Action& Exchange::next_action() {
  if (release_) {
    released_ = *release_;
    release_.reset();
    return released_;
  }
  if (state_ == State::starting) begin_attempt(attempt_started_);
  return next_;
}

// --- attempt start -------------------------------------------------------------------------------------

void Exchange::begin_attempt(TimePoint now) {
  ++attempts_;
  attempt_started_ = now;
  auto deadlines = policy::RequestDeadlines::start(options_.timeout, now);
  if (!deadlines) return fail(std::move(deadlines).error(), now);
  attempt_deadlines_ = std::move(*deadlines);

  bytes_sent_ = false;
  response_started_ = false;
  stage_ = SendStage::head;
  body_offset_ = 0;
  body_handed_ = body_reported_ = 0;
  body_done_ = false;
  head_.reset();
  drained_ = 0;
  after_drain_ = AfterDrain::deliver_nothing;
  pending_redirect_.reset();

  const std::uint16_t port = request_.url.effective_port().value_or(0);
  // User code below may throw: until it returns, the exchange counts as failed.
  state_ = State::failed;
  const FailIfThrown guard(*this);
  if (options_.circuit != nullptr) {
    const std::string origin = request_.url.hostname() + ":" + std::to_string(port);
    if (auto allowed = options_.circuit->allow(origin, now); !allowed) {
      decide(now, "circuit open for " + origin + ": not sent");
      return fail(std::move(allowed).error(), now);
    }
  }
  if (options_.auth && auth_allowed_) {
    auth::AuthRequest ar{request_.method, request_.url, request_.headers};
    if (auto ok = options_.auth->on_request(ar, options_.random); !ok) return fail(std::move(ok).error(), now);
  }
  // RFC 6265 §5.4: each attempt (each redirect hop) carries the jar's cookies for its own URL.
  if (options_.cookies != nullptr) {
    cookie_header_.apply(request_.headers, options_.cookies->cookie_header(request_.url, unix_at(now)));
  }
  for (const auto& hook : options_.hooks.request) hook(request_);

  state_ = State::connecting;
  OpenConnection open;
  open.key = pool::PoolKey{request_.url.scheme, request_.url.host, port, {}, {}};
  open.host = request_.url.hostname();
  open.port = port;
  open.pool_deadline = attempt_deadlines_->pool_deadline();
  open.connect_deadline = attempt_deadlines_->connect_deadline(now);
  wait_deadline_ = earliest(open.pool_deadline, open.connect_deadline);
  next_ = std::move(open);
}

bool Exchange::expect(State state, TimePoint now) {
  if (state_ == state) return true;
  if (state_ != State::failed && state_ != State::delivered) {
    fail(make_error(ErrorCode::invalid_state,
                    "event does not match the exchange's state (" + std::string(to_string(state_)) + ")"),
         now);
  }
  return false;
}

// --- events ------------------------------------------------------------------------------------------

void Exchange::on_connected(Channel& channel, bool reused, TimePoint now) {
  if (!expect(State::connecting, now)) return;
  conn_ = &channel;
  conn_reused_ = reused;
  start_head(now);
}

void Exchange::on_connect_failed(Error error, TimePoint now) {
  if (!expect(State::connecting, now)) return;
  if (error.category == ErrorCategory::timeout && error.code != ErrorCode::pool_empty &&
      error.code != ErrorCode::pool_timeout) {  // the transport knows it waited for the pool, not a connect
    error = attempt_deadlines_->timeout_error(policy::Phase::connect, now);
  }
  handle_attempt_error(std::move(error), now);
}

void Exchange::on_sent(TimePoint now) {
  if (!expect(State::sending, now)) return;
  switch (stage_) {
    case SendStage::head:
      if (request_.expect_continue && !request_.body.empty()) {
        state_ = State::awaiting_continue;
        continue_deadline_ = now + options_.expect_continue_wait;
        process_events(now);
        return;
      }
      return continue_body(now);
    case SendStage::body:
      report_upload(false);
      return continue_body(now);
    case SendStage::end:
      report_upload(false);
      return await_head(now);
  }
}

void Exchange::on_body_chunk(Bytes chunk, TimePoint now) {
  if (!expect(State::sending, now)) return;
  if (!chunk.empty()) body_pulled_ = true;
  if (auto ok = conn_->send_body(chunk); !ok) return fail(std::move(ok).error(), now);
  body_handed_ += chunk.size();
  stage_ = SendStage::body;
  next_ = Send{attempt_deadlines_->write_deadline(now)};
  wait_deadline_ = std::get<Send>(next_).deadline;
}

void Exchange::on_body_end(TimePoint now) {
  if (!expect(State::sending, now)) return;
  body_done_ = true;
  finish_body(now);
}

void Exchange::on_received(TimePoint now) {
  if (state_ != State::awaiting_continue && state_ != State::draining && !expect(State::awaiting_head, now)) return;
  if (conn_->has_buffered_input()) response_started_ = true;
  process_events(now);
}

void Exchange::on_io_failed(Error error, TimePoint now) {
  const bool timed_out = error.category == ErrorCategory::timeout;
  switch (state_) {
    case State::sending:
      if (error.code == ErrorCode::body_source_failed) return fail(std::move(error), now);  // ours, not the server's
      if (timed_out) error = attempt_deadlines_->timeout_error(policy::Phase::write, now);
      if (conn_ != nullptr) conn_->send_failed();
      return handle_attempt_error(std::move(error), now);
    case State::awaiting_continue:
      // The server stays silent about our Expect: send the body anyway (RFC 9110 §10.1.1), unless the
      // read deadline itself is what fired.
      if (timed_out && now >= continue_deadline_ && now < read_deadline_) {
        continue_deadline_ = TimePoint::never();
        state_ = State::sending;
        return continue_body(now);
      }
      [[fallthrough]];
    case State::awaiting_head:
      if (timed_out) error = attempt_deadlines_->timeout_error(policy::Phase::read, now);
      if (conn_ != nullptr) conn_->send_failed();
      return handle_attempt_error(std::move(error), now);
    case State::draining:
      // The decision is made already; only the connection is lost.
      if (conn_ != nullptr) conn_->send_failed();
      return finish_drain(false, now);
    default:
      expect(State::sending, now);  // fails the exchange with invalid_state
  }
}

void Exchange::on_timer(TimePoint now) {
  if (!expect(State::waiting, now)) return;
  if (now < wait_deadline_) {  // woken early: keep waiting
    next_ = WaitUntil{wait_deadline_};
    return;
  }
  wait_deadline_ = TimePoint::never();
  state_ = State::starting;
  attempt_started_ = now;
}

// --- sending -------------------------------------------------------------------------------------------

void Exchange::start_head(TimePoint now) {
  if (auto ok = conn_->send_request(request_); !ok) {
    return fail(std::move(ok).error(), now);
  }
  bytes_sent_ = true;
  stage_ = SendStage::head;
  state_ = State::sending;
  next_ = Send{attempt_deadlines_->write_deadline(now)};
  wait_deadline_ = std::get<Send>(next_).deadline;
}

void Exchange::continue_body(TimePoint now) {
  state_ = State::sending;
  RequestBody& body = request_.body;
  // The body starts (again, on a resend): the count starts from zero.
  if (stage_ == SendStage::head && !body.empty()) report_upload(true);
  if (body.kind == RequestBody::Kind::bytes && body_offset_ < body.bytes.size()) {
    const std::size_t n = std::min(options_.body_piece, body.bytes.size() - body_offset_);
    if (auto ok = conn_->send_body(as_bytes(std::string_view(body.bytes).substr(body_offset_, n))); !ok) {
      return fail(std::move(ok).error(), now);
    }
    body_offset_ += n;
    body_handed_ += n;
    stage_ = SendStage::body;
    next_ = Send{attempt_deadlines_->write_deadline(now)};
    wait_deadline_ = std::get<Send>(next_).deadline;
    return;
  }
  if (body.kind == RequestBody::Kind::stream && !body_done_) {
    // The first pull of an attempt after an earlier one read from the source starts it again.
    const bool rewind = body_pulled_ && stage_ == SendStage::head;
    if (rewind) body_pulled_ = false;
    stage_ = SendStage::body;
    next_ = PullBody{rewind, options_.body_piece};
    wait_deadline_ = TimePoint::never();
    return;
  }
  finish_body(now);
}

void Exchange::finish_body(TimePoint now) {
  if (auto ok = conn_->send_end(); !ok) return fail(std::move(ok).error(), now);
  if (conn_->has_pending_output()) {
    stage_ = SendStage::end;
    state_ = State::sending;
    next_ = Send{attempt_deadlines_->write_deadline(now)};
    wait_deadline_ = std::get<Send>(next_).deadline;
    return;
  }
  await_head(now);
}

void Exchange::report_upload(bool start) {
  if (!options_.upload_progress) return;
  if (!start && body_handed_ == body_reported_) return;  // nothing new since the last call
  const RequestBody& body = request_.body;
  const std::optional<std::uint64_t> total =
      body.kind == RequestBody::Kind::bytes ? std::optional<std::uint64_t>(body.bytes.size()) : body.length;
  const State state = state_;
  state_ = State::failed;  // until the callback returns
  const FailIfThrown guard(*this);
  options_.upload_progress(body_handed_, total);
  body_reported_ = body_handed_;
  state_ = state;
}

// --- receiving -----------------------------------------------------------------------------------------

void Exchange::await_head(TimePoint now) {
  state_ = State::awaiting_head;
  process_events(now);
}

void Exchange::receive(TimePoint deadline) {
  read_deadline_ = deadline;
  const TimePoint wait = state_ == State::awaiting_continue ? earliest(deadline, continue_deadline_) : deadline;
  next_ = Receive{wait};
  wait_deadline_ = wait;
}

void Exchange::process_events(TimePoint now) {
  for (;;) {
    auto event = conn_->next_event();
    if (!event) {
      Error error = std::move(event).error();
      if (state_ == State::draining) return finish_drain(false, now);
      return handle_attempt_error(std::move(error), now);
    }
    if (std::holds_alternative<http1::NeedData>(*event)) return receive(attempt_deadlines_->read_deadline(now));

    if (state_ == State::draining) {
      if (auto* data = std::get_if<http1::BodyData>(&*event)) {
        drained_ += data->data.size();
        if (drained_ > options_.max_drain_bytes) {
          decide(now, "response body larger than max_drain_bytes (" + std::to_string(options_.max_drain_bytes) +
                          "): connection closed instead of drained");
          return finish_drain(false, now);
        }
        continue;
      }
      if (std::holds_alternative<http1::EndOfMessage>(*event)) return finish_drain(true, now);
      return finish_drain(false, now);
    }

    if (std::holds_alternative<http1::InformationalResponse>(*event)) {
      if (state_ == State::awaiting_continue && !conn_->expecting_continue()) {
        continue_deadline_ = TimePoint::never();
        return continue_body(now);
      }
      continue;  // 1xx before the final head; the machine bounds how many
    }
    if (auto* head = std::get_if<http1::ResponseHead>(&*event)) return handle_head(std::move(*head), now);
    if (std::holds_alternative<http1::ConnectionClosed>(*event)) {
      return handle_attempt_error(make_error(ErrorCode::connection_closed, "the server closed the connection",
                                             ErrorOrigin::remote),
                                  now);
    }
    return fail(make_error(ErrorCode::invalid_state, "unexpected event before the response head"), now);
  }
}

// --- decisions -----------------------------------------------------------------------------------------

void Exchange::handle_head(http1::ResponseHead&& head, TimePoint now) {
  const int status = head.status;
  head_ = std::move(head);
  const Headers& headers = head_->headers;

  state_ = State::failed;  // until user code below returns
  const FailIfThrown guard(*this);
  for (const auto& hook : options_.hooks.response) hook(AttemptResponse{*head_, request_.url, attempts_});
  if (options_.cookies != nullptr) options_.cookies->store(request_.url, headers, unix_at(now));  // RFC 6265 §5.3
  if (options_.circuit != nullptr) {
    const std::string origin =
        request_.url.hostname() + ":" + std::to_string(request_.url.effective_port().value_or(0));
    options_.circuit->record(origin, nullptr, status, now);
  }
  if (options_.auth && auth_allowed_) {
    auto again = options_.auth->on_response(auth::AuthResponse{status, headers});
    if (!again) return fail(std::move(again).error(), now);
    if (*again) {
      decide(now, "auth: answering the " + std::to_string(status) + " challenge, sending the request again");
      observe(AttemptOutcome::retry, status, nullptr, {}, "auth challenge", now);
      return start_drain(AfterDrain::resend, now);
    }
  }
  state_ = State::awaiting_head;

  if (options_.follow_redirects && policy::is_redirect_status(status) && retry_.follows_redirects()) {
    policy::RedirectRequest current{request_.method, request_.url, request_.headers, !request_.body.empty(),
                                    request_.body.kind != RequestBody::Kind::stream || request_.body.rewindable ||
                                        !body_pulled_};
    auto plan = policy::plan_redirect(current, status, headers, retry_.remove_headers_on_redirect());
    if (!plan) return fail(std::move(plan).error(), now);
    if (plan->has_value()) {
      auto verdict = retry_.on_redirect(attempt_info(nullptr, status, &headers, now));
      switch (verdict.action) {
        case policy::RetryVerdict::Action::retry:
          decide(now, (*plan)->reason);
          observe(AttemptOutcome::retry, status, nullptr, {}, (*plan)->reason, now);
          pending_redirect_ = std::move(**plan);
          return start_drain(AfterDrain::redirect, now);
        case policy::RetryVerdict::Action::deliver:
          if (!verdict.reason.empty()) decide(now, verdict.reason);
          return deliver(now);
        case policy::RetryVerdict::Action::fail:
          decide(now, verdict.reason);
          return fail(verdict.error.value_or(make_error(ErrorCode::max_retries, verdict.reason)), now);
      }
    }
  }

  auto verdict = retry_.on_response(attempt_info(nullptr, status, &headers, now));
  switch (verdict.action) {
    case policy::RetryVerdict::Action::retry:
      decide(now, verdict.reason);
      observe(AttemptOutcome::retry, status, nullptr, verdict.delay, verdict.reason, now);
      pending_delay_ = verdict.delay;
      return start_drain(AfterDrain::retry, now);
    case policy::RetryVerdict::Action::deliver:
      if (!verdict.reason.empty() && status >= 400) decide(now, verdict.reason);
      return deliver(now);
    case policy::RetryVerdict::Action::fail:
      decide(now, verdict.reason);
      return fail(verdict.error.value_or(make_error(ErrorCode::max_retries, verdict.reason)), now);
  }
}

void Exchange::handle_attempt_error(Error error, TimePoint now) {
  if (options_.circuit != nullptr) {
    const std::string origin =
        request_.url.hostname() + ":" + std::to_string(request_.url.effective_port().value_or(0));
    options_.circuit->record(origin, &error, 0, now);
  }
  const bool had_connection = conn_ != nullptr;
  if (had_connection) {
    release_ = ReleaseConnection{false};
    conn_ = nullptr;
  }
  const bool rewindable =
      request_.body.kind != RequestBody::Kind::stream || request_.body.rewindable || !body_pulled_;

  // A pooled connection the server had already closed: nothing of ours was processed, so a fresh
  // connection may carry an idempotent request once more, outside the retry policy's counts. Once any
  // byte of a response arrived the server was alive and saw the request: the retry policy decides.
  const bool stale = had_connection && conn_reused_ && !response_started_ && is_stale_connection_error(error) &&
                     method::is_idempotent(request_.method);
  const bool unprocessed = had_connection && is_unprocessed_stream_error(error);
  if ((stale || unprocessed) && !stale_resend_used_ && rewindable) {
    stale_resend_used_ = true;
    std::string why = std::string(unprocessed ? "stream not processed by the server (" : "stale pooled connection (") +
                      std::string(hipp::to_string(error.code)) + "): sending again on a new connection";
    decide(now, why);
    observe(AttemptOutcome::retry, 0, &error, {}, why, now);
    return schedule_next_attempt(Duration::zero(), now);
  }
  if (error.category == ErrorCategory::usage || error.category == ErrorCategory::policy) {
    return fail(std::move(error), now);
  }

  auto verdict = retry_.on_error(attempt_info(&error, 0, nullptr, now));
  switch (verdict.action) {
    case policy::RetryVerdict::Action::retry:
      decide(now, verdict.reason);
      observe(AttemptOutcome::retry, 0, &error, verdict.delay, verdict.reason, now);
      return schedule_next_attempt(verdict.delay, now);
    case policy::RetryVerdict::Action::deliver:  // nothing to deliver without a response
    case policy::RetryVerdict::Action::fail:
      if (!verdict.reason.empty()) decide(now, verdict.reason);
      return fail(verdict.error ? std::move(*verdict.error) : std::move(error), now);
  }
}

void Exchange::start_drain(AfterDrain then, TimePoint now) {
  after_drain_ = then;
  state_ = State::draining;
  process_events(now);
}

void Exchange::finish_drain(bool reusable, TimePoint now) {
  release_ = ReleaseConnection{reusable};
  conn_ = nullptr;
  switch (after_drain_) {
    case AfterDrain::resend: return schedule_next_attempt(Duration::zero(), now);
    case AfterDrain::retry: return schedule_next_attempt(pending_delay_, now);
    case AfterDrain::redirect: {
      policy::RedirectPlan plan = std::move(*pending_redirect_);
      pending_redirect_.reset();
      request_.method = std::move(plan.method);
      request_.url = std::move(plan.url);
      url_text_.clear();
      request_.headers = std::move(plan.headers);
      request_.headers.set("Host", request_.url.host_header());
      if (plan.drop_body) {
        request_.body = RequestBody{};
        request_.expect_continue = false;
      }
      // Credentials given for the first origin never follow the request elsewhere (RFC 9110 §15.4).
      if (plan.cross_origin) auth_allowed_ = false;
      return schedule_next_attempt(Duration::zero(), now);
    }
    case AfterDrain::deliver_nothing: return fail(make_error(ErrorCode::invalid_state, "drain without a plan"), now);
  }
}

void Exchange::schedule_next_attempt(Duration delay, TimePoint now) {
  if (delay > Duration::zero()) {
    state_ = State::waiting;
    wait_deadline_ = now + delay;
    next_ = WaitUntil{wait_deadline_};
    return;
  }
  state_ = State::starting;
  attempt_started_ = now;
  wait_deadline_ = TimePoint::never();
}

void Exchange::deliver(TimePoint now) {
  state_ = State::delivered;
  wait_deadline_ = TimePoint::never();
  observe(AttemptOutcome::success, head_->status, nullptr, {}, {}, now);
  next_ = Deliver{};  // head_ stays until take_response() moves it out
}

void Exchange::fail(Error error, TimePoint now) {
  decisions_.push_back(Decision{now, "failed: " + error.message()});
  observe(AttemptOutcome::fail, head_ ? head_->status : 0, &error, {}, error.detail, now);
  state_ = State::failed;
  wait_deadline_ = TimePoint::never();
  next_ = Fail{std::move(error)};
}

FinalResponse Exchange::take_response() {
  // Delivery is final: the URL, method and history move into the response (url_text() keeps the text).
  url_text();
  FinalResponse out{std::move(*head_), std::move(request_.url), std::move(request_.method), retry_.take_history(),
                    attempts_};
  head_.reset();
  return out;
}

Exchange::FailIfThrown::~FailIfThrown() {
  if (std::uncaught_exceptions() <= uncaught_) return;
  exchange_.state_ = State::failed;
  try {
    exchange_.next_ = Fail{make_error(ErrorCode::invalid_state, "a hook or auth flow threw")};
  } catch (...) {
    // Out of memory while unwinding: a destructor must not throw. The state alone still says failed.
  }
}

// --- helpers -------------------------------------------------------------------------------------------

void Exchange::decide(TimePoint now, std::string what) { decisions_.push_back(Decision{now, std::move(what)}); }

void Exchange::observe(AttemptOutcome outcome, int status, const Error* error, Duration delay,
                       std::string_view reason, TimePoint now) {
  if (!options_.observer) return;
  options_.observer(AttemptRecord{attempts_, request_.method, url_text(), outcome, status, error, now - attempt_started_,
                                  delay, reason});
}

policy::Attempt Exchange::attempt_info(const Error* error, int status, const Headers* headers, TimePoint now) {
  policy::Attempt a;
  a.method = request_.method;
  a.url = url_text();
  a.error = error;
  a.request_sent = bytes_sent_;
  a.body_rewindable = request_.body.kind != RequestBody::Kind::stream || request_.body.rewindable || !body_pulled_;
  a.status = status;
  a.headers = headers;
  a.unix_now = unix_at(now);
  a.random = retry_.needs_random() ? random_unit() : 0.0;
  return a;
}

double Exchange::random_unit() {
  if (!options_.random) return 0.0;
  std::array<std::byte, 8> raw{};
  options_.random(raw);
  std::uint64_t bits = 0;
  std::memcpy(&bits, raw.data(), raw.size());
  return static_cast<double>(bits >> 11) * 0x1.0p-53;  // 53 random bits in [0, 1)
}

std::int64_t Exchange::unix_at(TimePoint now) const {
  return options_.unix_now + std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
}

const std::string& Exchange::url_text() {
  if (url_text_.empty()) url_text_ = request_.url.to_string(false);
  return url_text_;
}

}  // namespace hipp::exchange
