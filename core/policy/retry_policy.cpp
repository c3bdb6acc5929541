#include "core/policy/retry_policy.hpp"

#include <algorithm>

namespace hipp::policy {

std::string_view to_string(RetryCategory category) noexcept {
  switch (category) {
    case RetryCategory::transient:
      return "transient";
    case RetryCategory::timeout:
      return "timeout";
    case RetryCategory::server:
      return "server";
    case RetryCategory::connection:
      return "connection";
  }
  return "unknown";
}

std::optional<RetryCategory> retry_category(const Error& error) noexcept {
  switch (error.code) {
    case ErrorCode::connection_reset:
    case ErrorCode::connection_closed:
    case ErrorCode::stream_reset:
      return RetryCategory::transient;
    // The server says it never acted on the request (RFC 9113 §8.7): like a connection that never opened.
    case ErrorCode::stream_unprocessed:
      return RetryCategory::connection;
    case ErrorCode::connect_timeout:
    case ErrorCode::read_timeout:
    case ErrorCode::write_timeout:
    case ErrorCode::pool_timeout:
    case ErrorCode::pool_empty:
    case ErrorCode::total_timeout:
      return RetryCategory::timeout;
    case ErrorCode::connect_failed:
    case ErrorCode::resolve_failed:
      return RetryCategory::connection;
    case ErrorCode::invalid_url:
    case ErrorCode::invalid_method:
    case ErrorCode::invalid_target:
    case ErrorCode::invalid_header_name:
    case ErrorCode::invalid_header_value:
    case ErrorCode::invalid_state:
    case ErrorCode::body_length_mismatch:
    case ErrorCode::unrewindable_body:
    case ErrorCode::body_source_failed:
    case ErrorCode::invalid_credentials:
    case ErrorCode::no_stream_available:
    case ErrorCode::invalid_form_field:
    case ErrorCode::http2_protocol_error:
    case ErrorCode::malformed_challenge:
    case ErrorCode::challenge_too_large:
    case ErrorCode::invalid_set_cookie:
    case ErrorCode::circuit_open:
    case ErrorCode::cancelled:
    case ErrorCode::http_status:
    case ErrorCode::malformed_response:
    case ErrorCode::header_too_large:
    case ErrorCode::too_many_headers:
    case ErrorCode::chunk_extension_too_large:
    case ErrorCode::invalid_chunk:
    case ErrorCode::invalid_content_length:
    case ErrorCode::conflicting_framing:
    case ErrorCode::too_many_informational:
    case ErrorCode::incomplete_body:
    case ErrorCode::unexpected_data:
    case ErrorCode::pool_closed:
    case ErrorCode::max_retries:
    case ErrorCode::retry_exhausted:
    case ErrorCode::tls_failed:
    case ErrorCode::certificate_verify_failed:
    case ErrorCode::public_key_mismatch:
    case ErrorCode::decode_failed:
    case ErrorCode::unsupported_encoding:
    case ErrorCode::too_many_encodings:
    case ErrorCode::decompression_bomb:
    case ErrorCode::decode_window_too_large:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<RetryCategory> retry_category(int status) noexcept {
  if (status >= 400 && status < 500) {
    if (status == 408) return RetryCategory::timeout;
    if (status == 429) return RetryCategory::transient;
    return std::nullopt;
  }
  if (status >= 500 && status < 600) {
    if (status == 503) return RetryCategory::transient;
    if (status == 504) return RetryCategory::timeout;
    return RetryCategory::server;
  }
  return RetryCategory::transient;
}

bool RetryPolicy::retries(RetryCategory category) const noexcept {
  return std::find(retry_categories.begin(), retry_categories.end(), category) != retry_categories.end();
}

bool RetryPolicy::retries_status(int status) const noexcept {
  if (std::find(status_force_list.begin(), status_force_list.end(), status) == status_force_list.end()) {
    return false;
  }
  const auto category = retry_category(status);
  return category.has_value() && retries(*category);
}

}  // namespace hipp::policy
