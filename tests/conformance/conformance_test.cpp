// The transport-conformance suite: the same requests against the same server bytes over every transport
// (blocking, Asio, mock), which must agree on what the caller sees — framing, no-body rules, redirects,
// retries, decoding, typed errors for hostile bytes and bad input, and the request bytes on the wire.
#include <catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/conformance/transports.hpp"
#include "tests/unit/decode/encoders.hpp"

using hipp::ErrorCode;
using hipp::RequestOptions;
using hipp::conformance::AsioTransport;
using hipp::conformance::BlockingTransport;
using hipp::conformance::MockTransport;
using hipp::conformance::Outcome;

namespace {

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Kind: plain\r\n\r\nhello";

// The same policies for every transport: no retries unless a test asks, redirects followed.
RequestOptions plain() {
  RequestOptions o;
  o.retries = hipp::Retries{hipp::RetryPolicy{.max_retries = 0, .follow_redirects = true}};
  o.redirect = true;
  o.follow_redirects = true;
  return o;
}

}  // namespace

TEMPLATE_TEST_CASE("conformance: a Content-Length body, its head and its version", "[conformance]", BlockingTransport,
                   AsioTransport, MockTransport) {
  TestType t({kOk});
  Outcome o = t.fetch("GET", t.url("/a"), plain());
  INFO(TestType::name);
  REQUIRE_FALSE(o.error);
  CHECK(o.status == 200);
  CHECK(o.version == "HTTP/1.1");
  CHECK(o.headers.get("x-kind") == "plain");
  CHECK(o.body == "hello");
  CHECK(o.url == t.url("/a"));
  CHECK(o.attempts == 1);
}

TEMPLATE_TEST_CASE("conformance: chunked with trailers, and a close-delimited HTTP/1.0 body", "[conformance]",
                   BlockingTransport, AsioTransport, MockTransport) {
  {
    TestType t({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-T: 1\r\n\r\n"});
    Outcome o = t.fetch("GET", t.url("/chunked"), plain());
    INFO(TestType::name);
    REQUIRE_FALSE(o.error);
    CHECK(o.body == "abcde");
  }
  {
    TestType t({"HTTP/1.0 200 OK\r\n\r\nuntil the end"});
    Outcome o = t.fetch("GET", t.url("/close"), plain());
    INFO(TestType::name);
    REQUIRE_FALSE(o.error);
    CHECK(o.version == "HTTP/1.0");
    CHECK(o.body == "until the end");
  }
}

TEMPLATE_TEST_CASE("conformance: no body for HEAD, 204 and 304; 1xx skipped", "[conformance]", BlockingTransport,
                   AsioTransport, MockTransport) {
  {
    TestType t({"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"});
    Outcome o = t.fetch("HEAD", t.url("/h"), plain());
    INFO(TestType::name);
    REQUIRE_FALSE(o.error);
    CHECK(o.status == 200);
    CHECK(o.body.empty());
  }
  {
    TestType t({"HTTP/1.1 204 No Content\r\n\r\n"});
    Outcome o = t.fetch("GET", t.url("/n"), plain());
    REQUIRE_FALSE(o.error);
    CHECK(o.status == 204);
    CHECK(o.body.empty());
  }
  {
    TestType t({"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + kOk});
    Outcome o = t.fetch("GET", t.url("/i"), plain());
    REQUIRE_FALSE(o.error);
    CHECK(o.status == 200);
    CHECK(o.body == "hello");
  }
}

TEMPLATE_TEST_CASE("conformance: a redirect is followed to its relative Location", "[conformance]", BlockingTransport,
                   AsioTransport, MockTransport) {
  // Each scripted connection closes after its response, so each says so: a kept connection would race
  // the server's close (and be resent once, an extra attempt).
  TestType t({"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Outcome o = t.fetch("GET", t.url("/start"), plain());
  INFO(TestType::name);
  REQUIRE_FALSE(o.error);
  CHECK(o.status == 200);
  CHECK(o.url == t.url("/next"));
  CHECK(o.history == 1);
  const auto sent = t.requests();
  REQUIRE(sent.size() == 2);
  CHECK(sent[1].rfind("GET /next HTTP/1.1\r\n", 0) == 0);
}

TEMPLATE_TEST_CASE("conformance: follow_redirects per request wins over the policy, for every client", "[conformance]",
                   BlockingTransport, AsioTransport, MockTransport) {
  const std::string found = "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  {
    TestType t({found, kOk});
    RequestOptions o;
    o.retries = hipp::Retries{hipp::RetryPolicy{.max_retries = 0}};  // follow_redirects = false by default
    o.follow_redirects = true;
    Outcome got = t.fetch("GET", t.url("/start"), std::move(o));
    INFO(TestType::name);
    REQUIRE_FALSE(got.error);
    CHECK(got.status == 200);
  }
  {
    TestType t({found, kOk});
    RequestOptions o;
    o.retries = hipp::Retries{hipp::Retry::standard()};  // Hip's Retry follows redirects on its own
    o.follow_redirects = false;
    Outcome got = t.fetch("GET", t.url("/start"), std::move(o));
    INFO(TestType::name);
    REQUIRE_FALSE(got.error);
    CHECK(got.status == 302);
    CHECK(t.requests().size() == 1);
  }
}

TEMPLATE_TEST_CASE("conformance: a 503 is retried by the policy", "[conformance]", BlockingTransport, AsioTransport,
                   MockTransport) {
  TestType t({"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  RequestOptions o = plain();
  hipp::Retry retry;
  retry.total = 2;
  retry.status_forcelist = {503};
  o.retries = hipp::Retries{retry};
  Outcome got = t.fetch("GET", t.url("/r"), std::move(o));
  INFO(TestType::name);
  REQUIRE_FALSE(got.error);
  CHECK(got.status == 200);
  CHECK(got.attempts == 2);
}

TEMPLATE_TEST_CASE("conformance: gzip is decoded", "[conformance]", BlockingTransport, AsioTransport, MockTransport) {
  const std::string text = hipp::decode::test::sample_text(20000);
  const std::string gz = hipp::decode::test::gzip(text);
  TestType t({"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(gz.size()) + "\r\n\r\n" +
              gz});
  Outcome o = t.fetch("GET", t.url("/gz"), plain());
  INFO(TestType::name);
  REQUIRE_FALSE(o.error);
  CHECK(o.body == text);
}

TEMPLATE_TEST_CASE("conformance: hostile bytes are typed errors", "[conformance]", BlockingTransport, AsioTransport,
                   MockTransport) {
  const std::vector<std::pair<std::string, ErrorCode>> cases = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       ErrorCode::conflicting_framing},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", ErrorCode::invalid_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", ErrorCode::incomplete_body},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", ErrorCode::invalid_chunk},
      {"", ErrorCode::connection_closed},
  };
  for (const auto& [bytes, code] : cases) {
    TestType t({bytes});
    Outcome o = t.fetch("GET", t.url("/bad"), plain());
    INFO(TestType::name << ": " << bytes);
    REQUIRE(o.error);
    CHECK(*o.error == code);
  }
}

TEMPLATE_TEST_CASE("conformance: bad input is refused before a byte is sent", "[conformance]", BlockingTransport,
                   AsioTransport, MockTransport) {
  TestType t({kOk});
  RequestOptions o = plain();
  o.headers.add("X-Evil", "a\r\nInjected: yes");
  Outcome evil = t.fetch("GET", t.url("/x"), std::move(o));
  INFO(TestType::name);
  REQUIRE(evil.error);
  CHECK(*evil.error == ErrorCode::invalid_header_value);
  Outcome bad_url = t.fetch("GET", "http://exa mple.com:99999/", plain());
  REQUIRE(bad_url.error);
  CHECK(*bad_url.error == ErrorCode::invalid_url);
  CHECK(t.requests().empty());
}

TEMPLATE_TEST_CASE("conformance: the request bytes on the wire", "[conformance]", BlockingTransport, AsioTransport,
                   MockTransport) {
  TestType t({kOk});
  RequestOptions o = plain();
  o.body = std::string("hello");
  o.headers.add("X-Caller-Spelling", "kept");
  Outcome got = t.fetch("POST", t.url("/up?q=1"), std::move(o));
  INFO(TestType::name);
  REQUIRE_FALSE(got.error);
  const auto sent = t.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].rfind("POST /up?q=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(sent[0].find("\r\nX-Caller-Spelling: kept\r\n") != std::string::npos);
  CHECK(sent[0].find("\r\nContent-Length: 5\r\n") != std::string::npos);
  CHECK(sent[0].substr(sent[0].size() - 9) == "\r\n\r\nhello");
}

TEMPLATE_TEST_CASE("conformance: a file body streamed with its Content-Length arrives whole", "[conformance]",
                   BlockingTransport, AsioTransport, MockTransport) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     (std::string("hipp-conformance-") + TestType::name + ".bin");
  const std::string content = hipp::decode::test::sample_noise(300 * 1024);
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  TestType t({kOk});
  RequestOptions o = plain();
  o.body = hipp::FileBody{path};
  Outcome got = t.fetch("PUT", t.url("/file"), std::move(o));
  std::filesystem::remove(path);
  INFO(TestType::name);
  REQUIRE_FALSE(got.error);
  const auto sent = t.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].find("\r\nContent-Length: " + std::to_string(content.size()) + "\r\n") != std::string::npos);
  REQUIRE(sent[0].size() > content.size());
  CHECK(sent[0].substr(sent[0].size() - content.size()) == content);
}
