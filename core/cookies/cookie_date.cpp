#include "core/cookies/cookie_date.hpp"

#include <array>
#include <cstddef>

#include "core/message/headers.hpp"

namespace hipp::cookies {

namespace {

// §5.1.1 delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E; everything else is part of a token.
bool is_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1 to `max` leading digits (at least `min`) followed by the end or a non-digit; the rest of the
// token is ignored (§5.1.1: "( non-digit *OCTET )").
std::optional<int> leading_number(std::string_view token, std::size_t min, std::size_t max, std::size_t* used) {
  std::size_t n = 0;
  int value = 0;
  while (n < token.size() && is_digit(token[n])) {
    if (n == max) return std::nullopt;  // too many digits: not this production
    value = value * 10 + (token[n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  if (used != nullptr) *used = n;
  return value;
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field.
bool parse_time(std::string_view token, int& h, int& m, int& s) {
  std::array<int, 3> fields{};
  for (std::size_t i = 0; i < 3; ++i) {
    std::size_t used = 0;
    auto v = leading_number(token, 1, 2, &used);
    if (!v) return false;
    fields[i] = *v;
    token.remove_prefix(used);
    if (i < 2) {
      if (token.empty() || token.front() != ':') return false;
      token.remove_prefix(1);
    }
  }
  h = fields[0];
  m = fields[1];
  s = fields[2];
  return true;
}

int month_of(std::string_view token) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (iequals(token.substr(0, 3), kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;

  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) continue;
    const std::string_view token = text.substr(start, i - start);
    // §5.1.1 step 2: each token is tried against the productions in this order, the first match wins.
    int h = 0, m = 0, s = 0;
    if (!found_time && parse_time(token, h, m, s)) {
      found_time = true;
      hour = h;
      minute = m;
      second = s;
      continue;
    }
    if (!found_day) {
      if (auto d = leading_number(token, 1, 2, nullptr)) {
        found_day = true;
        day = *d;
        continue;
      }
    }
    if (!found_month) {
      if (int mo = month_of(token); mo != 0) {
        found_month = true;
        month = mo;
        continue;
      }
    }
    if (!found_year) {
      if (auto y = leading_number(token, 2, 4, nullptr)) {
        found_year = true;
        year = *y;
        continue;
      }
    }
  }

  if (found_year && year >= 70 && year <= 99) year += 1900;  // step 3
  if (found_year && year >= 0 && year <= 69) year += 2000;   // step 4
  // Step 5: every part present and in range.
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  // Step 6: the date must exist.
  if (day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string format_cookie_date(std::int64_t t) {
  static constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  // civil_from_days (the inverse of days_from_civil above).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const std::int64_t weekday = ((days % 7) + 7) % 7;

  auto two = [](std::int64_t v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
  };
  std::string out(kWeekdays[static_cast<std::size_t>(weekday)]);
  out += ", " + two(d) + " " + std::string(kMonths[static_cast<std::size_t>(m - 1)]) + " " + std::to_string(y) + " " +
         two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60) + " GMT";
  return out;
}

}  // namespace hipp::cookies
