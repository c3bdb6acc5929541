#include <catch.hpp>

#include "transports/api/errors.hpp"

using namespace hipp;

TEST_CASE("circuit_open is thrown as CircuitBreakerOpen, a redirect loop as MaxRetryError") {
  const Error open = make_error(ErrorCode::circuit_open,
                                "circuit open for h:443 after 5 consecutive failures: "
                                "retry in 12.5s");
  CHECK_THROWS_AS(throw_error(open, "https://h/x"), CircuitBreakerOpen);
  try {
    throw_error(open, "https://h/x");
  } catch (const CircuitBreakerOpen& e) {
    CHECK(e.code() == ErrorCode::circuit_open);
    CHECK(e.url() == "https://h/x");
    CHECK(std::string(e.what()).find("retry in 12.5s") != std::string::npos);
  }
  CHECK_THROWS_AS(
      throw_error(make_error(ErrorCode::max_retries, "redirect loop: GET http://a/ → GET http://a/"), "http://a/"),
      MaxRetryError);
}

TEST_CASE("every TLS code is thrown as SSLError, in the tls category") {
  for (ErrorCode code : {ErrorCode::tls_failed, ErrorCode::certificate_verify_failed, ErrorCode::public_key_mismatch}) {
    CAPTURE(to_string(code));
    CHECK(category_of(code) == ErrorCategory::tls);
    CHECK_THROWS_AS(throw_error(make_error(code, "certificate has expired"), "https://h/"), SSLError);
  }
  CHECK(to_string(ErrorCode::certificate_verify_failed) == "certificate_verify_failed");
  CHECK(to_string(ErrorCode::public_key_mismatch) == "public_key_mismatch");
}

TEST_CASE("every decode code is thrown as DecodeError, in the decode category") {
  for (ErrorCode code : {ErrorCode::decode_failed, ErrorCode::unsupported_encoding, ErrorCode::too_many_encodings,
                         ErrorCode::decompression_bomb, ErrorCode::decode_window_too_large}) {
    CAPTURE(to_string(code));
    CHECK(category_of(code) == ErrorCategory::decode);
    CHECK_THROWS_AS(throw_error(make_error(code, "gzip: invalid data"), "http://h/"), DecodeError);
  }
  CHECK(to_string(ErrorCode::decompression_bomb) == "decompression_bomb");
}
