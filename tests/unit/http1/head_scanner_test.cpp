// The head scanner's word-at-a-time path: a fault or an odd byte must be
// found at every offset of a long line (inside or across an 8-byte word,
// whatever the split), and the head limit must hold to the byte.
#include <catch.hpp>

#include "tests/unit/http1/event_log.hpp"

using namespace hipp;
using namespace hipp::http1;
using namespace hipp::http1::testing;

namespace {

constexpr std::size_t kValueSize = 40;

// A head whose X-Long value has `inject` at offset `at`, followed by a body "ok".
std::string head_with(std::size_t at, std::string_view inject) {
  std::string value(kValueSize, 'v');
  value.replace(at, inject.size(), inject);
  return "HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\nContent-Length: 2\r\n\r\nok";
}

std::vector<std::size_t> splits(std::size_t size) { return {size, 1, 3, 8, 9}; }

}  // namespace

TEST_CASE("the head scanner finds a bare LF or a lone CR at every offset of a line", "[http1][scanner]") {
  for (std::size_t at = 0; at + 2 < kValueSize; ++at) {
    for (std::string_view fault : {std::string_view("\n"), std::string_view("\rx")}) {
      const std::string raw = head_with(at, fault);
      for (std::size_t piece : splits(raw.size())) {
        INFO("offset " << at << ", fault " << (fault.size() == 1 ? "LF" : "CR") << ", pieces of " << piece);
        Log log = replay("GET", pieces_of(raw, piece), false);
        CHECK(log.lines == std::vector<std::string>{"error malformed_response"});
      }
    }
  }
}

TEST_CASE("the head scanner lets tabs, obs-text and high bytes through at every offset", "[http1][scanner]") {
  for (std::size_t at = 1; at + 2 < kValueSize; ++at) {
    for (std::string_view odd : {std::string_view("\t"), std::string_view("\x80"), std::string_view("\xff\xfe")}) {
      const std::string raw = head_with(at, odd);
      for (std::size_t piece : splits(raw.size())) {
        INFO("offset " << at << ", pieces of " << piece);
        Connection c;
        REQUIRE(c.send_request("GET", "/", Headers{{"Host", "h"}}));
        c.consume_output(c.pending_output().size());
        std::optional<std::string> value;
        for (auto p : pieces_of(raw, piece)) {
          c.receive(as_bytes(p));
          while (true) {
            auto e = c.next_event();
            REQUIRE(e);
            if (auto* h = std::get_if<ResponseHead>(&*e)) value = std::string(*h->headers.get("X-Long"));
            if (!std::holds_alternative<ResponseHead>(*e) && !std::holds_alternative<BodyData>(*e) &&
                !std::holds_alternative<EndOfMessage>(*e)) {
              break;
            }
          }
        }
        std::string expected(kValueSize, 'v');
        expected.replace(at, odd.size(), odd);
        CHECK(value == expected);
      }
    }
  }
}

TEST_CASE("max_header_bytes holds to the byte however the head is split", "[http1][scanner]") {
  const std::string head = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(kValueSize, 'v') + "\r\nContent-Length: 2\r\n\r\n";
  const std::string raw = head + "ok";
  for (std::size_t piece : splits(raw.size())) {
    INFO("pieces of " << piece);
    CHECK(replay("GET", pieces_of(raw, piece), false, Limits{.max_header_bytes = head.size()}).lines ==
          std::vector<std::string>{"head 200 OK", "data ok", "end"});
    CHECK(replay("GET", pieces_of(raw, piece), false, Limits{.max_header_bytes = head.size() - 1}).lines ==
          std::vector<std::string>{"error header_too_large"});
  }
}
