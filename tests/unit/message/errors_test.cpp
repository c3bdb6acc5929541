#include <catch.hpp>

#include "core/result.hpp"

using namespace hipp;

TEST_CASE("every error code has its category and name") {
  CHECK(category_of(ErrorCode::read_timeout) == ErrorCategory::timeout);
  CHECK(category_of(ErrorCode::conflicting_framing) == ErrorCategory::protocol);
  CHECK(to_string(ErrorCode::invalid_url) == "invalid_url");
  CHECK(make_error(ErrorCode::connect_failed, "127.0.0.1:1").message() == "connect_failed: 127.0.0.1:1");
}

TEST_CASE("Result carries a value or an error") {
  Result<int> ok = 5;
  Result<int> bad = fail(ErrorCode::invalid_state, "x");
  CHECK(ok.has_value());
  CHECK(*ok == 5);
  CHECK_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::invalid_state);
  CHECK(bad.value_or(7) == 7);
  Result<void> fine;
  CHECK(fine);
}
