#include "core/http2/connection.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>

#include "core/http2/request_fields.hpp"

namespace hipp::http2 {

namespace {

// RFC 9113 §6.5.2: a field's size in a header list is name + value + 32.
constexpr std::size_t kFieldOverhead = 32;

std::string h2_code_name(std::uint32_t code) { return nghttp2_http2_strerror(code); }

}  // namespace

struct Connection::Impl {
  // What we know about one stream we opened.
  struct Stream {
    enum class Phase { awaiting_head, body, done };
    Phase phase = Phase::awaiting_head;
    // Request body: bytes [body_pos, body.size()) are queued for DATA frames.
    bool has_body = false;
    bool body_ended = false;
    bool deferred = false;  // the data provider returned NGHTTP2_ERR_DEFERRED
    std::string body;
    std::size_t body_pos = 0;
    std::optional<std::uint64_t> content_length;
    std::uint64_t body_queued = 0;
    std::vector<RequestField> trailers;
    // Response decoding of the current header block.
    Headers block;
    int status = 0;
    std::size_t block_bytes = 0;
    std::size_t informational = 0;
    std::optional<Error> local_error;  // why we (or nghttp2 for us) reset it
    bool terminated = false;           // its EndOfStream/StreamReset is queued
  };

  explicit Impl(Settings s) : settings(s) {}
  ~Impl() {
    if (session != nullptr) nghttp2_session_del(session);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Settings settings;
  nghttp2_session* session = nullptr;
  std::map<StreamId, Stream> streams;
  std::deque<Event> events;

  // Input: bytes [in_pos, in.size()) are not yet given to nghttp2. BodyData
  // views point into `in`, so it is compacted only when no event is queued.
  std::string in;
  std::size_t in_pos = 0;
  bool eof = false;
  // nghttp2 paused after a DATA chunk; it must be called again (even with no input) to finish the frame.
  bool paused = false;
  bool eof_reported = false;
  bool closed_reported = false;

  // Output: bytes [out_pos, out.size()) are pending.
  std::string out;
  std::size_t out_pos = 0;

  bool goaway_in = false;
  StreamId goaway_last_id = std::numeric_limits<StreamId>::max();
  bool goaway_out = false;
  bool settings_seen = false;
  std::optional<Error> conn_error;  // detected, not yet reported
  bool failed = false;              // reported (or a command failed fatally)
  std::string last_lib_message;     // nghttp2's error_callback2 text, for details

  Stream* find(StreamId id) noexcept {
    auto it = streams.find(id);
    return it == streams.end() ? nullptr : &it->second;
  }

  void set_conn_error(Error e) {
    if (!conn_error && !failed) conn_error = std::move(e);
  }

  void terminate(StreamId id, Stream& s, std::uint32_t code, Error e) {
    if (s.terminated) return;
    s.terminated = true;
    s.phase = Stream::Phase::done;
    events.emplace_back(StreamReset{id, code, std::move(e)});
  }

  // --- Output ---

  void flush() noexcept {
    if (session == nullptr) return;
    while (out.size() - out_pos < settings.output_high_water) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session, &data);
      if (n < 0) {
        set_conn_error(make_error(ErrorCode::http2_protocol_error,
                                  std::string("nghttp2_session_mem_send: ") + nghttp2_strerror(static_cast<int>(n))));
        return;
      }
      if (n == 0) return;
      if (out_pos > 0 && out_pos == out.size()) {
        out.clear();
        out_pos = 0;
      }
      try {
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
      } catch (...) {
        set_conn_error(make_error(ErrorCode::http2_protocol_error, "out of memory"));
        return;
      }
    }
  }

  // --- nghttp2 callbacks (never re-enter mem_recv/mem_send from here) ---

  static Impl& self(void* user_data) { return *static_cast<Impl*>(user_data); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& im = self(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (auto* s = im.find(frame->hd.stream_id)) {
      s->block.clear();
      s->block_bytes = 0;
      s->status = 0;
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user_data) {
    auto& im = self(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto* s = im.find(frame->hd.stream_id);
    if (s == nullptr || s->terminated || s->local_error) return 0;
    const std::string_view n(reinterpret_cast<const char*>(name), namelen);
    const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    // Our caps, counted while decoding so a huge block never piles up (RFC 9113 §10.5.1).
    s->block_bytes += namelen + valuelen + kFieldOverhead;
    if (s->block_bytes > im.settings.max_header_list_bytes) {
      s->local_error =
          make_error(ErrorCode::header_too_large, "header list over max_header_list_bytes", ErrorOrigin::remote);
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // nghttp2 resets the stream and keeps HPACK in sync
    }
    if (!n.empty() && n[0] == ':') {
      if (n == ":status") {
        int st = 0;
        for (char c : v) st = st * 10 + (c - '0');  // nghttp2 checked it is three digits (§8.3.2)
        s->status = st;
      }
      return 0;
    }
    if (s->block.size() >= im.settings.max_header_count) {
      s->local_error =
          make_error(ErrorCode::too_many_headers, "header block over max_header_count", ErrorOrigin::remote);
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    try {
      s->block.add(n, v);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& im = self(user_data);
    try {
      switch (frame->hd.type) {
        case NGHTTP2_HEADERS:
          im.on_headers_frame(frame);
          break;
        case NGHTTP2_DATA:
          if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
            if (auto* s = im.find(frame->hd.stream_id); s != nullptr && !s->terminated && !s->local_error) {
              s->terminated = true;
              s->phase = Stream::Phase::done;
              im.events.emplace_back(EndOfStream{frame->hd.stream_id, {}});
            }
          }
          break;
        case NGHTTP2_SETTINGS:
          if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) im.settings_seen = true;
          break;
        case NGHTTP2_GOAWAY:
          im.on_goaway(frame->goaway);
          break;
        default:
          break;
      }
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  void on_headers_frame(const nghttp2_frame* frame) {
    const StreamId id = frame->hd.stream_id;
    auto* s = find(id);
    if (s == nullptr || s->terminated || s->local_error) return;
    const bool end = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (s->phase == Stream::Phase::awaiting_head) {
      if (s->status >= 100 && s->status < 200) {
        // RFC 9113 §8.1: any number of 1xx heads may precede the final one; we bound them.
        if (++s->informational > settings.max_informational) {
          s->local_error = make_error(ErrorCode::too_many_informational, "more 1xx responses than max_informational",
                                      ErrorOrigin::remote);
          nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_ENHANCE_YOUR_CALM);
          return;
        }
        events.emplace_back(InformationalResponse{id, s->status, std::move(s->block)});
        s->block.clear();
        return;
      }
      s->phase = Stream::Phase::body;
      events.emplace_back(ResponseHead{id, s->status, std::move(s->block)});
      s->block.clear();
      if (end) {
        s->terminated = true;
        s->phase = Stream::Phase::done;
        events.emplace_back(EndOfStream{id, {}});
      }
      return;
    }
    // A second block after the final head is the trailer section; nghttp2 made sure it ends the stream.
    s->terminated = true;
    s->phase = Stream::Phase::done;
    events.emplace_back(EndOfStream{id, std::move(s->block)});
    s->block.clear();
  }

  void on_goaway(const nghttp2_goaway& g) {
    goaway_in = true;
    goaway_last_id = g.last_stream_id;
    GoAway ev;
    ev.last_stream_id = g.last_stream_id;
    ev.error_code = g.error_code;
    ev.debug_data.assign(reinterpret_cast<const char*>(g.opaque_data), g.opaque_data_len);
    for (const auto& [id, s] : streams) {
      if (id > g.last_stream_id && !s.terminated) ev.unprocessed_streams.push_back(id);
    }
    events.emplace_back(std::move(ev));
  }

  static int on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                           std::size_t len, void* user_data) {
    auto& im = self(user_data);
    auto* s = im.find(stream_id);
    if (s == nullptr || s->terminated || s->local_error || len == 0) {
      // Nobody will acknowledge these bytes: give the window back now.
      nghttp2_session_consume(session, stream_id, len);
      return 0;
    }
    try {
      im.events.emplace_back(BodyData{stream_id, Bytes(reinterpret_cast<const std::byte*>(data), len)});
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    // Stop here: the view points into our input buffer, which must stay put until the event is taken.
    im.paused = true;
    return NGHTTP2_ERR_PAUSE;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code, void* user_data) {
    auto& im = self(user_data);
    auto it = im.streams.find(stream_id);
    if (it == im.streams.end()) return 0;
    auto& s = it->second;
    try {
      if (!s.terminated) {
        Error e;
        if (s.local_error) {
          e = *s.local_error;
        } else if ((im.goaway_in && stream_id > im.goaway_last_id) || error_code == NGHTTP2_REFUSED_STREAM) {
          e = make_error(ErrorCode::stream_unprocessed,
                         error_code == NGHTTP2_REFUSED_STREAM ? "REFUSED_STREAM" : "above GOAWAY last_stream_id",
                         ErrorOrigin::remote);
        } else {
          // Includes RST_STREAM(NO_ERROR) before the response was complete.
          e = make_error(ErrorCode::stream_reset, "RST_STREAM " + h2_code_name(error_code), ErrorOrigin::remote);
        }
        im.terminate(stream_id, s, error_code, std::move(e));
      }
      im.streams.erase(it);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_invalid_frame(nghttp2_session*, const nghttp2_frame* frame, int lib_error, void* user_data) {
    auto& im = self(user_data);
    if (frame->hd.stream_id == 0) return 0;
    if (auto* s = im.find(frame->hd.stream_id); s != nullptr && !s->local_error) {
      // nghttp2 resets the stream (PROTOCOL_ERROR) after this; remember why for the StreamReset.
      s->local_error =
          make_error(ErrorCode::http2_protocol_error, std::string("malformed response: ") + nghttp2_strerror(lib_error),
                     ErrorOrigin::remote);
    }
    return 0;
  }

  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& im = self(user_data);
    if (frame->hd.type == NGHTTP2_GOAWAY) {
      im.goaway_out = true;
      // nghttp2 sends GOAWAY with an error only when it found a connection error in the peer's bytes.
      if (frame->goaway.error_code != NGHTTP2_NO_ERROR) {
        std::string detail = h2_code_name(frame->goaway.error_code);
        if (!im.last_lib_message.empty()) detail += ": " + im.last_lib_message;
        im.set_conn_error(make_error(ErrorCode::http2_protocol_error, std::move(detail), ErrorOrigin::remote));
      }
    }
    return 0;
  }

  static int on_frame_not_send(nghttp2_session*, const nghttp2_frame* frame, int lib_error, void* user_data) {
    auto& im = self(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto it = im.streams.find(frame->hd.stream_id);
    if (it == im.streams.end()) return 0;
    try {
      // A request that never left: after a GOAWAY it is unprocessed by definition.
      const bool refused = lib_error == NGHTTP2_ERR_START_STREAM_NOT_ALLOWED || im.goaway_in;
      im.terminate(it->first, it->second, NGHTTP2_REFUSED_STREAM,
                   make_error(refused ? ErrorCode::stream_unprocessed : ErrorCode::http2_protocol_error,
                              std::string("request not sent: ") + nghttp2_strerror(lib_error),
                              refused ? ErrorOrigin::remote : ErrorOrigin::local));
      im.streams.erase(it);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_error(nghttp2_session*, int, const char* msg, std::size_t len, void* user_data) {
    auto& im = self(user_data);
    try {
      im.last_lib_message.assign(msg, len);
    } catch (...) {
    }
    return 0;
  }

  static ssize_t read_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
    auto& im = self(user_data);
    auto* s = im.find(stream_id);
    if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::size_t avail = s->body.size() - s->body_pos;
    const std::size_t n = std::min(avail, length);
    if (n > 0) std::memcpy(buf, s->body.data() + s->body_pos, n);
    s->body_pos += n;
    if (s->body_pos == s->body.size()) {
      s->body.clear();
      s->body_pos = 0;
    }
    if (n == avail && s->body_ended) {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!s->trailers.empty()) {
        // The END_STREAM goes on the trailer HEADERS frame instead (RFC 9113 §8.1).
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        std::vector<nghttp2_nv> nva = to_nva(s->trailers);
        if (nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size()) != 0) {
          return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        }
      }
      return static_cast<ssize_t>(n);
    }
    if (n == 0) {
      s->deferred = true;
      return NGHTTP2_ERR_DEFERRED;
    }
    return static_cast<ssize_t>(n);
  }

  static std::vector<nghttp2_nv> to_nva(const std::vector<RequestField>& fields) {
    std::vector<nghttp2_nv> nva;
    nva.reserve(fields.size());
    for (const auto& f : fields) {
      // nghttp2's API takes non-const pointers but copies the bytes (NGHTTP2_NV_FLAG_NONE).
      nva.push_back({const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(f.name.data())),
                     const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(f.value.data())), f.name.size(),
                     f.value.size(),
                     static_cast<std::uint8_t>(f.never_index ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE)});
    }
    return nva;
  }

  // --- Setup ---

  void start() {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_option* opt = nullptr;
    if (nghttp2_session_callbacks_new(&cbs) != 0 || nghttp2_option_new(&opt) != 0) {
      if (cbs != nullptr) nghttp2_session_callbacks_del(cbs);
      set_conn_error(make_error(ErrorCode::http2_protocol_error, "nghttp2: out of memory"));
      return;
    }
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cbs, on_invalid_frame);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, on_frame_send);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, on_frame_not_send);
    nghttp2_session_callbacks_set_error_callback2(cbs, on_error);
    // We acknowledge body bytes ourselves, when the caller has used them (RFC 9113 §5.2).
    nghttp2_option_set_no_auto_window_update(opt, 1);
    nghttp2_option_set_peer_max_concurrent_streams(opt, settings.initial_peer_max_streams);
    const int rv = nghttp2_session_client_new2(&session, cbs, this, opt);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_option_del(opt);
    if (rv != 0) {
      session = nullptr;
      set_conn_error(make_error(ErrorCode::http2_protocol_error, std::string("nghttp2: ") + nghttp2_strerror(rv)));
      return;
    }
    const std::uint32_t header_list =
        static_cast<std::uint32_t>(std::min<std::size_t>(settings.max_header_list_bytes, 0xffffffffu));
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, std::min<std::uint32_t>(settings.stream_window, 0x7fffffff)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, header_list},
    };
    int r = nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0]));
    if (r == 0 && settings.connection_window > 65535) {
      r = nghttp2_session_set_local_window_size(
          session, NGHTTP2_FLAG_NONE, 0,
          static_cast<std::int32_t>(std::min<std::uint32_t>(settings.connection_window, 0x7fffffff)));
    }
    if (r != 0) {
      set_conn_error(make_error(ErrorCode::http2_protocol_error, std::string("nghttp2: ") + nghttp2_strerror(r)));
      return;
    }
    flush();
  }

  // --- Input ---

  // Hands buffered input to nghttp2 until an event is queued or the input is used up.
  void decode() {
    if (session == nullptr || conn_error) return;
    if (events.empty() && in_pos > 0) {
      // No BodyData view is alive: compact, rarely enough that a large receive() stays linear.
      if (in_pos == in.size()) {
        in.clear();
        in_pos = 0;
      } else if (in_pos >= 16384 && in_pos * 2 >= in.size()) {
        in.erase(0, in_pos);
        in_pos = 0;
      }
    }
    while (events.empty() && (in_pos < in.size() || paused) && !conn_error) {
      paused = false;
      const auto* p = reinterpret_cast<const std::uint8_t*>(in.data()) + in_pos;
      const auto n = nghttp2_session_mem_recv(session, p, in.size() - in_pos);
      if (n < 0) {
        std::string detail = nghttp2_strerror(static_cast<int>(n));
        if (!last_lib_message.empty()) detail += ": " + last_lib_message;
        const bool ours = n == NGHTTP2_ERR_NOMEM || n == NGHTTP2_ERR_CALLBACK_FAILURE;
        set_conn_error(make_error(ErrorCode::http2_protocol_error, std::move(detail),
                                  ours ? ErrorOrigin::local : ErrorOrigin::remote));
        break;
      }
      in_pos += static_cast<std::size_t>(n);
      if (n == 0 && !paused) break;
    }
    flush();  // SETTINGS ACK, WINDOW_UPDATE, PING ACK, RST_STREAM, GOAWAY
  }

  void report_eof() {
    // RFC 9113 §8.1: a stream the transport closed under us is incomplete; nobody can say whether the
    // server acted on a request it never answered, so neither case is "unprocessed".
    for (auto& [id, s] : streams) {
      if (s.terminated) continue;
      const bool started = s.phase != Stream::Phase::awaiting_head || s.informational > 0;
      terminate(id, s, kNoError,
                make_error(started ? ErrorCode::incomplete_body : ErrorCode::connection_closed,
                           "connection closed with the stream open", ErrorOrigin::remote));
    }
    streams.clear();
    eof_reported = true;
  }

  bool finished() const noexcept {
    if (session == nullptr) return false;
    return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 && out_pos == out.size();
  }

  std::size_t live_streams() const noexcept {
    std::size_t n = 0;
    for (const auto& [id, s] : streams) n += s.terminated ? 0 : 1;
    return n;
  }
};

Connection::Connection(Settings settings) : impl_(std::make_unique<Impl>(settings)) { impl_->start(); }
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Result<StreamId> Connection::submit_request(std::string_view method, std::string_view scheme,
                                            std::string_view authority, std::string_view path, const Headers& headers,
                                            bool has_body) {
  auto& im = *impl_;
  if (im.failed || im.conn_error || im.session == nullptr) return fail(ErrorCode::invalid_state, "connection failed");
  auto fields = build_request_fields(method, scheme, authority, path, headers);
  if (!fields) return Unexpected{fields.error()};
  if (available_streams() == 0) {
    return fail(ErrorCode::no_stream_available,
                im.goaway_in || im.goaway_out ? "GOAWAY" : "MAX_CONCURRENT_STREAMS reached");
  }
  const auto nva = Impl::to_nva(fields->fields);
  nghttp2_data_provider provider{};
  provider.read_callback = Impl::read_body;
  const std::int32_t id =
      nghttp2_submit_request(im.session, nullptr, nva.data(), nva.size(), has_body ? &provider : nullptr, nullptr);
  if (id < 0) {
    return fail(id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE ? ErrorCode::no_stream_available : ErrorCode::invalid_state,
                std::string("nghttp2_submit_request: ") + nghttp2_strerror(id));
  }
  auto& s = im.streams[id];
  s.has_body = has_body;
  s.content_length = fields->content_length;
  im.flush();
  return id;
}

Result<void> Connection::send_body(StreamId stream, Bytes data) {
  auto& im = *impl_;
  if (im.failed || im.conn_error) return fail(ErrorCode::invalid_state, "connection failed");
  auto* s = im.find(stream);
  // A stream whose response has ended may still owe its body (RFC 9113 §8.1): only closed ones refuse.
  if (s == nullptr) return fail(ErrorCode::invalid_state, "unknown or closed stream");
  if (!s->has_body || s->body_ended) return fail(ErrorCode::invalid_state, "no request body in progress");
  if (data.empty()) return {};
  if (s->content_length && s->body_queued + data.size() > *s->content_length) {
    return fail(ErrorCode::body_length_mismatch, "more body bytes than Content-Length");
  }
  if (s->body_pos > 0 && s->body_pos * 2 > s->body.size()) {
    s->body.erase(0, s->body_pos);
    s->body_pos = 0;
  }
  s->body.append(as_chars(data));
  s->body_queued += data.size();
  if (s->deferred) {
    s->deferred = false;
    nghttp2_session_resume_data(im.session, stream);
  }
  im.flush();
  return {};
}

Result<void> Connection::send_end(StreamId stream, const Headers& trailers) {
  auto& im = *impl_;
  if (im.failed || im.conn_error) return fail(ErrorCode::invalid_state, "connection failed");
  auto* s = im.find(stream);
  // A stream whose response has ended may still owe its body (RFC 9113 §8.1): only closed ones refuse.
  if (s == nullptr) return fail(ErrorCode::invalid_state, "unknown or closed stream");
  if (!s->has_body || s->body_ended) return fail(ErrorCode::invalid_state, "no request body in progress");
  if (s->content_length && s->body_queued != *s->content_length) {
    return fail(ErrorCode::body_length_mismatch, "fewer body bytes than Content-Length");
  }
  auto fields = build_trailer_fields(trailers);
  if (!fields) return Unexpected{fields.error()};
  s->trailers = std::move(*fields);
  s->body_ended = true;
  if (s->deferred) {
    s->deferred = false;
    nghttp2_session_resume_data(im.session, stream);
  }
  im.flush();
  return {};
}

Result<void> Connection::reset_stream(StreamId stream, std::uint32_t error_code) {
  auto& im = *impl_;
  if (im.failed || im.conn_error) return fail(ErrorCode::invalid_state, "connection failed");
  auto* s = im.find(stream);
  if (s == nullptr) return fail(ErrorCode::invalid_state, "unknown or closed stream");
  if (!s->local_error) s->local_error = make_error(ErrorCode::invalid_state, "reset by the caller");
  nghttp2_submit_rst_stream(im.session, NGHTTP2_FLAG_NONE, stream, error_code);
  im.flush();
  return {};
}

void Connection::acknowledge(StreamId stream, std::size_t n) noexcept {
  auto& im = *impl_;
  if (im.session == nullptr || n == 0) return;
  // For a stream nghttp2 has forgotten, this still credits the connection window.
  if (stream <= 0) {
    nghttp2_session_consume_connection(im.session, n);
  } else {
    nghttp2_session_consume(im.session, stream, n);
  }
  im.flush();
}

Result<void> Connection::shutdown() {
  auto& im = *impl_;
  if (im.failed || im.conn_error || im.session == nullptr) return fail(ErrorCode::invalid_state, "connection failed");
  // RFC 9113 §6.8: last_stream_id is the last stream the server opened; a client has none.
  const int rv = nghttp2_submit_goaway(im.session, NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, nullptr, 0);
  if (rv != 0) return fail(ErrorCode::invalid_state, std::string("nghttp2_submit_goaway: ") + nghttp2_strerror(rv));
  im.goaway_out = true;
  im.flush();
  return {};
}

Bytes Connection::pending_output() const noexcept {
  const auto& im = *impl_;
  return {reinterpret_cast<const std::byte*>(im.out.data()) + im.out_pos, im.out.size() - im.out_pos};
}

void Connection::consume_output(std::size_t n) noexcept {
  auto& im = *impl_;
  im.out_pos += std::min(n, im.out.size() - im.out_pos);
  if (im.out_pos == im.out.size()) {
    im.out.clear();
    im.out_pos = 0;
  }
  im.flush();
}

void Connection::receive(Bytes data) {
  auto& im = *impl_;
  if (im.eof || data.empty()) return;
  im.in.append(as_chars(data));
}

void Connection::receive_eof() { impl_->eof = true; }

Result<Event> Connection::next_event() {
  auto& im = *impl_;
  if (im.failed) return fail(ErrorCode::invalid_state, "connection failed");
  if (im.events.empty()) im.decode();
  if (!im.events.empty()) {
    Event ev = std::move(im.events.front());
    im.events.pop_front();
    return ev;
  }
  if (im.conn_error) {
    im.failed = true;
    Error e = std::move(*im.conn_error);
    im.conn_error.reset();
    im.streams.clear();
    return Unexpected{std::move(e)};
  }
  if (im.in_pos < im.in.size()) return Event{NeedData{}};  // nghttp2 made no progress; cannot happen, but never spin
  if (im.eof && !im.eof_reported) {
    im.report_eof();
    if (!im.events.empty()) {
      Event ev = std::move(im.events.front());
      im.events.pop_front();
      return ev;
    }
  }
  if (im.eof || (im.finished() && im.live_streams() == 0)) {
    im.closed_reported = true;
    return Event{ConnectionClosed{}};
  }
  return Event{NeedData{}};
}

std::size_t Connection::available_streams() const noexcept {
  const auto& im = *impl_;
  if (im.failed || im.conn_error || im.session == nullptr || im.goaway_in || im.goaway_out || im.eof) return 0;
  // The next id nghttp2 would use; ids are 31 bits (RFC 9113 §5.1.1).
  const auto next = nghttp2_session_get_next_stream_id(im.session);
  if (next > 0x7fffffffu) return 0;
  const std::uint32_t limit = nghttp2_session_get_remote_settings(im.session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  const std::size_t open = im.streams.size();
  const std::size_t by_ids = (0x7fffffffu - next) / 2 + 1;
  return limit > open ? std::min<std::size_t>(limit - open, by_ids) : 0;
}

std::size_t Connection::open_streams() const noexcept { return impl_->live_streams(); }

bool Connection::is_reusable() const noexcept {
  const auto& im = *impl_;
  return !im.failed && !im.conn_error && im.session != nullptr && !im.goaway_in && !im.goaway_out && !im.eof &&
         nghttp2_session_get_next_stream_id(im.session) <= 0x7fffffffu;
}

bool Connection::goaway_received() const noexcept { return impl_->goaway_in; }

bool Connection::has_failed() const noexcept { return impl_->failed || impl_->conn_error.has_value(); }

bool Connection::has_buffered_input() const noexcept { return impl_->in_pos < impl_->in.size(); }

std::size_t Connection::buffered_body(StreamId stream) const noexcept {
  auto it = impl_->streams.find(stream);
  return it == impl_->streams.end() ? 0 : it->second.body.size() - it->second.body_pos;
}

const Settings& Connection::settings() const noexcept { return impl_->settings; }

}  // namespace hipp::http2
