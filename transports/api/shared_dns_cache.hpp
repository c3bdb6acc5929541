// SharedDnsCache — a client's DNS cache: core/connect's DnsCache behind a lock, for transports whose
// connections are opened from several threads at once.
//
// The transport resolves outside the lock and only looks up, stores and forgets under it, so a slow
// resolver never blocks another thread's cache hit. Time is the caller's `now` (the transport's monotonic
// clock), as for the DnsCache itself.
// Thread safety: every member may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/connect/dns_cache.hpp"

namespace hipp {

class SharedDnsCache {
 public:
  explicit SharedDnsCache(connect::DnsCacheOptions options = {}) : cache_(options) {}

  // DnsCache::lookup, store, forget, clear and size, each under the lock.
  std::optional<std::vector<connect::Address>> lookup(std::string_view host, std::uint16_t port, TimePoint now) {
    const std::lock_guard hold(lock_);
    return cache_.lookup(host, port, now);
  }
  void store(std::string_view host, std::uint16_t port, std::vector<connect::Address> addresses, TimePoint now) {
    const std::lock_guard hold(lock_);
    cache_.store(host, port, std::move(addresses), now);
  }
  bool forget(std::string_view host, std::uint16_t port) {
    const std::lock_guard hold(lock_);
    return cache_.forget(host, port);
  }
  void clear() {
    const std::lock_guard hold(lock_);
    cache_.clear();
  }
  std::size_t size() const {
    const std::lock_guard hold(lock_);
    return cache_.size();
  }

 private:
  mutable std::mutex lock_;
  connect::DnsCache cache_;
};

}  // namespace hipp
