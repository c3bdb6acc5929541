// Percent-encoding (RFC 3986 §2.1, §2.4).
#include <string>
#include <string_view>

#include "core/url/detail/chars.hpp"
#include "core/url/detail/components.hpp"
#include "core/url/url.hpp"

namespace hipp::url {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_escape(std::string& out, char c) {
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

std::string encode(std::string_view s, std::string_view allowed, bool keep_escapes, bool upper_escapes) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (keep_escapes && detail::is_escape_at(s, i)) {
      out += '%';
      out += upper_escapes ? detail::to_upper(s[i + 1]) : s[i + 1];
      out += upper_escapes ? detail::to_upper(s[i + 2]) : s[i + 2];
      i += 2;
    } else if (detail::is_unreserved(c) || (c != '%' && allowed.find(c) != std::string_view::npos)) {
      out += c;
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view s, std::string_view allowed, bool keep_escapes) {
  return encode(s, allowed, keep_escapes, false);
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (detail::is_escape_at(s, i)) {
      out += static_cast<char>(detail::hex_value(s[i + 1]) * 16 + detail::hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace detail {

std::string normalize_component(std::string_view s, std::string_view allowed) {
  return encode(s, allowed, true, true);
}

}  // namespace detail

}  // namespace hipp::url
