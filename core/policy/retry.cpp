#include "core/policy/retry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/policy/retry_after.hpp"

namespace hipp::policy {

namespace {

std::optional<int> decremented(const std::optional<int>& counter) {
  if (!counter) return std::nullopt;
  // Saturate instead of wrapping: INT_MIN stays exhausted.
  return *counter == std::numeric_limits<int>::min() ? *counter : *counter - 1;
}

bool contains(const std::vector<int>& list, int value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::read:
      return "read";
    case ErrorKind::other:
      return "other";
    case ErrorKind::fatal:
      return "fatal";
  }
  return "fatal";
}

ErrorKind classify(const Error& error, bool request_sent) noexcept {
  switch (error.code) {
    // Hip's NewConnectionError and ConnectTimeoutError: the connection never existed.
    case ErrorCode::resolve_failed:
    case ErrorCode::connect_failed:
    case ErrorCode::connect_timeout:
    // RFC 9113 §8.7: REFUSED_STREAM or above GOAWAY's last_stream_id means the server never acted on it.
    case ErrorCode::stream_unprocessed:
      return ErrorKind::connect;
    // Hip's ReadTimeoutError and ProtocolError ("Connection aborted.", IncompleteRead, bad status line): the
    // server may have acted on the request.
    case ErrorCode::connection_reset:
    case ErrorCode::connection_closed:
    case ErrorCode::read_timeout:
    case ErrorCode::write_timeout:
    case ErrorCode::total_timeout:
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
    case ErrorCode::http2_protocol_error:
    case ErrorCode::stream_reset:
      return request_sent ? ErrorKind::read : ErrorKind::connect;
    // Hip's SSLError is neither a connection nor a read error: it counts against total only.
    case ErrorCode::tls_failed:
    case ErrorCode::certificate_verify_failed:
    case ErrorCode::public_key_mismatch:
      return ErrorKind::other;
    // Hip never hands these to increment(): they are raised directly.
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
    // A broken challenge is the auth flow's verdict on a response, not a network failure.
    case ErrorCode::malformed_challenge:
    case ErrorCode::challenge_too_large:
    case ErrorCode::invalid_set_cookie:  // the jar ignores such a field; never a request's failure
    case ErrorCode::circuit_open:
    case ErrorCode::cancelled:
    case ErrorCode::http_status:
    case ErrorCode::pool_timeout:
    case ErrorCode::pool_empty:
    case ErrorCode::pool_closed:
    case ErrorCode::max_retries:
    case ErrorCode::retry_exhausted:
    case ErrorCode::decode_failed:
    case ErrorCode::unsupported_encoding:
    case ErrorCode::too_many_encodings:
    case ErrorCode::decompression_bomb:
    case ErrorCode::decode_window_too_large:
      return ErrorKind::fatal;
  }
  return ErrorKind::fatal;
}

std::vector<std::string> Retry::default_method_whitelist() {
  return {"DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"};
}

bool Retry::is_exhausted() const noexcept {
  for (const auto* counter : {&total, &connect, &read, &redirect, &status}) {
    if (*counter && **counter < 0) return true;
  }
  return false;
}

bool Retry::is_method_retryable(std::string_view method) const noexcept {
  if (method_whitelist.empty()) return true;
  return std::any_of(method_whitelist.begin(), method_whitelist.end(),
                     [&](const std::string& allowed) { return iequals(allowed, method); });
}

bool Retry::is_retry(std::string_view method, int status_code, bool has_retry_after) const noexcept {
  if (!enabled || !is_method_retryable(method)) return false;
  if (contains(status_forcelist, status_code)) return true;
  const bool total_allows = total.has_value() && *total > 0;  // Hip: `self.total and ...`
  return total_allows && respect_retry_after_header && has_retry_after &&
         std::find(kRetryAfterStatusCodes.begin(), kRetryAfterStatusCodes.end(), status_code) !=
             kRetryAfterStatusCodes.end();
}

Duration Retry::backoff_time() const noexcept {
  std::size_t consecutive = 0;
  for (auto it = history.rbegin(); it != history.rend() && !it->redirect_location; ++it) ++consecutive;
  if (consecutive <= 1 || !(backoff_factor > 0.0)) return Duration::zero();
  // ldexp saturates to +inf for huge runs; the cap keeps the result finite.
  const double value = std::ldexp(backoff_factor, static_cast<int>(std::min<std::size_t>(consecutive - 1, 4096)));
  const double capped = std::min(value, std::chrono::duration<double>(kBackoffMax).count());
  return seconds(capped);
}

std::optional<Duration> Retry::retry_after(int status_code, const Headers& headers, std::int64_t unix_now) const {
  if (!respect_retry_after_header) return std::nullopt;
  if (std::find(kRetryAfterStatusCodes.begin(), kRetryAfterStatusCodes.end(), status_code) ==
      kRetryAfterStatusCodes.end()) {
    return std::nullopt;
  }
  const auto value = headers.get("Retry-After");
  if (!value) return std::nullopt;
  return parse_retry_after(*value, unix_now);
}

Duration Retry::sleep_time(int status_code, const Headers* headers, std::int64_t unix_now) const {
  if (headers != nullptr) {
    const auto honoured = retry_after(status_code, *headers, unix_now);
    if (honoured && *honoured > Duration::zero()) return *honoured;
  }
  return backoff_time();
}

Result<Retry> Retry::increment(const RetryEvent& event) const {
  Retry next = *this;
  // Hip's total=False: it becomes -1 on the first increment, so every increment exhausts.
  next.total = enabled ? decremented(total) : std::optional<int>(-1);
  std::string reason;  // ResponseError's text, for responses

  if (event.error != nullptr) {
    const ErrorKind kind = classify(*event.error, event.request_sent);
    if (!enabled || kind == ErrorKind::fatal) return Unexpected{*event.error};
    if (kind != ErrorKind::connect && event.request_sent && !is_method_retryable(event.method)) {
      return Unexpected{*event.error};
    }
    if (kind == ErrorKind::connect) next.connect = decremented(connect);
    if (kind == ErrorKind::read) next.read = decremented(read);
  } else if (event.redirect_location) {
    next.redirect = decremented(redirect);
    reason = "too many redirects";
  } else {
    next.status = decremented(status);
    reason = "too many " + std::to_string(event.status) + " error responses";
  }

  next.history.push_back(RequestHistory{
      .method = std::string(event.method),
      .url = std::string(event.url),
      .error = event.error != nullptr ? std::optional<Error>(*event.error) : std::nullopt,
      .status = event.error == nullptr ? std::optional<int>(event.status) : std::nullopt,
      .redirect_location =
          event.redirect_location ? std::optional<std::string>(*event.redirect_location) : std::nullopt,
  });

  if (next.is_exhausted()) {
    std::string detail = "max retries exceeded with url: ";
    detail += event.url;
    if (event.error != nullptr) return Unexpected{make_error(ErrorCode::max_retries, std::move(detail), *event.error)};
    detail += " (" + reason + ")";
    return Unexpected{make_error(ErrorCode::max_retries, std::move(detail))};
  }

  // The next attempt resends the body unless nothing of it left (a connect error) or the redirect drops it
  // (the exchange then reports body_rewindable = true).
  const bool resends_body = event.error == nullptr || event.request_sent;
  if (resends_body && !event.body_rewindable) {
    std::string detail = "cannot rewind the request body to ";
    detail += event.redirect_location ? "follow the redirect" : "retry";
    if (event.error != nullptr)
      return Unexpected{make_error(ErrorCode::unrewindable_body, std::move(detail), *event.error)};
    detail += " after status " + std::to_string(event.status);
    return Unexpected{make_error(ErrorCode::unrewindable_body, std::move(detail))};
  }
  return next;
}

}  // namespace hipp::policy
