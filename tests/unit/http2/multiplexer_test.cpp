// http2::Multiplexer and exchange::Http2Channel against an in-memory nghttp2 server (server_peer.hpp):
// each stream's owner sees its own events only, whatever order the server answers in; kept bytes are
// credited back to the windows; a connection error reaches every stream; the channel speaks the
// exchange's (http1) event vocabulary.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "core/exchange/exchange.hpp"
#include "core/exchange/http2_channel.hpp"
#include "core/http2/multiplexer.hpp"
#include "server_peer.hpp"

using namespace hipp;
using namespace hipp::http2;
using hipp::http2::test::Response;
using hipp::http2::test::ServerPeer;
using hipp::http2::test::ServerSettings;

namespace {

// The client's multiplexer and the server, joined by a virtual wire.
struct Wire {
  explicit Wire(Settings settings = {}, ServerSettings server_settings = {}) : mux(settings), server(server_settings) {}

  // Moves bytes both ways until neither side has anything to send.
  void drive() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      for (Bytes out = mux.connection().pending_output(); !out.empty(); out = mux.connection().pending_output()) {
        server.receive(as_chars(out));
        mux.connection().consume_output(out.size());
        moved = true;
      }
      const std::string back = server.take_output();
      if (!back.empty()) {
        mux.connection().receive(as_bytes(back));
        moved = true;
      }
      if (!moved) return;
      // Let the client take in what arrived (SETTINGS, WINDOW_UPDATE) so it can answer.
      (void)mux.pump();
    }
    FAIL("the wire never went quiet");
  }

  Multiplexer mux;
  ServerPeer server;
};

StreamId get(Multiplexer& mux, const std::string& path) {
  auto id = mux.open("GET", "https", "example.com", path, {}, false);
  REQUIRE(id.has_value());
  return *id;
}

// Every event of `stream` until its end: "head 200", "data <bytes>", "end", "reset <code>".
std::vector<std::string> read_stream(Wire& w, StreamId stream) {
  std::vector<std::string> log;
  for (int guard = 0; guard < 10000; ++guard) {
    auto event = w.mux.next_event(stream);
    REQUIRE(event.has_value());
    if (std::holds_alternative<NeedData>(*event)) {
      w.drive();
      continue;
    }
    if (auto* head = std::get_if<ResponseHead>(&*event)) log.push_back("head " + std::to_string(head->status));
    if (auto* data = std::get_if<BodyData>(&*event)) {
      REQUIRE(data->stream == stream);
      log.push_back("data " + std::string(as_chars(data->data)));
    }
    if (std::holds_alternative<EndOfStream>(*event)) {
      log.push_back("end");
      return log;
    }
    if (auto* reset = std::get_if<StreamReset>(&*event)) {
      log.push_back("reset " + std::string(to_string(reset->error.code)));
      return log;
    }
  }
  FAIL("stream " << stream << " never ended");
  return log;
}

}  // namespace

TEST_CASE("http2 multiplexer: each stream sees its own events, whatever order the server answers in",
          "[http2][multiplexer]") {
  Wire w;
  const StreamId a = get(w.mux, "/a");
  const StreamId b = get(w.mux, "/b");
  const StreamId c = get(w.mux, "/c");
  w.drive();
  // The server answers c, then a, then b; b is reset instead.
  w.server.respond(c, Response{200, {}, "cee", {}});
  w.server.respond(a, Response{201, {}, "ay", {}});
  w.server.reset(b, kInternalError);
  w.drive();

  // Read b first: its reset is behind c's and a's events on the wire, which are kept for them.
  CHECK(read_stream(w, b) == std::vector<std::string>{"reset stream_reset"});
  CHECK(w.mux.has_events(a));
  CHECK(w.mux.has_events(c));
  CHECK(read_stream(w, a) == std::vector<std::string>{"head 201", "data ay", "end"});
  CHECK(read_stream(w, c) == std::vector<std::string>{"head 200", "data cee", "end"});
  for (StreamId s : {a, b, c}) w.mux.close(s);
  CHECK(w.mux.active_streams() == 0);
  CHECK(w.mux.is_reusable());
}

TEST_CASE("http2 multiplexer: bytes kept for a stream nobody reads are credited back when it closes",
          "[http2][multiplexer]") {
  // Connection and stream windows of 64 KiB: a 60 KiB body left unread on `a` would stall `b` forever
  // if closing `a` did not acknowledge it.
  Settings small;
  small.connection_window = 65535;
  small.stream_window = 65535;
  Wire w(small);
  const std::string big(60000, 'x');
  for (int round = 0; round < 3; ++round) {
    const StreamId a = get(w.mux, "/a");
    const StreamId b = get(w.mux, "/b");
    w.drive();
    w.server.respond(a, Response{200, {}, big, {}});
    w.drive();  // a's body is taken in and kept for it: the connection window is nearly spent
    CHECK(w.mux.has_events(a));
    w.mux.close(a);  // never read: its 60 KB go back to the connection window
    w.server.respond(b, Response{200, {}, big, {}});
    w.drive();
    auto log = read_stream(w, b);
    REQUIRE(log.size() >= 3);
    CHECK(log.front() == "head 200");
    CHECK(log.back() == "end");
    std::size_t got = 0;
    for (const auto& line : log) {
      if (line.rfind("data ", 0) == 0) got += line.size() - 5;
    }
    CHECK(got == big.size());
    w.mux.close(b);
  }
}

TEST_CASE("http2 multiplexer: a connection error reaches every stream", "[http2][multiplexer]") {
  Wire w;
  const StreamId a = get(w.mux, "/a");
  const StreamId b = get(w.mux, "/b");
  w.drive();
  // A DATA frame on stream 0 is a connection error (RFC 9113 §6.1).
  w.server.inject(std::string("\x00\x00\x01\x00\x00\x00\x00\x00\x00x", 10));
  w.drive();
  for (StreamId s : {a, b}) {
    auto event = w.mux.next_event(s);
    REQUIRE_FALSE(event.has_value());
    CHECK(event.error().code == ErrorCode::http2_protocol_error);
  }
  CHECK_FALSE(w.mux.is_reusable());
  REQUIRE(w.mux.error() != nullptr);
  CHECK_FALSE(w.mux.open("GET", "https", "example.com", "/", {}, false).has_value());
}

TEST_CASE("http2 multiplexer: claims count against MAX_CONCURRENT_STREAMS until their stream opens",
          "[http2][multiplexer]") {
  ServerSettings ss;
  ss.max_concurrent_streams = 2;
  Wire w({}, ss);
  w.drive();  // the server's SETTINGS: two streams at a time
  REQUIRE(w.mux.connection().available_streams() == 2);
  CHECK(w.mux.is_idle());
  CHECK(w.mux.try_claim());
  CHECK_FALSE(w.mux.is_idle());  // a request is on its way
  CHECK(w.mux.try_claim());
  CHECK_FALSE(w.mux.try_claim());  // both streams are spoken for, though none is open yet
  CHECK(w.mux.claimed_streams() == 2);

  // The first request opens its stream, which now counts as open instead of claimed.
  const StreamId a = get(w.mux, "/a");
  w.mux.unclaim();
  CHECK(w.mux.claimed_streams() == 1);
  CHECK_FALSE(w.mux.try_claim());  // one open, one claimed
  w.mux.unclaim();                 // the second request gave up before opening its stream
  CHECK(w.mux.try_claim());
  w.mux.unclaim();
  w.mux.unclaim();  // no claim left to end: nothing happens
  CHECK(w.mux.claimed_streams() == 0);
  CHECK_FALSE(w.mux.is_idle());  // a's stream is still open
  w.mux.close(a);
  CHECK(w.mux.is_idle());
}

TEST_CASE("http2 multiplexer: a connection that takes no new streams grants no claim", "[http2][multiplexer]") {
  Wire w;
  w.drive();
  // A DATA frame on stream 0 is a connection error (RFC 9113 §6.1).
  w.server.inject(std::string("\x00\x00\x01\x00\x00\x00\x00\x00\x00x", 10));
  w.drive();
  REQUIRE_FALSE(w.mux.pump().has_value());
  CHECK_FALSE(w.mux.is_reusable());
  CHECK_FALSE(w.mux.try_claim());
  CHECK(w.mux.claimed_streams() == 0);
  CHECK(w.mux.is_idle());
}

TEST_CASE("http2 channel: the exchange's event vocabulary over a stream", "[http2][multiplexer]") {
  Wire w;
  exchange::Http2Channel channel(w.mux);
  exchange::Request request;
  request.method = "GET";
  request.url = *url::parse("https://example.com/x?y=1");
  request.headers = Headers{{"Host", "example.com"}, {"Accept", "*/*"}};
  REQUIRE(channel.send_request(request).has_value());
  REQUIRE(channel.stream().has_value());
  CHECK_FALSE(channel.send_request(request).has_value());  // one request per channel at a time
  w.drive();
  const StreamId id = *channel.stream();
  CHECK(w.server.requests[id].get(":authority") == "example.com");
  CHECK(w.server.requests[id].get(":path") == "/x?y=1");
  CHECK_FALSE(w.server.requests[id].has("host"));
  w.server.respond(id, Response{404, {{"x-a", "1"}}, "nope", {{"x-t", "2"}}});
  w.drive();

  auto head = channel.next_event();
  REQUIRE(head.has_value());
  auto* h = std::get_if<http1::ResponseHead>(&*head);
  REQUIRE(h != nullptr);
  CHECK(h->status == 404);
  CHECK(h->reason == "Not Found");
  CHECK(h->version_major == 2);
  CHECK(h->version_minor == 0);
  CHECK(h->headers.get("x-a") == "1");
  auto data = channel.next_event();
  REQUIRE(data.has_value());
  REQUIRE(std::holds_alternative<http1::BodyData>(*data));
  CHECK(as_chars(std::get<http1::BodyData>(*data).data) == "nope");
  auto end = channel.next_event();
  REQUIRE(end.has_value());
  REQUIRE(std::holds_alternative<http1::EndOfMessage>(*end));
  CHECK(std::get<http1::EndOfMessage>(*end).trailers.get("x-t") == "2");
  auto after = channel.next_event();
  REQUIRE(after.has_value());
  CHECK(std::holds_alternative<http1::Paused>(*after));

  channel.reset();
  CHECK(w.mux.active_streams() == 0);
  REQUIRE(channel.send_request(request).has_value());  // the channel can carry the next request
  w.drive();
  w.server.reset(*channel.stream(), kRefusedStream);
  w.drive();
  auto refused = channel.next_event();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::stream_unprocessed);
}

TEST_CASE("http2 channel: an exchange over a stream resends a REFUSED_STREAM request once, then delivers",
          "[http2][multiplexer][exchange]") {
  Wire w;
  exchange::Request request;
  request.method = "POST";  // not idempotent: only an unprocessed stream may be sent again
  request.url = *url::parse("https://example.com/submit");
  request.headers = Headers{{"Host", "example.com"}, {"Content-Length", "5"}};
  request.body.kind = exchange::RequestBody::Kind::bytes;
  request.body.bytes = "hello";
  const TimePoint now(std::chrono::seconds(1));
  exchange::Exchange ex(std::move(request), {}, policy::RetryState::from(policy::Retry::disabled()), now);

  std::optional<exchange::Http2Channel> channel;
  int opens = 0;
  bool refused_one = false;
  for (int step = 0; step < 200; ++step) {
    const exchange::Action& action = ex.next_action();
    if (std::holds_alternative<exchange::OpenConnection>(action)) {
      ++opens;
      channel.emplace(w.mux);
      ex.on_connected(*channel, opens > 1, now);
    } else if (std::holds_alternative<exchange::Send>(action)) {
      w.drive();
      ex.on_sent(now);
    } else if (std::holds_alternative<exchange::Receive>(action)) {
      w.drive();
      const StreamId id = *channel->stream();
      if (!refused_one && w.server.requests[id].complete) {
        w.server.reset(id, kRefusedStream);
        refused_one = true;
      } else if (w.server.requests[id].complete) {
        CHECK(w.server.requests[id].body == "hello");
        w.server.respond(id, Response{200, {}, "done", {}});
      }
      w.drive();
      ex.on_received(now);
    } else if (std::holds_alternative<exchange::ReleaseConnection>(action)) {
      channel.reset();
    } else if (std::holds_alternative<exchange::Deliver>(action)) {
      auto response = ex.take_response();
      CHECK(response.head.status == 200);
      CHECK(response.head.version_major == 2);
      CHECK(opens == 2);
      REQUIRE(ex.decisions().size() == 1);
      CHECK(ex.decisions()[0].what.find("stream not processed") != std::string::npos);
      return;
    } else if (auto* failed = std::get_if<exchange::Fail>(&action)) {
      FAIL(failed->error.message());
    } else {
      FAIL("unexpected action " << action.index());
    }
  }
  FAIL("the exchange never finished");
}
