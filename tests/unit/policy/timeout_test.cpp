#include <catch.hpp>

#include <cmath>
#include <limits>

#include "core/policy/timeout.hpp"

using namespace hipp;
using hipp::policy::Phase;
using hipp::policy::RequestDeadlines;
using hipp::policy::Timeout;

namespace {

TimePoint at(double s) { return TimePoint(seconds(s)); }

RequestDeadlines started(const Timeout& t, TimePoint now) {
  auto d = RequestDeadlines::start(t, now);
  REQUIRE(d);
  return *d;
}

}  // namespace

TEST_CASE("Timeout::from_seconds sets connect, read, write and pool but not total") {
  auto t = Timeout::from_seconds(2.5);
  REQUIRE(t);
  CHECK(t->connect == seconds(2.5));
  CHECK(t->read == seconds(2.5));
  CHECK(t->write == seconds(2.5));
  CHECK(t->pool == seconds(2.5));
  CHECK_FALSE(t->total.has_value());
}

TEST_CASE("Timeout::from_seconds rejects NaN, zero and negative values") {
  for (double bad : {std::nan(""), 0.0, -0.0, -1.0, -std::numeric_limits<double>::infinity()}) {
    auto t = Timeout::from_seconds(bad);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == ErrorCode::invalid_state);
    CHECK(t.error().detail.find("positive") != std::string::npos);
  }
}

TEST_CASE("Timeout::from_seconds treats infinity and out-of-range values as no limit") {
  for (double huge : {std::numeric_limits<double>::infinity(), 1e300, 9.3e9}) {
    auto t = Timeout::from_seconds(huge);
    REQUIRE(t);
    CHECK(*t == Timeout::none());
  }
  auto just_below = Timeout::from_seconds(9.1e9);
  REQUIRE(just_below);
  CHECK(just_below->read == seconds(9.1e9));
}

TEST_CASE("a positive limit below a nanosecond stays a limit") {
  auto t = Timeout::from_seconds(1e-12);
  REQUIRE(t);
  CHECK(t->read == Duration(1));
}

TEST_CASE("Timeout::validate names the first non-positive field") {
  CHECK(Timeout{}.validate());
  CHECK(Timeout{.connect = seconds(1), .total = seconds(3)}.validate());
  auto bad = Timeout{.read = seconds(1), .total = Duration(0)}.validate();
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::invalid_state);
  CHECK(bad.error().detail.rfind("total", 0) == 0);
  auto neg = Timeout{.write = -seconds(1)}.validate();
  REQUIRE_FALSE(neg);
  CHECK(neg.error().detail.rfind("write", 0) == 0);
  auto from_start = RequestDeadlines::start(Timeout{.pool = Duration(-5)}, at(0));
  REQUIRE_FALSE(from_start);
  CHECK(from_start.error().code == ErrorCode::invalid_state);
}

TEST_CASE("limit_from_seconds names the field in its error") {
  auto bad = policy::limit_from_seconds(-2, "connect");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail == "connect timeout must be a positive number of seconds, got -2");
  auto ok = policy::limit_from_seconds(0.25, "read");
  REQUIRE(ok);
  CHECK(*ok == seconds(0.25));
}

TEST_CASE("no limits: every deadline is never") {
  const auto d = started(Timeout::none(), at(100));
  CHECK(d.total_deadline().is_never());
  CHECK(d.pool_deadline().is_never());
  CHECK(d.connect_deadline(at(101)).is_never());
  CHECK(d.write_deadline(at(102)).is_never());
  CHECK(d.read_deadline(at(103)).is_never());
  CHECK_FALSE(d.total_expired(at(1e9)));
}

TEST_CASE("each phase limit counts from the moment the phase begins") {
  const auto d =
      started(Timeout{.connect = seconds(1), .read = seconds(2), .write = seconds(3), .pool = seconds(4)}, at(10));
  CHECK(d.started() == at(10));
  CHECK(d.pool_deadline() == at(14));
  CHECK(d.connect_deadline(at(11)) == at(12));
  CHECK(d.write_deadline(at(12)) == at(15));
  CHECK(d.read_deadline(at(13)) == at(15));
  // The read limit bounds the silence between reads: a later read gets a later deadline.
  CHECK(d.read_deadline(at(14.5)) == at(16.5));
  CHECK(d.deadline(Phase::read, at(13)) == at(15));
  CHECK(d.deadline(Phase::connect, at(11)) == at(12));
  CHECK(d.deadline(Phase::write, at(12)) == at(15));
  CHECK(d.deadline(Phase::pool, at(99)) == at(14));
}

TEST_CASE("total caps every phase, counted from the start of the attempt") {
  const auto d = started(
      Timeout{.connect = seconds(5), .read = seconds(5), .write = seconds(5), .pool = seconds(5), .total = seconds(6)},
      at(0));
  CHECK(d.total_deadline() == at(6));
  CHECK(d.pool_deadline() == at(5));              // own limit is earlier
  CHECK(d.connect_deadline(at(0.5)) == at(5.5));  // own limit is earlier
  CHECK(d.connect_deadline(at(2)) == at(6));      // total is earlier
  CHECK(d.write_deadline(at(3)) == at(6));
  CHECK(d.read_deadline(at(0.9)) == at(5.9));
  CHECK(d.read_deadline(at(4)) == at(6));  // Hip: total caps the read deadline after connect
  CHECK(d.read_deadline(at(7)) == at(6));  // already past: the deadline is in the past, not moved
}

TEST_CASE("total alone caps phases that have no limit of their own") {
  const auto d = started(Timeout{.total = seconds(3)}, at(1));
  CHECK(d.pool_deadline() == at(4));
  CHECK(d.connect_deadline(at(2)) == at(4));
  CHECK(d.write_deadline(at(2)) == at(4));
  CHECK(d.read_deadline(at(3.5)) == at(4));
  CHECK_FALSE(d.total_expired(at(3.999)));
  CHECK(d.total_expired(at(4)));
}

TEST_CASE("deadlines saturate to never instead of overflowing") {
  const Duration huge = Duration::max() - Duration(1);
  const auto d = started(Timeout{.connect = huge, .read = huge, .total = huge}, at(10));
  CHECK(d.total_deadline().is_never());
  CHECK(d.connect_deadline(at(20)).is_never());
  CHECK(d.read_deadline(at(20)).is_never());

  const auto late = started(Timeout{.read = seconds(1), .total = seconds(1)}, TimePoint::never());
  CHECK(late.total_deadline().is_never());
  CHECK(late.read_deadline(TimePoint::never()).is_never());

  const TimePoint near_end(Duration::max() - seconds(1));
  const auto edge = started(Timeout{.read = seconds(2), .total = seconds(0.5)}, near_end);
  CHECK(edge.total_deadline() == near_end + seconds(0.5));
  CHECK(edge.read_deadline(near_end) == near_end + seconds(0.5));
  const auto edge_no_total = started(Timeout{.read = seconds(2)}, near_end);
  CHECK(edge_no_total.read_deadline(near_end).is_never());
}

TEST_CASE("timeout codes per phase") {
  CHECK(policy::timeout_code(Phase::pool) == ErrorCode::pool_empty);
  CHECK(policy::timeout_code(Phase::connect) == ErrorCode::connect_timeout);
  CHECK(policy::timeout_code(Phase::write) == ErrorCode::write_timeout);
  CHECK(policy::timeout_code(Phase::read) == ErrorCode::read_timeout);
  CHECK(policy::to_string(Phase::write) == "write");
}

TEST_CASE("timeout_error names the phase's own limit when total has not passed") {
  const auto d = started(Timeout{.connect = seconds(1),
                                 .read = seconds(2.5),
                                 .write = seconds(0.001),
                                 .pool = seconds(3),
                                 .total = seconds(100)},
                         at(0));
  auto read = d.timeout_error(Phase::read, at(2.5));
  CHECK(read.code == ErrorCode::read_timeout);
  CHECK(read.category == ErrorCategory::timeout);
  CHECK(read.detail == "read timed out (read timeout=2.5s)");
  CHECK(d.timeout_error(Phase::connect, at(1)).detail == "connect timed out (connect timeout=1s)");
  CHECK(d.timeout_error(Phase::connect, at(1)).code == ErrorCode::connect_timeout);
  CHECK(d.timeout_error(Phase::write, at(1)).detail == "write timed out (write timeout=0.001s)");
  CHECK(d.timeout_error(Phase::write, at(1)).code == ErrorCode::write_timeout);
  auto pool = d.timeout_error(Phase::pool, at(3));
  CHECK(pool.code == ErrorCode::pool_empty);
  CHECK(pool.detail == "no connection available (pool timeout=3s)");
}

TEST_CASE("a fired total cap keeps the phase's code and says total in the detail") {
  const auto d = started(Timeout{.connect = seconds(5), .read = seconds(5), .total = seconds(10)}, at(0));
  // Connected at 7 s, read began at 8 s: the read deadline is the total cap at 10 s.
  REQUIRE(d.read_deadline(at(8)) == at(10));
  auto err = d.timeout_error(Phase::read, at(10));
  CHECK(err.code == ErrorCode::read_timeout);
  CHECK(err.detail == "total timeout of 10s exceeded (while reading)");
  auto conn = d.timeout_error(Phase::connect, at(10.5));
  CHECK(conn.code == ErrorCode::connect_timeout);
  CHECK(conn.detail == "total timeout of 10s exceeded (while connecting)");
  CHECK(d.timeout_error(Phase::write, at(11)).detail == "total timeout of 10s exceeded (while writing)");
  auto pool = d.timeout_error(Phase::pool, at(10));
  CHECK(pool.code == ErrorCode::pool_empty);
  CHECK(pool.detail == "total timeout of 10s exceeded (while waiting for a connection)");
}

TEST_CASE("timeout_error without a limit for the phase still says what timed out") {
  const auto d = started(Timeout::none(), at(0));
  auto err = d.timeout_error(Phase::read, at(5));
  CHECK(err.code == ErrorCode::read_timeout);
  CHECK(err.detail == "read timed out");
}

TEST_CASE("every combination of phase limit and total gives the earlier deadline") {
  const std::optional<Duration> choices[] = {std::nullopt, seconds(1), seconds(4)};
  const Phase phases[] = {Phase::connect, Phase::write, Phase::read};
  const TimePoint start = at(50);
  const TimePoint phase_start = at(52);
  for (const auto& own : choices) {
    for (const auto& total : choices) {
      for (Phase phase : phases) {
        Timeout t{.total = total};
        if (phase == Phase::connect) t.connect = own;
        if (phase == Phase::write) t.write = own;
        if (phase == Phase::read) t.read = own;
        const auto d = started(t, start);
        const TimePoint own_deadline = own ? phase_start + *own : TimePoint::never();
        const TimePoint total_deadline = total ? start + *total : TimePoint::never();
        const TimePoint expected = own_deadline < total_deadline ? own_deadline : total_deadline;
        INFO("phase " << policy::to_string(phase) << " own " << (own ? own->count() : -1) << " total "
                      << (total ? total->count() : -1));
        CHECK(d.deadline(phase, phase_start) == expected);
        // The error blames total exactly when the total cap has passed at the firing time.
        if (!expected.is_never()) {
          const bool blames_total = d.timeout_error(phase, expected).detail.rfind("total", 0) == 0;
          CHECK(blames_total == (total.has_value() && expected >= total_deadline));
          CHECK(d.timeout_error(phase, expected).code == policy::timeout_code(phase));
        }
      }
    }
  }
  // Pool counts from the start of the attempt.
  for (const auto& own : choices) {
    for (const auto& total : choices) {
      const auto d = started(Timeout{.pool = own, .total = total}, start);
      const TimePoint own_deadline = own ? start + *own : TimePoint::never();
      const TimePoint total_deadline = total ? start + *total : TimePoint::never();
      CHECK(d.pool_deadline() == (own_deadline < total_deadline ? own_deadline : total_deadline));
    }
  }
}
