// ClientPool — the async client's connections: the core's decisions carried out on one strand.
//
// pool::PoolSet keeps each origin's idle HTTP/1.1 connections (at most max_keepalive_connections, LIFO,
// keep-alive expiry); pool::ConnectionBudget caps the connections of every origin together
// (max_connections) and queues the requests that wait for room, oldest first. Every connection holds one
// slot of the budget from the moment it is decided until it is closed, whoever closes it (a slot token
// that gives the slot back when the connection is destroyed), so a forgotten connection cannot leak a slot.
// A request that finds the budget full closes the least recently used idle connection of another origin
// to make room, or waits until its pool deadline (PoolTimeoutError).
//
// HTTP/2 connections leave the per-origin pool once ALPN (or prior knowledge) says h2: they are shared,
// each request taking a stream, up to the server's MAX_CONCURRENT_STREAMS; more requests than that open
// another connection.
//
// Everything here runs on the client's strand: no locks.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "core/exchange/actions.hpp"
#include "core/http1/connection.hpp"
#include "core/http2/connection.hpp"
#include "core/pool/connection_budget.hpp"
#include "core/pool/pool_set.hpp"
#include "core/result.hpp"
#include "transports/asio/detail/lease.hpp"
#include "transports/asio/detail/tcp_connect.hpp"
#include "transports/tls/client_config.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::async::detail {

struct PoolOptions {
  std::size_t max_connections = 100;          // every origin together; 0: no cap
  std::size_t max_keepalive_connections = 20; // idle connections kept per origin
  std::optional<Duration> keepalive_expiry{};
  bool http2 = true;
  bool http2_prior_knowledge = false;
  http2::Settings http2_settings{};
  http1::Limits limits{};
  tls::ClientConfig tls{};
  Duration happy_eyeballs_delay = std::chrono::milliseconds(250);
  Resolver resolver{};  // unset: numeric hosts as they are, names through asio's resolver
  connect::DnsCacheOptions dns_cache{};
};

class ClientPool : public std::enable_shared_from_this<ClientPool> {
 public:
  ClientPool(asio::any_io_executor strand, PoolOptions options);
  ~ClientPool();

  // A connection for `want`: a stream of a usable HTTP/2 connection to its origin, an idle HTTP/1.1 one,
  // or a new one, within the budget and the pool deadline. Errors: pool_closed, pool_timeout, cancelled,
  // and those of resolving, connecting and the TLS handshake.
  asio::awaitable<Result<Lease>> checkout(const exchange::OpenConnection& want);
  // A request's connection back: kept idle if its machine allows and the origin has room, closed
  // otherwise (an HTTP/2 stream is closed; the connection stays while it is usable).
  void release(Lease lease, std::optional<Duration> keepalive_hint);
  // A request's connection must not be reused (HTTP/2: only its stream is abandoned).
  void discard(Lease lease);

  // Closes every idle connection and fails later checkouts with pool_closed; connections in use close
  // when released.
  void close();
  bool closed() const noexcept { return closed_; }
  pool::PoolStatsByOrigin stats() const;
  const asio::any_io_executor& executor() const noexcept { return strand_; }

 private:
  struct Waiter {
    asio::steady_timer* timer;
    bool granted = false;  // a slot was given to it
    bool nudged = false;   // a connection went idle: it should look again
  };
  // The requests waiting for a connection to an HTTP/2-capable origin that is being opened.
  struct H2Opening {
    std::vector<asio::steady_timer*> waiters;
  };
  asio::awaitable<Result<void>> wait_for_h2_opening(H2Opening& opening, const exchange::OpenConnection& want);
  bool wants_http2(const pool::PoolKey& key) const noexcept;
  Lease claim_h2_stream(const pool::PoolKey& key);
  void retire_h2(const std::shared_ptr<H2Connection>& connection);
  bool has_idle(const pool::PoolKey& key) const noexcept;
  // Closes the least recently released idle connection of another origin than `key`; false if none.
  bool evict_idle_elsewhere(const pool::PoolKey& key);
  std::unique_ptr<Http1Connection> take_idle(pool::ConnectionId id);
  void close_idle(const std::vector<pool::ConnectionId>& ids);
  // The token a new connection holds its budget slot with: gives the slot back when dropped.
  std::shared_ptr<void> slot_token();
  void give_back_slot();
  // Wakes the oldest waiter to look at a connection that just went idle.
  void nudge_oldest_waiter();
  // Waits in the queue for a budget slot: true when one was given, false when nudged to look again.
  // Errors: pool_timeout at the pool deadline, pool_closed, cancelled.
  asio::awaitable<Result<bool>> wait_for_slot(pool::ConnectionBudget::Ticket ticket, const exchange::OpenConnection& want);
  asio::awaitable<Result<Lease>> open(pool::ConnectionId id, std::shared_ptr<void> slot,
                                      const exchange::OpenConnection& want);
  Result<std::shared_ptr<const tls::ClientContext>> tls_context();

  asio::any_io_executor strand_;
  PoolOptions options_;
  pool::PoolSet pools_;
  pool::ConnectionBudget budget_;
  std::vector<std::unique_ptr<Http1Connection>> idle_;  // in release order: the front is the least recent
  std::vector<std::shared_ptr<H2Connection>> h2_;
  std::unordered_map<pool::ConnectionBudget::Ticket, Waiter*> waiters_;
  std::unordered_map<pool::PoolKey, H2Opening> h2_opening_;
  std::unordered_set<asio::steady_timer*> timer_woken_;  // waiters on h2_opening_ woken by the opener
  std::shared_ptr<const tls::ClientContext> tls_context_;
  connect::DnsCache dns_;
  bool closed_ = false;
};

}  // namespace hipp::async::detail
