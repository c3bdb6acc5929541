// Retry-After (RFC 9110 §10.2.3): how long the server asks us to wait before the next attempt.
//
//   Retry-After = HTTP-date / delay-seconds        delay-seconds = 1*DIGIT
//
// HTTP-date (RFC 9110 §5.6.7) has one preferred and two obsolete forms, and a recipient must accept all
// three:
//   IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT
//   RFC 850       Sunday, 06-Nov-94 08:49:37 GMT      (two-digit year, full day name)
//   asctime       Sun Nov  6 08:49:37 1994             (day padded with a space, no zone: GMT)
//
// The calendar arithmetic (days from civil dates, proleptic Gregorian, UTC without leap seconds, as POSIX
// time) is done here rather than with <ctime>: the core reads no clock and no time zone, and mktime()
// would apply the local one (a bug Hip inherits from time.mktime).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace hipp::policy {

// The largest wait a Retry-After can ask for: one day. Hip sleeps for whatever the server says, so a
// "Retry-After: 1000000000000" would park a request for 31,000 years; a day is far beyond any genuine
// maintenance window a client should sleep through in-process, and well inside Duration's range. Longer
// values (delta-seconds or dates) are capped to it, not rejected: the server did ask us to wait.
// Note this is not Hip's BACKOFF_MAX (120 s), which caps only the computed exponential backoff.
inline constexpr Duration kRetryAfterMax = std::chrono::hours(24);

// Parses a Retry-After field value received when the wall clock read `unix_now_seconds` (seconds since
// 1970-01-01T00:00:00Z; any value is accepted).
//
// Results:
//   delay-seconds "120"           → 120 s; leading zeros allowed; any number of digits (huge → the cap)
//   an HTTP-date in the future    → date − now, at most kRetryAfterMax
//   an HTTP-date now or in the past → zero
//   anything else                 → std::nullopt: the caller ignores the field (RFC 9110 §5.5: a field
//                                   value that does not match the grammar may be ignored)
// Leading and trailing SP/HTAB are ignored (RFC 9110 §5.5 OWS); the rest must match the grammar exactly.
// Leniencies, all harmless: day and month names match case-insensitively, the day name is not checked
// against the date, a second of 60 (leap second, RFC 5322 §3.3) is accepted, and a single-digit day is
// accepted in IMF-fixdate and RFC 850 as well as asctime. RFC 850's two-digit year is read as RFC 9110
// §5.6.7 says: the year with those last two digits that is not more than 50 years after `now`'s year.
// A negative delay ("-5") and fractional seconds ("1.5") are not delay-seconds: nullopt.
// Never fails otherwise and never overflows: the result is always in [0, kRetryAfterMax]. Pure, no clock.
std::optional<Duration> parse_retry_after(std::string_view value, std::int64_t unix_now_seconds) noexcept;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31; not range-checked beyond
// that). Exposed for tests.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  // Shift the year to start in March so the leap day is the last day of the shifted year; then count 400-year
  // eras of 146097 days (the classic civil-from-days construction).
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;                         // [0, 399]
  const std::int64_t shifted_month = month > 2 ? month - 3 : month + 9;      // March = 0
  const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;  // [0, 365]
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

}  // namespace hipp::policy
