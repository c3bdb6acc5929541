// The flow of a scheme that needs no challenge (Basic, Bearer): one fixed Authorization value, set on
// every attempt to the origin of the first request, never a resend.
#pragma once

#include <optional>
#include <string>

#include "core/auth/auth.hpp"

namespace hipp::auth::detail {

class StaticFlow final : public AuthFlow {
 public:
  explicit StaticFlow(std::string authorization) : authorization_(std::move(authorization)) {}

  Result<void> on_request(AuthRequest& request, const RandomBytes& random) override;
  Result<bool> on_response(const AuthResponse& response) override;

 private:
  std::string authorization_;
  std::optional<url::Url> origin_;  // the first request's URL, whose origin may see the credentials
};

}  // namespace hipp::auth::detail
