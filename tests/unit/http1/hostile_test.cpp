// Hostile servers: unbounded heads, endless 1xx, oversized chunk extensions.
// Each ends in a typed error and a connection that is never reused.
#include <catch.hpp>

#include "tests/unit/http1/event_log.hpp"

using namespace hipp;
using namespace hipp::http1;
using namespace hipp::http1::testing;

namespace {

// Replays `raw` whole and in 4 KiB pieces; both must end in `error <code>`.
void expect_error(std::string_view method, const std::string& raw, const std::string& code, Limits limits = {}) {
  for (std::size_t piece : {raw.size(), std::size_t{4096}, std::size_t{7}}) {
    INFO("pieces of " << piece);
    Log log = replay(method, pieces_of(raw, piece), true, limits);
    REQUIRE_FALSE(log.lines.empty());
    CHECK(log.lines.back() == "error " + code);
    CHECK_FALSE(log.reusable);
  }
}

}  // namespace

TEST_CASE("a 1 MB header line is header_too_large", "[http1][hostile]") {
  expect_error("GET", "HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n", "header_too_large");
}

TEST_CASE("a 1 MB reason phrase is header_too_large", "[http1][hostile]") {
  expect_error("GET", "HTTP/1.1 200 " + std::string(1 << 20, 'a') + "\r\n\r\n", "header_too_large");
}

TEST_CASE("a head of many small fields is header_too_large", "[http1][hostile]") {
  std::string raw = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 100; ++i) raw += "X-Field: " + std::string(100, 'v') + "\r\n";
  raw += "\r\n";
  expect_error("GET", raw, "header_too_large", Limits{.max_header_bytes = 4096});
}

TEST_CASE("whitespace before a field value counts toward the head limit", "[http1][hostile]") {
  expect_error("GET", "HTTP/1.1 200 OK\r\nX:" + std::string(1 << 17, ' ') + "v\r\n\r\n", "header_too_large");
}

TEST_CASE("10k header fields are too_many_headers", "[http1][hostile]") {
  std::string raw = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 10000; ++i) raw += "a:\r\n";
  raw += "\r\n";
  expect_error("GET", raw, "too_many_headers");
}

TEST_CASE("too many trailer fields are too_many_headers", "[http1][hostile]") {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 200; ++i) raw += "t:\r\n";
  raw += "\r\n";
  expect_error("GET", raw, "too_many_headers");
}

TEST_CASE("endless 1xx responses are too_many_informational", "[http1][hostile]") {
  std::string raw;
  for (int i = 0; i < 1000; ++i) raw += "HTTP/1.1 103 Early Hints\r\n\r\n";
  expect_error("GET", raw, "too_many_informational");
}

TEST_CASE("max_informational 1xx responses are still accepted", "[http1][hostile]") {
  std::string raw;
  for (int i = 0; i < 16; ++i) raw += "HTTP/1.1 100 Continue\r\n\r\n";
  raw += "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  Log log = replay("GET", {raw}, false);
  CHECK(log.lines.size() == 18);
  CHECK(log.lines.back() == "end");
  CHECK(log.reusable);
}

TEST_CASE("a huge chunk extension is chunk_extension_too_large", "[http1][hostile]") {
  expect_error("GET",
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=" + std::string(1 << 16, 'x') +
                   "\r\nhello\r\n0\r\n\r\n",
               "chunk_extension_too_large");
}

TEST_CASE("a chunk extension within the limit is accepted", "[http1][hostile]") {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;e=" + std::string(1000, 'x') +
                    "\r\nhello\r\n0\r\n\r\n";
  Log log = replay("GET", {raw}, false);
  CHECK(join(log.lines) == "head 200 OK\ndata hello\nend\n");
}

TEST_CASE("an oversized chunk size is invalid_chunk", "[http1][hostile]") {
  expect_error("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", "invalid_chunk");
}

TEST_CASE("limits are configurable", "[http1][hostile]") {
  Connection c(Limits{.max_header_bytes = 10, .max_header_count = 1, .max_chunk_extension_bytes = 2,
                      .max_informational = 0});
  CHECK(c.limits().max_header_bytes == 10);
  expect_error("GET", "HTTP/1.1 100 Continue\r\n\r\n", "too_many_informational",
               Limits{.max_informational = 0});
  expect_error("GET", "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", "too_many_headers", Limits{.max_header_count = 1});
  expect_error("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;abc\r\nx\r\n0\r\n\r\n",
               "chunk_extension_too_large", Limits{.max_chunk_extension_bytes = 2});
}
