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

TEST_CASE("an Error carries its cause, and message() follows the chain") {
  const Error root = make_error(ErrorCode::read_timeout, "read timed out (read timeout=2s)");
  const Error wrapped = make_error(ErrorCode::max_retries, "max retries exceeded with url: http://h/", root);
  CHECK(wrapped.category == ErrorCategory::policy);
  REQUIRE(wrapped.cause != nullptr);
  CHECK(wrapped.cause->code == ErrorCode::read_timeout);
  CHECK(wrapped.message() ==
        "max_retries: max retries exceeded with url: http://h/; caused by: read_timeout: read timed out (read "
        "timeout=2s)");
  const Error outer = make_error(ErrorCode::retry_exhausted, "request failed after 2 retries", wrapped);
  CHECK(outer.message() ==
        "retry_exhausted: request failed after 2 retries; caused by: max_retries: max retries exceeded with url: "
        "http://h/; caused by: read_timeout: read timed out (read timeout=2s)");
  CHECK(to_string(ErrorCode::retry_exhausted) == "retry_exhausted");
  CHECK(category_of(ErrorCode::retry_exhausted) == ErrorCategory::policy);
  // Copies share the (immutable) cause.
  const Error copy = wrapped;
  CHECK(copy.cause == wrapped.cause);
  CHECK(make_error(ErrorCode::connect_failed).cause == nullptr);
}
