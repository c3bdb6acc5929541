// Generators shared by the URL property tests (fixed seeds).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/url/url.hpp"

namespace hipp::url::testing {

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
inline constexpr std::string_view kPathChars = "abcXYZ019-._~!$&'()*+,;=:@";
inline constexpr std::string_view kQueryChars = "abcXYZ019-._~!$&'()*+,;=:@/?";

inline std::string escaped_text(Gen& g, std::string_view alphabet, std::size_t max_len) {
  std::string s = g.text(alphabet, max_len);
  if (g.below(4) == 0) s += g.pick<std::string>({"%20", "%2F", "%C3%A9", "%25", "%00"});
  return s;
}

inline Url normal_url(Gen& g) {
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


// URL-ish pieces that random concatenations are made of (valid, invalid and
// borderline spellings alike).
inline const std::vector<std::string>& url_pieces() {
  static const std::vector<std::string> pieces = {
      "http:", "https:", "HTTP:", "x:", "//", "/", "?", "#", "@", ":", "::", "[", "]", "[::1]", "[fe80::1%eth0]",
      "%", "%2e", "%41", ".", "..", "./", "../", "a", "B", "host", "Example.COM", "80", "65535", "99999",
      " ", "\"", "<", "\\", "^", "{", "|", "\x7F", "\xC3\xA9", "=", "&", "+", ";", "~", "!", "'",
    };
  return pieces;
}

}  // namespace hipp::url::testing
