#include <catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/policy/retry_after.hpp"

using namespace hipp;
using hipp::policy::kRetryAfterMax;
using hipp::policy::parse_retry_after;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, the example date of RFC 9110 §5.6.7.
constexpr std::int64_t kExampleDate = 784111777;
// 2025-01-01T00:00:00Z
constexpr std::int64_t k2025 = 1735689600;

std::optional<Duration> secs(std::int64_t s) { return std::chrono::seconds(s); }

}  // namespace

TEST_CASE("days_from_civil against known dates") {
  struct Row {
    std::int64_t y;
    unsigned m, d;
    std::int64_t days;
  };
  const Row rows[] = {
      {1970, 1, 1, 0},       {1969, 12, 31, -1},   {2000, 1, 1, 10957},     {2000, 2, 29, 11016},
      {2000, 3, 1, 11017},   {1900, 3, 1, -25508}, {2038, 1, 19, 24855},    {1994, 11, 6, 9075},
      {1600, 1, 1, -135140}, {0, 3, 1, -719468},   {9999, 12, 31, 2932896}, {2024, 2, 29, 19782},
  };
  for (const auto& r : rows) {
    INFO(r.y << "-" << r.m << "-" << r.d);
    CHECK(policy::days_from_civil(r.y, r.m, r.d) == r.days);
  }
}

TEST_CASE("Retry-After: delay-seconds") {
  struct Row {
    const char* value;
    std::optional<Duration> expected;
  };
  const Row rows[] = {
      {"0", secs(0)},
      {"5", secs(5)},
      {"120", secs(120)},
      {"007", secs(7)},
      {"  30\t", secs(30)},       // OWS around the value
      {"86400", secs(86400)},     // exactly the cap
      {"86401", kRetryAfterMax},  // capped
      {"1000000000000", kRetryAfterMax},
      {"99999999999999999999999999999999999999", kRetryAfterMax},  // would overflow any integer
      {"", std::nullopt},
      {"   ", std::nullopt},
      {"-5", std::nullopt},  // not delay-seconds (Python's float() would take it)
      {"+5", std::nullopt},
      {"1.5", std::nullopt},
      {"5 s", std::nullopt},
      {"0x10", std::nullopt},
      {"5,6", std::nullopt},
      {"five", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO("value '" << r.value << "'");
    CHECK(parse_retry_after(r.value, k2025) == r.expected);
  }
}

TEST_CASE("Retry-After: the three HTTP-date forms give the same instant") {
  const std::int64_t now = kExampleDate - 120;
  for (const char* value : {
           "Sun, 06 Nov 1994 08:49:37 GMT",   // IMF-fixdate
           "Sunday, 06-Nov-94 08:49:37 GMT",  // obsolete RFC 850
           "Sun Nov  6 08:49:37 1994",        // obsolete asctime
       }) {
    INFO(value);
    CHECK(parse_retry_after(value, now) == secs(120));
  }
}

TEST_CASE("Retry-After: dates in the past or now give zero, far future dates the cap") {
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleDate) == secs(0));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleDate + 1) == secs(0));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", k2025) == secs(0));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", kExampleDate) == secs(1));
  CHECK(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", kExampleDate) == secs(86400));
  CHECK(parse_retry_after("Mon, 07 Nov 1994 08:49:38 GMT", kExampleDate) == kRetryAfterMax);
  CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", 0) == kRetryAfterMax);
  CHECK(parse_retry_after("Sat, 01 Jan 0000 00:00:00 GMT", 0) == secs(0));
  // Extreme clocks never overflow.
  const auto lowest = std::numeric_limits<std::int64_t>::min();
  const auto highest = std::numeric_limits<std::int64_t>::max();
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", lowest) == kRetryAfterMax);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", highest) == secs(0));
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", lowest) == std::nullopt);  // no four-digit year
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", highest) == std::nullopt);
}

TEST_CASE("Retry-After: RFC 850 two-digit years are at most 50 years ahead of now") {
  // RFC 9110 §5.6.7: a year more than 50 years in the future is the most recent past year with those digits.
  struct Row {
    const char* value;
    int year;
  };
  const Row rows[] = {
      {"Thursday, 01-Jan-70 00:00:00 GMT", 2070},  // 45 years ahead of 2025: the future
      {"Friday, 01-Jan-75 00:00:00 GMT", 2075},    // exactly 50
      {"Thursday, 01-Jan-76 00:00:00 GMT", 1976},  // 51 would be too far: the past
      {"Sunday, 06-Nov-94 08:49:37 GMT", 1994},   {"Wednesday, 01-Jan-25 00:00:00 GMT", 2025},
      {"Monday, 01-Jan-01 00:00:00 GMT", 2001},
  };
  for (const auto& r : rows) {
    INFO(r.value);
    const std::int64_t date_2025 = policy::days_from_civil(r.year, 1, 1) * 86400;
    const auto got = parse_retry_after(r.value, k2025);
    REQUIRE(got.has_value());
    if (r.year > 2025) {
      CHECK(*got == kRetryAfterMax);  // decades ahead: the cap
      // Seen from a day before that date, the same value is one day away: the year was read right.
      CHECK(parse_retry_after(r.value, date_2025 - 86400) == secs(86400));
    } else if (r.year == 2025) {
      CHECK(*got == secs(0));
    } else {
      CHECK(*got == secs(0));
      if (r.year != 1994) CHECK(parse_retry_after(r.value, date_2025 - 10) == secs(10));
    }
  }
  // Early in the calendar the window would reach below year 0: such dates are not HTTP-dates.
  const std::int64_t year_30 = policy::days_from_civil(30, 6, 1) * 86400;
  CHECK(parse_retry_after("Monday, 01-Jan-90 00:00:00 GMT", year_30) == std::nullopt);
  CHECK(parse_retry_after("Monday, 01-Jan-50 00:00:00 GMT", year_30) == kRetryAfterMax);  // year 50
  // From 1994 the same "94" is 1994 again.
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kExampleDate - 7) == secs(7));
}

TEST_CASE("Retry-After: documented leniencies") {
  const std::int64_t now = kExampleDate - 60;
  for (const char* value : {
           "sun, 06 nov 1994 08:49:37 GMT",  // names ignore case
           "Mon, 06 Nov 1994 08:49:37 GMT",  // the day name is not checked against the date
           "Sunday, 06 Nov 1994 08:49:37 GMT",
           "Sun, 6 Nov 1994 08:49:37 GMT",  // one-digit day
           "Sun, 6-Nov-94 08:49:37 GMT",
           "Sun Nov 06 08:49:37 1994",  // asctime with a two-digit day
           "Sun Nov 6 08:49:37 1994",   // asctime without the padding space
           " \tSun, 06 Nov 1994 08:49:37 GMT \t",
       }) {
    INFO(value);
    CHECK(parse_retry_after(value, now) == secs(60));
  }
  // A leap second is a valid second (it lands on the next minute's first second).
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:60 GMT", kExampleDate) == secs(23));
}

TEST_CASE("Retry-After: malformed dates are ignored") {
  for (const char* value : {
           "Sun, 06 Nov 1994 08:49:37 UTC",  // only GMT
           "Sun, 06 Nov 1994 08:49:37",      // IMF-fixdate needs its zone
           "Sun, 06 Nov 1994 08:49:37 GMT x",
           "Sun 06 Nov 1994 08:49:37 GMT",  // comma missing
           "Sun,06 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 94 08:49:37 GMT",    // IMF-fixdate has four year digits
           "Sun, 06-Nov-1994 08:49:37 GMT",  // RFC 850 has two
           "Sun, 31 Feb 1994 08:49:37 GMT",  // no such day
           "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 is not a leap year
           "Sun, 00 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nox 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nov 1994 8:49:37 GMT",
           "Sun, 06 Nov 1994 08:49 GMT",
           "Sun, 123 Nov 1994 08:49:37 GMT",
           "Sun Nov  6 08:49:37 94",
           "Sun Nov  6 08:49:37 1994 GMT",
           "Sun Nov   6 08:49:37 1994",
           "Funday, 06 Nov 1994 08:49:37 GMT",
           "Nov 6 1994",
           "Sun, 06 Nov 1994 08:49:37 GMT\r\n",
       }) {
    INFO(value);
    CHECK(parse_retry_after(value, kExampleDate - 60) == std::nullopt);
  }
  // An embedded NUL is not OWS.
  CHECK(parse_retry_after(std::string_view("5\0", 2), k2025) == std::nullopt);
}
