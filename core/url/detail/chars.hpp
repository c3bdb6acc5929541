// Character classes of RFC 3986 §2 and Appendix A, for the URL parser.
#pragma once

#include <string_view>

namespace hipp::url::detail {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hexdig(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"  (§2.3)
constexpr bool is_unreserved(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="  (§2.2)
constexpr bool is_sub_delim(char c) noexcept {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}
// C0 controls are refused everywhere: they enable request splitting (CR, LF) or
// truncation (NUL), and no URL producer needs them raw.
constexpr bool is_c0_control(char c) noexcept { return static_cast<unsigned char>(c) < 0x20; }
constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
constexpr int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// Whether s[i] starts a well-formed "%XX" escape.
constexpr bool is_escape_at(std::string_view s, std::size_t i) noexcept {
  return i + 2 < s.size() && s[i] == '%' && is_hexdig(s[i + 1]) && is_hexdig(s[i + 2]);
}

// Characters allowed raw besides unreserved and "%XX", per component (Appendix A).
// pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
inline constexpr std::string_view kPathAllowed = "!$&'()*+,;=:@/";
inline constexpr std::string_view kQueryAllowed = "!$&'()*+,;=:@/?";  // also fragment
inline constexpr std::string_view kUserinfoAllowed = "!$&'()*+,;=:";

}  // namespace hipp::url::detail
