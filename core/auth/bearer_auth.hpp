// Bearer tokens (RFC 6750 §2.1): "Authorization: Bearer <token>".
//
// The token must be an RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
// *"=". Anything else (spaces, quotes, CR/LF, non-ASCII) is refused when the BearerAuth is made,
// so no request ever carries a token that a server would misparse or that could inject a field.
// Sent on the first request, only to the origin of the exchange's first request.
//
// Thread safety: an instance is immutable after construction; flows are independent.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/auth/auth.hpp"

namespace hipp::auth {

// Whether `token` is an RFC 6750 b64token.
bool is_b64token(std::string_view token) noexcept;

class BearerAuth final : public Auth {
 public:
  // Errors: ErrorCode::invalid_credentials when `token` is not a b64token (the detail gives the
  // offending position, never the token).
  static Result<BearerAuth> create(std::string_view token);

  std::unique_ptr<AuthFlow> start_flow() override;

  // "Bearer <token>".
  const std::string& authorization() const noexcept { return authorization_; }

 private:
  explicit BearerAuth(std::string authorization) : authorization_(std::move(authorization)) {}
  std::string authorization_;
};

}  // namespace hipp::auth
