#include "core/auth/basic_auth.hpp"

#include "core/auth/detail/base64.hpp"
#include "core/auth/detail/static_flow.hpp"

namespace hipp::auth {

std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string credentials;
  credentials.reserve(user.size() + 1 + password.size());
  credentials.append(user).append(1, ':').append(password);
  return "Basic " + detail::base64_encode(credentials);
}

BasicAuth::BasicAuth(std::string_view user, std::string_view password)
    : authorization_(basic_authorization(user, password)) {}

std::unique_ptr<AuthFlow> BasicAuth::start_flow() { return std::make_unique<detail::StaticFlow>(authorization_); }

std::optional<BasicAuth> basic_from_userinfo(const url::Url& url) {
  const auto credentials = url.credentials();
  if (!credentials) return std::nullopt;
  return BasicAuth(credentials->first, credentials->second);
}

}  // namespace hipp::auth
