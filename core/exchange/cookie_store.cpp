#include "core/exchange/cookie_store.hpp"

namespace hipp::exchange {

void CookieHeader::apply(Headers& headers, std::string_view jar_cookies) {
  if (jar_cookies.empty() && !sent_ && !headers.contains("Cookie")) {
    caller_.reset();  // nothing to send, nothing of ours to take back: most requests
    return;
  }
  std::optional<std::string> current;
  for (std::string_view v : headers.get_all("Cookie")) {
    if (current) {
      *current += "; ";
      *current += v;
    } else {
      current.emplace(v);
    }
  }
  if (sent_ && current == sent_) current = caller_;  // untouched since the last attempt
  caller_ = current;

  std::string value = current.value_or(std::string{});
  if (!jar_cookies.empty()) {
    if (!value.empty()) value += "; ";
    value += jar_cookies;
  }
  if (value.empty()) {
    headers.remove("Cookie");
    sent_.reset();
    return;
  }
  headers.set("Cookie", value);
  sent_ = std::move(value);
}

}  // namespace hipp::exchange
