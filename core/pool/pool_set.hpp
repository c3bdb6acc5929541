// PoolSet: the pools of a PoolManager, one ConnectionPool per PoolKey, at most num_pools of them.
//
// Theory of operation. Hip's PoolManager keeps num_pools (default 10) pools in a least-recently-used
// container and closes the one it drops. PoolSet does the bookkeeping of that: pool_for() finds or
// creates the pool for a key and marks it most recently used; creating one beyond num_pools evicts the
// least recently used pool, which is closed at once (its idle connections to close and its waiters to fail
// come back in a Disposal). Connections of an evicted pool that are still in use or connecting stay known:
// the pool is kept "retired" until they are released, discarded or fail to open, and their release answers
// Close (Hip: a connection returned to a closed pool is closed). A retired pool is forgotten once empty.
//
// Everything that names a connection or ticket after acquire() (opened, open_failed, release, discard,
// cancel_wait) goes through the PoolSet, which routes it by the id to the pool that issued it, live or
// retired: so it does not matter that the pool was evicted meanwhile, or that another pool now serves the
// same key. Each pool gets its own id prefix (ConnectionPool::prefix_of), reused only after 2^24 - 1 pool
// creations and never while a pool with that prefix is still known.
//
// Not thread-safe: the caller serialises calls. No call performs I/O or reads a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/pool/connection_pool.hpp"
#include "core/pool/pool_key.hpp"
#include "core/pool/pool_stats.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::pool {

class PoolSet {
 public:
  // Every pool gets `config`. `num_pools` is Hip's num_pools; 0 behaves as 1 (the pool just asked for is
  // always kept).
  explicit PoolSet(PoolConfig config, std::size_t num_pools = 10);

  // The pool for `key`, created when missing, now the most recently used. Creating it may evict the least
  // recently used pool: its Disposal is appended to `evicted` (close its idle ids now; fail its waiters
  // with pool_closed). The reference stays valid until the next pool_for() or clear(); use it for
  // acquire() and the queries, and the PoolSet members below for everything that names an id or ticket.
  ConnectionPool& pool_for(const PoolKey& key, Disposal& evicted);
  // The live pool for `key`, or nullptr; does not change the LRU order. Valid as pool_for()'s result.
  ConnectionPool* find(const PoolKey& key);

  // ConnectionPool's operations, routed by id or ticket to the pool that issued it (see there for the
  // decisions). A retired pool answers as a closed pool: release → Close, no waiters to wake.
  // Errors: invalid_state when no known pool issued the id, or as ConnectionPool reports.
  Result<void> opened(ConnectionId id);
  Result<std::optional<OpenFor>> open_failed(ConnectionId id);
  Result<Release> release(ConnectionId id, bool reusable, TimePoint now,
                          std::optional<Duration> server_keepalive_hint = std::nullopt);
  Result<std::optional<OpenFor>> discard(ConnectionId id);
  // False when the ticket is not waiting (already granted or failed), as ConnectionPool::cancel_wait().
  bool cancel_wait(WaitTicket ticket);

  // Hip's PoolManager.clear(): closes and forgets every pool; the returned Disposal lists the idle
  // connections to close and the waiters to fail with pool_closed. Connections in use are closed when
  // released. pool_for() keeps working afterwards, with fresh pools.
  Disposal clear();

  // The earliest idle expiry over all pools (never() if none), and expiry of all pools at `now`:
  // close the returned ids.
  TimePoint next_expiry() const;
  std::vector<ConnectionId> expire(TimePoint now);

  // Per origin ("scheme://host:port", PoolKey::to_string()): idle, in use, total. Pools whose keys differ
  // only in proxy or TLS settings, and retired pools still draining, are added into their origin's row.
  PoolStatsByOrigin stats() const;

  std::size_t size() const { return live_.size(); }                    // live pools
  std::size_t retired() const { return pools_.size() - live_.size(); }  // evicted pools still draining
  std::size_t num_pools() const { return num_pools_; }

 private:
  struct Entry {
    PoolKey key;
    ConnectionPool pool;
  };

  std::uint32_t next_prefix();
  void retire(std::uint32_t prefix, Disposal& out);
  Entry* owner(std::uint64_t id_or_ticket);
  void forget_if_drained(std::uint64_t id_or_ticket);

  PoolConfig config_;
  std::size_t num_pools_;
  std::unordered_map<std::uint32_t, Entry> pools_;           // by id prefix: live and retired pools
  std::unordered_map<PoolKey, std::uint32_t> live_;          // live pools by key
  std::list<std::uint32_t> lru_;                             // live prefixes, most recently used first
  std::unordered_map<std::uint32_t, std::list<std::uint32_t>::iterator> lru_pos_;
  std::uint32_t last_prefix_ = 0;
};

}  // namespace hipp::pool
