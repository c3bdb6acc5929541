#include "transports/api/shared_cookie_jar.hpp"

#include <chrono>

#include "core/cookies/netscape_file.hpp"

namespace hipp {

SharedCookieJar::SharedCookieJar(cookies::Limits limits, std::shared_ptr<const cookies::PublicSuffixList> suffixes)
    : jar_(limits, std::move(suffixes)) {}

std::string SharedCookieJar::cookie_header(const url::Url& url, std::int64_t unix_now) {
  if (empty_.load(std::memory_order_acquire)) return {};
  const std::lock_guard hold(lock_);
  std::string header = jar_.cookie_header(url, unix_now);
  note_size();  // the answer drops expired cookies
  return header;
}

void SharedCookieJar::store(const url::Url& url, const Headers& response_headers, std::int64_t unix_now) {
  if (!response_headers.contains("Set-Cookie")) return;  // the common case takes no lock
  const std::lock_guard hold(lock_);
  jar_.store_all(url, response_headers, unix_now);
  note_size();
}

Result<void> SharedCookieJar::set_cookie(const url::Url& url, std::string_view set_cookie, std::int64_t unix_now) {
  const std::lock_guard hold(lock_);
  auto stored = jar_.store(url, set_cookie, unix_now);
  note_size();
  return stored;
}

Result<void> SharedCookieJar::insert(cookies::Cookie cookie, std::int64_t unix_now) {
  const std::lock_guard hold(lock_);
  auto inserted = jar_.insert(std::move(cookie), unix_now);
  note_size();
  return inserted;
}

std::size_t SharedCookieJar::load_netscape(std::string_view content, std::int64_t unix_now) {
  auto parsed = cookies::read_netscape(content);
  const std::lock_guard hold(lock_);
  std::size_t added = 0;
  for (auto& c : parsed.cookies) {
    if (c.expired(unix_now)) continue;
    if (jar_.insert(std::move(c), unix_now)) ++added;
  }
  note_size();
  return added;
}

std::string SharedCookieJar::save_netscape(std::int64_t unix_now) const {
  return cookies::write_netscape(cookies(unix_now));
}

std::vector<cookies::Cookie> SharedCookieJar::cookies(std::int64_t unix_now) const {
  const std::lock_guard hold(lock_);
  std::vector<cookies::Cookie> out;
  for (const auto& c : jar_.cookies()) {
    if (!c.expired(unix_now)) out.push_back(c);
  }
  return out;
}

std::vector<cookies::Cookie> SharedCookieJar::cookies() const {
  const std::lock_guard hold(lock_);
  return jar_.cookies();
}

std::size_t SharedCookieJar::size() const {
  const std::lock_guard hold(lock_);
  return jar_.size();
}

void SharedCookieJar::clear() {
  const std::lock_guard hold(lock_);
  jar_.clear();
  note_size();
}

std::int64_t SharedCookieJar::unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace hipp
