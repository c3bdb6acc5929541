// parse_buffered_head(), the one-pass path taken when a whole head arrives in
// the first read, against the careful path (scanner, then parse_head()) that a
// head fed one byte at a time takes: for every input, including broken line
// framing, both must give the same verdict, fields and error, to the detail.
#include <catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/http1/parsed_head.hpp"
#include "tests/unit/http1/event_log.hpp"

using namespace hipp;
using namespace hipp::http1;
using namespace hipp::http1::testing;

namespace {

// What a connection makes of `raw` fed in pieces of `piece` bytes: the head
// with every field, the body (however it was split), or the error with its detail.
std::string verdict(std::string_view raw, std::size_t piece, Limits limits = {}) {
  Connection c(limits);
  REQUIRE(c.send_request("GET", "/", Headers{{"Host", "example.com"}}));
  c.consume_output(c.pending_output().size());
  std::string out;
  std::string body;
  for (auto p : pieces_of(raw, piece)) {
    c.receive(as_bytes(p));
    while (true) {
      auto e = c.next_event();
      if (!e) return out + "data " + body + "\nerror " + e.error().message();
      if (auto* h = std::get_if<ResponseHead>(&*e)) {
        out += "head " + std::to_string(h->status) + " " + h->reason + " HTTP/1." + std::to_string(h->version_minor) +
               fields_text(h->headers) + "\n";
      } else if (auto* d = std::get_if<BodyData>(&*e)) {
        body += to_string(d->data);
      } else if (std::holds_alternative<EndOfMessage>(*e)) {
        out += "data " + body + "\nend\n";
        body.clear();
      } else if (auto* i = std::get_if<InformationalResponse>(&*e)) {
        out += "info " + std::to_string(i->status) + fields_text(i->headers) + "\n";
      } else {
        break;
      }
    }
  }
  return out + "data " + body;
}

const std::string kBase =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 02 Dec 2026 11:35:21 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nX-Tab:\ta\tb \r\n\r\nok";

}  // namespace

TEST_CASE("parse_buffered_head parses a whole head as parse_head does", "[http1][parsed_head]") {
  const std::string_view head = std::string_view(kBase).substr(0, kBase.size() - 2);
  ParsedHead fast;
  ParsedHead careful;
  REQUIRE(parse_buffered_head(kBase, 128, fast) == head.size());
  REQUIRE(parse_head(head, 128, careful));
  CHECK(fast.status == careful.status);
  CHECK(fast.reason == careful.reason);
  CHECK(fast.headers == careful.headers);
  CHECK(fast.content_length == 2);
  CHECK(fast.has_content_length);

  SECTION("every prefix of a head is incomplete") {
    for (std::size_t n = 0; n < head.size(); ++n) {
      INFO("prefix of " << n);
      CHECK_FALSE(parse_buffered_head(head.substr(0, n), 128, fast));
    }
  }
  SECTION("broken line framing is left to the careful path") {
    for (const char* bad : {"HTTP/1.1 200 OK\nA: 1\r\n\r\n", "HTTP/1.1 200 OK\r\nA: 1\n\r\n",
                            "HTTP/1.1 200 OK\r\nA: 1\r\n\n", "HTTP/1.1 200 OK\r\nA: 1\rx\r\n\r\n",
                            "HTTP/1.1 200 OK\r\n A: 1\r\n\r\n", "HTTP/1.1 200 OK\r\nA: 1\r\n\tfold\r\n\r\n",
                            "HTTP/1.1 200 OK\rX\n\r\n", "HTTP/1.1 200 OK\r\n\rX"}) {
      INFO(bad);
      CHECK_FALSE(parse_buffered_head(bad, 128, fast));
    }
  }
}

TEST_CASE("a head whole in one read and one fed byte by byte get the same verdict", "[http1][parsed_head]") {
  SECTION("the limits") {
    const std::size_t head_size = kBase.size() - 2;
    for (std::size_t max : {head_size - 1, head_size, head_size + 1}) {
      INFO("max_header_bytes " << max);
      const Limits limits{.max_header_bytes = max};
      CHECK(verdict(kBase, kBase.size(), limits) == verdict(kBase, 1, limits));
    }
    for (std::size_t count : {5, 6, 7}) {
      const Limits limits{.max_header_count = count};
      CHECK(verdict(kBase, kBase.size(), limits) == verdict(kBase, 1, limits));
    }
  }
  SECTION("random edits, line framing included (fixed seed)") {
    std::mt19937 rng(20261202);
    const std::string alphabet = std::string("aZ09 \t:;,.-\r\n\r\n\x7f\x80") + std::string(1, '\0');
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string raw = kBase;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % raw.size();
        switch (rng() % 3) {
          case 0: raw[at] = alphabet[rng() % alphabet.size()]; break;
          case 1: raw.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          default: raw.erase(at, 1); break;
        }
      }
      INFO("input: " << raw);
      const std::string whole = verdict(raw, raw.size());
      REQUIRE(whole == verdict(raw, 1));
      accepted += whole.rfind("head ", 0) == 0;
    }
    // The edits must leave enough heads intact for the comparison to mean something.
    CHECK(accepted > 2000);
  }
}
