// Golden wire bytes for request serialisation, and every refusal.
#include <catch.hpp>

#include "core/http1/connection.hpp"
#include "core/http1/request_writer.hpp"

using namespace hipp;
using namespace hipp::http1;

namespace {

std::string output(const Connection& c) { return to_string(c.pending_output()); }

}  // namespace

TEST_CASE("request heads go on the wire exactly as given", "[http1][writer]") {
  struct Row {
    const char* method;
    const char* target;
    Headers headers;
    const char* wire;
    OurState after;
  };
  const std::vector<Row> rows = {
      {"GET", "/", Headers{{"Host", "example.com"}}, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", OurState::done},
      {"GET", "/a?b=c", Headers{{"host", "h"}, {"X-Mixed-CASE", "v 1"}, {"Accept", "*/*"}},
       "GET /a?b=c HTTP/1.1\r\nhost: h\r\nX-Mixed-CASE: v 1\r\nAccept: */*\r\n\r\n", OurState::done},
      {"POST", "/up", Headers{{"Host", "h"}, {"Content-Length", "3"}},
       "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n", OurState::send_body},
      {"POST", "/up", Headers{{"Host", "h"}, {"Content-Length", "0"}},
       "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", OurState::done},
      {"PUT", "/x", Headers{{"Host", "h"}, {"Transfer-Encoding", "gzip, chunked"}},
       "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", OurState::send_body},
      {"OPTIONS", "*", Headers{{"Host", "h"}}, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", OurState::done},
      {"CONNECT", "example.com:443", Headers{{"Host", "example.com:443"}},
       "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", OurState::done},
  };
  for (const auto& row : rows) {
    INFO(row.wire);
    Connection c;
    REQUIRE(c.send_request(row.method, row.target, row.headers));
    CHECK(output(c) == row.wire);
    CHECK(c.our_state() == row.after);
    CHECK(c.their_state() == TheirState::awaiting_head);
  }
}

TEST_CASE("a Content-Length body is sent raw and counted", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "5"}}));
  c.consume_output(c.pending_output().size());
  REQUIRE(c.send_body(as_bytes("he")));
  REQUIRE(c.send_body(as_bytes("")));
  REQUIRE(c.send_body(as_bytes("llo")));
  CHECK(output(c) == "hello");
  REQUIRE(c.send_end());
  CHECK(c.our_state() == OurState::done);
}

TEST_CASE("too many body bytes for Content-Length are refused", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "3"}}));
  c.consume_output(c.pending_output().size());
  auto r = c.send_body(as_bytes("four"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::body_length_mismatch);
  CHECK(output(c).empty());
  CHECK(c.our_state() == OurState::error);
  CHECK_FALSE(c.is_reusable());
}

TEST_CASE("too few body bytes for Content-Length are refused at send_end", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "3"}}));
  REQUIRE(c.send_body(as_bytes("ab")));
  auto r = c.send_end();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::body_length_mismatch);
}

TEST_CASE("a chunked body is framed, with trailers", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/c", Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}));
  REQUIRE(c.send_body(as_bytes("hello")));
  REQUIRE(c.send_body(as_bytes("")));
  REQUIRE(c.send_body(as_bytes(std::string(26, 'z'))));
  REQUIRE(c.send_end(Headers{{"X-Checksum", "abc"}, {"X-Two", "2"}}));
  CHECK(output(c) ==
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n1a\r\nzzzzzzzzzzzzzzzzzzzzzzzzzz\r\n0\r\nX-Checksum: abc\r\nX-Two: 2\r\n\r\n");
  CHECK(c.our_state() == OurState::done);
}

TEST_CASE("a chunked body without trailers ends with the last chunk", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}));
  c.consume_output(c.pending_output().size());
  REQUIRE(c.send_end());
  CHECK(output(c) == "0\r\n\r\n");
}

TEST_CASE("pending output is consumed partially", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
  c.consume_output(4);
  CHECK(output(c) == "/ HTTP/1.1\r\nHost: h\r\n\r\n");
  c.consume_output(1000);
  CHECK(output(c).empty());
}

TEST_CASE("invalid requests are refused before any byte is produced", "[http1][writer]") {
  struct Row {
    const char* what;
    std::string method;
    std::string target;
    Headers headers;
    ErrorCode code;
  };
  const std::vector<Row> rows = {
      {"CR in method", "GE\rT", "/", Headers{{"Host", "h"}}, ErrorCode::invalid_method},
      {"LF in method", "GET\n", "/", Headers{{"Host", "h"}}, ErrorCode::invalid_method},
      {"NUL in method", std::string("G\0T", 3), "/", Headers{{"Host", "h"}}, ErrorCode::invalid_method},
      {"space in method", "GET /", "/", Headers{{"Host", "h"}}, ErrorCode::invalid_method},
      {"empty method", "", "/", Headers{{"Host", "h"}}, ErrorCode::invalid_method},
      {"CR in target", "GET", "/a\rb", Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"LF in target", "GET", "/a\nHost: evil", Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"NUL in target", "GET", std::string("/a\0b", 4), Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"space in target", "GET", "/a b", Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"DEL in target", "GET", "/a\x7f", Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"empty target", "GET", "", Headers{{"Host", "h"}}, ErrorCode::invalid_target},
      {"CR in name", "GET", "/", Headers{{"Host", "h"}, {"X\rY", "v"}}, ErrorCode::invalid_header_name},
      {"LF in name", "GET", "/", Headers{{"Host", "h"}, {"X\nY", "v"}}, ErrorCode::invalid_header_name},
      {"NUL in name", "GET", "/", Headers{{"Host", "h"}, {std::string_view("X\0Y", 3), "v"}},
       ErrorCode::invalid_header_name},
      {"colon in name", "GET", "/", Headers{{"Host", "h"}, {"X:Y", "v"}}, ErrorCode::invalid_header_name},
      {"empty name", "GET", "/", Headers{{"Host", "h"}, {"", "v"}}, ErrorCode::invalid_header_name},
      {"CR in value", "GET", "/", Headers{{"Host", "h"}, {"X", "a\rb"}}, ErrorCode::invalid_header_value},
      {"LF in value", "GET", "/", Headers{{"Host", "h"}, {"X", "a\r\nEvil: 1"}}, ErrorCode::invalid_header_value},
      {"NUL in value", "GET", "/", Headers{{"Host", "h"}, {"X", std::string_view("a\0b", 3)}},
       ErrorCode::invalid_header_value},
      {"CRLF in Host", "GET", "/", Headers{{"Host", "h\r\nX: y"}}, ErrorCode::invalid_header_value},
      {"no Host", "GET", "/", Headers{{"Accept", "*/*"}}, ErrorCode::invalid_header_value},
      {"two Hosts", "GET", "/", Headers{{"Host", "a"}, {"host", "b"}}, ErrorCode::invalid_header_value},
      {"negative CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "-1"}}, ErrorCode::invalid_header_value},
      {"signed CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "+1"}}, ErrorCode::invalid_header_value},
      {"non-numeric CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "ten"}},
       ErrorCode::invalid_header_value},
      {"empty CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", ""}}, ErrorCode::invalid_header_value},
      {"CL list", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "1, 1"}}, ErrorCode::invalid_header_value},
      {"overflowing CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "99999999999999999999999"}},
       ErrorCode::invalid_header_value},
      {"two CL", "POST", "/", Headers{{"Host", "h"}, {"Content-Length", "1"}, {"Content-Length", "1"}},
       ErrorCode::invalid_header_value},
      {"CL with TE", "POST", "/",
       Headers{{"Host", "h"}, {"Content-Length", "1"}, {"Transfer-Encoding", "chunked"}},
       ErrorCode::invalid_header_value},
      {"TE not ending in chunked", "POST", "/", Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked, gzip"}},
       ErrorCode::invalid_header_value},
      {"TE gzip only", "POST", "/", Headers{{"Host", "h"}, {"Transfer-Encoding", "gzip"}},
       ErrorCode::invalid_header_value},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Connection c;
    auto r = c.send_request(row.method, row.target, row.headers);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == row.code);
    CHECK(c.pending_output().empty());
    // Refusal leaves the machine as it was: a valid request still goes through.
    CHECK(c.our_state() == OurState::idle);
    CHECK(c.send_request("GET", "/", Headers{{"Host", "h"}}));
  }
}

// The machine skips its field-by-field check only for Headers that
// Headers::validate() accepted and that did not change since.
TEST_CASE("fields changed after Headers::validate are checked again by send_request", "[http1][writer]") {
  struct Row {
    const char* what;
    void (*mutate)(Headers&);
    ErrorCode code;
  };
  const Row rows[] = {
      {"added bad value", [](Headers& h) { h.add("X", "a\r\nEvil: 1"); }, ErrorCode::invalid_header_value},
      {"added bad name", [](Headers& h) { h.add("X Y", "v"); }, ErrorCode::invalid_header_name},
      {"set bad value", [](Headers& h) { h.set("Accept", std::string_view("a\0b", 3)); }, ErrorCode::invalid_header_value},
      {"set_default bad value", [](Headers& h) { h.set_default("X", "a\nb"); }, ErrorCode::invalid_header_value},
      {"extended by bad fields", [](Headers& h) { h.extend(Headers{{"X:Y", "v"}}); }, ErrorCode::invalid_header_name},
      {"assigned bad fields", [](Headers& h) { h = Headers{{"Host", "h\r\nX: y"}}; }, ErrorCode::invalid_header_value},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Headers h{{"Host", "h"}, {"Accept", "*/*"}};
    REQUIRE(h.validate());
    row.mutate(h);
    Connection c;
    auto r = c.send_request("GET", "/", h);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == row.code);
    CHECK(c.pending_output().empty());
  }
}

TEST_CASE("validated Headers still go through every framing check", "[http1][writer]") {
  const Headers rows[] = {
      Headers{{"Accept", "*/*"}},
      Headers{{"Host", "a"}, {"host", "b"}},
      Headers{{"Host", "h"}, {"Content-Length", "-1"}},
      Headers{{"Host", "h"}, {"Content-Length", "1"}, {"Transfer-Encoding", "chunked"}},
      Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked, gzip"}},
  };
  for (Headers h : rows) {
    REQUIRE(h.validate());
    Connection c;
    auto r = c.send_request("POST", "/", h);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_header_value);
    CHECK(c.pending_output().empty());
  }
  Headers ok{{"Host", "h"}, {"Content-Length", "3"}};
  REQUIRE(ok.validate());
  Connection c;
  REQUIRE(c.send_request("POST", "/", ok));
  CHECK(output(c) == "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n");
}

TEST_CASE("invalid trailers are refused and nothing is produced", "[http1][writer]") {
  for (const auto& bad : {Headers{{"X", "a\r\nEvil: 1"}}, Headers{{"X Y", "v"}}, Headers{{"X", std::string_view("\0", 1)}}}) {
    Connection c;
    REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}));
    REQUIRE(c.send_body(as_bytes("abc")));
    c.consume_output(c.pending_output().size());
    auto r = c.send_end(bad);
    REQUIRE_FALSE(r);
    CHECK((r.error().code == ErrorCode::invalid_header_value || r.error().code == ErrorCode::invalid_header_name));
    CHECK(c.pending_output().empty());
    CHECK_FALSE(c.is_reusable());
  }
}

TEST_CASE("trailers need chunked framing", "[http1][writer]") {
  Connection c;
  REQUIRE(c.send_request("POST", "/", Headers{{"Host", "h"}, {"Content-Length", "1"}}));
  REQUIRE(c.send_body(as_bytes("x")));
  c.consume_output(c.pending_output().size());
  auto r = c.send_end(Headers{{"X", "y"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::invalid_state);
  CHECK(c.pending_output().empty());
}

TEST_CASE("validate_request reads Expect and Connection tokens from any field of that name", "[http1][writer]") {
  struct Row {
    Headers headers;
    bool expect_continue;
    bool close;
  };
  const std::vector<Row> rows = {
      {Headers{{"Host", "h"}}, false, false},
      {Headers{{"Host", "h"}, {"expect", "100-CONTINUE"}}, true, false},
      {Headers{{"Host", "h"}, {"Expect", "foo, \t100-continue \t"}}, true, false},
      {Headers{{"Host", "h"}, {"Expect", "100-continued"}}, false, false},
      {Headers{{"Host", "h"}, {"Expect", ""}, {"Expect", "100-continue"}}, true, false},
      {Headers{{"Host", "h"}, {"CONNECTION", "Close"}}, false, true},
      {Headers{{"Host", "h"}, {"Connection", "keep-alive"}, {"Connection", "upgrade,close,"}}, false, true},
      {Headers{{"Host", "h"}, {"Connection", "closed, keep-alive"}}, false, false},
      {Headers{{"Host", "h"}, {"X-Connection", "close"}, {"Expects", "100-continue"}}, false, false},
  };
  for (const auto& row : rows) {
    INFO("fields:" << [&] {
      std::string s;
      for (const auto& f : row.headers) s.append(" ").append(f.name).append("=").append(f.value);
      return s;
    }());
    auto framing = validate_request("GET", "/", row.headers);
    REQUIRE(framing);
    CHECK(framing->expect_continue == row.expect_continue);
    CHECK(framing->close == row.close);
  }
}
