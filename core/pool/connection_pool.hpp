// ConnectionPool: the bookkeeping of the connections to one PoolKey.
//
// Theory of operation. The pool owns no socket and takes no lock: it decides, and the caller (a transport,
// holding its own lock around each call) carries the decision out, performing any I/O after the call
// returns (the idea of httpcore's connection pool, where assignment is a pure step that returns what to
// close). Connections are named by ConnectionIds the pool allocates; the transport maps them to its sockets.
//
// Every connection the pool knows is in exactly one state:
//   connecting  an OpenNew (or OpenFor) was decided; the caller is opening it for one request
//   in use      opened, carrying a request (connecting counts as in use in in_use()/total())
//   idle        released as reusable, kept until reused, discarded or expired
// Requests that cannot get a connection when block=true wait as tickets in a FIFO queue.
//
// Rules (Hip's HTTPConnectionPool, hyperhttp's keep-alive settings):
// - Idle connections are reused LIFO (the most recently released first), so the least recently used ones
//   age out. An idle connection whose expiry has passed at `now` is never handed out; it is returned to be
//   closed instead.
// - block=false (Hip's default): acquire never waits; a new connection is opened even when maxsize are
//   already in use, and at release it is closed unless the idle set has room (at most maxsize idle).
// - block=true: at most maxsize connections exist (idle + in use + connecting). Beyond that acquire
//   answers Wait; a slot or connection that frees up goes to the oldest waiter first (hyperhttp's FIFO
//   waiter fairness). While a waiter exists nothing is idle, and every slot is in use.
// - Idle expiry: min(config.keepalive_expiry, the server's Keep-Alive timeout hint) after release.
// - close() (Hip's ConnectionPool.close()) closes the idle connections, fails the waiters, and makes later
//   acquires fail with pool_closed; connections still in use are closed when released.
//
// Ids and tickets are unique within a pool, never reused, and carry the pool's `id_prefix` in their top
// 24 bits so that a PoolSet can route them back to their pool (prefix_of()). A pool hands out at most
// 2^40 ids and 2^40 tickets (35 years at a thousand new connections a second).
//
// Not thread-safe: the caller serialises calls. No call performs I/O or reads a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::pool {

// Names a connection; opaque to the caller, allocated by the pool.
using ConnectionId = std::uint64_t;
// Names a request waiting for a connection (block=true only).
using WaitTicket = std::uint64_t;

struct PoolConfig {
  // Hip's maxsize: connections kept idle; with block=true also the cap on connections in existence.
  std::size_t maxsize = 1;
  // Hip's block: wait for a free connection instead of opening one beyond maxsize.
  bool block = false;
  // hyperhttp's keepalive_expiry: how long a connection may stay idle. Unset: no limit of our own (the
  // server's Keep-Alive hint still applies). Zero or negative: connections are never kept idle.
  std::optional<Duration> keepalive_expiry{};
};

// acquire() decisions.
struct Reuse {  // use this idle connection; it is now in use
  ConnectionId id;
};
struct OpenNew {  // open a new connection under this id, then call opened(id) or open_failed(id)
  ConnectionId id;
};
struct Wait {  // block=true and full: wait until a release() or a freed slot names this ticket in a
  WaitTicket ticket;  // HandOff or OpenFor; on giving up (pool deadline) call cancel_wait(ticket)
};
struct Acquire {
  std::variant<Reuse, OpenNew, Wait> action;
  // Idle connections found expired on the way: close them (they are already forgotten by the pool).
  std::vector<ConnectionId> to_close;
};

// A waiter's turn came (block=true only).
struct HandOff {  // the released connection `id` goes, still in use, to the request waiting on `ticket`
  WaitTicket ticket;
  ConnectionId id;
};
struct OpenFor {  // a slot freed up: the request waiting on `ticket` opens a new connection under `id`,
  WaitTicket ticket;  // then calls opened(id) or open_failed(id), as after OpenNew
  ConnectionId id;
};

// release() decisions.
struct KeepIdle {  // the connection is idle now, until `expires` (never() when unlimited): the caller
  TimePoint expires;  // re-arms its expiry timer from next_expiry()
};
struct Close {  // close the connection: not reusable, no room, expired on arrival, or the pool is closed
  ConnectionId id;
};
struct Release {
  std::variant<KeepIdle, HandOff, Close> action;
  // Set only with Close, when block=true and a request is waiting: the freed slot goes to it.
  std::optional<OpenFor> wake;
};

// What the caller must do when a pool is closed (or evicted from a PoolSet).
struct Disposal {
  std::vector<ConnectionId> to_close;      // idle connections: close them now
  std::vector<WaitTicket> failed_waiters;  // waiting requests: fail them with ErrorCode::pool_closed
};

class ConnectionPool {
 public:
  // `id_prefix` (its low 24 bits) is stamped into every id and ticket; PoolSet gives each pool its own.
  explicit ConnectionPool(PoolConfig config, std::uint32_t id_prefix = 0);

  // A request wants a connection at `now`. Expired idle connections are dropped first (returned in
  // to_close), then: the most recently released idle connection → Reuse; else room (or block=false) →
  // OpenNew; else → Wait (block=true). While older waiters exist the answer is always Wait (nothing is
  // idle then and every slot is taken), so nobody jumps the queue.
  // Errors: pool_closed after close(); invalid_state when block=true and maxsize=0 (it could never
  // hand out a connection).
  Result<Acquire> acquire(TimePoint now);

  // The connection decided by OpenNew/OpenFor `id` is open; it is now in use.
  // Errors: invalid_state when `id` is not connecting.
  Result<void> opened(ConnectionId id);
  // Opening `id` failed: its slot is freed and may go to the oldest waiter (the returned OpenFor).
  // Errors: invalid_state when `id` is not connecting.
  Result<std::optional<OpenFor>> open_failed(ConnectionId id);

  // The request on connection `id` is done at `now`. `reusable` is the protocol layer's verdict (the
  // response was read to its end, no "Connection: close", no error). `server_keepalive_hint` is the
  // server's `Keep-Alive: timeout=` value, if it sent one. Decision, in this order:
  //   pool closed or not reusable → Close (plus OpenFor for the oldest waiter when a slot frees up);
  //   a request is waiting → HandOff to the oldest waiter (the connection stays in use);
  //   the idle set holds maxsize already, or the expiry is not after `now` → Close;
  //   otherwise → KeepIdle until now + min(keepalive_expiry, hint).
  // Errors: invalid_state when `id` is not in use (unknown, idle, still connecting or already released).
  Result<Release> release(ConnectionId id, bool reusable, TimePoint now,
                          std::optional<Duration> server_keepalive_hint = std::nullopt);

  // Connection `id` died (idle: the peer closed it; in use: the request failed on it; connecting: same as
  // open_failed). The pool forgets it; the caller closes it. A freed slot may go to the oldest waiter.
  // Errors: invalid_state when `id` is unknown.
  Result<std::optional<OpenFor>> discard(ConnectionId id);

  // The request waiting on `ticket` gave up (its pool deadline passed; the transport reports pool_empty).
  // Returns true when the ticket was waiting and is now forgotten; false when it is not waiting any more:
  // it was already granted by a HandOff/OpenFor the caller has not delivered yet (the caller must then
  // release(), discard() or open_failed() that grant itself) or failed by close().
  bool cancel_wait(WaitTicket ticket);

  // Closes the pool: returns the idle connections to close and the waiters to fail with pool_closed.
  // Later acquire() fails with pool_closed, release() answers Close, and in-use and connecting
  // connections are closed when released. Idempotent.
  Disposal close();
  bool closed() const { return closed_; }

  // The earliest idle expiry, or TimePoint::never() when nothing idle expires: arm a timer for it.
  TimePoint next_expiry() const;
  // Drops the idle connections whose expiry is at or before `now`; close the returned ids, oldest first.
  std::vector<ConnectionId> expire(TimePoint now);

  // Stats (hyperhttp's get_pool_stats): idle() + in_use() == total(); connecting() is part of in_use().
  std::size_t idle() const { return idle_.size(); }
  std::size_t in_use() const { return in_use_.size() + connecting_.size(); }
  std::size_t connecting() const { return connecting_.size(); }
  std::size_t total() const { return idle() + in_use(); }
  std::size_t waiting() const { return waiters_.size(); }
  const PoolConfig& config() const { return config_; }

  // The id_prefix a ConnectionId or WaitTicket was allocated under.
  static std::uint32_t prefix_of(std::uint64_t id_or_ticket) {
    return static_cast<std::uint32_t>(id_or_ticket >> 40);
  }

 private:
  struct IdleEntry {
    ConnectionId id;
    TimePoint expires;
  };

  ConnectionId next_id();
  WaitTicket next_ticket();
  bool has_room() const;
  std::optional<OpenFor> grant_freed_slot();
  TimePoint idle_expiry(TimePoint now, std::optional<Duration> hint) const;

  PoolConfig config_;
  std::uint64_t prefix_bits_;
  std::uint64_t ids_issued_ = 0;
  std::uint64_t tickets_issued_ = 0;
  std::vector<IdleEntry> idle_;  // in release order: back() is the most recently released
  // Sets of ids, unordered. A pool holds few connections, so a vector (searched from the back, where
  // the newest ids are) beats a hash set, whose node allocation every acquire would pay.
  std::vector<ConnectionId> in_use_;
  std::vector<ConnectionId> connecting_;
  std::deque<WaitTicket> waiters_;  // front() is the oldest
  bool closed_ = false;
};

}  // namespace hipp::pool
