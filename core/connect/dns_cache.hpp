// DnsCache: resolved address lists kept for a bounded time, keyed by host and port.
//
// Theory of operation. The transport resolves (the core does no DNS) and stores what its resolver returned
// with store(); before resolving again it asks lookup(). A system resolver reports no TTL, so no entry may outlive
// its record's real TTL by much: every entry lives at most `max_ttl` after it was stored, then lookup()
// misses and drops it. At most `capacity` entries are kept; storing one more evicts the least recently used
// (a lookup hit or a store makes an entry the most recently used). When every address of an entry failed,
// the transport calls forget() so that the next connection resolves again instead of retrying stale
// addresses for the rest of the TTL. Negative answers (a failed resolution, an empty list) are not cached.
//
// Host names compare ASCII case-insensitively (DNS names do, RFC 4343); the port is part of the key because
// the addresses carry it. Time comes in as `now`; the cache never reads a clock.
//
// Not thread-safe: the caller serialises calls (transports/api/shared_dns_cache.hpp holds one behind a lock).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/connect/address.hpp"
#include "core/time.hpp"

namespace hipp::connect {

struct DnsCacheOptions {
  // The longest an entry is used after it was stored. Zero or negative: nothing is cached.
  Duration max_ttl = std::chrono::seconds(60);
  // The most entries kept (least recently used evicted first). Zero: nothing is cached.
  std::size_t capacity = 256;
};

class DnsCache {
 public:
  explicit DnsCache(DnsCacheOptions options = {});

  // A copy of the addresses stored for host:port, when stored less than max_ttl before `now`; the entry is
  // then the most recently used. An expired entry is dropped and misses.
  std::optional<std::vector<Address>> lookup(std::string_view host, std::uint16_t port, TimePoint now);
  // Keeps `addresses` for host:port from `now` (replacing what was stored for it), evicting the least
  // recently used entry when full. An empty list is not stored (and drops what was stored).
  void store(std::string_view host, std::uint16_t port, std::vector<Address> addresses, TimePoint now);
  // Drops the entry for host:port. Returns whether there was one.
  bool forget(std::string_view host, std::uint16_t port);
  void clear() noexcept;

  // Entries held, expired ones included until a lookup or an eviction drops them.
  std::size_t size() const noexcept { return entries_.size(); }
  const DnsCacheOptions& options() const noexcept { return options_; }

 private:
  struct Entry {
    std::string key;
    std::vector<Address> addresses;
    TimePoint expires;
  };
  using Entries = std::list<Entry>;  // most recently used first

  static std::string key_of(std::string_view host, std::uint16_t port);

  DnsCacheOptions options_;
  Entries entries_;
  std::unordered_map<std::string, Entries::iterator> index_;
};

}  // namespace hipp::connect
