#include "core/url/detail/ipv6.hpp"

#include "core/url/detail/chars.hpp"

namespace hipp::url::detail {

namespace {

// dec-octet = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
bool is_dec_octet(std::string_view s) noexcept {
  if (s.empty() || s.size() > 3) return false;
  int value = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (s.size() > 1 && s[0] == '0') return false;
  return value <= 255;
}

// h16 = 1*4HEXDIG
bool is_h16(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (!is_hexdig(c)) return false;
  }
  return true;
}

// Counts the 16-bit groups of a run of ':'-separated h16 (the last piece may be
// an IPv4 address worth two groups when `ipv4_allowed`). Returns -1 if malformed.
int count_groups(std::string_view run, bool ipv4_allowed) noexcept {
  if (run.empty()) return 0;
  int groups = 0;
  while (true) {
    const std::size_t colon = run.find(':');
    const std::string_view piece = run.substr(0, colon);
    if (colon == std::string_view::npos) {
      if (is_h16(piece)) return groups + 1;
      if (ipv4_allowed && is_ipv4_address(piece)) return groups + 2;
      return -1;
    }
    if (!is_h16(piece)) return -1;
    ++groups;
    run.remove_prefix(colon + 1);
  }
}

}  // namespace

bool is_ipv4_address(std::string_view s) noexcept {
  for (int i = 0; i < 3; ++i) {
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos || !is_dec_octet(s.substr(0, dot))) return false;
    s.remove_prefix(dot + 1);
  }
  return is_dec_octet(s);
}

bool is_ipv6_address(std::string_view s) noexcept {
  const std::size_t gap = s.find("::");
  if (gap == std::string_view::npos) return count_groups(s, true) == 8;
  const std::string_view head = s.substr(0, gap);
  const std::string_view tail = s.substr(gap + 2);
  if (tail.find("::") != std::string_view::npos) return false;
  // A run of groups may neither start nor end with a single ':' ("1:::2", ":1::").
  if ((!head.empty() && (head.front() == ':' || head.back() == ':')) ||
      (!tail.empty() && (tail.front() == ':' || tail.back() == ':'))) {
    return false;
  }
  const int before = count_groups(head, false);
  const int after = count_groups(tail, true);
  // "::" stands for at least one zero group (RFC 4291 §2.2).
  return before >= 0 && after >= 0 && before + after <= 7;
}

}  // namespace hipp::url::detail
