#include "transports/asio/detail/lease.hpp"

#include <utility>

#include "transports/api/steady_clock.hpp"

namespace hipp::async::detail {

namespace {
// HTTP/2 request body bytes queued beyond what flow control lets out before send() waits for
// WINDOW_UPDATE: an upload's memory stays O(this) whatever its size.
constexpr std::size_t kBodyBacklog = 256 * 1024;
}  // namespace

Lease::Lease(std::unique_ptr<Http1Connection> connection) noexcept
    : h1_(std::move(connection)), reused_(h1_ && h1_->requests_served > 0) {}

Lease::Lease(std::shared_ptr<H2Connection> connection, bool reused)
    : h2_(std::move(connection)),
      stream_(std::make_unique<exchange::Http2Channel>(h2_->mux())),
      claimed_(true),
      reused_(reused) {}

Lease::~Lease() {
  if (h2_) (void)release_stream(steady_now());
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
    h2_->unclaim();
    claimed_ = false;
  }
}

std::shared_ptr<H2Connection> Lease::release_stream(TimePoint now) noexcept {
  if (!h2_) return nullptr;
  if (claimed_) h2_->unclaim();
  claimed_ = false;
  stream_.reset();  // closes the stream (Http2Channel's destructor): RST_STREAM if it was unfinished
  if (h2_->is_idle()) h2_->mark_idle(now);
  return std::move(h2_);
}

asio::awaitable<Result<void>> Lease::send(TimePoint deadline) {
  if (h1_) co_return co_await h1_->send(deadline);
  for (;;) {
    if (auto ok = co_await h2_->flush(deadline); !ok) co_return ok;
    // A response that arrived meanwhile (an early 413, say) is the exchange's to look at now.
    if (stream_->buffered_body() <= kBodyBacklog || !stream_->stream() || h2_->mux().has_events(*stream_->stream()) ||
        !h2_->is_reusable()) {
      co_return Result<void>{};
    }
    // Flow control (or another writer still busy with our frames) holds the body back: wait for the
    // server's next frame (WINDOW_UPDATE, taken in by the reader) or for a write that drained the backlog.
    if (auto ok = co_await h2_->wait_for_input(*stream_, deadline, /*any_input=*/true); !ok) co_return ok;
  }
}

asio::awaitable<Result<void>> Lease::receive(TimePoint deadline) {
  if (h1_) co_return co_await h1_->receive(deadline);
  co_return co_await h2_->wait_for_input(*stream_, deadline);
}

asio::awaitable<Result<bool>> Lease::pull_body(const policy::RequestDeadlines& deadlines, std::string& out) {
  for (;;) {
    auto event = channel().next_event();
    if (!event) co_return Unexpected{std::move(event).error()};
    if (auto* data = std::get_if<http1::BodyData>(&*event)) {
      // The bytes are lent until the next call on the machine: copied out now.
      out.append(as_chars(data->data));
      co_return true;
    }
    if (std::holds_alternative<http1::EndOfMessage>(*event)) co_return false;
    if (std::holds_alternative<http1::ConnectionClosed>(*event)) {
      co_return fail(ErrorCode::incomplete_body, "the connection closed inside the body", ErrorOrigin::remote);
    }
    if (!std::holds_alternative<http1::NeedData>(*event)) {
      co_return fail(ErrorCode::invalid_state, "unexpected event while reading a body");
    }
    const TimePoint now = steady_now();
    if (auto ok = co_await receive(deadlines.read_deadline(now)); !ok) {
      Error error = std::move(ok).error();
      if (error.category == ErrorCategory::timeout) error = deadlines.timeout_error(policy::Phase::read, steady_now());
      if (h1_) h1_->machine.send_failed();
      co_return Unexpected{std::move(error)};
    }
  }
}

}  // namespace hipp::async::detail

