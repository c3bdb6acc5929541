#include "core/message/method.hpp"

#include <array>
#include <string>

#include "core/message/headers.hpp"

namespace hipp::method {

Result<void> validate(std::string_view m) {
  if (!is_token(m)) return fail(ErrorCode::invalid_method, "method '" + std::string(m) + "' is not a token");
  return {};
}

bool is_idempotent(std::string_view m) noexcept {
  static constexpr std::array kIdempotent{GET, HEAD, PUT, DELETE_, OPTIONS, TRACE};
  for (auto candidate : kIdempotent) {
    if (iequals(candidate, m)) return true;
  }
  return false;
}

bool encodes_fields_in_url(std::string_view m) noexcept {
  return iequals(m, GET) || iequals(m, HEAD) || iequals(m, DELETE_);
}

}  // namespace hipp::method
