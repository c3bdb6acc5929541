// PoolStats: what get_pool_stats() reports for one origin, and the one way rows are added up.
//
// Every client reports its connections as {"scheme://host:port" → idle, in_use, total} (hyperhttp's
// get_pool_stats()). PoolSet::stats() gives the rows of the connections it pools; a transport adds the
// ones it holds outside the PoolSet (shared HTTP/2 connections) with count_connection(), so the blocking
// and the async client count the same way.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "core/pool/pool_key.hpp"

namespace hipp::pool {

// One origin's row.
struct PoolStats {
  std::size_t idle = 0;
  std::size_t in_use = 0;  // connecting included
  std::size_t total = 0;   // idle + in_use
  friend bool operator==(const PoolStats&, const PoolStats&) = default;
};

// Rows by origin (PoolKey::to_string()).
using PoolStatsByOrigin = std::map<std::string, PoolStats>;

// Adds one connection to `key`'s origin (its row is created when missing): idle, or in use.
void count_connection(PoolStatsByOrigin& stats, const PoolKey& key, bool idle);

}  // namespace hipp::pool
