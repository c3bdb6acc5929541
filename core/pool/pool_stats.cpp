#include "core/pool/pool_stats.hpp"

namespace hipp::pool {

void count_connection(PoolStatsByOrigin& stats, const PoolKey& key, bool idle) {
  PoolStats& row = stats[key.to_string()];
  row.idle += idle ? 1 : 0;
  row.in_use += idle ? 0 : 1;
  row.total += 1;
}

}  // namespace hipp::pool
