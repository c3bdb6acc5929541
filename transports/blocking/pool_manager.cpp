#include "transports/blocking/pool_manager.hpp"

#include "transports/api/errors.hpp"
#include "transports/api/prepared_request.hpp"
#include "transports/blocking/detail/pool_state.hpp"

namespace hipp::blocking {

PoolManager::PoolManager(PoolManagerOptions options)
    : state_(std::make_shared<detail::PoolState>(std::move(options))) {}

PoolManager::~PoolManager() { state_->close(); }

Response PoolManager::request(std::string_view method, std::string_view url, RequestOptions options) {
  const Timeout timeout = options.timeout.value_or(state_->options().timeout);
  const bool preload = options.preload_content;
  auto prepared = prepare_request(method, url, std::move(options), state_->options().headers);
  if (!prepared) throw_error(std::move(prepared).error(), std::string(url));
  return state_->execute(std::move(*prepared), timeout, preload);
}

void PoolManager::clear() { state_->clear(); }

void PoolManager::close() { state_->close(); }

std::map<std::string, PoolStats> PoolManager::pool_stats() const { return state_->stats(); }

}  // namespace hipp::blocking
