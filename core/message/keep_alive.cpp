#include "core/message/keep_alive.hpp"

#include <charconv>
#include <chrono>
#include <string_view>

namespace hipp {

std::optional<Duration> keep_alive_timeout(const Headers& response_headers) {
  // One pass over the fields, no list of the matching values built (this runs on every response).
  for (const HeaderField& field : response_headers) {
    if (!iequals(field.name, "Keep-Alive")) continue;
    std::string_view value = field.value;
    while (!value.empty()) {
      auto comma = value.find(',');
      std::string_view item = value.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      constexpr std::string_view kTimeout = "timeout=";
      if (item.size() > kTimeout.size() && iequals(item.substr(0, kTimeout.size()), kTimeout)) {
        auto digits = item.substr(kTimeout.size());
        while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) digits.remove_suffix(1);
        unsigned seconds = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
        if (ec == std::errc() && end == digits.data() + digits.size()) {
          return std::chrono::duration_cast<Duration>(std::chrono::seconds(seconds));
        }
      }
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return std::nullopt;
}

}  // namespace hipp
