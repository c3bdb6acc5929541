// Fixed-seed properties: random bytes and mutated valid responses never
// crash, end either in events or in the error state (never reusable after an
// error), and produce the same log however they are split.
#include <catch.hpp>

#include <random>

#include "tests/unit/http1/event_log.hpp"

using namespace hipp;
using namespace hipp::http1;
using namespace hipp::http1::testing;

namespace {

const std::vector<std::string> kSeeds = {
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
    "HTTP/1.1 200 OK\r\n\r\nclose-delimited",
};

std::string random_bytes(std::mt19937& rng) {
  static const std::string alphabet = "HTP/1.0 2\r\n:;abcdefxXContent-LengthTransfer-Encodingchunked\t,-+";
  std::uniform_int_distribution<std::size_t> len(0, 120);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> any(0, 255);
  std::string out(len(rng), '\0');
  for (char& c : out) c = kind(rng) == 0 ? static_cast<char>(any(rng)) : alphabet[pick(rng)];
  return out;
}

std::string mutate(std::mt19937& rng, std::string s) {
  std::uniform_int_distribution<int> ops(1, 4);
  std::uniform_int_distribution<int> op(0, 3);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int n = ops(rng); n > 0; --n) {
    if (s.empty()) break;
    std::uniform_int_distribution<std::size_t> at(0, s.size() - 1);
    switch (op(rng)) {
      case 0: {
        const std::size_t i = at(rng);
        s[i] = static_cast<char>(byte(rng));
        break;
      }
      case 1: s.erase(at(rng), 1); break;
      case 2: {
        const std::size_t i = at(rng);
        s.insert(i, 1, "\r\n :0"[static_cast<std::size_t>(byte(rng)) % 5]);
        break;
      }
      default: {
        // Two statements: argument evaluation order must not decide the sequence.
        const std::size_t from = at(rng);
        const std::size_t to = at(rng);
        s.insert(to, s.substr(from, 8));
        break;
      }
    }
  }
  return s;
}

void check_invariants(std::mt19937& rng, const std::string& input) {
  for (bool eof : {false, true}) {
    const Log whole = replay("GET", {input}, eof);
    INFO("input: " << input);
    for (const auto& line : whole.lines) REQUIRE(line.find("REUSABLE AFTER ERROR") == std::string::npos);
    if (whole.errored()) REQUIRE_FALSE(whole.reusable);
    const Log bytewise = replay("GET", pieces_of(input, 1), eof);
    REQUIRE(join(bytewise.lines) == join(whole.lines));
    REQUIRE(bytewise.reusable == whole.reusable);
    if (input.size() > 1) {
      std::uniform_int_distribution<std::size_t> cut(1, input.size() - 1);
      std::size_t a = cut(rng), b = cut(rng);
      if (a > b) std::swap(a, b);
      std::string_view v = input;
      const Log split = replay("GET", {v.substr(0, a), v.substr(a, b - a), v.substr(b)}, eof);
      REQUIRE(join(split.lines) == join(whole.lines));
      REQUIRE(split.reusable == whole.reusable);
    }
  }
}

}  // namespace

TEST_CASE("random bytes never break the machine's invariants", "[http1][property]") {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 1500; ++i) check_invariants(rng, random_bytes(rng));
}

TEST_CASE("mutated valid responses never break the machine's invariants", "[http1][property]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    check_invariants(rng, mutate(rng, kSeeds[static_cast<std::size_t>(i) % kSeeds.size()]));
  }
}
