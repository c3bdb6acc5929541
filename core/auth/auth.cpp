#include "core/auth/auth.hpp"

namespace hipp::auth {

bool same_origin(const url::Url& a, const url::Url& b) {
  // Scheme and host are already lower case (url::parse normalises them, RFC 3986 §6.2.2.1).
  return a.scheme == b.scheme && a.host == b.host && a.effective_port() == b.effective_port();
}

}  // namespace hipp::auth
