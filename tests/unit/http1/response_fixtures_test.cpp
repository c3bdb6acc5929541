// Response fixtures: raw bytes and the expected event log, each replayed
// whole, split at every byte offset, and one byte at a time (llhttp's
// test/response/*.md style).
#include <catch.hpp>

#include <optional>
#include <utility>

#include "tests/unit/http1/event_log.hpp"

using namespace hipp::http1;
using namespace hipp::http1::testing;
using hipp::Headers;

namespace {

struct Fixture {
  const char* name;
  const char* method;
  std::string_view raw;
  bool eof;
  std::vector<std::string> expected;
  bool reusable;
};

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = {
      {"content-length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
       {"head 200 OK", "data hello", "end"}, true},
      {"empty body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, {"head 200 OK", "end"}, true},
      {"chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
       false, {"head 200 OK", "data hello world", "end"}, true},
      {"chunked with trailers", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 42\r\nX-B: y\r\n\r\n", false,
       {"head 200 OK", "data abc", "end X-Sum=42 X-B=y"}, true},
      {"chunk extension", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n0\r\n\r\n", false,
       {"head 200 OK", "data abc", "end"}, true},
      {"chunk data holding CRLF", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n", false,
       {"head 200 OK", "data \r\n\r\n", "end"}, true},
      {"100 continue then 200", "GET",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
       {"info 100 Continue", "head 200 OK", "data ok", "end"}, true},
      {"103 early hints", "GET",
       "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false,
       {"info 103 Early Hints Link=</a.css>", "head 204 No Content", "end"}, true},
      {"1xx with Connection: close does not swallow the final response", "GET",
       "HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", false,
       {"info 100 Continue Connection=close", "head 200 OK", "data x", "end"}, true},
      {"close-delimited", "GET", "HTTP/1.1 200 OK\r\n\r\nuntil the end", true,
       {"head 200 OK", "data until the end", "end", "closed"}, false},
      {"HTTP/1.0 close-delimited", "GET", "HTTP/1.0 200 OK\r\n\r\nold", true,
       {"head 200 OK", "data old", "end", "closed"}, false},
      {"HTTP/1.0 without keep-alive", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, false},
      {"HTTP/1.0 with keep-alive", "GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
       false, {"head 200 OK", "data x", "end"}, true},
      {"Connection: close", "GET", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, false},
      // Connection options (RFC 9110 §7.6.1): a list, any case, OWS, spread over several fields.
      {"Connection list holding close", "GET",
       "HTTP/1.1 200 OK\r\nConnection: upgrade , CLOSE\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, false},
      {"close in a second Connection field", "GET",
       "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, false},
      {"Connection: closed is not close", "GET",
       "HTTP/1.1 200 OK\r\nConnection: closed,\tkeep-alive-ish\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, true},
      {"close in a field that is not Connection", "GET",
       "HTTP/1.1 200 OK\r\nConnectionX: close\r\nX-Connection: close\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, true},
      {"HTTP/1.0 with Keep-Alive in a list", "GET",
       "HTTP/1.0 200 OK\r\nconnection: foo,Keep-Alive\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, true},
      {"HTTP/1.0 with keep-alive and close", "GET",
       "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\nx", false,
       {"head 200 OK", "data x", "end"}, false},
      {"HEAD with Content-Length", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false,
       {"head 200 OK", "end"}, true},
      {"204 ignores Content-Length", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false,
       {"head 204 No Content", "end"}, true},
      {"304 ignores Content-Length", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false,
       {"head 304 Not Modified", "end"}, true},
      {"clean EOF after a complete response", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", true,
       {"head 200 OK", "data x", "end", "closed"}, false},
      // errors
      {"EOF before a response", "GET", "", true, {"error connection_closed"}, false},
      {"EOF inside the head", "GET", "HTTP/1.1 200 OK\r\nContent-Len", true, {"error incomplete_body"}, false},
      {"EOF inside a Content-Length body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", true,
       {"head 200 OK", "data hel", "error incomplete_body"}, false},
      {"EOF inside a chunked body", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true,
       {"head 200 OK", "data hel", "error incomplete_body"}, false},
      {"CL and TE", "GET",
       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false,
       {"error conflicting_framing"}, false},
      {"TE and CL", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", false,
       {"error conflicting_framing"}, false},
      {"duplicate different CL", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
       false, {"error invalid_content_length"}, false},
      {"CL list", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", false,
       {"error invalid_content_length"}, false},
      {"signed CL +", "GET", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", false,
       {"error invalid_content_length"}, false},
      {"signed CL -", "GET", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello", false,
       {"error invalid_content_length"}, false},
      {"non-digit CL", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello", false,
       {"error invalid_content_length"}, false},
      {"bad chunk size", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
       false, {"head 200 OK", "error invalid_chunk"}, false},
      {"chunk data followed by XX", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", false,
       {"head 200 OK", "data hello", "error invalid_chunk"}, false},
      {"chunk data followed by LF only", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", false,
       {"head 200 OK", "data hello", "error invalid_chunk"}, false},
      {"extra bytes after the body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1", false,
       {"head 200 OK", "data x", "end", "error unexpected_data"}, false},
      {"HEAD response followed by a body", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
       {"head 200 OK", "end", "error unexpected_data"}, false},
      {"204 followed by a body", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", false,
       {"head 204 No Content", "end", "error unexpected_data"}, false},
      {"304 followed by a body", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello", false,
       {"head 304 Not Modified", "end", "error unexpected_data"}, false},
      {"bare LF in the status line", "GET", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", false,
       {"error malformed_response"}, false},
      {"bare LF after a field", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", false,
       {"error malformed_response"}, false},
      {"bare LF after the last chunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n", false,
       {"head 200 OK", "error invalid_chunk"}, false},
      {"CR without LF", "GET", "HTTP/1.1 200 OK\r\nA: b\rC: d\r\n\r\n", false, {"error malformed_response"}, false},
      {"obs-fold", "GET", "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n", false,
       {"error malformed_response"}, false},
      {"obs-fold in trailers", "GET",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: one\r\n\ttwo\r\n\r\n", false,
       {"head 200 OK", "error malformed_response"}, false},
      {"101 without Upgrade request", "GET",
       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n", false,
       {"error malformed_response"}, false},
      {"HTTP/2 status line", "GET", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", false,
       {"error malformed_response"}, false},
      {"garbage", "GET", "hello world\r\n\r\n", false, {"error malformed_response"}, false},
  };
  return all;
}

}  // namespace

TEST_CASE("response fixtures produce their event logs however the bytes are split", "[http1][response]") {
  for (const auto& f : fixtures()) {
    INFO("fixture: " << f.name);
    const Log whole = replay(f.method, {f.raw}, f.eof);
    CHECK(join(whole.lines) == join(f.expected));
    CHECK(whole.reusable == f.reusable);

    const Log bytewise = replay(f.method, pieces_of(f.raw, 1), f.eof);
    CHECK(join(bytewise.lines) == join(f.expected));
    CHECK(bytewise.reusable == f.reusable);

    for (std::size_t cut = 1; cut < f.raw.size(); ++cut) {
      INFO("split at " << cut);
      const Log split = replay(f.method, {f.raw.substr(0, cut), f.raw.substr(cut)}, f.eof);
      REQUIRE(join(split.lines) == join(f.expected));
      REQUIRE(split.reusable == f.reusable);
    }
  }
}

// Head fields arrive from llhttp as views of the input; one cut by the end of
// a receive() must be kept whole however the bytes are split.
TEST_CASE("head fields are whole however the bytes are split", "[http1][response]") {
  const std::string_view raw =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Tue, 01 Dec 2026 21:11:52 GMT\r\n"
      "Content-Type: application/octet-stream\r\nX-Empty:\r\nX-Pad:   padded value \t\r\n"
      "Content-Length: 2\r\n\r\nok";
  const Headers expected{{"Server", "nginx"},
                         {"Date", "Tue, 01 Dec 2026 21:11:52 GMT"},
                         {"Content-Type", "application/octet-stream"},
                         {"X-Empty", ""},
                         {"X-Pad", "padded value"},
                         {"Content-Length", "2"}};
  for (std::size_t cut = 0; cut <= raw.size(); ++cut) {
    INFO("split at " << cut);
    Connection c;
    REQUIRE(c.send_request("GET", "/", Headers{{"Host", "example.com"}}));
    c.consume_output(c.pending_output().size());
    std::optional<Headers> got;
    for (auto piece : {raw.substr(0, cut), raw.substr(cut)}) {
      c.receive(hipp::as_bytes(piece));
      for (auto e = c.next_event(); e && !std::holds_alternative<NeedData>(*e) && !std::holds_alternative<Paused>(*e);
           e = c.next_event()) {
        if (auto* h = std::get_if<ResponseHead>(&*e)) got = h->headers;
      }
    }
    REQUIRE(got.has_value());
    std::vector<std::pair<std::string, std::string>> got_fields, expected_fields;
    for (const auto& f : *got) got_fields.emplace_back(f.name, f.value);
    for (const auto& f : expected) expected_fields.emplace_back(f.name, f.value);
    REQUIRE(got_fields == expected_fields);
  }
}
