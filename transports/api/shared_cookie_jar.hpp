// SharedCookieJar — a client's cookie jar: core/cookies' CookieJar behind a lock, as the exchange reaches
// it (exchange::CookieStore).
//
//   auto jar = std::make_shared<hipp::SharedCookieJar>();
//   hipp::PoolManager http({.cookies = jar});
//   http.request("GET", "http://127.0.0.1:8080/cookies/set?k=v");  // the 302's Set-Cookie is stored
//   jar->cookies();                                                 // {k=v for 127.0.0.1, path /}
//
// A PoolManager makes one of its own unless told otherwise, so cookies persist across its requests as in
// a hyperhttp Client; share one between clients by passing the same pointer, or disable cookies with a
// null one. Times are the wall clock's unix seconds, read by the caller (the exchange passes its own).
// Thread safety: every member may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/cookies/cookie_jar.hpp"
#include "core/exchange/cookie_store.hpp"
#include "transports/api/libpsl_suffix_list.hpp"

namespace hipp {

class SharedCookieJar final : public exchange::CookieStore {
 public:
  // Public suffixes are refused with libpsl's list unless `suffixes` says otherwise (null: none refused).
  explicit SharedCookieJar(cookies::Limits limits = {},
                           std::shared_ptr<const cookies::PublicSuffixList> suffixes = system_public_suffixes());

  // exchange::CookieStore: the Cookie header for `url`, and every Set-Cookie of a response to `url`.
  std::string cookie_header(const url::Url& url, std::int64_t unix_now) override;
  void store(const url::Url& url, const Headers& response_headers, std::int64_t unix_now) override;

  // One Set-Cookie value as if received from `url` (CookieJar::store's errors: invalid_set_cookie).
  Result<void> set_cookie(const url::Url& url, std::string_view set_cookie, std::int64_t unix_now);
  // A cookie as given (CookieJar::insert's errors).
  Result<void> insert(cookies::Cookie cookie, std::int64_t unix_now);
  // Adds the cookies of a Netscape cookie file's content (curl's -b FILE); returns how many were added.
  // Malformed lines and cookies the jar refuses are skipped; expired ones are dropped.
  std::size_t load_netscape(std::string_view content, std::int64_t unix_now);
  // The jar as a Netscape cookie file (curl's -c FILE), expired cookies left out.
  std::string save_netscape(std::int64_t unix_now) const;

  // A copy of every stored cookie that has not expired at `unix_now`, in creation order.
  std::vector<cookies::Cookie> cookies(std::int64_t unix_now) const;
  // Every stored cookie, expired ones too until the jar next stores or answers.
  std::vector<cookies::Cookie> cookies() const;
  std::size_t size() const;
  void clear();

  // The wall clock's unix seconds now: what the convenience callers above usually pass.
  static std::int64_t unix_now();

 private:
  // Called with lock_ held after every change to jar_.
  void note_size() noexcept { empty_.store(jar_.size() == 0, std::memory_order_release); }

  mutable std::mutex lock_;
  cookies::CookieJar jar_;
  // Whether jar_ held no cookie after its last change: a request to a client whose jar is empty (most
  // of them) asks for its Cookie header without taking the lock.
  std::atomic<bool> empty_{true};
};

}  // namespace hipp
