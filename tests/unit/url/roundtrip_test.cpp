// Property tests with fixed seeds: parse(u.to_string()) == u.
#include <catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/url/url.hpp"
#include "tests/unit/url/generators.hpp"

using hipp::url::parse;
using hipp::url::Url;

using hipp::url::testing::Gen;
using hipp::url::testing::normal_url;

TEST_CASE("round trip: generated URLs in normal form survive to_string() and parse()") {
  Gen g(20240601);
  for (int i = 0; i < 5000; ++i) {
    const Url u = normal_url(g);
    const std::string text = u.to_string();
    INFO("url: " << text);
    const auto again = parse(text);
    REQUIRE(again);
    CHECK(*again == u);
    CHECK(again->to_string() == text);
  }
}

TEST_CASE("round trip: whatever parse() accepts, it accepts again unchanged") {
  // Random strings over URL-ish pieces; the property is idempotence of parse.
  const std::vector<std::string>& pieces = hipp::url::testing::url_pieces();
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    Gen g(seed);
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string input;
      const std::size_t n = g.below(10);
      for (std::size_t k = 0; k < n; ++k) input += g.pick(pieces);
      const auto first = parse(input);
      if (!first) {
        CHECK(first.error().code == hipp::ErrorCode::invalid_url);
        continue;
      }
      ++accepted;
      const std::string text = first->to_string();
      INFO("input: \"" << input << "\" -> \"" << text << '"');
      const auto second = parse(text);
      REQUIRE(second);
      CHECK(*second == *first);
    }
    // Guard against a vacuous pass: a good share of the inputs are URLs.
    CHECK(accepted > 5000);
  }
}
