// The two ways parse() reads a URL: a one-pass reader for the common case and
// the general parser for everything else.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "core/url/url.hpp"

namespace hipp::url::detail {

// Reads an already-normalised absolute http URL in one pass: "http://" (lower
// case), a non-empty host of lower-case letters, digits, '-', '.', '_' and
// '~', an optional ":port" (at most five digits, 0..65535, or empty), a path
// of unreserved characters and kPathAllowed with no segment starting with '.',
// and an optional query of unreserved characters and kQueryAllowed. No '%',
// userinfo, IPv6 literal or fragment. For such an input the result equals
// parse_general()'s; for any other input it is std::nullopt (never an error:
// rejections are the general parser's to make, with its reasons).
std::optional<Url> parse_common(std::string_view input);

// The general parser (RFC 3986 Appendix B split, then per-component
// validation and normalisation): what parse() does when parse_common() declines.
Result<Url> parse_general(std::string_view input);

}  // namespace hipp::url::detail
