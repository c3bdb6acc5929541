// core/http2 against a real nghttpd speaking prior-knowledge h2c on loopback, driven by a small blocking
// socket pump (the blocking transport's TcpSocket), with tiny reads as well as large ones.
#include <catch.hpp>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/http2/connection.hpp"
#include "tests/support/nghttpd_fixture.hpp"
#include "transports/blocking/clock.hpp"
#include "transports/blocking/tcp_connect.hpp"
#include "transports/blocking/tcp_socket.hpp"

using namespace hipp;
using namespace hipp::http2;
using hipp::test::NghttpdFixture;
using hipp::test::NghttpdOptions;

namespace {

NghttpdFixture& nghttpd() {
  static NghttpdFixture instance;  // one server for this file's tests
  return instance;
}

struct Outcome {
  int status = 0;
  std::string http_version;
  std::string body;
  Headers trailers;
  std::optional<Error> reset;
  bool done = false;
};

// One client connection: writes what the machine produces, reads `read_size` bytes at a time, drains events.
class Pump {
 public:
  Pump(std::uint16_t port, std::size_t read_size) : buf_(read_size) {
    auto s = blocking::tcp_connect("127.0.0.1", port, blocking::steady_now() + std::chrono::seconds(5));
    REQUIRE(s.has_value());
    sock_ = std::move(*s);
  }

  Connection conn;
  std::map<StreamId, Outcome> outcomes;

  // Runs until every stream in `outcomes` is done. Returns the connection error, if any.
  std::optional<Error> run() {
    const auto deadline = blocking::steady_now() + std::chrono::seconds(20);
    for (;;) {
      auto out = conn.pending_output();
      while (!out.empty()) {
        auto w = sock_.write_all(out, deadline);
        if (!w) return w.error();
        conn.consume_output(out.size());
        out = conn.pending_output();
      }
      for (;;) {
        auto ev = conn.next_event();
        if (!ev) return ev.error();
        if (std::holds_alternative<NeedData>(*ev)) break;
        handle(*ev);
      }
      if (all_done()) return std::nullopt;
      if (!conn.pending_output().empty()) continue;
      auto n = sock_.read_some(MutableBytes(buf_.data(), buf_.size()), deadline);
      if (!n) return n.error();
      if (*n == 0) {
        conn.receive_eof();
      } else {
        conn.receive(Bytes(buf_.data(), *n));
      }
    }
  }

 private:
  bool all_done() const {
    for (const auto& [id, o] : outcomes) {
      if (!o.done) return false;
    }
    return true;
  }

  void handle(Event& ev) {
    if (auto* h = std::get_if<ResponseHead>(&ev)) {
      outcomes[h->stream].status = h->status;
      outcomes[h->stream].http_version = std::string(h->http_version);
    } else if (auto* b = std::get_if<BodyData>(&ev)) {
      outcomes[b->stream].body += as_chars(b->data);
      conn.acknowledge(b->stream, b->data.size());
    } else if (auto* e = std::get_if<EndOfStream>(&ev)) {
      outcomes[e->stream].trailers = e->trailers;
      outcomes[e->stream].done = true;
    } else if (auto* r = std::get_if<StreamReset>(&ev)) {
      outcomes[r->stream].reset = r->error;
      outcomes[r->stream].done = true;
    }
  }

  blocking::TcpSocket sock_;
  std::vector<std::byte> buf_;
};

std::string big_body() {
  std::string s;
  s.reserve(NghttpdFixture::big_size);
  char line[17];
  for (std::size_t i = 0; i < NghttpdFixture::big_size / 16; ++i) {
    std::snprintf(line, sizeof line, "%015zu\n", i);
    s.append(line, 16);
  }
  return s;
}

}  // namespace

TEST_CASE("http2 interop: GET over prior-knowledge h2c against nghttpd", "[interop][http2]") {
  const std::size_t read_size = GENERATE(1, 7, 65536);
  Pump p(nghttpd().port(), read_size);
  auto id = p.conn.submit_request("GET", "http", nghttpd().authority(), "/small", {{"Accept", "*/*"}}, false);
  REQUIRE(id);
  p.outcomes[*id];
  const auto err = p.run();
  REQUIRE_FALSE(err);
  const auto& o = p.outcomes[*id];
  CHECK(o.status == 200);
  CHECK(o.http_version == "HTTP/2");
  CHECK(o.body == std::string(NghttpdFixture::small_size, 's'));
  CHECK(o.trailers.get("x-fixture") == std::optional<std::string_view>("nghttpd"));
  CHECK(p.conn.is_reusable());
}

TEST_CASE("http2 interop: 100 concurrent streams and a large body on one connection", "[interop][http2]") {
  Pump p(nghttpd().port(), 16384);
  std::vector<StreamId> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = p.conn.submit_request("GET", "http", nghttpd().authority(), i == 0 ? "/big" : "/small", {}, false);
    REQUIRE(id);
    ids.push_back(*id);
    p.outcomes[*id];
  }
  const auto err = p.run();
  REQUIRE_FALSE(err);
  CHECK(p.outcomes[ids[0]].body == big_body());
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(p.outcomes[ids[i]].body.size() == NghttpdFixture::small_size);
  CHECK(p.conn.open_streams() == 0);
}

TEST_CASE("http2 interop: uploads are echoed; 404 and MAX_CONCURRENT_STREAMS", "[interop][http2]") {
  Pump p(nghttpd().port(), 4096);
  auto up = p.conn.submit_request("POST", "http", nghttpd().authority(), "/small", {}, true);
  auto missing = p.conn.submit_request("GET", "http", nghttpd().authority(), "/missing", {}, false);
  REQUIRE(up);
  REQUIRE(missing);
  p.outcomes[*up];
  p.outcomes[*missing];
  const std::string body(300000, 'u');  // beyond nghttpd's 64 KiB stream window: flow control both ways
  REQUIRE(p.conn.send_body(*up, as_bytes(body)));
  REQUIRE(p.conn.send_end(*up));
  REQUIRE_FALSE(p.run());
  CHECK(p.outcomes[*up].status == 200);
  CHECK(p.outcomes[*up].body == body);
  CHECK(p.outcomes[*missing].status == 404);

  NghttpdFixture limited(NghttpdOptions{3});
  Pump q(limited.port(), 65536);
  // Before the server's SETTINGS we assume 100; learn the real limit first.
  auto first = q.conn.submit_request("GET", "http", limited.authority(), "/small", {}, false);
  REQUIRE(first);
  q.outcomes[*first];
  REQUIRE_FALSE(q.run());
  CHECK(q.conn.available_streams() == 3);
  for (int i = 0; i < 3; ++i) {
    auto id = q.conn.submit_request("GET", "http", limited.authority(), "/small", {}, false);
    REQUIRE(id);
    q.outcomes[*id];
  }
  CHECK(q.conn.submit_request("GET", "http", limited.authority(), "/small", {}, false).error().code ==
        ErrorCode::no_stream_available);
  REQUIRE_FALSE(q.run());
  CHECK(q.conn.available_streams() == 3);
}
