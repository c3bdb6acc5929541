// http2::Connection against an in-memory nghttp2 server (server_peer.hpp). Every scenario runs with the
// server's bytes cut into pieces of several sizes; the event log must not depend on the cut.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <variant>

#include "core/http2/connection.hpp"
#include "server_peer.hpp"

using namespace hipp;
using namespace hipp::http2;
using hipp::http2::test::Pair;
using hipp::http2::test::Response;
using hipp::http2::test::ServerPeer;
using hipp::http2::test::ServerSettings;

namespace {

std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>('a' + (x >> 16) % 26);
  }
  return s;
}

StreamId get(Pair& p, const std::string& path, Headers headers = {}) {
  auto id = p.client.submit_request("GET", "https", "example.com", path, headers, false);
  REQUIRE(id.has_value());
  return *id;
}

void echo_path(ServerPeer& s, std::int32_t stream) {
  const auto& req = s.requests[stream];
  s.respond(stream, Response{200, {{"content-type", "text/plain"}}, "path=" + req.get(":path"), {}});
}

template <class T>
std::vector<T> events_of(const Pair& p) {
  std::vector<T> out;
  for (const auto& e : p.events) {
    if (auto* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

}  // namespace

TEST_CASE("http2: the preface and SETTINGS are pending before any request", "[http2]") {
  Connection conn;
  const auto out = as_chars(conn.pending_output());
  REQUIRE(out.substr(0, 24) == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  // RFC 9113 §6.5: the first frame is SETTINGS (type 4) on stream 0; ENABLE_PUSH (id 2) is 0.
  REQUIRE(out.size() > 24 + 9);
  CHECK(static_cast<unsigned char>(out[24 + 3]) == 0x4);
  const auto len = (static_cast<std::size_t>(static_cast<unsigned char>(out[24])) << 16) |
                   (static_cast<std::size_t>(static_cast<unsigned char>(out[25])) << 8) |
                   static_cast<unsigned char>(out[26]);
  bool push_off = false;
  bool window = false;
  for (std::size_t i = 0; i + 6 <= len; i += 6) {
    const auto* p = reinterpret_cast<const unsigned char*>(out.data()) + 24 + 9 + i;
    const unsigned id = (p[0] << 8) | p[1];
    const unsigned long v = (static_cast<unsigned long>(p[2]) << 24) | (p[3] << 16) | (p[4] << 8) | p[5];
    if (id == 2) push_off = v == 0;
    if (id == 4) window = v == Settings{}.stream_window;
  }
  CHECK(push_off);
  CHECK(window);
  CHECK(conn.available_streams() == Settings{}.initial_peer_max_streams);
  CHECK(conn.is_reusable());
}

TEST_CASE("http2: request/response round trip", "[http2]") {
  const std::size_t chunk = GENERATE(1, 2, 3, 7, 13, 64, 1000, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = echo_path;
  const auto id = get(p, "/hello?x=1", {{"Accept", "*/*"}, {"X-Custom", "Yes"}});
  CHECK(id == 1);
  REQUIRE(p.drive());
  const auto& req = p.server.requests[id];
  CHECK(req.get(":method") == "GET");
  CHECK(req.get(":scheme") == "https");
  CHECK(req.get(":authority") == "example.com");
  CHECK(req.get(":path") == "/hello?x=1");
  CHECK(req.get("x-custom") == "Yes");  // names lower-cased (RFC 9113 §8.2.1), values as given
  CHECK(p.log == std::vector<std::string>{"head 1 200 content-type=text/plain", "end 1"});
  CHECK(p.bodies[1] == "path=/hello?x=1");
  const auto heads = events_of<ResponseHead>(p);
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].http_version == "HTTP/2");
  CHECK(p.client.open_streams() == 0);
  CHECK(p.client.is_reusable());
}

TEST_CASE("http2: a transcript replayed split at every offset gives the same events", "[http2]") {
  // Record what the server sends for two requests, then feed it to fresh clients in two pieces.
  Pair live;
  live.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    s.respond(stream,
              Response{200, {{"x-n", std::to_string(stream)}}, pattern(300, unsigned(stream)), {{"x-trailer", "t"}}});
  };
  get(live, "/a");
  get(live, "/b");
  REQUIRE(live.drive());
  const std::string wire = live.server_to_client;
  REQUIRE(wire.size() > 100);
  for (std::size_t k = 0; k <= wire.size(); ++k) {
    Pair replay;
    get(replay, "/a");
    get(replay, "/b");
    replay.client.receive(as_bytes(std::string_view(wire).substr(0, k)));
    replay.drain();
    replay.client.receive(as_bytes(std::string_view(wire).substr(k)));
    replay.drain();
    INFO("split at " << k);
    REQUIRE(replay.log == live.log);
    REQUIRE(replay.bodies == live.bodies);
  }
}

TEST_CASE("http2: request bodies fed by the caller, with trailers", "[http2]") {
  const std::size_t chunk = GENERATE(1, 5, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    s.respond(stream, Response{201, {}, std::to_string(s.requests[stream].body.size()), {}});
  };
  auto id = p.client.submit_request("POST", "http", "example.com", "/upload", {{"content-length", "11"}}, true);
  REQUIRE(id);
  REQUIRE(p.drive());
  CHECK_FALSE(p.server.requests[*id].complete);  // the body is still open
  REQUIRE(p.client.send_body(*id, as_bytes("hello ")));
  REQUIRE(p.drive());
  // Beyond Content-Length: refused, nothing queued.
  CHECK(p.client.send_body(*id, as_bytes("world!")).error().code == ErrorCode::body_length_mismatch);
  CHECK(p.client.send_end(*id).error().code == ErrorCode::body_length_mismatch);
  REQUIRE(p.client.send_body(*id, as_bytes("world")));
  REQUIRE(p.client.send_end(*id));
  CHECK(p.client.send_body(*id, as_bytes("x")).error().code == ErrorCode::invalid_state);
  REQUIRE(p.drive());
  CHECK(p.server.requests[*id].body == "hello world");
  CHECK(p.log == std::vector<std::string>{"head 1 201", "end 1"});
  CHECK(p.bodies[*id] == "11");

  // Request trailers travel in a HEADERS frame after the DATA.
  auto id2 = p.client.submit_request("PUT", "http", "example.com", "/t", {{"te", "trailers"}}, true);
  REQUIRE(id2);
  REQUIRE(p.client.send_body(*id2, as_bytes("abc")));
  REQUIRE(p.client.send_end(*id2, {{"X-Checksum", "42"}}));
  REQUIRE(p.drive());
  const auto& req = p.server.requests[*id2];
  CHECK(req.body == "abc");
  CHECK(req.get("te") == "trailers");
  REQUIRE(req.trailers.size() == 1);
  CHECK(req.trailers[0] == std::make_pair(std::string("x-checksum"), std::string("42")));
}

TEST_CASE("http2: a response that ends before the upload does, then RST_STREAM(NO_ERROR)", "[http2]") {
  // RFC 9113 §8.1: a server may answer early and reset with NO_ERROR to stop the request body.
  const std::size_t chunk = GENERATE(1, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request_head = [](ServerPeer& s, std::int32_t stream) {
    s.respond(stream, Response{413, {}, "too big", {}});
  };
  auto id = p.client.submit_request("POST", "https", "example.com", "/", {}, true);
  REQUIRE(id);
  REQUIRE(p.client.send_body(*id, as_bytes("part")));
  REQUIRE(p.drive());
  CHECK(p.log == std::vector<std::string>{"head 1 413", "end 1"});
  CHECK(p.bodies[*id] == "too big");
  // The response ended but our side is open: the body may still go, and the stream still counts.
  CHECK(p.client.open_streams() == 0);
  CHECK(p.client.available_streams() == 99);
  REQUIRE(p.client.send_body(*id, as_bytes(" still")));
  REQUIRE(p.drive());
  CHECK(p.server.requests[*id].body == "part still");
  p.server.reset(*id, NGHTTP2_NO_ERROR);
  REQUIRE(p.drive());
  CHECK(p.client.available_streams() == 100);
  CHECK(p.log.size() == 2);  // the stream had ended: no StreamReset follows
  CHECK(p.client.open_streams() == 0);
  CHECK(p.client.send_body(*id, as_bytes("more")).error().code == ErrorCode::invalid_state);
  CHECK(p.client.is_reusable());

  // The same reset before the response completed is a typed stream error.
  Pair q({}, {}, chunk);
  q.server.on_request_head = [](ServerPeer& s, std::int32_t stream) { s.reset(stream, NGHTTP2_NO_ERROR); };
  auto id2 = q.client.submit_request("POST", "https", "example.com", "/", {}, true);
  REQUIRE(id2);
  REQUIRE(q.drive());
  const auto resets = events_of<StreamReset>(q);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].error.code == ErrorCode::stream_reset);
  CHECK(resets[0].error_code == kNoError);
}

TEST_CASE("http2: response trailers and informational responses", "[http2]") {
  const std::size_t chunk = GENERATE(1, 4, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    s.informational(stream, 103);
    s.respond(stream, Response{200, {}, "body", {{"grpc-status", "0"}, {"x-digest", "abc"}}});
  };
  get(p, "/");
  REQUIRE(p.drive());
  CHECK(p.log == std::vector<std::string>{"info 1 103 link=</style.css>; rel=preload", "head 1 200",
                                          "end 1 grpc-status=0 x-digest=abc"});
  CHECK(p.bodies[1] == "body");
}

TEST_CASE("http2: many concurrent streams on one connection", "[http2]") {
  const std::size_t chunk = GENERATE(3, 100, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    s.respond(stream, Response{200, {}, pattern(5000 + std::size_t(stream), unsigned(stream)), {}});
  };
  std::vector<StreamId> ids;
  for (int i = 0; i < 64; ++i) ids.push_back(get(p, "/" + std::to_string(i)));
  CHECK(p.client.open_streams() == 64);
  REQUIRE(p.drive());
  for (auto id : ids) CHECK(p.bodies[id] == pattern(5000 + std::size_t(id), unsigned(id)));
  CHECK(events_of<EndOfStream>(p).size() == 64);
  CHECK(p.client.open_streams() == 0);
}

TEST_CASE("http2: MAX_CONCURRENT_STREAMS is respected; extra requests are refused", "[http2]") {
  ServerSettings ss;
  ss.max_concurrent_streams = 2;
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  Pair p({}, ss, chunk);
  p.server.on_request = [](ServerPeer&, std::int32_t) {};  // answer later
  REQUIRE(p.drive());                                      // exchange SETTINGS
  CHECK(p.client.available_streams() == 2);
  const auto a = get(p, "/a");
  get(p, "/b");
  CHECK(p.client.available_streams() == 0);
  auto refused = p.client.submit_request("GET", "https", "example.com", "/c", {}, false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::no_stream_available);
  REQUIRE(p.drive());
  p.server.respond(a, Response{204, {}, {}, {}});
  REQUIRE(p.drive());
  CHECK(p.client.available_streams() == 1);
  CHECK(get(p, "/c") == 5);
  CHECK(p.client.available_streams() == 0);
}

TEST_CASE("http2: large response bodies across flow-control windows", "[http2]") {
  SECTION("bigger than the connection window, acknowledged as read") {
    const std::size_t chunk = GENERATE(16393, 1 << 30);
    Settings cs;
    Pair p(cs, {}, chunk);
    const std::string big = pattern(cs.connection_window + 3 * 1024 * 1024, 7);
    p.server.on_request = [&](ServerPeer& s, std::int32_t stream) { s.respond(stream, Response{200, {}, big, {}}); };
    const auto id = get(p, "/big");
    REQUIRE(p.drive());
    CHECK(p.bodies[id].size() == big.size());
    CHECK(p.bodies[id] == big);
  }
  SECTION("small windows: unacknowledged bytes stop the server, acknowledging reopens") {
    const std::size_t chunk = GENERATE(1, 7, 1 << 30);
    Settings cs;
    cs.connection_window = 65535;
    cs.stream_window = 16384;
    Pair p(cs, {}, chunk);
    p.auto_ack = false;
    const std::string body = pattern(100000, 3);
    p.server.on_request = [&](ServerPeer& s, std::int32_t stream) { s.respond(stream, Response{200, {}, body, {}}); };
    const auto id = get(p, "/");
    REQUIRE(p.drive());
    CHECK(p.bodies[id].size() == 16384);  // exactly one stream window, then the server waits
    std::size_t rounds = 0;
    while (p.bodies[id].size() < body.size() && rounds++ < 1000) {
      p.client.acknowledge(id, p.unacked[id]);
      p.unacked[id] = 0;
      REQUIRE(p.drive());
    }
    CHECK(p.bodies[id] == body);
    CHECK(p.log.back() == "end 1");
  }
}

TEST_CASE("http2: large request bodies wait for the server's window", "[http2]") {
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    s.respond(stream, Response{200, {}, std::to_string(s.requests[stream].body.size()), {}});
  };
  auto id = p.client.submit_request("POST", "https", "example.com", "/", {}, true);
  REQUIRE(id);
  const std::string body = pattern(1000000, 9);
  for (std::size_t pos = 0; pos < body.size(); pos += 100000) {
    REQUIRE(p.client.send_body(*id, as_bytes(std::string_view(body).substr(pos, 100000))));
    REQUIRE(p.drive());
  }
  REQUIRE(p.client.send_end(*id));
  REQUIRE(p.drive());
  CHECK(p.server.requests[*id].body == body);
  CHECK(p.bodies[*id] == "1000000");
  CHECK(p.client.buffered_body(*id) == 0);
}

TEST_CASE("http2: RST_STREAM is a typed error on that stream only", "[http2]") {
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    if (stream == 1) s.reset(stream, NGHTTP2_INTERNAL_ERROR);
    if (stream == 3) s.reset(stream, NGHTTP2_REFUSED_STREAM);
    if (stream == 5) echo_path(s, stream);
  };
  get(p, "/1");
  get(p, "/3");
  get(p, "/5");
  REQUIRE(p.drive());
  const auto resets = events_of<StreamReset>(p);
  REQUIRE(resets.size() == 2);
  CHECK(resets[0].stream == 1);
  CHECK(resets[0].error.code == ErrorCode::stream_reset);
  CHECK(resets[0].error.origin == ErrorOrigin::remote);
  CHECK(resets[0].error_code == kInternalError);
  CHECK_FALSE(resets[0].unprocessed());
  CHECK(resets[1].stream == 3);
  CHECK(resets[1].unprocessed());  // REFUSED_STREAM: RFC 9113 §8.7, safe to retry
  CHECK(p.bodies[5] == "path=/5");
  CHECK(p.client.is_reusable());
}

TEST_CASE("http2: GOAWAY reports the streams the server did not process", "[http2]") {
  const std::size_t chunk = GENERATE(1, 2, 9, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    if (stream == 5) {
      s.goaway(1);
      echo_path(s, 1);
    }
  };
  get(p, "/1");
  get(p, "/3");
  get(p, "/5");
  REQUIRE(p.drive());
  const auto goaways = events_of<GoAway>(p);
  REQUIRE(goaways.size() == 1);
  CHECK(goaways[0].last_stream_id == 1);
  CHECK(goaways[0].error_code == kNoError);
  CHECK(goaways[0].debug_data == "bye");
  CHECK(goaways[0].unprocessed_streams == std::vector<StreamId>{3, 5});
  const auto resets = events_of<StreamReset>(p);
  REQUIRE(resets.size() == 2);
  for (const auto& r : resets) CHECK(r.unprocessed());
  CHECK(p.bodies[1] == "path=/1");
  CHECK(p.client.goaway_received());
  CHECK_FALSE(p.client.is_reusable());
  CHECK(p.client.available_streams() == 0);
  auto refused = p.client.submit_request("GET", "https", "example.com", "/", {}, false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::no_stream_available);
  CHECK(p.log.back() == "closed");  // nothing left: the caller closes the transport
}

TEST_CASE("http2: our caps on the response header list", "[http2]") {
  const std::size_t chunk = GENERATE(1, 10, 1 << 30);
  Settings cs;
  cs.max_header_list_bytes = 1024;
  cs.max_header_count = 8;
  Pair p(cs, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    Response r{200, {}, "x", {}};
    if (stream == 1) r.headers = {{"x-big", std::string(2000, 'v')}};
    if (stream == 3) {
      for (int i = 0; i < 9; ++i) r.headers.emplace_back("x-h" + std::to_string(i), "v");
    }
    if (stream == 5) r.headers = {{"x-fine", std::string(900, 'v')}};
    if (stream == 7) r.trailers = {{"x-big-trailer", std::string(2000, 't')}};
    s.respond(stream, r);
  };
  for (int i = 0; i < 4; ++i) get(p, "/");
  REQUIRE(p.drive());
  const auto resets = events_of<StreamReset>(p);
  REQUIRE(resets.size() == 3);
  CHECK(resets[0].stream == 1);
  CHECK(resets[0].error.code == ErrorCode::header_too_large);
  CHECK(resets[1].stream == 3);
  CHECK(resets[1].error.code == ErrorCode::too_many_headers);
  CHECK(resets[2].stream == 7);
  CHECK(resets[2].error.code == ErrorCode::header_too_large);
  CHECK(p.bodies[5] == "x");  // the connection (and its HPACK state) survives
  CHECK(p.client.is_reusable());
  get(p, "/after");
  REQUIRE(p.drive());
  CHECK(p.bodies[9] == "x");
}

TEST_CASE("http2: server push is disabled", "[http2]") {
  Pair p;
  std::uint32_t enable_push = 1;
  p.server.on_request = [&](ServerPeer& s, std::int32_t stream) {
    enable_push = nghttp2_session_get_remote_settings(s.session(), NGHTTP2_SETTINGS_ENABLE_PUSH);
    echo_path(s, stream);
  };
  get(p, "/");
  REQUIRE(p.drive());
  CHECK(enable_push == 0);  // the server saw our SETTINGS_ENABLE_PUSH=0 with the first request

  // A server that pushes anyway breaks the protocol (RFC 9113 §8.4): a connection error.
  const std::size_t chunk = GENERATE(1, 1 << 30);
  Pair hostile({}, {}, chunk);
  hostile.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    // PUSH_PROMISE on stream 1 (END_HEADERS), promised stream 2, one indexed field (":method GET").
    std::string frame("\x00\x00\x05\x05\x04\x00\x00\x00", 8);
    frame += static_cast<char>(stream);
    frame += std::string("\x00\x00\x00\x02\x82", 5);
    s.inject(frame);
  };
  get(hostile, "/");
  CHECK_FALSE(hostile.drive());
  REQUIRE(hostile.error);
  CHECK(hostile.error->code == ErrorCode::http2_protocol_error);
  CHECK(hostile.error->origin == ErrorOrigin::remote);
  CHECK_FALSE(hostile.client.is_reusable());
  CHECK(hostile.client.next_event().error().code == ErrorCode::invalid_state);
}

TEST_CASE("http2: hostile bytes from the server are typed errors", "[http2]") {
  struct Case {
    const char* name;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"an HTTP/1.1 response", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
      {"garbage", std::string(64, '\xff')},
      {"DATA before SETTINGS", std::string("\x00\x00\x01\x00\x00\x00\x00\x00\x01x", 10)},
      {"SETTINGS with a bad length", std::string("\x00\x00\x05\x04\x00\x00\x00\x00\x00zzzzz", 14)},
  };
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  for (const auto& c : cases) {
    INFO(c.name);
    Connection conn;
    const auto id = conn.submit_request("GET", "https", "example.com", "/", {}, false);
    REQUIRE(id);
    conn.consume_output(conn.pending_output().size());
    std::optional<Error> err;
    for (std::size_t pos = 0; pos < c.bytes.size() && !err; pos += chunk) {
      conn.receive(as_bytes(std::string_view(c.bytes).substr(pos, chunk)));
      for (;;) {
        auto ev = conn.next_event();
        if (!ev) {
          err = ev.error();
          break;
        }
        if (std::holds_alternative<NeedData>(*ev)) break;
      }
    }
    REQUIRE(err);
    CHECK(err->code == ErrorCode::http2_protocol_error);
    CHECK_FALSE(conn.is_reusable());
    CHECK(conn.available_streams() == 0);
    CHECK(conn.submit_request("GET", "https", "example.com", "/", {}, false).error().code == ErrorCode::invalid_state);
    // The GOAWAY nghttp2 queued for the peer is still there to write (type 7).
    const auto out = as_chars(conn.pending_output());
    CHECK(out.size() >= 9);
  }
}

TEST_CASE("http2: garbage after a valid server preface is a typed error", "[http2]") {
  const std::size_t chunk = GENERATE(1, 2, 5, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer& s, std::int32_t) {
    // A frame of unknown length 0xffffff: larger than SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2).
    s.inject(std::string("\xff\xff\xff\x00\x00\x00\x00\x00\x01", 9));
  };
  get(p, "/");
  CHECK_FALSE(p.drive());
  REQUIRE(p.error);
  CHECK(p.error->code == ErrorCode::http2_protocol_error);
}

TEST_CASE("http2: EOF with open streams ends them, then the connection", "[http2]") {
  Pair p;
  p.server.on_request = [](ServerPeer& s, std::int32_t stream) {
    if (stream == 3) s.respond(stream, Response{200, {}, std::string(100, 'x'), {}});
  };
  get(p, "/1");
  get(p, "/3");
  // Deliver only the server's bytes up to part of stream 3's DATA.
  p.step();
  p.step();
  p.client.receive_eof();
  p.drain();
  const auto resets = events_of<StreamReset>(p);
  REQUIRE(resets.size() <= 2);
  bool saw1 = false;
  for (const auto& r : resets) {
    if (r.stream == 1) {
      saw1 = true;
      CHECK(r.error.code == ErrorCode::connection_closed);
      CHECK_FALSE(r.unprocessed());
    }
  }
  CHECK(saw1);
  CHECK(p.log.back() == "closed");
  CHECK(p.client.available_streams() == 0);
}

TEST_CASE("http2: a graceful shutdown lets open streams finish, then closes", "[http2]") {
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer&, std::int32_t) {};
  const auto id = get(p, "/");
  REQUIRE(p.drive());
  REQUIRE(p.client.shutdown());
  CHECK(p.client.available_streams() == 0);
  CHECK_FALSE(p.client.is_reusable());
  CHECK(p.client.submit_request("GET", "https", "example.com", "/", {}, false).error().code ==
        ErrorCode::no_stream_available);
  REQUIRE(p.drive());
  CHECK(nghttp2_session_get_remote_settings(p.server.session(), NGHTTP2_SETTINGS_ENABLE_PUSH) == 0);
  CHECK(p.log.empty());
  p.server.respond(id, Response{200, {}, "late", {}});
  REQUIRE(p.drive());
  CHECK(p.bodies[id] == "late");
  CHECK(p.log == std::vector<std::string>{"head 1 200", "end 1", "closed"});
}

TEST_CASE("http2: the caller can cancel a stream", "[http2]") {
  const std::size_t chunk = GENERATE(1, 3, 1 << 30);
  Pair p({}, {}, chunk);
  p.server.on_request = [](ServerPeer&, std::int32_t) {};
  const auto id = get(p, "/slow");
  REQUIRE(p.drive());
  REQUIRE(p.client.reset_stream(id));
  REQUIRE(p.drive());
  const auto resets = events_of<StreamReset>(p);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].error.code == ErrorCode::invalid_state);
  CHECK(p.client.open_streams() == 0);
  CHECK(p.client.reset_stream(id).error().code == ErrorCode::invalid_state);
}

TEST_CASE("http2: invalid request fields are refused before any byte", "[http2]") {
  struct Case {
    const char* name;
    std::string method, scheme, authority, path;
    Headers headers;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"CR in a value", "GET", "https", "a.example", "/", {{"x", "a\rb"}}, ErrorCode::invalid_header_value},
      {"LF in a value", "GET", "https", "a.example", "/", {{"x", "a\nb"}}, ErrorCode::invalid_header_value},
      {"NUL in a value",
       "GET",
       "https",
       "a.example",
       "/",
       {{"x", std::string("a\0b", 3)}},
       ErrorCode::invalid_header_value},
      {"CRLF in a name", "GET", "https", "a.example", "/", {{"x\r\ny", "1"}}, ErrorCode::invalid_header_name},
      {"pseudo-header from the caller",
       "GET",
       "https",
       "a.example",
       "/",
       {{":path", "/x"}},
       ErrorCode::invalid_header_name},
      {"space in a name", "GET", "https", "a.example", "/", {{"a b", "1"}}, ErrorCode::invalid_header_name},
      {"bad method", "G T", "https", "a.example", "/", {}, ErrorCode::invalid_method},
      {"empty path", "GET", "https", "a.example", "", {}, ErrorCode::invalid_target},
      {"CRLF in path", "GET", "https", "a.example", "/\r\nx", {}, ErrorCode::invalid_target},
      {"bad scheme", "GET", "ht tp", "a.example", "/", {}, ErrorCode::invalid_target},
      {"no authority", "GET", "https", "", "/", {}, ErrorCode::invalid_url},
      {"LF in authority", "GET", "https", "a\n.example", "/", {}, ErrorCode::invalid_url},
      {"bad Content-Length",
       "GET",
       "https",
       "a.example",
       "/",
       {{"content-length", "-1"}},
       ErrorCode::invalid_header_value},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Connection conn;
    const std::string before(as_chars(conn.pending_output()));
    auto r = conn.submit_request(c.method, c.scheme, c.authority, c.path, c.headers, false);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
    CHECK(as_chars(conn.pending_output()) == before);
    CHECK(conn.is_reusable());
    CHECK(conn.open_streams() == 0);
  }
}

TEST_CASE("http2: connection-specific request fields are dropped (RFC 9113 §8.2.2)", "[http2]") {
  Pair p;
  p.server.on_request = echo_path;
  const Headers h{{"Connection", "keep-alive"},     {"Keep-Alive", "timeout=5"}, {"Proxy-Connection", "keep-alive"},
                  {"Transfer-Encoding", "chunked"}, {"Upgrade", "h2c"},          {"TE", "gzip"},
                  {"Host", "other.example"},        {"Cookie", "a=1"},           {"X-Kept", "1"}};
  const auto id = p.client.submit_request("GET", "https", "example.com", "/", h, false);
  REQUIRE(id);
  // Host becomes :authority only when no authority is given.
  const auto id2 = p.client.submit_request("GET", "https", "", "/", {{"Host", "host.example"}}, false);
  REQUIRE(id2);
  REQUIRE(p.drive());
  const auto& req = p.server.requests[*id];
  for (const char* gone :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "host"}) {
    INFO(gone);
    CHECK_FALSE(req.has(gone));
  }
  CHECK(req.get(":authority") == "example.com");
  CHECK(req.get("cookie") == "a=1");
  CHECK(req.never_indexed == std::vector<std::string>{"cookie"});  // credentials stay out of HPACK tables
  CHECK(req.get("x-kept") == "1");
  CHECK(p.server.requests[*id2].get(":authority") == "host.example");
  CHECK_FALSE(p.server.requests[*id2].has("host"));
  CHECK(p.log.size() == 4);  // both answered: the server saw well-formed requests
}
