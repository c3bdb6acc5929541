#include "core/auth/detail/static_flow.hpp"

namespace hipp::auth::detail {

Result<void> StaticFlow::on_request(AuthRequest& request, const RandomBytes& /*random*/) {
  if (!origin_) origin_ = request.url;
  if (same_origin(*origin_, request.url)) {
    request.headers.set("Authorization", authorization_);
  } else if (request.headers.get("Authorization") == authorization_) {
    // The exchange reused the headers of an attempt to our origin: our credentials stay there.
    request.headers.remove("Authorization");
  }
  return {};
}

Result<bool> StaticFlow::on_response(const AuthResponse& /*response*/) {
  // Basic and Bearer are preemptive: a 401 means the credentials were refused, so it is delivered.
  return false;
}

}  // namespace hipp::auth::detail
