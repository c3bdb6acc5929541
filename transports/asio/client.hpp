// Client — the async client, hyperhttp's Client over standalone Asio and C++20 coroutines.
//
//   asio::io_context io;
//   hipp::async::Client client(io.get_executor(), {.base_url = "http://127.0.0.1:8080"});
//   asio::co_spawn(io, [&]() -> asio::awaitable<void> {
//     hipp::async::Response r = co_await client.get("/users");
//     r.raise_for_status();
//     auto users = r.json();
//   }, asio::detached);
//   io.run();
//
// It runs on the executor it is given and owns no thread: every socket, timer and HTTP/2 reader lives on
// that executor, and the client's state is touched only from it. Use the client and its responses from
// coroutines running on that executor; when the io_context runs on several threads, give the client a
// strand (asio::make_strand(io)) and run those coroutines on the same strand.
//
// Every request runs through the same core as the sync client (core/exchange: retries, redirects, auth,
// hooks, cookies, circuit breaking; the HTTP/1.1 and HTTP/2 machines; the TLS engine), so an option means
// the same thing in both. The pool (ClientOptions::max_connections across every origin,
// max_keepalive_connections per origin) serves waiting requests oldest first; concurrent requests to an
// HTTP/2 origin share one connection up to its stream limit.
//
// Cancellation: each request awaitable honours its coroutine's cancellation slot (asio's per-operation
// cancellation: an awaitable operator, a bound cancellation_signal, a timeout wrapper). A cancelled request
// throws RequestCancelled; the connection it was using is closed, never returned to the pool.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>

#include "core/pool/pool_stats.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/api/exchange_setup.hpp"
#include "transports/api/request_options.hpp"
#include "transports/api/shared_cookie_jar.hpp"
#include "transports/asio/client_options.hpp"
#include "transports/asio/response.hpp"

namespace hipp::async {

namespace detail {
class ClientPool;
}

// One origin's row of get_pool_stats(): the core's, as the blocking client's.
using PoolStats = pool::PoolStats;

class Client {
 public:
  explicit Client(asio::any_io_executor executor, ClientOptions options = {});
  ~Client();  // closes idle connections; responses still streaming close theirs when done
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request and completes with its response: after the whole body when
  // options.preload_content (the default), after the head otherwise. Relative URLs are resolved against
  // base_url. Throws the hierarchy of transports/api/errors.hpp (as PoolManager::request), plus
  // PoolTimeoutError when no connection freed within the pool timeout and RequestCancelled.
  asio::awaitable<Response> request(std::string method, std::string url, RequestOptions options = {});
  // As request(), but the body stays on the connection until read (hyperhttp's stream()).
  asio::awaitable<Response> stream(std::string method, std::string url, RequestOptions options = {});

  asio::awaitable<Response> get(std::string url, RequestOptions options = {}) {
    return request("GET", std::move(url), std::move(options));
  }
  asio::awaitable<Response> head(std::string url, RequestOptions options = {}) {
    return request("HEAD", std::move(url), std::move(options));
  }
  asio::awaitable<Response> options(std::string url, RequestOptions options = {}) {
    return request("OPTIONS", std::move(url), std::move(options));
  }
  asio::awaitable<Response> delete_(std::string url, RequestOptions options = {}) {
    return request("DELETE", std::move(url), std::move(options));
  }
  asio::awaitable<Response> post(std::string url, RequestOptions options = {}) {
    return request("POST", std::move(url), std::move(options));
  }
  asio::awaitable<Response> put(std::string url, RequestOptions options = {}) {
    return request("PUT", std::move(url), std::move(options));
  }
  asio::awaitable<Response> patch(std::string url, RequestOptions options = {}) {
    return request("PATCH", std::move(url), std::move(options));
  }

  // request() with any Asio completion token: a callback void(std::exception_ptr, Response),
  // asio::use_future, asio::use_awaitable, asio::deferred...
  template <class CompletionToken>
  auto async_request(std::string method, std::string url, RequestOptions options, CompletionToken&& token) {
    return asio::co_spawn(executor_, request(std::move(method), std::move(url), std::move(options)),
                          std::forward<CompletionToken>(token));
  }

  // Closes every idle connection; later requests fail with ClosedPoolError. hyperhttp's aclose().
  asio::awaitable<void> aclose();
  void close();

  // {"http://host:port" → idle, in_use, total}, hyperhttp's get_pool_stats().
  std::map<std::string, PoolStats> get_pool_stats() const;

  void set_event_hooks(EventHooks hooks) { options_.event_hooks = std::move(hooks); }
  const EventHooks& event_hooks() const noexcept { return options_.event_hooks; }
  // The client's cookie jar; null when cookies are disabled.
  const std::shared_ptr<SharedCookieJar>& cookies() const noexcept { return cookies_; }
  const asio::any_io_executor& executor() const noexcept { return executor_; }

 private:
  asio::awaitable<Response> send(std::string method, std::string url, RequestOptions options);
  asio::awaitable<Response> send_mock(PreparedExchange prepared, bool decode_content);
  std::string absolute(std::string url) const;
  // The head part of `r` from the exchange's delivery.
  static void fill_head(Response& r, exchange::FinalResponse& final_response, std::string url,
                        const std::vector<exchange::Decision>& decisions, Duration elapsed);

  asio::any_io_executor executor_;
  ClientOptions options_;
  ClientDefaults defaults_;
  std::optional<RetryPolicy> policy_;  // the client's RetryPolicy (with its redirect settings), if it has one
  std::shared_ptr<SharedCircuitGate> circuit_;
  std::shared_ptr<SharedCookieJar> cookies_;
  std::mutex auth_lock_;
  std::shared_ptr<detail::ClientPool> pool_;
};

}  // namespace hipp::async
