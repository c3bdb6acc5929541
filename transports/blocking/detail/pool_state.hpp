// The shared state behind a PoolManager and the Responses it hands out.
//
// The core's pool::PoolSet decides (which connection to reuse, when to open,
// wait, hand off or close); this class owns the sockets and the one mutex, and
// carries those decisions out, closing sockets outside the lock. Responses
// hold a shared_ptr to it, so a Response may outlive its PoolManager.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/exchange/exchange.hpp"
#include "core/policy/timeout.hpp"
#include "core/pool/pool_set.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/api/exchange_setup.hpp"
#include "transports/api/shared_dns_cache.hpp"
#include "transports/blocking/detail/h2_session.hpp"
#include "transports/blocking/detail/lease.hpp"
#include "transports/blocking/pool_manager.hpp"
#include "transports/blocking/pooled_connection.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::blocking::detail {

// What a streaming Response needs to pull the rest of its body.
struct BodyReader {
  std::shared_ptr<PoolState> pool;
  Lease lease;
  policy::RequestDeadlines deadlines;
  std::optional<Duration> keepalive_hint;  // the server's Keep-Alive: timeout=N
  bool keep_at_end = false;  // pull_body leaves the connection here at the end (the Response checks first)
};

class PoolState : public std::enable_shared_from_this<PoolState> {
 public:
  explicit PoolState(PoolManagerOptions options);

  // Runs `request` through an exchange (core/exchange) with these options and retry state, carrying out
  // its actions, and returns the delivered response. Throws the API's exceptions, and whatever a hook,
  // auth flow or observer throws.
  Response execute(PreparedExchange&& prepared);

  // Pulls the next piece of a streaming body into `out`. Returns false when
  // the body is complete (the connection has then been released, unless
  // reader.keep_at_end). Throws,
  // naming `url` (the response's) in the exception.
  static bool pull_body(BodyReader& reader, const std::string& url, std::string& out);
  // Gives a request's connection back: kept for reuse if its machine says it can be, closed otherwise
  // (an HTTP/2 stream is closed; its session stays for other requests while it is usable).
  void release(Lease lease, std::optional<Duration> keepalive_hint);
  // A request's connection must not be reused (HTTP/2: only the stream is abandoned, unless the
  // session itself failed).
  void discard(Lease lease);

  void clear();
  void close();
  // The client's circuit breakers, or null without PoolManagerOptions::circuit_breaker.
  exchange::CircuitGate* circuit_gate() const noexcept { return circuit_.get(); }
  // Serialises every auth flow call of this client (Auth instances are not thread-safe).
  std::mutex& auth_lock() noexcept { return auth_mutex_; }
  void set_event_hooks(EventHooks hooks);
  EventHooks event_hooks() const;
  std::map<std::string, PoolStats> stats() const;
  const PoolManagerOptions& options() const noexcept { return options_; }
  const ClientDefaults& defaults() const noexcept { return defaults_; }

 private:
  // The blocking Response for the exchange's delivered head, reading its body from `c`
  // (all of it when `preload_content`).
  Response make_response(exchange::Exchange& ex, Lease lease, bool preload_content);
  // A connection for `want`: a stream of a usable HTTP/2 session to its origin, an idle HTTP/1.1 one,
  // or a new one, honouring block/maxsize and the pool deadline.
  // Errors: pool_closed, pool_empty, and those of tcp_connect() and the TLS handshake.
  Result<Lease> checkout(const exchange::OpenConnection& want);
  // Opens connection `id` outside the lock, then tells the pool how it went. A connection that speaks
  // HTTP/2 (ALPN "h2", or prior knowledge) leaves the HTTP/1.1 pool for h2_sessions_.
  Result<Lease> open(pool::ConnectionId id, const exchange::OpenConnection& want, std::unique_lock<std::mutex>& lock);
  // Whether requests to `key` may go over HTTP/2.
  bool wants_http2(const pool::PoolKey& key) const noexcept;
  // A claimed stream of a usable session to `key`, or an empty Lease. Closes expired or dropped idle sessions.
  Lease claim_h2_stream_locked(const pool::PoolKey& key, std::vector<std::shared_ptr<H2Session>>& closing);
  // Forgets a session that can take no more requests once its last stream is gone.
  void retire_h2_session(const std::shared_ptr<H2Session>& session);

  // What a waiting request was granted (block=true): a live connection handed
  // off by a release, a freed slot to open a connection in, or failure.
  struct Grant {
    pool::ConnectionId id = 0;
    std::unique_ptr<PooledConnection> connection;  // null: open a new connection under `id`
    bool failed = false;                           // the pool was closed or evicted
  };
  // The bookkeeping below runs under mutex_; sockets are closed after it is released,
  // by moving them into a caller's `closing` vector.
  void dispose_locked(const pool::Disposal& disposal, std::vector<std::unique_ptr<PooledConnection>>& closing);
  void take_idle_locked(const std::vector<pool::ConnectionId>& ids,
                        std::vector<std::unique_ptr<PooledConnection>>& closing);
  // Removes and returns idle connection `id`, or null when it is not idle.
  std::unique_ptr<PooledConnection> take_idle_connection_locked(pool::ConnectionId id);
  void grant_slot_locked(const std::optional<pool::OpenFor>& slot);
  // The manager's TLS settings as a context, made on first use. Errors: those of make_mbedtls_context().
  Result<std::shared_ptr<const tls::ClientContext>> tls_context();

  const PoolManagerOptions options_;
  const ClientDefaults defaults_;
  mutable std::mutex mutex_;
  std::condition_variable granted_cv_;
  pool::PoolSet pools_;
  // Idle connections, in no order. A vector, not a map: it holds a pool's few idle connections, and
  // keeping one for reuse then costs no node allocation per request.
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  // HTTP/2 connections, shared by the requests on them; outside pools_, which counts exclusive ones.
  std::vector<std::shared_ptr<H2Session>> h2_sessions_;
  std::unordered_map<pool::WaitTicket, Grant> grants_;
  bool closed_ = false;
  std::shared_ptr<SharedCircuitGate> circuit_;
  // Has a lock of its own: lookups must not wait for the pool's bookkeeping, nor it for a resolver.
  SharedDnsCache dns_cache_;
  std::mutex tls_mutex_;
  std::shared_ptr<const tls::ClientContext> tls_context_;
  std::mutex auth_mutex_;
  mutable std::mutex hooks_mutex_;
  EventHooks hooks_;
};

}  // namespace hipp::blocking::detail
