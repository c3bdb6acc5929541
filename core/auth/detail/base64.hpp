// Base64 encoding (RFC 4648 §4, with padding), for Basic credentials (RFC 7617 §2).
#pragma once

#include <string>
#include <string_view>

namespace hipp::auth::detail {

// The standard alphabet with '=' padding; every byte of `data` is encoded as is.
std::string base64_encode(std::string_view data);

}  // namespace hipp::auth::detail
