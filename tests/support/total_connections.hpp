// total_connections(): how many connections a client's pool stats count, over every origin.
//
// A test that expects no connection left cannot read `stats.begin()->second`: the map may then be empty,
// and dereferencing its end() is undefined behaviour. This adds up whatever rows there are (0 for none).
#pragma once

#include <cstddef>

#include "core/pool/pool_stats.hpp"

namespace hipp::test {

inline std::size_t total_connections(const pool::PoolStatsByOrigin& stats) {
  std::size_t total = 0;
  for (const auto& [origin, row] : stats) total += row.total;
  return total;
}

// The same over a client: hipp::async::Client (get_pool_stats()) or hipp::PoolManager (pool_stats()).
template <class Client>
std::size_t total_connections(const Client& client) {
  if constexpr (requires { client.get_pool_stats(); }) {
    return total_connections(client.get_pool_stats());
  } else {
    return total_connections(client.pool_stats());
  }
}

}  // namespace hipp::test
