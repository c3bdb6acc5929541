#include "core/http2/multiplexer.hpp"

#include <utility>

namespace hipp::http2 {

Multiplexer::Multiplexer(Settings settings) : connection_(settings) {}

Result<StreamId> Multiplexer::open(std::string_view method, std::string_view scheme, std::string_view authority,
                                   std::string_view path, const Headers& headers, bool has_body) {
  if (error_) return Unexpected{*error_};
  auto id = connection_.submit_request(method, scheme, authority, path, headers, has_body);
  if (!id) return id;
  streams_.try_emplace(*id);
  return id;
}

StreamId Multiplexer::stream_of(const Event& event) noexcept {
  return std::visit(
      [](const auto& e) -> StreamId {
        if constexpr (requires { e.stream; }) {
          return e.stream;
        } else {
          return 0;
        }
      },
      event);
}

void Multiplexer::acknowledge_handed_out(StreamId id, Stream& s) noexcept {
  if (s.unacknowledged > 0) {
    connection_.acknowledge(id, s.unacknowledged);
    s.unacknowledged = 0;
  }
  s.current.reset();
}

void Multiplexer::keep(Event&& event) {
  if (std::holds_alternative<ConnectionClosed>(event)) {
    closed_ = true;
    return;
  }
  const StreamId id = stream_of(event);
  auto it = streams_.find(id);
  if (it == streams_.end()) {
    // GoAway (stream 0; its unprocessed streams follow as StreamReset), or a stream closed already.
    if (auto* data = std::get_if<BodyData>(&event)) connection_.acknowledge(data->stream, data->data.size());
    return;
  }
  Kept kept{std::move(event), {}};
  if (auto* data = std::get_if<BodyData>(&kept.event)) {
    kept.data.assign(as_chars(data->data));
    data->data = {};  // re-pointed at kept.data when handed out
  }
  if (std::holds_alternative<EndOfStream>(kept.event) || std::holds_alternative<StreamReset>(kept.event)) {
    it->second.ended = true;
  }
  it->second.kept.push_back(std::move(kept));
}

Result<Event> Multiplexer::next_event(StreamId stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) {
    return fail(ErrorCode::invalid_state, "HTTP/2 stream " + std::to_string(stream) + " is not open here");
  }
  Stream& s = it->second;
  acknowledge_handed_out(stream, s);
  if (!s.kept.empty()) {
    s.current = std::move(s.kept.front());
    s.kept.pop_front();
    if (auto* data = std::get_if<BodyData>(&s.current->event)) {
      data->data = as_bytes(std::string_view(s.current->data));
      s.unacknowledged = data->data.size();
    }
    return s.current->event;
  }
  if (s.ended) return fail(ErrorCode::invalid_state, "HTTP/2 stream " + std::to_string(stream) + " has ended");
  if (error_) return Unexpected{*error_};
  if (closed_) return Event{ConnectionClosed{}};
  for (;;) {
    auto event = connection_.next_event();
    if (!event) {
      error_ = event.error();
      return Unexpected{std::move(event).error()};
    }
    if (std::holds_alternative<NeedData>(*event)) return event;
    if (stream_of(*event) == stream) {
      // Our own event: handed out as the connection lends it, no copy.
      if (auto* data = std::get_if<BodyData>(&*event)) s.unacknowledged = data->data.size();
      if (std::holds_alternative<EndOfStream>(*event) || std::holds_alternative<StreamReset>(*event)) s.ended = true;
      return event;
    }
    keep(std::move(*event));
    if (closed_) return Event{ConnectionClosed{}};
  }
}

Result<void> Multiplexer::pump() {
  if (error_) return Unexpected{*error_};
  for (;;) {
    auto event = connection_.next_event();
    if (!event) {
      error_ = event.error();
      return Unexpected{std::move(event).error()};
    }
    if (std::holds_alternative<NeedData>(*event)) return {};
    keep(std::move(*event));
    if (closed_) return {};
  }
}

void Multiplexer::close(StreamId stream) noexcept {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  acknowledge_handed_out(stream, s);
  std::size_t unread = 0;
  for (const Kept& k : s.kept) {
    if (std::holds_alternative<BodyData>(k.event)) unread += k.data.size();
  }
  if (unread > 0) connection_.acknowledge(stream, unread);
  if (!s.ended && !error_) (void)connection_.reset_stream(stream, kCancel);
  streams_.erase(it);
}

bool Multiplexer::try_claim() noexcept {
  if (!is_reusable()) return false;
  if (connection_.available_streams() <= claimed_) return false;
  ++claimed_;
  return true;
}

void Multiplexer::unclaim() noexcept {
  if (claimed_ > 0) --claimed_;
}

bool Multiplexer::has_events(StreamId stream) const noexcept {
  auto it = streams_.find(stream);
  return it != streams_.end() && (!it->second.kept.empty() || it->second.ended);
}

}  // namespace hipp::http2
