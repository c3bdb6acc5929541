#include "server_peer.hpp"

#include <cstring>
#include <stdexcept>
#include <variant>

namespace hipp::http2::test {

namespace {

std::vector<nghttp2_nv> to_nva(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<nghttp2_nv> nva;
  for (const auto& [n, v] : fields) {
    nva.push_back({const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(n.data())),
                   const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(v.data())), n.size(), v.size(),
                   NGHTTP2_NV_FLAG_NONE});
  }
  return nva;
}

std::string join(const Headers& h) {
  std::string out;
  for (const auto& f : h) out.append(" ").append(f.name).append("=").append(f.value);
  return out;
}

}  // namespace

std::string ReceivedRequest::get(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

bool ReceivedRequest::has(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return true;
  }
  return false;
}

ServerPeer::ServerPeer(ServerSettings settings) {
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
  if (nghttp2_session_server_new(&session_, cbs, this) != 0) throw std::runtime_error("nghttp2_session_server_new");
  nghttp2_session_callbacks_del(cbs);
  const nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
                                       {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.initial_window}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, iv, 2);
}

ServerPeer::~ServerPeer() { nghttp2_session_del(session_); }

void ServerPeer::receive(std::string_view bytes) {
  const auto n = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (n < 0) recv_error = static_cast<int>(n);
}

std::string ServerPeer::take_output() {
  std::string out;
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  out += injected_;
  injected_.clear();
  return out;
}

void ServerPeer::inject(std::string bytes) { injected_ = take_output() + bytes; }

void ServerPeer::respond(std::int32_t stream, Response response) {
  std::vector<std::pair<std::string, std::string>> fields{{":status", std::to_string(response.status)}};
  fields.insert(fields.end(), response.headers.begin(), response.headers.end());
  const auto nva = to_nva(fields);
  const bool has_body = !response.body.empty() || !response.trailers.empty();
  auto& out = outgoing_[stream];
  out.body = std::move(response.body);
  out.pos = 0;
  out.trailers = std::move(response.trailers);
  nghttp2_data_provider provider{};
  provider.read_callback = read_body;
  if (nghttp2_submit_response(session_, stream, nva.data(), nva.size(), has_body ? &provider : nullptr) != 0) {
    throw std::runtime_error("nghttp2_submit_response");
  }
}

void ServerPeer::informational(std::int32_t stream, int status) {
  const std::vector<std::pair<std::string, std::string>> fields{{":status", std::to_string(status)},
                                                                {"link", "</style.css>; rel=preload"}};
  const auto nva = to_nva(fields);
  nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, stream, nullptr, nva.data(), nva.size(), nullptr);
}

void ServerPeer::reset(std::int32_t stream, std::uint32_t code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, code);
}

void ServerPeer::goaway(std::int32_t last_stream_id, std::uint32_t code) {
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last_stream_id, code, reinterpret_cast<const std::uint8_t*>("bye"),
                        3);
}

int ServerPeer::on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                          const std::uint8_t* value, std::size_t valuelen, std::uint8_t flags, void* user_data) {
  auto& self = *static_cast<ServerPeer*>(user_data);
  auto& req = self.requests[frame->hd.stream_id];
  if ((flags & NGHTTP2_NV_FLAG_NO_INDEX) != 0) {
    req.never_indexed.emplace_back(reinterpret_cast<const char*>(name), namelen);
  }
  auto field = std::make_pair(std::string(reinterpret_cast<const char*>(name), namelen),
                              std::string(reinterpret_cast<const char*>(value), valuelen));
  (req.headers_done ? req.trailers : req.headers).push_back(std::move(field));
  return 0;
}

int ServerPeer::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto& self = *static_cast<ServerPeer*>(user_data);
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  auto& req = self.requests[frame->hd.stream_id];
  if (frame->hd.type == NGHTTP2_HEADERS && !req.headers_done) {
    req.headers_done = true;
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0 && self.on_request_head) {
      self.on_request_head(self, frame->hd.stream_id);
    }
  }
  if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
    req.complete = true;
    if (self.on_request) self.on_request(self, frame->hd.stream_id);
  }
  return 0;
}

int ServerPeer::on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                        std::size_t len, void* user_data) {
  auto& self = *static_cast<ServerPeer*>(user_data);
  self.requests[stream_id].body.append(reinterpret_cast<const char*>(data), len);
  return 0;
}

ssize_t ServerPeer::read_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                              std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
  auto& self = *static_cast<ServerPeer*>(user_data);
  auto& out = self.outgoing_[stream_id];
  const std::size_t n = std::min(length, out.body.size() - out.pos);
  std::memcpy(buf, out.body.data() + out.pos, n);
  out.pos += n;
  if (out.pos == out.body.size()) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (!out.trailers.empty()) {
      *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const auto nva = to_nva(out.trailers);
      nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size());
    }
  }
  return static_cast<ssize_t>(n);
}

Pair::Pair(Settings client_settings, ServerSettings server_settings, std::size_t chunk_size)
    : client(client_settings), server(server_settings), chunk(chunk_size) {}

void Pair::drain() {
  while (!error && !closed) {
    auto ev = client.next_event();
    if (!ev) {
      error = ev.error();
      log.push_back("error " + std::string(to_string(ev.error().code)));
      return;
    }
    if (std::holds_alternative<NeedData>(*ev)) return;
    if (auto* body = std::get_if<BodyData>(&*ev)) {
      bodies[body->stream] += as_chars(body->data);
      if (auto_ack) {
        client.acknowledge(body->stream, body->data.size());
      } else {
        unacked[body->stream] += body->data.size();
      }
      continue;  // not logged: chunking changes how bodies are cut
    }
    log.push_back(describe(*ev));
    closed = std::holds_alternative<ConnectionClosed>(*ev);
    events.push_back(std::move(*ev));
  }
}

bool Pair::step() {
  bool moved = false;
  auto out = client.pending_output();
  if (!out.empty()) {
    server.receive(as_chars(out));
    client.consume_output(out.size());
    moved = true;
  }
  const std::string bytes = server.take_output();
  server_to_client += bytes;
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    client.receive(as_bytes(std::string_view(bytes).substr(pos, chunk)));
    drain();
    moved = true;
  }
  drain();
  return moved;
}

bool Pair::drive(int max_rounds) {
  for (int i = 0; i < max_rounds && !error; ++i) {
    if (!step()) break;
  }
  return !error;
}

std::string describe(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, NeedData>) {
          return "need-data";
        } else if constexpr (std::is_same_v<T, InformationalResponse>) {
          return "info " + std::to_string(e.stream) + " " + std::to_string(e.status) + join(e.headers);
        } else if constexpr (std::is_same_v<T, ResponseHead>) {
          return "head " + std::to_string(e.stream) + " " + std::to_string(e.status) + join(e.headers);
        } else if constexpr (std::is_same_v<T, BodyData>) {
          return "data " + std::to_string(e.stream) + " " + std::to_string(e.data.size());
        } else if constexpr (std::is_same_v<T, EndOfStream>) {
          return "end " + std::to_string(e.stream) + join(e.trailers);
        } else if constexpr (std::is_same_v<T, StreamReset>) {
          return "reset " + std::to_string(e.stream) + " " + std::string(to_string(e.error.code)) + " " +
                 std::to_string(e.error_code);
        } else if constexpr (std::is_same_v<T, GoAway>) {
          std::string s = "goaway " + std::to_string(e.last_stream_id) + " " + std::to_string(e.error_code);
          for (auto id : e.unprocessed_streams) s += " " + std::to_string(id);
          return s;
        } else {
          return "closed";
        }
      },
      event);
}

}  // namespace hipp::http2::test
