// Property tests with fixed seeds: parse(u.to_string()) == u.
#include <catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/url/url.hpp"

using hipp::url::parse;
using hipp::url::Url;

namespace {

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 0; }

  template <class T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

  std::string text(std::string_view alphabet, std::size_t max_len) {
    std::string s;
    const std::size_t len = below(max_len + 1);
    for (std::size_t i = 0; i < len; ++i) s += alphabet[below(alphabet.size())];
    return s;
  }

 private:
  std::mt19937 rng_;
};

// Characters a component may hold raw once normalised, plus escapes.
constexpr std::string_view kPathChars = "abcXYZ019-._~!$&'()*+,;=:@";
constexpr std::string_view kQueryChars = "abcXYZ019-._~!$&'()*+,;=:@/?";

std::string escaped_text(Gen& g, std::string_view alphabet, std::size_t max_len) {
  std::string s = g.text(alphabet, max_len);
  if (g.below(4) == 0) s += g.pick<std::string>({"%20", "%2F", "%C3%A9", "%25", "%00"});
  return s;
}

Url normal_url(Gen& g) {
  Url u;
  const bool relative = g.below(5) == 0;
  if (!relative) u.scheme = g.pick<std::string>({"http", "https", "ws", "coap+tcp", "x-y.z"});
  if (relative || g.below(8) != 0) {
    u.host = g.pick<std::string>({"example.com", "a", "127.0.0.1", "[::1]", "[2001:db8::1:0]",
                                  "[fe80::1%25eth0]", "xn--bcher-kva.de", "sub.d-o-t.example", ""});
    if (g.below(3) == 0) u.port = static_cast<std::uint16_t>(g.below(65536));
    if (g.below(4) == 0) u.userinfo = escaped_text(g, "abcXYZ019-._~!$&'()*+,;=:", 8);
  }
  const std::size_t segments = g.below(5);
  for (std::size_t i = 0; i < segments; ++i) {
    std::string segment = escaped_text(g, kPathChars, 6);
    if (segment == "." || segment == "..") segment += "x";
    u.path += "/" + segment;
  }
  if (relative && !u.has_authority() && u.path.empty()) u.path.push_back('/');
  if (g.coin()) u.query = escaped_text(g, kQueryChars, 12);
  if (g.below(3) == 0) u.fragment = escaped_text(g, kQueryChars, 8);
  return u;
}

}  // namespace

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
  const std::vector<std::string> pieces = {
      "http:", "https:", "HTTP:", "x:", "//", "/", "?", "#", "@", ":", "::", "[", "]", "[::1]", "[fe80::1%eth0]",
      "%", "%2e", "%41", ".", "..", "./", "../", "a", "B", "host", "Example.COM", "80", "65535", "99999",
      " ", "\"", "<", "\\", "^", "{", "|", "\x7F", "\xC3\xA9", "=", "&", "+", ";", "~", "!", "'",
  };
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
