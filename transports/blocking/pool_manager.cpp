#include "transports/blocking/pool_manager.hpp"

#include <chrono>

#include "core/decode/coding.hpp"
#include "transports/api/errors.hpp"
#include "transports/api/exchange_setup.hpp"
#include "transports/blocking/detail/pool_state.hpp"

namespace hipp::blocking {

PoolManager::PoolManager(PoolManagerOptions options)
    : cookies_(options.cookies ? *options.cookies : std::make_shared<SharedCookieJar>()),
      state_(std::make_shared<detail::PoolState>(std::move(options))) {}

PoolManager::~PoolManager() { state_->close(); }

Response PoolManager::request(std::string_view method, std::string_view url, RequestOptions options) {
  ClientContext context;
  context.hooks = state_->event_hooks();
  context.circuit = state_->circuit_gate();
  context.auth_lock = &state_->auth_lock();
  context.random = thread_random();
  context.cookies = cookies_;
  context.unix_now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const PoolManagerOptions& manager = state_->options();
  if (manager.accept_compressed && !options.headers.contains("Accept-Encoding") &&
      !manager.headers.contains("Accept-Encoding")) {
    options.headers.add("Accept-Encoding", decode::accept_encoding());
  }
  const bool decode_content = options.decode_content;
  auto prepared = prepare_exchange(method, url, std::move(options), state_->defaults(), std::move(context));
  if (!prepared) throw_error(std::move(prepared).error(), std::string(url));
  // The body is read here, not by the pool, so that the Response decodes it from its first byte.
  const bool preload_content = prepared->preload_content;
  prepared->preload_content = false;
  Response response = state_->execute(std::move(*prepared));
  response.start_body(decode_content, manager.decode_limits, preload_content);
  return response;
}

void PoolManager::clear() { state_->clear(); }

void PoolManager::close() { state_->close(); }

std::map<std::string, PoolStats> PoolManager::pool_stats() const { return state_->stats(); }

void PoolManager::set_event_hooks(EventHooks hooks) { state_->set_event_hooks(std::move(hooks)); }

EventHooks PoolManager::event_hooks() const { return state_->event_hooks(); }

}  // namespace hipp::blocking
