#include "core/policy/retry_after.hpp"

#include <array>
#include <cstddef>

namespace hipp::policy {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kCapSeconds = std::chrono::duration_cast<std::chrono::seconds>(kRetryAfterMax).count();

constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A forward-only reader over the field value; every method consumes only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool done() const noexcept { return pos_ == s_.size(); }

  bool literal(char c) noexcept {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool literal(std::string_view word) noexcept {
    if (s_.size() - pos_ < word.size() || s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Between `min` and `max` (<= 4) digits as a number.
  bool number(std::size_t min, std::size_t max, int& out) noexcept {
    std::size_t n = 0;
    int value = 0;
    while (n < max && pos_ + n < s_.size() && is_digit(s_[pos_ + n])) {
      value = value * 10 + (s_[pos_ + n] - '0');
      ++n;
    }
    if (n < min) return false;
    pos_ += n;
    out = value;
    return true;
  }

  // A run of letters that equals (ignoring case) one of `names`; returns its index.
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, std::size_t& index) noexcept {
    std::size_t n = 0;
    while (pos_ + n < s_.size() && is_alpha(s_[pos_ + n])) ++n;
    const std::string_view word = s_.substr(pos_, n);
    for (std::size_t i = 0; i < N; ++i) {
      if (iequal(word, names[i])) {
        pos_ += n;
        index = i;
        return true;
      }
    }
    return false;
  }

  char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct CivilTime {
  std::int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(std::int64_t year, int month) noexcept {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// The proleptic Gregorian year of a day count since 1970-01-01 (the inverse of days_from_civil's year).
constexpr std::int64_t year_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  return year_of_era + era * 400 + (shifted_month >= 10 ? 1 : 0);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(days_from_civil(1969, 12, 31) == -1);
static_assert(year_from_days(0) == 1970 && year_from_days(-1) == 1969 && year_from_days(11016) == 2000);

// "08:49:37"
bool parse_time_of_day(Cursor& c, CivilTime& t) noexcept {
  return c.number(2, 2, t.hour) && c.literal(':') && c.number(2, 2, t.minute) && c.literal(':') &&
         c.number(2, 2, t.second);
}

bool valid(const CivilTime& t) noexcept {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month) && t.hour <= 23 &&
         t.minute <= 59 && t.second <= 60;
}

// RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future is the most recent past
// year with those digits; so: the latest year ending in `yy` that is at most 50 years after `now_year`.
std::int64_t expand_two_digit_year(int yy, std::int64_t now_year) noexcept {
  const std::int64_t latest = now_year + 50;
  std::int64_t back = (latest - yy) % 100;
  if (back < 0) back += 100;
  return latest - back;
}

// Parses one of the three HTTP-date forms (the caller has trimmed OWS).
bool parse_http_date(std::string_view value, std::int64_t now_year, CivilTime& t) noexcept {
  Cursor c(value);
  std::size_t index = 0;
  if (!c.name(kShortDays, index) && !c.name(kLongDays, index)) return false;
  std::size_t month_index = 0;
  if (c.literal(',')) {
    if (!c.literal(' ') || !c.number(1, 2, t.day)) return false;
    if (c.literal(' ')) {
      // IMF-fixdate: "06 Nov 1994 08:49:37 GMT"
      int year = 0;
      if (!c.name(kMonths, month_index) || !c.literal(' ') || !c.number(4, 4, year) || !c.literal(' ')) return false;
      t.year = year;
    } else if (c.literal('-')) {
      // RFC 850: "06-Nov-94 08:49:37 GMT"
      int yy = 0;
      if (!c.name(kMonths, month_index) || !c.literal('-') || !c.number(2, 2, yy) || !c.literal(' ')) return false;
      t.year = expand_two_digit_year(yy, now_year);
      // Keep every date inside the four-digit years the other forms can express (a `now` millions of years
      // away would otherwise push date arithmetic towards overflow).
      if (t.year < 0 || t.year > 9999) return false;
    } else {
      return false;
    }
    if (!parse_time_of_day(c, t) || !c.literal(" GMT")) return false;
  } else {
    // asctime: "Nov  6 08:49:37 1994" (the day is padded with a space, or written with two digits)
    int year = 0;
    if (!c.literal(' ') || !c.name(kMonths, month_index) || !c.literal(' ')) return false;
    if (c.peek() == ' ') c.literal(' ');
    if (!c.number(1, 2, t.day) || !c.literal(' ') || !parse_time_of_day(c, t) || !c.literal(' ') ||
        !c.number(4, 4, year)) {
      return false;
    }
    t.year = year;
  }
  t.month = static_cast<int>(month_index) + 1;
  return c.done() && valid(t);
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, std::int64_t unix_now_seconds) noexcept {
  value = trim_ows(value);
  if (value.empty()) return std::nullopt;

  bool all_digits = true;
  for (char ch : value) all_digits = all_digits && is_digit(ch);
  if (all_digits) {
    // delay-seconds: any length; stop accumulating once past the cap so nothing overflows.
    std::int64_t delay = 0;
    for (char ch : value) {
      delay = delay * 10 + (ch - '0');
      if (delay > kCapSeconds) return kRetryAfterMax;
    }
    return std::chrono::seconds(delay);
  }

  const std::int64_t now_year = year_from_days(floor_div(unix_now_seconds, kSecondsPerDay));
  CivilTime t;
  if (!parse_http_date(value, now_year, t)) return std::nullopt;
  const std::int64_t date =
      days_from_civil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day)) * kSecondsPerDay +
      t.hour * 3600 + t.minute * 60 + t.second;
  // Years are 0..9999, so |date| < 2^39: date - kCapSeconds cannot overflow, and comparing before subtracting
  // keeps date - now within kCapSeconds.
  if (date <= unix_now_seconds) return Duration::zero();
  if (unix_now_seconds < date - kCapSeconds) return kRetryAfterMax;
  return std::chrono::seconds(date - unix_now_seconds);
}

}  // namespace hipp::policy
