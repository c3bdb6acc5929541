#include "transports/api/errors.hpp"

namespace hipp {

HTTPError::HTTPError(Error error, std::string url)
    : std::runtime_error(url.empty() ? error.message() : error.message() + " (" + url + ")"),
      error_(std::move(error)),
      url_(std::move(url)) {}

void throw_error(Error error, std::string url) {
  switch (error.code) {
    case ErrorCode::invalid_url: throw LocationParseError(std::move(error), std::move(url));
    case ErrorCode::invalid_method:
    case ErrorCode::invalid_target:
    case ErrorCode::invalid_header_name:
    case ErrorCode::invalid_header_value:
    case ErrorCode::invalid_credentials: throw InvalidHeader(std::move(error), std::move(url));
    case ErrorCode::unrewindable_body: throw UnrewindableBodyError(std::move(error), std::move(url));
    case ErrorCode::invalid_state:
    case ErrorCode::no_stream_available:
    case ErrorCode::invalid_form_field:
    case ErrorCode::body_source_failed:
    case ErrorCode::body_length_mismatch: throw RequestError(std::move(error), std::move(url));
    case ErrorCode::resolve_failed: throw NameResolutionError(std::move(error), std::move(url));
    case ErrorCode::connect_failed: throw NewConnectionError(std::move(error), std::move(url));
    case ErrorCode::connection_reset:
    case ErrorCode::connection_closed: throw ProtocolError(std::move(error), std::move(url));
    case ErrorCode::connect_timeout: throw ConnectTimeoutError(std::move(error), std::move(url));
    case ErrorCode::read_timeout:
    case ErrorCode::total_timeout: throw ReadTimeoutError(std::move(error), std::move(url));
    case ErrorCode::write_timeout: throw WriteTimeoutError(std::move(error), std::move(url));
    case ErrorCode::pool_timeout: throw PoolTimeoutError(std::move(error), std::move(url));
    case ErrorCode::incomplete_body: throw IncompleteRead(std::move(error), std::move(url));
    case ErrorCode::malformed_response:
    case ErrorCode::header_too_large:
    case ErrorCode::too_many_headers:
    case ErrorCode::chunk_extension_too_large:
    case ErrorCode::invalid_chunk:
    case ErrorCode::invalid_content_length:
    case ErrorCode::conflicting_framing:
    case ErrorCode::too_many_informational:
    case ErrorCode::unexpected_data:
    case ErrorCode::malformed_challenge:
    case ErrorCode::challenge_too_large:
    case ErrorCode::invalid_set_cookie:
    case ErrorCode::http2_protocol_error:
    case ErrorCode::stream_reset:
    case ErrorCode::stream_unprocessed: throw ProtocolError(std::move(error), std::move(url));
    case ErrorCode::pool_empty: throw EmptyPoolError(std::move(error), std::move(url));
    case ErrorCode::pool_closed: throw ClosedPoolError(std::move(error), std::move(url));
    case ErrorCode::max_retries: throw MaxRetryError(std::move(error), std::move(url));
    case ErrorCode::retry_exhausted: throw RetryError(std::move(error), std::move(url));
    case ErrorCode::circuit_open: throw CircuitBreakerOpen(std::move(error), std::move(url));
    case ErrorCode::cancelled: throw RequestCancelled(std::move(error), std::move(url));
    case ErrorCode::http_status: throw HTTPStatusError(std::move(error), std::move(url));
    case ErrorCode::tls_failed:
    case ErrorCode::certificate_verify_failed:
    case ErrorCode::public_key_mismatch: throw SSLError(std::move(error), std::move(url));
    case ErrorCode::decode_failed:
    case ErrorCode::unsupported_encoding:
    case ErrorCode::too_many_encodings:
    case ErrorCode::decompression_bomb:
    case ErrorCode::decode_window_too_large: throw DecodeError(std::move(error), std::move(url));
  }
  throw HTTPError(std::move(error), std::move(url));
}

}  // namespace hipp
