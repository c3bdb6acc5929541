#include "core/pool/pool_set.hpp"

#include <algorithm>

namespace hipp::pool {

namespace {

constexpr std::uint32_t kMaxPrefix = (std::uint32_t{1} << 24) - 1;

Unexpected unknown(std::uint64_t id) {
  return fail(ErrorCode::invalid_state, "connection " + std::to_string(id) + " belongs to no known pool");
}

void append(Disposal& out, Disposal&& more) {
  out.to_close.insert(out.to_close.end(), more.to_close.begin(), more.to_close.end());
  out.failed_waiters.insert(out.failed_waiters.end(), more.failed_waiters.begin(), more.failed_waiters.end());
}

}  // namespace

PoolSet::PoolSet(PoolConfig config, std::size_t num_pools)
    : config_(config), num_pools_(std::max<std::size_t>(num_pools, 1)) {}

std::uint32_t PoolSet::next_prefix() {
  // Prefix 0 is left to standalone pools. Terminates: there are far fewer known pools than prefixes.
  do {
    last_prefix_ = last_prefix_ == kMaxPrefix ? 1 : last_prefix_ + 1;
  } while (pools_.count(last_prefix_) != 0);
  return last_prefix_;
}

void PoolSet::retire(std::uint32_t prefix, Disposal& out) {
  Entry& entry = pools_.at(prefix);
  append(out, entry.pool.close());
  live_.erase(entry.key);
  lru_.erase(lru_pos_.at(prefix));
  lru_pos_.erase(prefix);
  if (entry.pool.total() == 0) pools_.erase(prefix);
}

ConnectionPool& PoolSet::pool_for(const PoolKey& key, Disposal& evicted) {
  // Most requests go where the last one went: comparing with the most recently
  // used pool's key is much cheaper than hashing the key's strings, and the
  // LRU order is already right.
  if (!lru_.empty()) {
    Entry& mru = pools_.at(lru_.front());
    if (mru.key == key) return mru.pool;
  }
  if (const auto it = live_.find(key); it != live_.end()) {
    lru_.splice(lru_.begin(), lru_, lru_pos_.at(it->second));
    return pools_.at(it->second).pool;
  }
  const std::uint32_t prefix = next_prefix();
  // Node-based map: the reference stays valid while other pools are inserted or erased.
  Entry& entry = pools_.emplace(prefix, Entry{key, ConnectionPool(config_, prefix)}).first->second;
  live_.emplace(key, prefix);
  lru_.push_front(prefix);
  lru_pos_.emplace(prefix, lru_.begin());
  while (live_.size() > num_pools_) retire(lru_.back(), evicted);
  return entry.pool;
}

ConnectionPool* PoolSet::find(const PoolKey& key) {
  const auto it = live_.find(key);
  return it == live_.end() ? nullptr : &pools_.at(it->second).pool;
}

PoolSet::Entry* PoolSet::owner(std::uint64_t id_or_ticket) {
  const auto it = pools_.find(ConnectionPool::prefix_of(id_or_ticket));
  return it == pools_.end() ? nullptr : &it->second;
}

void PoolSet::forget_if_drained(std::uint64_t id_or_ticket) {
  const auto it = pools_.find(ConnectionPool::prefix_of(id_or_ticket));
  if (it == pools_.end() || it->second.pool.total() != 0) return;
  const auto live = live_.find(it->second.key);
  const bool is_live = live != live_.end() && live->second == it->first;
  if (!is_live) pools_.erase(it);
}

Result<void> PoolSet::opened(ConnectionId id) {
  Entry* entry = owner(id);
  if (!entry) return unknown(id);
  return entry->pool.opened(id);
}

Result<std::optional<OpenFor>> PoolSet::open_failed(ConnectionId id) {
  Entry* entry = owner(id);
  if (!entry) return unknown(id);
  auto out = entry->pool.open_failed(id);
  forget_if_drained(id);
  return out;
}

Result<Release> PoolSet::release(ConnectionId id, bool reusable, TimePoint now,
                                 std::optional<Duration> server_keepalive_hint) {
  Entry* entry = owner(id);
  if (!entry) return unknown(id);
  auto out = entry->pool.release(id, reusable, now, server_keepalive_hint);
  forget_if_drained(id);
  return out;
}

Result<std::optional<OpenFor>> PoolSet::discard(ConnectionId id) {
  Entry* entry = owner(id);
  if (!entry) return unknown(id);
  auto out = entry->pool.discard(id);
  forget_if_drained(id);
  return out;
}

bool PoolSet::cancel_wait(WaitTicket ticket) {
  Entry* entry = owner(ticket);
  return entry != nullptr && entry->pool.cancel_wait(ticket);
}

Disposal PoolSet::clear() {
  Disposal out;
  while (!lru_.empty()) retire(lru_.back(), out);
  return out;
}

TimePoint PoolSet::next_expiry() const {
  TimePoint next = TimePoint::never();
  for (const auto& [key, prefix] : live_) next = earliest(next, pools_.at(prefix).pool.next_expiry());
  return next;
}

std::vector<ConnectionId> PoolSet::expire(TimePoint now) {
  std::vector<ConnectionId> out;
  for (const auto& [key, prefix] : live_) {
    auto expired = pools_.at(prefix).pool.expire(now);
    out.insert(out.end(), expired.begin(), expired.end());
  }
  return out;
}

PoolStatsByOrigin PoolSet::stats() const {
  PoolStatsByOrigin out;
  for (const auto& [prefix, entry] : pools_) {
    PoolStats& row = out[entry.key.to_string()];
    row.idle += entry.pool.idle();
    row.in_use += entry.pool.in_use();
    row.total += entry.pool.total();
  }
  return out;
}

}  // namespace hipp::pool
