#include "core/connect/dns_cache.hpp"

#include <utility>

namespace hipp::connect {

DnsCache::DnsCache(DnsCacheOptions options) : options_(options) {}

std::string DnsCache::key_of(std::string_view host, std::uint16_t port) {
  // The port first, then a space: neither a port nor a space can occur in a host, so keys cannot collide.
  std::string key = std::to_string(port);
  key += ' ';
  for (char c : host) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

std::optional<std::vector<Address>> DnsCache::lookup(std::string_view host, std::uint16_t port, TimePoint now) {
  auto found = index_.find(key_of(host, port));
  if (found == index_.end()) return std::nullopt;
  const Entries::iterator entry = found->second;
  if (now >= entry->expires) {
    index_.erase(found);
    entries_.erase(entry);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  return entry->addresses;
}

void DnsCache::store(std::string_view host, std::uint16_t port, std::vector<Address> addresses, TimePoint now) {
  std::string key = key_of(host, port);
  if (auto found = index_.find(key); found != index_.end()) {
    entries_.erase(found->second);
    index_.erase(found);
  }
  if (addresses.empty() || options_.capacity == 0 || options_.max_ttl <= Duration::zero()) return;
  while (entries_.size() >= options_.capacity) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
  entries_.push_front(Entry{key, std::move(addresses), now + options_.max_ttl});
  index_.emplace(std::move(key), entries_.begin());
}

bool DnsCache::forget(std::string_view host, std::uint16_t port) {
  auto found = index_.find(key_of(host, port));
  if (found == index_.end()) return false;
  entries_.erase(found->second);
  index_.erase(found);
  return true;
}

void DnsCache::clear() noexcept {
  index_.clear();
  entries_.clear();
}

}  // namespace hipp::connect
