#include "core/policy/timeout.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace hipp::policy {

namespace {

// Seconds as the shortest decimal that round-trips, e.g. "2.5s", "0.001s".
std::string format_seconds(Duration d) {
  const double s = std::chrono::duration<double>(d).count();
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s);
  std::string out = ec == std::errc{} ? std::string(buf, end) : std::string("?");
  out += 's';
  return out;
}

std::string_view limit_name(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return "pool timeout";
    case Phase::connect: return "connect timeout";
    case Phase::write: return "write timeout";
    case Phase::read: return "read timeout";
  }
  return "timeout";
}

std::string_view what_timed_out(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return "no connection available";
    case Phase::connect: return "connect timed out";
    case Phase::write: return "write timed out";
    case Phase::read: return "read timed out";
  }
  return "timed out";
}

std::string_view while_doing(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return "while waiting for a connection";
    case Phase::connect: return "while connecting";
    case Phase::write: return "while writing";
    case Phase::read: return "while reading";
  }
  return "";
}

}  // namespace

std::string_view to_string(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return "pool";
    case Phase::connect: return "connect";
    case Phase::write: return "write";
    case Phase::read: return "read";
  }
  return "unknown";
}

ErrorCode timeout_code(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return ErrorCode::pool_empty;
    case Phase::connect: return ErrorCode::connect_timeout;
    case Phase::write: return ErrorCode::write_timeout;
    case Phase::read: return ErrorCode::read_timeout;
  }
  return ErrorCode::read_timeout;
}

Result<std::optional<Duration>> limit_from_seconds(double s, std::string_view field) {
  if (std::isnan(s) || s <= 0.0) {
    std::string detail(field);
    detail += " timeout must be a positive number of seconds, got ";
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s);
    detail += ec == std::errc{} ? std::string(buf, end) : std::string("?");
    return fail(ErrorCode::invalid_state, std::move(detail));
  }
  // Near Duration's range (about 292 years) no deadline could ever fire: no limit. The bound sits below
  // 2^63 ns with room to spare, so the conversion below never overflows.
  constexpr double max_seconds = 9.2e9;
  if (s >= max_seconds) return std::optional<Duration>{};
  const Duration d = seconds(s);
  // A positive limit below one nanosecond still has to be a limit.
  return std::optional<Duration>{d > Duration::zero() ? d : Duration(1)};
}

Result<Timeout> Timeout::from_seconds(double s) {
  auto limit = limit_from_seconds(s, "scalar");
  if (!limit) return Unexpected{std::move(limit).error()};
  Timeout t;
  t.connect = t.read = t.write = t.pool = *limit;
  return t;
}

Result<void> Timeout::validate() const {
  const std::pair<std::string_view, const std::optional<Duration>*> fields[] = {
      {"connect", &connect}, {"read", &read}, {"write", &write}, {"pool", &pool}, {"total", &total}};
  for (const auto& [name, limit] : fields) {
    if (limit->has_value() && **limit <= Duration::zero()) {
      std::string detail(name);
      detail += " timeout must be positive, got ";
      detail += std::to_string((*limit)->count());
      detail += "ns";
      return fail(ErrorCode::invalid_state, std::move(detail));
    }
  }
  return {};
}

Result<RequestDeadlines> RequestDeadlines::start(const Timeout& timeout, TimePoint now) {
  if (auto valid = timeout.validate(); !valid) return Unexpected{std::move(valid).error()};
  return RequestDeadlines(timeout, now);
}

TimePoint RequestDeadlines::total_deadline() const {
  return timeout_.total ? start_ + *timeout_.total : TimePoint::never();
}

TimePoint RequestDeadlines::capped(TimePoint from, const std::optional<Duration>& limit) const {
  const TimePoint own = limit ? from + *limit : TimePoint::never();
  return earliest(own, total_deadline());
}

TimePoint RequestDeadlines::pool_deadline() const { return capped(start_, timeout_.pool); }

TimePoint RequestDeadlines::connect_deadline(TimePoint now) const { return capped(now, timeout_.connect); }

TimePoint RequestDeadlines::write_deadline(TimePoint now) const { return capped(now, timeout_.write); }

TimePoint RequestDeadlines::read_deadline(TimePoint now) const { return capped(now, timeout_.read); }

TimePoint RequestDeadlines::deadline(Phase phase, TimePoint now) const {
  switch (phase) {
    case Phase::pool: return pool_deadline();
    case Phase::connect: return connect_deadline(now);
    case Phase::write: return write_deadline(now);
    case Phase::read: return read_deadline(now);
  }
  return TimePoint::never();
}

Error RequestDeadlines::timeout_error(Phase phase, TimePoint now) const {
  std::string detail;
  if (timeout_.total && total_expired(now)) {
    detail = "total timeout of ";
    detail += format_seconds(*timeout_.total);
    detail += " exceeded (";
    detail += while_doing(phase);
    detail += ')';
  } else {
    const std::optional<Duration>* limit = nullptr;
    switch (phase) {
      case Phase::pool: limit = &timeout_.pool; break;
      case Phase::connect: limit = &timeout_.connect; break;
      case Phase::write: limit = &timeout_.write; break;
      case Phase::read: limit = &timeout_.read; break;
    }
    detail = what_timed_out(phase);
    if (limit && limit->has_value()) {
      detail += " (";
      detail += limit_name(phase);
      detail += '=';
      detail += format_seconds(**limit);
      detail += ')';
    }
  }
  return make_error(timeout_code(phase), std::move(detail));
}

}  // namespace hipp::policy
