// The machine's cycle: keep-alive over several requests, Expect: 100-continue,
// zero-copy input, and misuse.
#include <catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "tests/unit/http1/event_log.hpp"

using namespace hipp;
using namespace hipp::http1;
using namespace hipp::http1::testing;

namespace {

Event next(Connection& c) {
  auto r = c.next_event();
  REQUIRE(r);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("one machine carries several keep-alive cycles", "[http1][connection]") {
  Connection c;
  for (int i = 0; i < 5; ++i) {
    INFO("cycle " << i);
    CHECK(c.our_state() == OurState::idle);
    CHECK(c.their_state() == TheirState::idle);
    REQUIRE(c.send_request("GET", "/" + std::to_string(i), Headers{{"Host", "h"}}));
    CHECK(to_string(c.pending_output()) == "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n");
    c.consume_output(c.pending_output().size());
    CHECK(std::holds_alternative<NeedData>(next(c)));
    const std::string body = "body" + std::to_string(i);
    c.receive(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + body));
    CHECK(c.has_buffered_input());
    auto head = next(c);
    REQUIRE(std::holds_alternative<ResponseHead>(head));
    CHECK(std::get<ResponseHead>(head).headers.get("content-length") == "5");
    CHECK(c.their_state() == TheirState::body);
    auto data = next(c);
    REQUIRE(std::holds_alternative<BodyData>(data));
    CHECK(to_string(std::get<BodyData>(data).data) == body);
    CHECK(std::holds_alternative<EndOfMessage>(next(c)));
    CHECK(c.their_state() == TheirState::done);
    CHECK(std::holds_alternative<Paused>(next(c)));
    CHECK_FALSE(c.has_buffered_input());
    REQUIRE(c.is_reusable());
    REQUIRE(c.start_next_cycle());
  }
}

TEST_CASE("a request with a body completes a cycle", "[http1][connection]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "2"}}));
  REQUIRE(c.send_body(as_bytes("hi")));
  c.receive(as_bytes("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
  CHECK(std::holds_alternative<ResponseHead>(next(c)));
  CHECK(std::holds_alternative<EndOfMessage>(next(c)));
  CHECK_FALSE(c.is_reusable());  // our body is not finished yet
  REQUIRE(c.send_end());
  CHECK(c.is_reusable());
  CHECK(c.start_next_cycle());
}

TEST_CASE("Connection: close on the request makes the connection single-use", "[http1][connection]") {
  Connection c;
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}, {"Connection", "close"}}));
  c.receive(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK(std::holds_alternative<ResponseHead>(next(c)));
  CHECK(std::holds_alternative<EndOfMessage>(next(c)));
  CHECK_FALSE(c.is_reusable());
  auto r = c.start_next_cycle();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::invalid_state);
}

TEST_CASE("Expect: 100-continue is tracked until the server answers", "[http1][connection]") {
  SECTION("100 Continue") {
    Connection c;
    REQUIRE(c.send_request("PUT", "/", Headers{{"Host", "h"}, {"Expect", "100-continue"}, {"Content-Length", "3"}}));
    CHECK(c.expecting_continue());
    c.receive(as_bytes("HTTP/1.1 100 Continue\r\n\r\n"));
    auto info = next(c);
    REQUIRE(std::holds_alternative<InformationalResponse>(info));
    CHECK(std::get<InformationalResponse>(info).status == 100);
    CHECK_FALSE(c.expecting_continue());
    REQUIRE(c.send_body(as_bytes("abc")));
    REQUIRE(c.send_end());
    c.receive(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    CHECK(std::holds_alternative<ResponseHead>(next(c)));
    CHECK(std::holds_alternative<EndOfMessage>(next(c)));
    CHECK(c.is_reusable());
  }
  SECTION("a final response instead") {
    Connection c;
    REQUIRE(c.send_request("PUT", "/", Headers{{"Host", "h"}, {"Expect", "100-continue"}, {"Content-Length", "3"}}));
    CHECK(c.expecting_continue());
    c.receive(as_bytes("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"));
    CHECK(std::holds_alternative<ResponseHead>(next(c)));
    CHECK_FALSE(c.expecting_continue());
    CHECK(std::holds_alternative<EndOfMessage>(next(c)));
    // The body was never sent: the connection cannot carry another request.
    CHECK_FALSE(c.is_reusable());
  }
  SECTION("no Expect header") {
    Connection c;
    REQUIRE(c.send_request("PUT", "/", Headers{{"Host", "h"}, {"Content-Length", "3"}}));
    CHECK_FALSE(c.expecting_continue());
  }
}

TEST_CASE("zero-copy input through prepare_input and commit_input", "[http1][connection]") {
  Connection c;
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
  const std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  for (char ch : raw) {
    auto buf = c.prepare_input(1);
    REQUIRE(buf.size() >= 1);
    std::memcpy(buf.data(), &ch, 1);
    c.commit_input(1);
  }
  CHECK(std::holds_alternative<ResponseHead>(next(c)));
  auto data = next(c);
  REQUIRE(std::holds_alternative<BodyData>(data));
  CHECK(to_string(std::get<BodyData>(data).data) == "abc");
  CHECK(std::holds_alternative<EndOfMessage>(next(c)));
}

TEST_CASE("body views point into the input buffer", "[http1][connection]") {
  Connection c;
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
  auto buf = c.prepare_input(64);
  const std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  std::memcpy(buf.data(), raw.data(), raw.size());
  c.commit_input(raw.size());
  CHECK(std::holds_alternative<ResponseHead>(next(c)));
  auto data = next(c);
  REQUIRE(std::holds_alternative<BodyData>(data));
  CHECK(std::get<BodyData>(data).data.data() == buf.data() + raw.size() - 3);
}

TEST_CASE("bytes before any request are unexpected", "[http1][connection]") {
  Connection c;
  c.receive(as_bytes("HTTP/1.1 200 OK\r\n\r\n"));
  auto r = c.next_event();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::unexpected_data);
  CHECK(r.error().origin == ErrorOrigin::remote);
  CHECK(c.their_state() == TheirState::error);
}

TEST_CASE("EOF on an idle connection is ConnectionClosed", "[http1][connection]") {
  Connection c;
  CHECK(std::holds_alternative<NeedData>(next(c)));
  c.receive_eof();
  CHECK(std::holds_alternative<ConnectionClosed>(next(c)));
  CHECK(c.their_state() == TheirState::closed);
  CHECK(std::holds_alternative<ConnectionClosed>(next(c)));
  CHECK_FALSE(c.is_reusable());
}

TEST_CASE("misuse is invalid_state", "[http1][connection]") {
  SECTION("send_body before send_request") {
    Connection c;
    auto r = c.send_body(as_bytes("x"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_state);
    CHECK(c.pending_output().empty());
  }
  SECTION("send_end before send_request") {
    Connection c;
    auto r = c.send_end();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_state);
  }
  SECTION("send_body on a request without a body") {
    Connection c;
    REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
    auto r = c.send_body(as_bytes("x"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_state);
  }
  SECTION("a second send_request in one cycle") {
    Connection c;
    REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
    auto r = c.send_request("GET", "/", Headers{{"Host", "h"}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_state);
    CHECK(to_string(c.pending_output()) == "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  }
  SECTION("start_next_cycle mid-response") {
    Connection c;
    REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
    auto r = c.start_next_cycle();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_state);
  }
  SECTION("every call after an error") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "1"}}));
    c.receive(as_bytes("garbage\r\n\r\n"));
    auto first = c.next_event();
    REQUIRE_FALSE(first);
    CHECK(first.error().code == ErrorCode::malformed_response);
    CHECK(c.our_state() == OurState::error);
    CHECK(c.their_state() == TheirState::error);
    auto again = c.next_event();
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::invalid_state);
    CHECK(c.send_body(as_bytes("x")).error().code == ErrorCode::invalid_state);
    CHECK(c.send_end().error().code == ErrorCode::invalid_state);
    CHECK(c.send_request("GET", "/", Headers{{"Host", "h"}}).error().code == ErrorCode::invalid_state);
    CHECK(c.start_next_cycle().error().code == ErrorCode::invalid_state);
    CHECK_FALSE(c.is_reusable());
  }
  SECTION("send_failed") {
    Connection c;
    REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
    c.send_failed();
    CHECK(c.our_state() == OurState::error);
    CHECK(c.next_event().error().code == ErrorCode::invalid_state);
    CHECK_FALSE(c.is_reusable());
  }
}

TEST_CASE("a moved-from machine's state travels with the move", "[http1][connection]") {
  Connection a;
  REQUIRE(a.send_request("GET", "/", Headers{{"Host", "h"}}));
  Connection b(std::move(a));
  CHECK(b.our_state() == OurState::done);
  b.receive(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK(std::holds_alternative<ResponseHead>(next(b)));
}

TEST_CASE("send_end after a bodiless request is an accepted no-op that writes nothing") {
  Connection c;
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
  const auto head_size = c.pending_output().size();
  REQUIRE(c.send_end());
  CHECK(c.pending_output().size() == head_size);
  CHECK(c.our_state() == OurState::done);

  Connection empty_post;
  REQUIRE(empty_post.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "0"}}));
  CHECK(empty_post.send_end());
  CHECK(empty_post.send_end(Headers{{"X-Trailer", "1"}}).error().code == ErrorCode::invalid_state);
}

namespace {

// Everything pending, piece by piece, as a transport writes it.
std::vector<std::string> drain(Connection& c) {
  std::vector<std::string> pieces;
  for (Bytes out = c.pending_output(); !out.empty(); out = c.pending_output()) {
    pieces.emplace_back(to_string(out));
    c.consume_output(out.size());
  }
  return pieces;
}

}  // namespace

TEST_CASE("send_body_lent hands a Content-Length body out in place, after what was queued", "[http1][connection]") {
  Connection c;
  REQUIRE(c.send_request("PUT", "/", Headers{{"Host", "h"}, {"Content-Length", "10"}}));
  const std::string first = "01234";
  REQUIRE(c.send_body_lent(as_bytes(first)));
  // The head first, then the caller's own bytes, not a copy of them.
  CHECK(to_string(c.pending_output()) == "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n");
  c.consume_output(c.pending_output().size());
  CHECK(c.pending_output().data() == as_bytes(first).data());
  c.consume_output(2);  // a short write
  CHECK(to_string(c.pending_output()) == "234");
  c.consume_output(3);
  CHECK(c.pending_output().empty());

  const std::string second = "56789";
  REQUIRE(c.send_body_lent(as_bytes(second)));
  CHECK(c.pending_output().data() == as_bytes(second).data());
  REQUIRE(c.send_end());
  CHECK(drain(c) == std::vector<std::string>{"56789"});
  c.receive(as_bytes("HTTP/1.1 204 No Content\r\n\r\n"));
  CHECK(std::holds_alternative<ResponseHead>(next(c)));
  CHECK(std::holds_alternative<EndOfMessage>(next(c)));
  CHECK(c.is_reusable());
}

TEST_CASE("send_body_lent: the same rules as send_body, and what follows waits its turn", "[http1][connection]") {
  SECTION("copied bytes queued behind a lent piece go out after it") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "6"}}));
    c.consume_output(c.pending_output().size());
    const std::string lent = "abc";
    REQUIRE(c.send_body_lent(as_bytes(lent)));
    REQUIRE(c.send_body(as_bytes("def")));
    CHECK(drain(c) == std::vector<std::string>{"abc", "def"});
  }
  SECTION("a second lent piece before the first is written is invalid_state") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "6"}}));
    REQUIRE(c.send_body_lent(as_bytes("abc")));
    auto again = c.send_body_lent(as_bytes("def"));
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::invalid_state);
  }
  SECTION("more than Content-Length is body_length_mismatch, and the lent piece is dropped") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "2"}}));
    c.consume_output(c.pending_output().size());
    auto over = c.send_body_lent(as_bytes("abc"));
    REQUIRE_FALSE(over);
    CHECK(over.error().code == ErrorCode::body_length_mismatch);
    CHECK(c.pending_output().empty());
  }
  SECTION("after a failed send the machine lets go of the lent bytes") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "3"}}));
    c.consume_output(c.pending_output().size());
    REQUIRE(c.send_body_lent(as_bytes("abc")));
    c.send_failed();
    CHECK(c.pending_output().empty());
  }
  SECTION("chunked framing copies, with the chunk's framing around the bytes") {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}));
    c.consume_output(c.pending_output().size());
    const std::string piece = "hello";
    REQUIRE(c.send_body_lent(as_bytes(piece)));
    CHECK(c.pending_output().data() != as_bytes(piece).data());
    REQUIRE(c.send_end());
    CHECK(drain(c) == std::vector<std::string>{"5\r\nhello\r\n0\r\n\r\n"});
  }
}
