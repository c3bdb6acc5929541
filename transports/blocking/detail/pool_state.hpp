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

#include "core/policy/timeout.hpp"
#include "core/pool/pool_set.hpp"
#include "transports/api/prepared_request.hpp"
#include "transports/blocking/pool_manager.hpp"
#include "transports/blocking/pooled_connection.hpp"

namespace hipp::blocking::detail {

// What a streaming Response needs to pull the rest of its body.
struct BodyReader {
  std::shared_ptr<PoolState> pool;
  std::unique_ptr<PooledConnection> connection;
  policy::RequestDeadlines deadlines;
  std::string url;
  std::optional<Duration> keepalive_hint;  // the server's Keep-Alive: timeout=N
};

class PoolState : public std::enable_shared_from_this<PoolState> {
 public:
  explicit PoolState(PoolManagerOptions options);

  // Sends `request` and returns the response. Throws the API's exceptions.
  Response execute(PreparedRequest request, const Timeout& timeout, bool preload_content);

  // Pulls the next piece of a streaming body into `out`. Returns false when
  // the body is complete (the connection has then been released). Throws.
  static bool pull_body(BodyReader& reader, std::string& out);
  // Gives a connection back: kept for reuse if its machine says it can be, closed otherwise.
  void release(std::unique_ptr<PooledConnection> connection, std::optional<Duration> keepalive_hint);
  // Closes a connection that must not be reused.
  void discard(std::unique_ptr<PooledConnection> connection);

  void clear();
  void close();
  std::map<std::string, PoolStats> stats() const;
  const PoolManagerOptions& options() const noexcept { return options_; }

 private:
  // A connection for `request`, reused or new, honouring block/maxsize and the pool deadline.
  std::unique_ptr<PooledConnection> checkout(const pool::PoolKey& key, const url::Url& url,
                                            const policy::RequestDeadlines& deadlines, const std::string& url_text);
  // Opens connection `id` for `key` outside the lock, then tells the pool how it went.
  std::unique_ptr<PooledConnection> open(pool::ConnectionId id, const pool::PoolKey& key, const url::Url& url,
                                         const policy::RequestDeadlines& deadlines, const std::string& url_text,
                                         std::unique_lock<std::mutex>& lock);

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
  void grant_slot_locked(const std::optional<pool::OpenFor>& slot);

  const PoolManagerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable granted_cv_;
  pool::PoolSet pools_;
  std::unordered_map<pool::ConnectionId, std::unique_ptr<PooledConnection>> idle_;
  std::unordered_map<pool::WaitTicket, Grant> grants_;
  bool closed_ = false;
};

}  // namespace hipp::blocking::detail
