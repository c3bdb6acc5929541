#include "bindings/cli/exit_code.hpp"

namespace hipp::cli {

int exit_code_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_url: return kBadUrl;
    case ErrorCode::invalid_method:
    case ErrorCode::invalid_target:
    case ErrorCode::invalid_header_name:
    case ErrorCode::invalid_header_value:
    case ErrorCode::invalid_state:
    case ErrorCode::body_length_mismatch:
    case ErrorCode::unrewindable_body:
    case ErrorCode::invalid_credentials:
    case ErrorCode::no_stream_available:
    case ErrorCode::invalid_form_field: return kUsage;
    case ErrorCode::body_source_failed: return kReadError;
    case ErrorCode::resolve_failed: return kResolve;
    case ErrorCode::connect_failed: return kConnect;
    case ErrorCode::connection_reset: return kReceiveError;
    case ErrorCode::connection_closed: return kEmptyReply;
    case ErrorCode::connect_timeout:
    case ErrorCode::read_timeout:
    case ErrorCode::write_timeout:
    case ErrorCode::pool_timeout:
    case ErrorCode::total_timeout: return kTimeout;
    case ErrorCode::incomplete_body: return kPartialBody;
    case ErrorCode::malformed_response:
    case ErrorCode::invalid_content_length:
    case ErrorCode::conflicting_framing:
    case ErrorCode::too_many_informational:
    case ErrorCode::malformed_challenge:
    case ErrorCode::invalid_set_cookie:
    case ErrorCode::challenge_too_large: return kWeirdReply;  // curl: "Weird server reply"
    case ErrorCode::header_too_large:
    case ErrorCode::too_many_headers:
    case ErrorCode::chunk_extension_too_large:
    case ErrorCode::invalid_chunk:
    case ErrorCode::unexpected_data: return kReceiveError;
    case ErrorCode::http2_protocol_error:
    case ErrorCode::stream_reset:
    case ErrorCode::stream_unprocessed: return kHttp2;  // curl 16: "Error in the HTTP2 framing layer"

    case ErrorCode::pool_empty:
    case ErrorCode::pool_closed: return kConnect;
    case ErrorCode::max_retries: return kMaxRedirects;
    case ErrorCode::retry_exhausted: return kReceiveError;  // the CLI uses Hip's Retry; never produced there
    case ErrorCode::circuit_open: return kConnect;
    case ErrorCode::cancelled: return kAbortedByCallback;
    case ErrorCode::http_status: return kHttpError;  // the CLI never cancels; curl 42 if it did  // curl has no breaker: refused before connecting
    case ErrorCode::tls_failed: return kTlsConnect;
    case ErrorCode::certificate_verify_failed: return kPeerFailedVerification;
    case ErrorCode::public_key_mismatch: return kPinnedPublicKeyMismatch;
    case ErrorCode::decode_failed:
    case ErrorCode::unsupported_encoding:
    case ErrorCode::too_many_encodings:
    case ErrorCode::decompression_bomb:
    case ErrorCode::decode_window_too_large: return kBadContentEncoding;
  }
  return kReceiveError;
}

int exit_code_for(const Error& error) noexcept {
  if (error.code == ErrorCode::max_retries &&
      (error.detail.find("too many redirects") != std::string::npos ||
       error.detail.rfind("redirect loop", 0) == 0)) {
    return kMaxRedirects;
  }
  if (error.code == ErrorCode::max_retries || error.code == ErrorCode::retry_exhausted) {
    return error.cause ? exit_code_for(*error.cause) : kHttpError;
  }
  return exit_code_for(error.code);
}

}  // namespace hipp::cli
