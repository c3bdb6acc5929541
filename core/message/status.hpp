// Status codes: reason phrases and classes (RFC 9110 §15).
#pragma once

#include <string_view>

namespace hipp::status {

// The RFC 9110 reason phrase, or "" for an unregistered code.
std::string_view reason_phrase(int code) noexcept;

constexpr bool is_informational(int code) noexcept { return code >= 100 && code < 200; }
constexpr bool is_success(int code) noexcept { return code >= 200 && code < 300; }
constexpr bool is_redirect(int code) noexcept {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}
constexpr bool is_client_error(int code) noexcept { return code >= 400 && code < 500; }
constexpr bool is_server_error(int code) noexcept { return code >= 500 && code < 600; }
constexpr bool is_error(int code) noexcept { return code >= 400; }

}  // namespace hipp::status
