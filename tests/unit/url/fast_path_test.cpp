// parse()'s one-pass reader must agree with the general parser on every input
// it accepts, and leave every other input (including every rejection) to it.
#include <catch.hpp>

#include <string>
#include <vector>

#include "core/url/detail/fast_parse.hpp"
#include "core/url/url.hpp"
#include "tests/unit/url/generators.hpp"

using hipp::url::Url;
using hipp::url::detail::parse_common;
using hipp::url::detail::parse_general;
using hipp::url::testing::Gen;
using hipp::url::testing::normal_url;
using hipp::url::testing::url_pieces;

namespace {

// Checks the contract on one input; returns whether the one-pass reader took it.
bool agrees(const std::string& input) {
  INFO("input: \"" << input << '"');
  const auto fast = parse_common(input);
  const auto general = parse_general(input);
  if (!fast) return false;
  REQUIRE(general);
  CHECK(*fast == *general);
  CHECK(hipp::url::parse(input).value() == *general);
  return true;
}

}  // namespace

TEST_CASE("fast path: the one-pass reader agrees with the general parser on generated URLs") {
  Gen g(20240601);
  int taken = 0;
  for (int i = 0; i < 20000; ++i) {
    Url u = normal_url(g);
    // Bias toward the fast path's shape so that both of its answers are exercised.
    if (g.coin()) u.scheme = "http";
    if (agrees(u.to_string())) ++taken;
  }
  CHECK(taken > 1000);
}

TEST_CASE("fast path: near misses of a common URL agree or go to the general parser") {
  // A piece inserted anywhere in an eligible URL: the reader must decline, or agree.
  const std::vector<std::string> bases = {"http://example.com/a/b?c=d", "http://127.0.0.1:18080/small",
                                          "http://h", "http://h:/p?", "http://a-b.c_d~e/x;y=z/@:!$&'()*+,"};
  for (std::uint32_t seed : {7u, 8u, 9u}) {
    Gen g(seed);
    int taken = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string input = g.pick(bases);
      const std::size_t inserts = 1 + g.below(2);
      for (std::size_t k = 0; k < inserts; ++k) input.insert(g.below(input.size() + 1), g.pick(url_pieces()));
      if (agrees(input)) ++taken;
    }
    CHECK(taken > 1000);
  }
}

TEST_CASE("fast path: hand-picked borders") {
  for (const std::string accepted : {"http://h", "http://h/", "http://h:0", "http://h:65535/x", "http://h:080/",
                                     "http://h:", "http://h?", "http://h/a?b?c/d", "http://h/a.b/c.", "http://h/a/b."}) {
    CHECK(agrees(accepted));
  }
  // Each needs the general parser: to normalise, to reject, or for a part the reader does not handle.
  for (const std::string declined :
       {"", "http:", "http://", "http:///p", "HTTP://h/", "http://H/", "http://h:65536/", "http://h:123456/",
        "http://h:8x/", "http://h/./a", "http://h/a/..", "http://h/.", "http://h/%41", "http://h/?%41",
        "http://h/#f", "http://u@h/", "http://[::1]/", "http://h/a b", "http://h/\xC3\xA9", "http://h/\r\n",
        "http://h\t/", "http://h/a\"b", "http://h/?a b", "https://h/", "http:h", "http://h:1:2/", "http://h,a/"}) {
    INFO("input: \"" << declined << '"');
    CHECK_FALSE(parse_common(declined));
  }
}
