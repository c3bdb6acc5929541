// The Netscape cookie file format, as curl reads (-b FILE) and writes (-c FILE) it: pure string functions,
// the file itself is the caller's to read and write.
//
// One cookie per line, seven fields separated by TAB:
//   domain  include-subdomains  path  secure  expiry  name  value
//   .example.com  TRUE  /  FALSE  1735689600  sid  abc
// `domain` starts with '.' for a domain cookie (include-subdomains TRUE) and is the bare host for a
// host-only one (FALSE); `#HttpOnly_` before the domain marks an HttpOnly cookie; expiry 0 is a session
// cookie; a missing seventh field is an empty value. Other lines starting with '#' and blank lines are
// comments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/cookies/cookie.hpp"

namespace hipp::cookies {

struct NetscapeParse {
  std::vector<Cookie> cookies;  // in file order; creation and last-access times are 0
  std::size_t skipped = 0;      // lines that are neither comments nor cookies (too few fields, bad numbers)
};

// Reads a cookie file's content. Never fails: malformed lines are counted in `skipped`, as curl skips them.
// Lines may end in LF or CRLF.
NetscapeParse read_netscape(std::string_view content);

// Writes `cookies` as a cookie file (a header comment, then one line each). Session cookies get expiry 0.
// A cookie the format cannot carry is left out: a TAB, CR or LF in a field (RFC 6265 lets a value hold
// a TAB), or an empty name, domain or path. For the rest, read_netscape(write_netscape(c)) gives back
// every field the format carries (all but SameSite and the times).
std::string write_netscape(const std::vector<Cookie>& cookies);

}  // namespace hipp::cookies
