// The TLS sessions a ClientContext keeps for resumption: a bounded, thread-safe LRU map from a session
// key (host, port, proxy) to an immutable, shared saved session.
//
// Why shared and immutable: an engine offers a session by copying it into its own mbedTLS context
// (mbedtls_ssl_set_session copies), so readers never need the lock after find(), and replacing or
// evicting an entry never pulls it from under an engine that is still copying it.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace hipp::tls::detail {

template <class Session>
class SessionCache {
 public:
  using Entry = std::shared_ptr<const Session>;

  // `capacity` >= 1: past it, the least recently found or stored entry is dropped.
  explicit SessionCache(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // The session stored for `key` (now the most recently used), or null.
  Entry find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  // Stores (or replaces) the session for `key` as the most recently used; evicts past capacity.
  void store(const std::string& key, Entry session) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(session);
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.emplace_front(key, std::move(session));
    index_.emplace(key, lru_.begin());
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  // Drops the entry for `key` if it still holds `which` (a session that just failed to resume must go,
  // but not a newer one another connection stored meanwhile). Returns whether it dropped one.
  bool erase(const std::string& key, const Session* which) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end() || it->second->second.get() != which) return false;
    lru_.erase(it->second);
    index_.erase(it);
    return true;
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
  }

 private:
  using List = std::list<std::pair<std::string, Entry>>;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  List lru_;  // most recently used first
  std::unordered_map<std::string, typename List::iterator> index_;
};

}  // namespace hipp::tls::detail
