// IPv6 literal validation (RFC 3986 §3.2.2, RFC 4291 §2.2).
#pragma once

#include <string_view>

namespace hipp::url::detail {

// Whether `s` (without brackets or zone id) is an RFC 3986 IPv6address: eight
// 16-bit hex groups, at most one "::" standing for one or more zero groups,
// and optionally a dotted IPv4 address in place of the last two groups.
bool is_ipv6_address(std::string_view s) noexcept;

// Whether `s` is a dotted-decimal IPv4 address (RFC 3986 IPv4address: four
// decimal octets 0..255 without leading zeros).
bool is_ipv4_address(std::string_view s) noexcept;

}  // namespace hipp::url::detail
