// parse_head(): a table of hostile and borderline heads with their verdicts,
// and a differential test against llhttp 8.1 (the parser it replaced for
// heads): whatever we accept, llhttp accepts with the same status, version,
// fields and body framing; whatever llhttp refuses, we refuse.
#include <llhttp.h>

#include <catch.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/http1/parsed_head.hpp"

using namespace hipp;
using namespace hipp::http1;

namespace {

std::string head_of(std::string_view status_line, std::initializer_list<std::string_view> fields) {
  std::string s(status_line);
  s += "\r\n";
  for (auto f : fields) {
    s += f;
    s += "\r\n";
  }
  s += "\r\n";
  return s;
}

struct Case {
  std::string head;
  std::optional<ErrorCode> error;  // nullopt: accepted
};

}  // namespace

TEST_CASE("parse_head: hostile and borderline status lines and fields", "[http1][parsed_head]") {
  const ErrorCode bad = ErrorCode::malformed_response;
  const ErrorCode cl = ErrorCode::invalid_content_length;
  const ErrorCode both = ErrorCode::conflicting_framing;
  const std::vector<Case> cases = {
      {head_of("HTTP/1.1 200 OK", {}), std::nullopt},
      {head_of("HTTP/1.0 200 OK", {}), std::nullopt},
      {head_of("HTTP/1.1 200", {}), std::nullopt},
      {head_of("HTTP/1.1 200 ", {}), std::nullopt},
      {head_of("HTTP/1.1 599 Whatever \t it is \x80\xff", {}), std::nullopt},
      {head_of("HTTP/1.2 200 OK", {}), bad},
      {head_of("HTTP/2.0 200 OK", {}), bad},
      {head_of("HTTP/0.9 200 OK", {}), bad},
      {head_of("HTTP/11 200 OK", {}), bad},
      {head_of("HTTP/1.1 20 OK", {}), bad},
      {head_of("HTTP/1.1 2000 OK", {}), bad},
      {head_of("HTTP/1.1 099 OK", {}), bad},
      {head_of("HTTP/1.1 2x0 OK", {}), bad},
      {head_of("HTTP/1.1  200 OK", {}), bad},
      {head_of("HTTP/1.1\t200 OK", {}), bad},
      {head_of("http/1.1 200 OK", {}), bad},
      {head_of("ICY 200 OK", {}), bad},
      {head_of("HTTP/1.1 200 O\x01K", {}), bad},
      {head_of("HTTP/1.1 200 O\x7fK", {}), bad},
      {head_of("", {}), bad},
      {head_of("HTTP/1.1 200 OK", {"X: \t a b \t"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"X:"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"X: \x80\xff"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"!#$%&'*+-.^_`|~09az: v"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"Host : x"}), bad},
      {head_of("HTTP/1.1 200 OK", {"Host\t: x"}), bad},
      {head_of("HTTP/1.1 200 OK", {": x"}), bad},
      {head_of("HTTP/1.1 200 OK", {"Na me: x"}), bad},
      {head_of("HTTP/1.1 200 OK", {"Name"}), bad},
      {head_of("HTTP/1.1 200 OK", {"N(ame): x"}), bad},
      {head_of("HTTP/1.1 200 OK", {"N\x7f: x"}), bad},
      {head_of("HTTP/1.1 200 OK", {"N\x80: x"}), bad},
      {head_of("HTTP/1.1 200 OK", {std::string_view("X: a\0b", 6)}), bad},
      {head_of("HTTP/1.1 200 OK", {"X: a\x7f"}), bad},
      {head_of("HTTP/1.1 200 OK", {"X: a\x1b[0m"}), bad},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"content-length:  5  "}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"content-length:  5 \t"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 18446744073709551615"}), std::nullopt},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 18446744073709551616"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 99999999999999999999999"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5\t"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: +5"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: -1"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5,5"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5 5"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 0x5"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length:"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5", "Content-Length: 5"}), cl},
      {head_of("HTTP/1.1 200 OK", {"Content-Length: 5", "Transfer-Encoding: chunked"}), both},
      {head_of("HTTP/1.1 200 OK", {"Transfer-Encoding: chunked", "Content-Length: 5"}), both},
      {head_of("HTTP/1.1 200 OK", {"Transfer-Encoding: gzip", "content-length: 5"}), both},
      {head_of("HTTP/1.1 200 OK", {"Transfer-Encoding: chunked"}), std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.head);
    ParsedHead out;
    auto r = parse_head(c.head, 128, out);
    if (c.error) {
      REQUIRE_FALSE(r);
      CHECK(r.error().code == *c.error);
    } else {
      CHECK(r);
    }
  }
}

TEST_CASE("parse_head: what it reads from an accepted head", "[http1][parsed_head]") {
  ParsedHead out;
  SECTION("status, version, reason and fields as views trimmed of OWS") {
    const std::string head = head_of("HTTP/1.0 404 Not Found", {"X-A: \t one two \t", "x-b:", "X-A:three"});
    REQUIRE(parse_head(head, 128, out));
    CHECK(out.status == 404);
    CHECK(out.version_major == 1);
    CHECK(out.version_minor == 0);
    CHECK(out.reason == "Not Found");
    REQUIRE(out.headers.size() == 3);
    CHECK(out.headers[0].name == "X-A");
    CHECK(out.headers[0].value == "one two");
    CHECK(out.headers[1].name == "x-b");
    CHECK(out.headers[1].value.empty());
    CHECK(out.headers.get_all("x-a") == std::vector<std::string_view>{"one two", "three"});
    CHECK_FALSE(out.has_content_length);
    CHECK_FALSE(out.has_transfer_encoding);
  }
  SECTION("Content-Length") {
    REQUIRE(parse_head(head_of("HTTP/1.1 200 OK", {"Content-Length: 1234"}), 128, out));
    CHECK(out.has_content_length);
    CHECK(out.content_length == 1234);
  }
  SECTION("chunked only as the final coding of the final Transfer-Encoding") {
    const std::vector<std::pair<std::vector<std::string_view>, bool>> table = {
        {{"Transfer-Encoding: chunked"}, true},
        {{"Transfer-Encoding: CHUNKED"}, true},
        {{"Transfer-Encoding: gzip, chunked"}, true},
        {{"Transfer-Encoding: gzip", "Transfer-Encoding: chunked"}, true},
        {{"Transfer-Encoding: chunked, gzip"}, false},
        {{"Transfer-Encoding: chunked", "Transfer-Encoding: gzip"}, false},
        {{"Transfer-Encoding: gzip"}, false},
        {{"Transfer-Encoding: chunkedx"}, false},
    };
    for (const auto& [fields, chunked] : table) {
      std::string head = "HTTP/1.1 200 OK\r\n";
      for (auto f : fields) head += std::string(f) + "\r\n";
      head += "\r\n";
      INFO(head);
      REQUIRE(parse_head(head, 128, out));
      CHECK(out.has_transfer_encoding);
      CHECK(out.chunked == chunked);
    }
  }
  SECTION("Connection options, in any case, as a list or across fields") {
    REQUIRE(parse_head(head_of("HTTP/1.1 200 OK", {"Connection: Keep-Alive, foo", "connection: CLOSE"}), 128, out));
    CHECK(out.connection_close);
    CHECK(out.connection_keep_alive);
    REQUIRE(parse_head(head_of("HTTP/1.1 200 OK", {"Connection: closed, keep-alived"}), 128, out));
    CHECK_FALSE(out.connection_close);
    CHECK_FALSE(out.connection_keep_alive);
  }
  SECTION("max_header_count is a bound on fields, to the field") {
    const std::string head = head_of("HTTP/1.1 200 OK", {"A: 1", "B: 2", "C: 3"});
    CHECK(parse_head(head, 3, out));
    auto r = parse_head(head, 2, out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::too_many_headers);
  }
  SECTION("the head must end at its empty line") {
    auto r = parse_head("HTTP/1.1 200 OK\r\nA: 1\r\n", 128, out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::malformed_response);
    r = parse_head("HTTP/1.1 200 OK\r\n\r\nX", 128, out);
    REQUIRE_FALSE(r);
  }
}

namespace {

// What llhttp 8.1 (default, non-lenient settings) makes of a complete head.
struct LlhttpVerdict {
  bool ok = false;
  int status = 0;
  int major = 0;
  int minor = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  bool chunked = false;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  std::uint64_t content_length = 0;
};

struct LlhttpRun {
  LlhttpVerdict v;
  bool in_value = false;
};

LlhttpVerdict llhttp_verdict(const std::string& head) {
  llhttp_settings_t s;
  llhttp_settings_init(&s);
  s.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) {
    auto& run = *static_cast<LlhttpRun*>(p->data);
    if (run.in_value || run.v.fields.empty()) run.v.fields.emplace_back();
    run.in_value = false;
    run.v.fields.back().first.append(at, n);
    return 0;
  };
  s.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) {
    auto& run = *static_cast<LlhttpRun*>(p->data);
    run.in_value = true;
    run.v.fields.back().second.append(at, n);
    return 0;
  };
  s.on_header_value_complete = [](llhttp_t* p) {
    auto& run = *static_cast<LlhttpRun*>(p->data);
    run.in_value = true;  // an empty value has no on_header_value
    return 0;
  };
  s.on_headers_complete = [](llhttp_t* p) {
    auto& run = *static_cast<LlhttpRun*>(p->data);
    run.v.ok = true;
    run.v.status = p->status_code;
    run.v.major = p->http_major;
    run.v.minor = p->http_minor;
    run.v.chunked = (p->flags & F_CHUNKED) != 0;
    run.v.has_content_length = (p->flags & F_CONTENT_LENGTH) != 0;
    run.v.has_transfer_encoding = (p->flags & F_TRANSFER_ENCODING) != 0;
    run.v.content_length = p->content_length;
    return static_cast<int>(HPE_PAUSED);
  };
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &s);
  LlhttpRun run;
  parser.data = &run;
  const llhttp_errno_t err = llhttp_execute(&parser, head.data(), head.size());
  if (err != HPE_PAUSED) run.v.ok = false;
  // Paused exactly at the end of the head, or the head was not what it seemed.
  if (run.v.ok && llhttp_get_error_pos(&parser) != head.data() + head.size()) run.v.ok = false;
  for (auto& [name, value] : run.v.fields) {
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
  }
  return run.v;
}

// Checks one head both ways; returns whether we were stricter than llhttp.
bool compare(const std::string& head) {
  INFO("head: " << head);
  ParsedHead ours;
  const bool ok = static_cast<bool>(parse_head(head, 1000, ours));
  const LlhttpVerdict theirs = llhttp_verdict(head);
  if (!theirs.ok) {
    CHECK_FALSE(ok);
    return false;
  }
  if (!ok) return true;
  CHECK(ours.status == theirs.status);
  CHECK(ours.version_major == theirs.major);
  CHECK(ours.version_minor == theirs.minor);
  REQUIRE(ours.headers.size() == theirs.fields.size());
  for (std::size_t i = 0; i < theirs.fields.size(); ++i) {
    CHECK(ours.headers[i].name == theirs.fields[i].first);
    CHECK(ours.headers[i].value == theirs.fields[i].second);
  }
  CHECK(ours.chunked == theirs.chunked);
  CHECK(ours.has_transfer_encoding == theirs.has_transfer_encoding);
  CHECK(ours.has_content_length == theirs.has_content_length);
  if (ours.has_content_length) CHECK(ours.content_length == theirs.content_length);
  return false;
}

}  // namespace

TEST_CASE("parse_head agrees with llhttp 8.1 or is stricter (differential)", "[http1][parsed_head][differential]") {
  const std::vector<std::string> status_lines = {
      "HTTP/1.1 200 OK", "HTTP/1.0 204 No Content",  "HTTP/1.1 100 Continue", "HTTP/1.1 200",
      "HTTP/1.1 304 ",   "HTTP/1.1 404 Not \tFound", "HTTP/1.1 999 x",        "HTTP/1.2 200 OK",
      "HTTP/2.0 200 OK", "HTTP/1.1 20 OK",           "HTTP/1.1 2000 OK",      "HTTP/1.1 200  OK"};
  const std::vector<std::string> fields = {"Content-Length: 100",
                                           "Content-Length: 0",
                                           "content-length:7 ",
                                           "Content-Length: +1",
                                           "Content-Length: 1,1",
                                           "Content-Length: 18446744073709551615",
                                           "Content-Length: 18446744073709551616",
                                           "Content-Length: 5 \t",
                                           "Transfer-Encoding: chunked",
                                           "Transfer-Encoding: gzip, chunked",
                                           "Transfer-Encoding: chunked, gzip",
                                           "transfer-encoding: identity",
                                           "Connection: keep-alive",
                                           "Connection: close",
                                           "Server: nginx/1.22.1",
                                           "Date: Tue, 01 Dec 2026 23:35:26 GMT",
                                           "ETag: \"656a7c3e-64\"",
                                           "X-Empty:",
                                           "X-Ows: \t v \t",
                                           "Bad Name: v",
                                           "Bad\x7fName: v",
                                           "NoColon",
                                           "X-Hi: \x80\xfe",
                                           "Set-Cookie: a=b; Path=/"};
  std::size_t stricter = 0;
  std::size_t total = 0;
  // Every status line alone and with each field, then pairs of fields.
  for (const auto& sl : status_lines) {
    stricter += compare(head_of(sl, {}));
    ++total;
    for (const auto& f : fields) {
      stricter += compare(head_of(sl, {f}));
      ++total;
    }
  }
  for (const auto& a : fields) {
    for (const auto& b : fields) {
      stricter += compare(head_of("HTTP/1.1 200 OK", {a, b}));
      ++total;
    }
  }
  // Random byte substitutions into a typical head (fixed seed). CR and LF are
  // left out: line framing is the scanner's job, checked before parse_head().
  std::mt19937 rng(20261202);
  const std::string base = head_of("HTTP/1.1 200 OK", {"Server: nginx", "Content-Length: 100",
                                                       "Transfer-Encoding: chunked", "Connection: keep-alive"});
  const std::string alphabet = std::string("aZ09 \t:;,.-+\"()\x7f\x80\xff/") + std::string(1, '\0') + "\x01";
  for (int i = 0; i < 20000; ++i) {
    std::string head = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % (head.size() - 4);
      if (head[at] == '\r' || head[at] == '\n') continue;
      head[at] = alphabet[rng() % alphabet.size()];
    }
    // The scanner refuses a line that starts with whitespace before we see it.
    bool folded = head[0] == ' ' || head[0] == '\t';
    for (std::size_t k = 1; k < head.size(); ++k) {
      if (head[k - 1] == '\n' && (head[k] == ' ' || head[k] == '\t')) folded = true;
    }
    if (folded) continue;
    stricter += compare(head);
    ++total;
  }
  // Where we are stricter it is by design (control bytes, versions, 3DIGIT);
  // most heads must still be judged alike.
  CHECK(stricter * 4 < total);
}

// Field values are checked eight bytes at a time: every byte value must get
// the same verdict at every offset of a value, across word boundaries and in
// the tail of the head.
TEST_CASE("parse_head judges each byte of a value alike at every offset", "[http1][parsed_head]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    if (c == '\r' || c == '\n') continue;  // line framing, the scanner's job
    // RFC 9110 §5.5: VCHAR, obs-text, SP and HTAB; nothing else.
    const bool allowed = b == '\t' || (b >= 0x20 && b != 0x7F);
    for (std::size_t at = 0; at < 20; ++at) {
      std::string value(19, 'v');
      value[at < value.size() ? at : value.size() - 1] = c;
      for (const bool last : {false, true}) {
        INFO("byte " << b << " at " << at << (last ? " in the last field" : ""));
        const std::string field = "X-Long: a" + value + "z";
        const std::string head =
            last ? head_of("HTTP/1.1 200 OK", {"A: 1", field}) : head_of("HTTP/1.1 200 OK", {field, "A: 1"});
        ParsedHead out;
        auto r = parse_head(head, 128, out);
        REQUIRE(static_cast<bool>(r) == allowed);
        if (!allowed) {
          CHECK(r.error().code == ErrorCode::malformed_response);
          continue;
        }
        REQUIRE(out.headers.size() == 2);
        CHECK(out.headers.get("X-Long") == "a" + value + "z");
        CHECK(out.headers.get("A") == "1");
      }
    }
  }
}
