#include <catch2/catch.hpp>

#include <optional>

#include "core/cookies/cookie_date.hpp"

using hipp::cookies::format_cookie_date;
using hipp::cookies::parse_cookie_date;

namespace {
constexpr std::int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110 §5.6.7's example)
}

TEST_CASE("cookie-date: the forms servers send all parse (RFC 6265 §5.1.1)") {
  struct Row {
    const char* text;
    std::int64_t expected;
  };
  const Row rows[] = {
      {"Sun, 06 Nov 1994 08:49:37 GMT", k1994},       // IMF-fixdate
      {"Sunday, 06-Nov-94 08:49:37 GMT", k1994},      // RFC 850, two-digit year 94 → 1994
      {"Sun Nov  6 08:49:37 1994", k1994},            // asctime
      {"06 Nov 1994 08:49:37", k1994},                // no weekday, no zone
      {"Nov 6 1994 8:49:37", k1994},                  // any order, one-digit fields
      {"1994 Nov 06 08:49:37 GMT", k1994},            // year first: "1994" is no day (too many digits)
      {"sun, 06 NOVEMBER 1994 08:49:37 gmt", k1994},  // month by its first three letters, any case
      {"Sun, 06 Nov 1994 08:49:37 +0000 (UTC)", k1994},
      {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
      {"Wed, 09 Jun 2021 10:18:14 GMT", 1623233894},
      {"Tue, 01-Jan-30 00:00:00 GMT", 1893456000},      // 30 → 2030 (§5.1.1 step 4)
      {"Fri, 01-Jan-70 00:00:00 GMT", 0},               // 70 → 1970 (step 3)
      {"Mon, 01 Jan 1601 00:00:00 GMT", -11644473600},  // the earliest year allowed
      {"Tue, 29 Feb 2000 12:00:00 GMT", 951825600},     // 2000 is a leap year
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK(parse_cookie_date(row.text) == std::optional<std::int64_t>(row.expected));
  }
}

TEST_CASE("cookie-date: what §5.1.1 fails") {
  const char* rows[] = {
      "",
      "Sun, 06 Nov 1994",                // no time
      "Sun, Nov 1994 08:49:37 GMT",      // no day of month
      "Sun, 06 1994 08:49:37 GMT",       // no month
      "Sun, 06 Nov 08:49:37 GMT",        // no year
      "Sun, 32 Nov 1994 08:49:37 GMT",   // day > 31
      "Sun, 00 Nov 1994 08:49:37 GMT",   // day < 1
      "Sun, 06 Nov 1994 24:00:00 GMT",   // hour > 23
      "Sun, 06 Nov 1994 08:60:00 GMT",   // minute > 59
      "Sun, 06 Nov 1994 08:49:60 GMT",   // second > 59
      "Mon, 01 Jan 1600 00:00:00 GMT",   // year < 1601
      "Mon, 30 Feb 2021 00:00:00 GMT",   // no such date
      "Mon, 29 Feb 1900 00:00:00 GMT",   // 1900 is not a leap year
      "Sun, 06 Nov 1994 08:49 GMT",      // hh:mm is no time
      "Sun, 06 Nov 1994 108:49:37 GMT",  // three-digit hour: not a time
      "never",
  };
  for (const char* text : rows) {
    INFO(text);
    CHECK_FALSE(parse_cookie_date(text).has_value());
  }
}

TEST_CASE("cookie-date: format_cookie_date writes IMF-fixdate, and parses back") {
  CHECK(format_cookie_date(k1994) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(format_cookie_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  for (std::int64_t t :
       {std::int64_t{0}, k1994, std::int64_t{951825600}, std::int64_t{4102444799}, std::int64_t{-11644473600}}) {
    INFO(t);
    CHECK(parse_cookie_date(format_cookie_date(t)) == t);
  }
}
