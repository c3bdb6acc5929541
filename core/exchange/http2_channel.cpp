#include "core/exchange/http2_channel.hpp"

#include <utility>

#include "core/message/status.hpp"

namespace hipp::exchange {

Result<void> Http2Channel::send_request(const Request& request) {
  if (stream_) return fail(ErrorCode::invalid_state, "the HTTP/2 channel carries a request already");
  auto id = mux_->open(request.method, request.url.scheme, {}, request.target(),  // :authority from Host
                       request.headers, !request.body.empty());
  if (!id) return Unexpected{std::move(id).error()};
  stream_ = *id;
  has_body_ = !request.body.empty();
  ended_ = false;
  expecting_continue_ = request.expect_continue && !request.body.empty();
  return {};
}

Result<void> Http2Channel::send_body(Bytes data) {
  if (!stream_) return fail(ErrorCode::invalid_state, "no HTTP/2 stream is open");
  return mux_->connection().send_body(*stream_, data);
}

Result<void> Http2Channel::send_end() {
  if (!stream_) return fail(ErrorCode::invalid_state, "no HTTP/2 stream is open");
  if (!has_body_) return {};  // END_STREAM went with the HEADERS, as http1 takes a bodiless request
  return mux_->connection().send_end(*stream_);
}

bool Http2Channel::has_buffered_input() const noexcept {
  return mux_->connection().has_buffered_input() || (stream_ && mux_->has_events(*stream_));
}

std::size_t Http2Channel::buffered_body() const noexcept {
  return stream_ ? mux_->connection().buffered_body(*stream_) : 0;
}

Result<http1::Event> Http2Channel::next_event() {
  if (!stream_) return fail(ErrorCode::invalid_state, "no HTTP/2 stream is open");
  if (ended_) return http1::Event{http1::Paused{}};
  auto event = mux_->next_event(*stream_);
  if (!event) return Unexpected{std::move(event).error()};
  return std::visit(
      [this](auto& e) -> Result<http1::Event> {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, http2::NeedData>) {
          return http1::Event{http1::NeedData{}};
        } else if constexpr (std::is_same_v<E, http2::InformationalResponse>) {
          expecting_continue_ = false;
          return http1::Event{http1::InformationalResponse{e.status, std::string(status::reason_phrase(e.status)),
                                                           std::move(e.headers)}};
        } else if constexpr (std::is_same_v<E, http2::ResponseHead>) {
          expecting_continue_ = false;
          return http1::Event{
              http1::ResponseHead{e.status, std::string(status::reason_phrase(e.status)), 2, 0, std::move(e.headers)}};
        } else if constexpr (std::is_same_v<E, http2::BodyData>) {
          return http1::Event{http1::BodyData{e.data}};
        } else if constexpr (std::is_same_v<E, http2::EndOfStream>) {
          ended_ = true;
          return http1::Event{http1::EndOfMessage{std::move(e.trailers)}};
        } else if constexpr (std::is_same_v<E, http2::StreamReset>) {
          ended_ = true;
          return Unexpected{std::move(e.error)};
        } else if constexpr (std::is_same_v<E, http2::ConnectionClosed>) {
          return http1::Event{http1::ConnectionClosed{}};
        } else {  // GoAway: the multiplexer keeps it to itself
          return fail(ErrorCode::invalid_state, "unexpected HTTP/2 event");
        }
      },
      *event);
}

void Http2Channel::reset() noexcept {
  if (stream_) mux_->close(*stream_);
  stream_.reset();
  expecting_continue_ = false;
  ended_ = false;
}

}  // namespace hipp::exchange
