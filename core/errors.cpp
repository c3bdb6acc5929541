#include "core/errors.hpp"

namespace hipp {

namespace {

struct CodeInfo {
  ErrorCode code;
  ErrorCategory category;
  std::string_view name;
};

// One row per ErrorCode, in declaration order.
constexpr CodeInfo kCodes[] = {
    {ErrorCode::invalid_url, ErrorCategory::usage, "invalid_url"},
    {ErrorCode::invalid_method, ErrorCategory::usage, "invalid_method"},
    {ErrorCode::invalid_target, ErrorCategory::usage, "invalid_target"},
    {ErrorCode::invalid_header_name, ErrorCategory::usage, "invalid_header_name"},
    {ErrorCode::invalid_header_value, ErrorCategory::usage, "invalid_header_value"},
    {ErrorCode::invalid_state, ErrorCategory::usage, "invalid_state"},
    {ErrorCode::body_length_mismatch, ErrorCategory::usage, "body_length_mismatch"},
    {ErrorCode::unrewindable_body, ErrorCategory::usage, "unrewindable_body"},
    {ErrorCode::body_source_failed, ErrorCategory::usage, "body_source_failed"},
    {ErrorCode::invalid_credentials, ErrorCategory::usage, "invalid_credentials"},
    {ErrorCode::no_stream_available, ErrorCategory::usage, "no_stream_available"},
    {ErrorCode::invalid_form_field, ErrorCategory::usage, "invalid_form_field"},
    {ErrorCode::resolve_failed, ErrorCategory::connection, "resolve_failed"},
    {ErrorCode::connect_failed, ErrorCategory::connection, "connect_failed"},
    {ErrorCode::connection_reset, ErrorCategory::connection, "connection_reset"},
    {ErrorCode::connection_closed, ErrorCategory::connection, "connection_closed"},
    {ErrorCode::connect_timeout, ErrorCategory::timeout, "connect_timeout"},
    {ErrorCode::read_timeout, ErrorCategory::timeout, "read_timeout"},
    {ErrorCode::write_timeout, ErrorCategory::timeout, "write_timeout"},
    {ErrorCode::pool_timeout, ErrorCategory::timeout, "pool_timeout"},
    {ErrorCode::total_timeout, ErrorCategory::timeout, "total_timeout"},
    {ErrorCode::malformed_response, ErrorCategory::protocol, "malformed_response"},
    {ErrorCode::header_too_large, ErrorCategory::protocol, "header_too_large"},
    {ErrorCode::too_many_headers, ErrorCategory::protocol, "too_many_headers"},
    {ErrorCode::chunk_extension_too_large, ErrorCategory::protocol, "chunk_extension_too_large"},
    {ErrorCode::invalid_chunk, ErrorCategory::protocol, "invalid_chunk"},
    {ErrorCode::invalid_content_length, ErrorCategory::protocol, "invalid_content_length"},
    {ErrorCode::conflicting_framing, ErrorCategory::protocol, "conflicting_framing"},
    {ErrorCode::too_many_informational, ErrorCategory::protocol, "too_many_informational"},
    {ErrorCode::incomplete_body, ErrorCategory::protocol, "incomplete_body"},
    {ErrorCode::unexpected_data, ErrorCategory::protocol, "unexpected_data"},
    {ErrorCode::malformed_challenge, ErrorCategory::protocol, "malformed_challenge"},
    {ErrorCode::challenge_too_large, ErrorCategory::protocol, "challenge_too_large"},
    {ErrorCode::http2_protocol_error, ErrorCategory::protocol, "http2_protocol_error"},
    {ErrorCode::stream_reset, ErrorCategory::protocol, "stream_reset"},
    {ErrorCode::stream_unprocessed, ErrorCategory::protocol, "stream_unprocessed"},
    {ErrorCode::invalid_set_cookie, ErrorCategory::protocol, "invalid_set_cookie"},
    {ErrorCode::pool_empty, ErrorCategory::policy, "pool_empty"},
    {ErrorCode::pool_closed, ErrorCategory::policy, "pool_closed"},
    {ErrorCode::max_retries, ErrorCategory::policy, "max_retries"},
    {ErrorCode::retry_exhausted, ErrorCategory::policy, "retry_exhausted"},
    {ErrorCode::circuit_open, ErrorCategory::policy, "circuit_open"},
    {ErrorCode::cancelled, ErrorCategory::policy, "cancelled"},
    {ErrorCode::http_status, ErrorCategory::policy, "http_status"},
    {ErrorCode::tls_failed, ErrorCategory::tls, "tls_failed"},
    {ErrorCode::certificate_verify_failed, ErrorCategory::tls, "certificate_verify_failed"},
    {ErrorCode::public_key_mismatch, ErrorCategory::tls, "public_key_mismatch"},
    {ErrorCode::decode_failed, ErrorCategory::decode, "decode_failed"},
    {ErrorCode::unsupported_encoding, ErrorCategory::decode, "unsupported_encoding"},
    {ErrorCode::too_many_encodings, ErrorCategory::decode, "too_many_encodings"},
    {ErrorCode::decompression_bomb, ErrorCategory::decode, "decompression_bomb"},
    {ErrorCode::decode_window_too_large, ErrorCategory::decode, "decode_window_too_large"},
};

const CodeInfo& info(ErrorCode code) noexcept {
  return kCodes[static_cast<std::size_t>(code)];
}

}  // namespace

constexpr bool codes_in_order() {
  for (std::size_t i = 0; i < sizeof(kCodes) / sizeof(kCodes[0]); ++i) {
    if (static_cast<std::size_t>(kCodes[i].code) != i) return false;
  }
  return true;
}
static_assert(codes_in_order(), "kCodes rows must follow ErrorCode's declaration order");
static_assert(sizeof(kCodes) / sizeof(kCodes[0]) == static_cast<std::size_t>(ErrorCode::decode_window_too_large) + 1,
              "every ErrorCode needs a row in kCodes");

ErrorCategory category_of(ErrorCode code) noexcept { return info(code).category; }

std::string_view to_string(ErrorCode code) noexcept { return info(code).name; }

std::string Error::message() const {
  std::string out(to_string(code));
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  for (const Error* link = cause.get(); link != nullptr; link = link->cause.get()) {
    out += "; caused by: ";
    out += to_string(link->code);
    if (!link->detail.empty()) {
      out += ": ";
      out += link->detail;
    }
  }
  return out;
}

Error make_error(ErrorCode code, std::string detail, ErrorOrigin origin) {
  return Error{category_of(code), code, origin, std::move(detail), nullptr};
}

Error make_error(ErrorCode code, std::string detail, Error cause) {
  return Error{category_of(code), code, ErrorOrigin::local, std::move(detail),
               std::make_shared<const Error>(std::move(cause))};
}

}  // namespace hipp
