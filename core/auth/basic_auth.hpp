// HTTP Basic authentication (RFC 7617).
//
// The credentials are `user ":" password` as UTF-8 bytes (the strings are sent as given: RFC 7617
// §2.1's charset="UTF-8" is what every current server expects), base64-encoded into
// "Authorization: Basic <b64>". Sent on the first request, no challenge needed (preemptive, as curl,
// Hip and httpx do), and only to the origin of the exchange's first request.
//
// A user-id holding ':' cannot be told apart from the password by the server (RFC 7617 §2 makes it
// invalid); it is sent anyway, as other clients do, and the server splits at the first ':'.
//
// Thread safety: an instance is immutable after construction; flows are independent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/auth/auth.hpp"

namespace hipp::auth {

// The Authorization value for these credentials: "Basic " + base64(user ":" password).
// Also what Proxy-Authorization carries for a proxy's Basic credentials.
std::string basic_authorization(std::string_view user, std::string_view password);

class BasicAuth final : public Auth {
 public:
  BasicAuth(std::string_view user, std::string_view password);

  std::unique_ptr<AuthFlow> start_flow() override;

  // "Basic <b64>", computed once.
  const std::string& authorization() const noexcept { return authorization_; }

 private:
  std::string authorization_;
};

// Basic credentials from a URL's userinfo ("http://user:pa%40ss@host/"), percent-decoded by
// Url::credentials(); nullopt when the URL has no userinfo. "user@" gives an empty password.
std::optional<BasicAuth> basic_from_userinfo(const url::Url& url);

}  // namespace hipp::auth
