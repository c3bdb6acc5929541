#include "core/auth/bearer_auth.hpp"

#include "core/auth/detail/static_flow.hpp"

namespace hipp::auth {

namespace {

bool is_b64token_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

// Where `token` stops being a b64token, or npos when it is one (RFC 6750 §2.1).
std::size_t first_bad_position(std::string_view token) noexcept {
  std::size_t i = 0;
  while (i < token.size() && is_b64token_char(token[i])) ++i;
  if (i == 0) return 0;  // 1*( ... ): at least one character before any padding
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size() ? std::string_view::npos : i;
}

}  // namespace

bool is_b64token(std::string_view token) noexcept { return first_bad_position(token) == std::string_view::npos; }

Result<BearerAuth> BearerAuth::create(std::string_view token) {
  const std::size_t bad = first_bad_position(token);
  if (bad != std::string_view::npos) {
    return fail(ErrorCode::invalid_credentials,
                token.empty() ? "empty Bearer token"
                              : "Bearer token is not an RFC 6750 b64token (at offset " + std::to_string(bad) + ")");
  }
  std::string authorization = "Bearer ";
  authorization += token;
  return BearerAuth(std::move(authorization));
}

std::unique_ptr<AuthFlow> BearerAuth::start_flow() { return std::make_unique<detail::StaticFlow>(authorization_); }

}  // namespace hipp::auth
