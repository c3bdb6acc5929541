// Request methods: validation and the properties policies ask about.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace hipp::method {

inline constexpr std::string_view GET = "GET";
inline constexpr std::string_view HEAD = "HEAD";
inline constexpr std::string_view POST = "POST";
inline constexpr std::string_view PUT = "PUT";
inline constexpr std::string_view PATCH = "PATCH";
inline constexpr std::string_view DELETE_ = "DELETE";  // DELETE is a macro on some platforms
inline constexpr std::string_view OPTIONS = "OPTIONS";
inline constexpr std::string_view TRACE = "TRACE";
inline constexpr std::string_view CONNECT = "CONNECT";

// A method must be an RFC 9110 §9.1 token (refuses CR, LF, NUL, spaces).
Result<void> validate(std::string_view m);
// RFC 9110 §9.2.2: GET HEAD PUT DELETE OPTIONS TRACE (Hip's default method_whitelist).
bool is_idempotent(std::string_view m) noexcept;
// Hip's request(): fields go into the URL for GET, HEAD and DELETE, into the body otherwise.
bool encodes_fields_in_url(std::string_view m) noexcept;

}  // namespace hipp::method
