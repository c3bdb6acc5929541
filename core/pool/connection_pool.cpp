#include "core/pool/connection_pool.hpp"

#include <algorithm>
#include <string>

namespace hipp::pool {

namespace {

constexpr unsigned kCounterBits = 40;
constexpr std::uint64_t kCounterMask = (std::uint64_t{1} << kCounterBits) - 1;
constexpr std::uint32_t kPrefixMask = (std::uint32_t{1} << (64 - kCounterBits)) - 1;

Unexpected not_in(ConnectionId id, const char* what) {
  std::string detail = "connection ";
  detail += std::to_string(id);
  detail += " is not ";
  detail += what;
  return fail(ErrorCode::invalid_state, std::move(detail));
}

// Removes `id` from an unordered id set; false if it is not there.
bool erase_id(std::vector<ConnectionId>& ids, ConnectionId id) noexcept {
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    if (*it == id) {
      *it = ids.back();
      ids.pop_back();
      return true;
    }
  }
  return false;
}

}  // namespace

ConnectionPool::ConnectionPool(PoolConfig config, std::uint32_t id_prefix)
    : config_(config), prefix_bits_(std::uint64_t{id_prefix & kPrefixMask} << kCounterBits) {}

ConnectionId ConnectionPool::next_id() { return prefix_bits_ | (++ids_issued_ & kCounterMask); }

WaitTicket ConnectionPool::next_ticket() { return prefix_bits_ | (++tickets_issued_ & kCounterMask); }

bool ConnectionPool::has_room() const { return total() < config_.maxsize; }

std::optional<OpenFor> ConnectionPool::grant_freed_slot() {
  if (closed_ || waiters_.empty() || !has_room()) return std::nullopt;
  const WaitTicket ticket = waiters_.front();
  waiters_.pop_front();
  const ConnectionId id = next_id();
  connecting_.push_back(id);
  return OpenFor{ticket, id};
}

TimePoint ConnectionPool::idle_expiry(TimePoint now, std::optional<Duration> hint) const {
  // A zero or negative limit means "do not keep": expire at `now`, which release() turns into Close.
  const auto after = [now](Duration d) { return d > Duration::zero() ? now + d : now; };
  TimePoint expires = TimePoint::never();
  if (config_.keepalive_expiry) expires = earliest(expires, after(*config_.keepalive_expiry));
  if (hint) expires = earliest(expires, after(*hint));
  return expires;
}

Result<Acquire> ConnectionPool::acquire(TimePoint now) {
  if (closed_) return fail(ErrorCode::pool_closed, "the connection pool is closed");
  if (config_.block && config_.maxsize == 0) {
    return fail(ErrorCode::invalid_state, "a pool with block=true and maxsize=0 can never hand out a connection");
  }
  Acquire out{Wait{0}, expire(now)};
  // No need to look at the waiters first: while any wait, nothing is idle and every slot is taken
  // (release() hands off before keeping idle, a freed slot goes to the oldest waiter), so a newcomer
  // lands in the Wait branch behind them.
  if (!idle_.empty()) {
    const ConnectionId id = idle_.back().id;  // LIFO: the most recently released
    idle_.pop_back();
    in_use_.push_back(id);
    out.action = Reuse{id};
  } else if (!config_.block || has_room()) {
    const ConnectionId id = next_id();
    connecting_.push_back(id);
    out.action = OpenNew{id};
  } else {
    waiters_.push_back(next_ticket());
    out.action = Wait{waiters_.back()};
  }
  return out;
}

Result<void> ConnectionPool::opened(ConnectionId id) {
  if (!erase_id(connecting_, id)) return not_in(id, "connecting");
  in_use_.push_back(id);
  return {};
}

Result<std::optional<OpenFor>> ConnectionPool::open_failed(ConnectionId id) {
  if (!erase_id(connecting_, id)) return not_in(id, "connecting");
  return grant_freed_slot();
}

Result<Release> ConnectionPool::release(ConnectionId id, bool reusable, TimePoint now,
                                        std::optional<Duration> server_keepalive_hint) {
  if (!erase_id(in_use_, id)) return not_in(id, "in use");
  if (closed_) return Release{Close{id}, std::nullopt};
  if (!reusable) return Release{Close{id}, grant_freed_slot()};
  if (!waiters_.empty()) {
    const WaitTicket ticket = waiters_.front();
    waiters_.pop_front();
    in_use_.push_back(id);
    return Release{HandOff{ticket, id}, std::nullopt};
  }
  const TimePoint expires = idle_expiry(now, server_keepalive_hint);
  // Hip's _put_conn: a connection that does not fit the idle set (maxsize) is discarded.
  if (expires <= now || idle_.size() >= config_.maxsize) return Release{Close{id}, grant_freed_slot()};
  idle_.push_back(IdleEntry{id, expires});
  return Release{KeepIdle{expires}, std::nullopt};
}

Result<std::optional<OpenFor>> ConnectionPool::discard(ConnectionId id) {
  const auto idle_it = std::find_if(idle_.begin(), idle_.end(), [id](const IdleEntry& e) { return e.id == id; });
  if (idle_it != idle_.end()) {
    idle_.erase(idle_it);
  } else if (!erase_id(in_use_, id) && !erase_id(connecting_, id)) {
    return not_in(id, "in this pool");
  }
  return grant_freed_slot();
}

bool ConnectionPool::cancel_wait(WaitTicket ticket) {
  const auto it = std::find(waiters_.begin(), waiters_.end(), ticket);
  if (it == waiters_.end()) return false;
  waiters_.erase(it);
  return true;
}

Disposal ConnectionPool::close() {
  Disposal out;
  if (closed_) return out;
  closed_ = true;
  out.to_close.reserve(idle_.size());
  for (const IdleEntry& e : idle_) out.to_close.push_back(e.id);
  idle_.clear();
  out.failed_waiters.assign(waiters_.begin(), waiters_.end());
  waiters_.clear();
  return out;
}

TimePoint ConnectionPool::next_expiry() const {
  TimePoint next = TimePoint::never();
  for (const IdleEntry& e : idle_) next = earliest(next, e.expires);
  return next;
}

std::vector<ConnectionId> ConnectionPool::expire(TimePoint now) {
  std::vector<ConnectionId> expired;
  const auto keep = std::stable_partition(idle_.begin(), idle_.end(), [now](const IdleEntry& e) {
    return e.expires > now;
  });
  for (auto it = keep; it != idle_.end(); ++it) expired.push_back(it->id);
  idle_.erase(keep, idle_.end());
  return expired;
}

}  // namespace hipp::pool
