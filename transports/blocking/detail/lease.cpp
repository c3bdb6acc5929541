#include "transports/blocking/detail/lease.hpp"

#include <utility>

#include "transports/blocking/clock.hpp"

namespace hipp::blocking::detail {

namespace {
// HTTP/2 request body bytes queued beyond what flow control lets out, before send() waits for
// WINDOW_UPDATE: memory for an upload stays O(this), whatever the body's size.
constexpr std::size_t kBodyBacklog = 256 * 1024;
}  // namespace

Lease::Lease(std::unique_ptr<PooledConnection> connection) noexcept
    : h1_(std::move(connection)), reused_(h1_ && h1_->requests_served > 0) {}

Lease::Lease(std::shared_ptr<H2Session> session, bool reused)
    : h2_(std::move(session)),
      stream_(std::make_unique<exchange::Http2Channel>(h2_->mux())),
      claimed_(true),
      reused_(reused) {}

Lease::~Lease() {
  if (h2_) (void)release_stream(steady_now());  // HTTP/1.1 leases: nothing to do, and no clock read
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (h2_) (void)release_stream(steady_now());
    h1_ = std::move(other.h1_);
    h2_ = std::move(other.h2_);
    stream_ = std::move(other.stream_);
    claimed_ = std::exchange(other.claimed_, false);
    reused_ = other.reused_;
  }
  return *this;
}

exchange::Channel& Lease::channel() noexcept {
  if (h1_) return h1_->channel;
  return *stream_;
}

void Lease::on_started() noexcept {
  if (h2_ && claimed_) {
    h2_->unclaim_locked();
    claimed_ = false;
  }
}

std::shared_ptr<H2Session> Lease::release_stream(TimePoint now) noexcept {
  if (!h2_) return nullptr;
  {
    auto state = h2_->lock();
    if (claimed_) h2_->unclaim_locked();
    claimed_ = false;
    stream_.reset();  // closes the stream: Http2Channel's destructor, under the state lock
    if (h2_->is_idle_locked()) h2_->mark_idle_locked(now);
  }
  return std::move(h2_);
}

Result<void> Lease::send(TimePoint deadline) {
  if (h1_) {
    // The output may come in pieces (a lent body piece is one of its own): write them all.
    for (Bytes out = h1_->machine.pending_output(); !out.empty(); out = h1_->machine.pending_output()) {
      if (auto written = h1_->send(out, deadline); !written) return written;
      h1_->machine.consume_output(out.size());
    }
    return {};
  }
  for (;;) {
    if (auto ok = h2_->flush(deadline); !ok) return ok;
    {
      auto state = h2_->lock();
      // A response that arrived meanwhile (an early 413, say) is the exchange's to look at now.
      if (stream_->buffered_body() <= kBodyBacklog || !stream_->stream() ||
          h2_->mux().has_events(*stream_->stream()) || !h2_->is_reusable_locked()) {
        return {};
      }
    }
    // Flow control holds the body back: take in the server's frames (WINDOW_UPDATE), then send more.
    if (auto ok = h2_->wait_for_input(*stream_, deadline); !ok) return ok;
    auto state = h2_->lock();
    if (auto pumped = h2_->mux().pump(); !pumped) return pumped;
  }
}

Result<void> Lease::receive(TimePoint deadline) {
  if (h1_) return h1_->receive(deadline);
  return h2_->wait_for_input(*stream_, deadline);
}

Result<bool> Lease::pull_body(const policy::RequestDeadlines& deadlines, std::string& out) {
  if (h1_) {
    auto event = h1_->next_event(deadlines);
    if (!event) return Unexpected{std::move(event).error()};
    if (auto* data = std::get_if<http1::BodyData>(&*event)) {
      out.append(as_chars(data->data));
      return true;
    }
    if (std::holds_alternative<http1::EndOfMessage>(*event)) return false;
    return fail(ErrorCode::invalid_state, "unexpected event while reading a body");
  }
  for (;;) {
    {
      auto state = h2_->lock();
      auto event = stream_->next_event();
      if (!event) return Unexpected{std::move(event).error()};
      // The bytes are lent until the next call on the shared machine: copied out under the lock.
      if (auto* data = std::get_if<http1::BodyData>(&*event)) {
        out.append(as_chars(data->data));
        return true;
      }
      if (std::holds_alternative<http1::EndOfMessage>(*event)) return false;
      if (std::holds_alternative<http1::ConnectionClosed>(*event)) {
        return fail(ErrorCode::incomplete_body, "the HTTP/2 connection closed inside the body", ErrorOrigin::remote);
      }
      if (!std::holds_alternative<http1::NeedData>(*event)) {
        return fail(ErrorCode::invalid_state, "unexpected event while reading a body");
      }
    }
    const TimePoint now = steady_now();
    if (auto ok = h2_->wait_for_input(*stream_, deadlines.read_deadline(now)); !ok) {
      Error error = std::move(ok).error();
      if (error.category == ErrorCategory::timeout) error = deadlines.timeout_error(policy::Phase::read, steady_now());
      return Unexpected{std::move(error)};
    }
  }
}

}  // namespace hipp::blocking::detail
