// The cookie-date of an Expires attribute (RFC 6265 §5.1.1).
//
// §5.1.1 is deliberately forgiving: it reads the date as tokens and picks the first time, day, month and
// year it recognises, whatever their order, so every form servers send parses alike:
//   "Sun, 06 Nov 1994 08:49:37 GMT"  (IMF-fixdate)      "Sunday, 06-Nov-94 08:49:37 GMT" (RFC 850)
//   "Sun Nov  6 08:49:37 1994"       (asctime)          "06 Nov 1994 08:49:37", "Nov 6 1994 8:49:37"
// Two-digit years 70-99 are 19xx and 00-69 are 20xx (§5.1.1 steps 3-4).
//
// Pure function, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hipp::cookies {

// Unix seconds (UTC) of the cookie-date in `text`, or empty when §5.1.1 fails it: a time, day of month,
// month or year is missing, a field is out of range (day 1-31, hour 0-23, minute and second 0-59, year at
// least 1601), or the date does not exist (30 February).
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

// The civil date and time of unix seconds `t` as an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_cookie_date(std::int64_t t);

}  // namespace hipp::cookies
