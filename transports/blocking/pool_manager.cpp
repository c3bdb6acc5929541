#include "transports/blocking/pool_manager.hpp"

#include <chrono>

#include "transports/api/errors.hpp"
#include "transports/api/prepared_request.hpp"
#include "transports/blocking/detail/pool_state.hpp"

namespace hipp::blocking {

PoolManager::PoolManager(PoolManagerOptions options)
    : state_(std::make_shared<detail::PoolState>(std::move(options))) {}

PoolManager::~PoolManager() { state_->close(); }

Response PoolManager::request(std::string_view method, std::string_view url, RequestOptions options) {
  const PoolManagerOptions& defaults = state_->options();
  exchange::ExchangeOptions xo;
  xo.timeout = options.timeout.value_or(defaults.timeout);
  xo.follow_redirects = options.redirect;
  const bool preload = options.preload_content;
  policy::RetryState retry = make_retry_state(options.retries ? *options.retries : defaults.retries);
  std::shared_ptr<auth::Auth> auth = options.auth ? *options.auth : defaults.auth;
  const bool explicit_no_auth = options.auth && !*options.auth;

  auto prepared = prepare_request(method, url, std::move(options), defaults.headers);
  if (!prepared) throw_error(std::move(prepared).error(), std::string(url));
  // URL userinfo is Basic auth unless the caller chose an auth (or none) for this request.
  if (!auth && !explicit_no_auth && prepared->url.userinfo) auth = std::make_shared<auth::BasicAuth>(auth::basic_from_userinfo(prepared->url));
  if (auth) xo.auth = serialized_flow(*auth, state_->auth_lock());
  xo.hooks = state_->event_hooks();
  xo.observer = defaults.telemetry;
  xo.circuit = state_->circuit_gate();
  xo.random = thread_random();
  xo.unix_now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // The flow holds the Auth by reference: keep it alive for the request.
  return state_->execute(std::move(*prepared), std::move(xo), std::move(retry), preload, std::move(auth));
}

void PoolManager::clear() { state_->clear(); }

void PoolManager::close() { state_->close(); }

std::map<std::string, PoolStats> PoolManager::pool_stats() const { return state_->stats(); }

void PoolManager::set_event_hooks(EventHooks hooks) { state_->set_event_hooks(std::move(hooks)); }

EventHooks PoolManager::event_hooks() const { return state_->event_hooks(); }

}  // namespace hipp::blocking
