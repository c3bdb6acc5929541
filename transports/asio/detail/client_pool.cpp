#include "transports/asio/detail/client_pool.hpp"

#include <algorithm>

#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "transports/api/steady_clock.hpp"
#include "transports/asio/detail/tcp_connect.hpp"
#include "transports/tls/mbedtls_context.hpp"

namespace hipp::async::detail {

ClientPool::ClientPool(asio::any_io_executor strand, PoolOptions options)
    : strand_(std::move(strand)),
      options_(std::move(options)),
      pools_(pool::PoolConfig{options_.max_keepalive_connections, false, options_.keepalive_expiry},
             // Idle connections are what a pool holds; an origin's pool is dropped only when the budget
             // is the limit, so keep as many pools as connections may exist.
             std::max<std::size_t>(options_.max_connections, 1)),
      budget_(options_.max_connections),
      dns_(options_.dns_cache) {}

ClientPool::~ClientPool() {
  closed_ = true;
  for (auto& c : idle_) c->stream->close();
  for (auto& h2 : h2_) h2->close();
}

bool ClientPool::wants_http2(const pool::PoolKey& key) const noexcept {
  return key.scheme == "https" ? options_.http2 : options_.http2_prior_knowledge;
}

bool ClientPool::has_idle(const pool::PoolKey& key) const noexcept {
  return std::any_of(idle_.begin(), idle_.end(), [&](const auto& c) { return c->key == key; });
}

Lease ClientPool::claim_h2_stream(const pool::PoolKey& key) {
  const TimePoint now = steady_now();
  for (auto it = h2_.begin(); it != h2_.end();) {
    const std::shared_ptr<H2Connection>& c = *it;
    if (c->key() != key) {
      ++it;
      continue;
    }
    const bool idle = c->is_idle();
    const bool expired = idle && options_.keepalive_expiry && now - c->idle_since() >= *options_.keepalive_expiry;
    if (idle && (!c->is_reusable() || expired)) {
      c->close();
      it = h2_.erase(it);
      continue;
    }
    if (c->try_claim()) return Lease(c, true);
    ++it;
  }
  return Lease();
}

void ClientPool::retire_h2(const std::shared_ptr<H2Connection>& connection) {
  if (!connection || connection->is_reusable() || !connection->is_idle()) return;
  auto it = std::find(h2_.begin(), h2_.end(), connection);
  if (it == h2_.end()) return;
  connection->close();
  h2_.erase(it);
}

namespace {
// One slot of a ClientPool's budget, given back when the last holder lets go.
struct SlotToken {
  SlotToken(std::weak_ptr<ClientPool> p, std::function<void(ClientPool&)> g)
      : pool(std::move(p)), give_back(std::move(g)) {}
  SlotToken(const SlotToken&) = delete;
  SlotToken& operator=(const SlotToken&) = delete;
  ~SlotToken() {
    if (auto p = pool.lock()) give_back(*p);
  }
  std::weak_ptr<ClientPool> pool;
  std::function<void(ClientPool&)> give_back;
};
}  // namespace

std::shared_ptr<void> ClientPool::slot_token() {
  return std::make_shared<SlotToken>(weak_from_this(), [](ClientPool& p) { p.give_back_slot(); });
}

void ClientPool::give_back_slot() {
  if (auto ticket = budget_.give_back()) {
    auto it = waiters_.find(*ticket);
    if (it != waiters_.end()) {
      it->second->granted = true;
      it->second->timer->cancel();
    }
  }
}

bool ClientPool::evict_idle_elsewhere(const pool::PoolKey& key) {
  auto it = std::find_if(idle_.begin(), idle_.end(), [&](const auto& c) { return c->key != key; });
  if (it == idle_.end()) {
    // An idle HTTP/2 connection of another origin holds a slot too.
    auto h2 = std::find_if(h2_.begin(), h2_.end(), [&](const auto& c) { return c->key() != key && c->is_idle(); });
    if (h2 == h2_.end()) return false;
    std::shared_ptr<H2Connection> victim = std::move(*h2);
    h2_.erase(h2);
    victim->close();
    return true;
  }
  std::unique_ptr<Http1Connection> victim = std::move(*it);
  idle_.erase(it);
  (void)pools_.discard(victim->id);
  victim->stream->close();
  return true;  // its slot goes back as `victim` is destroyed here
}

std::unique_ptr<Http1Connection> ClientPool::take_idle(pool::ConnectionId id) {
  auto it = std::find_if(idle_.begin(), idle_.end(), [id](const auto& c) { return c->id == id; });
  if (it == idle_.end()) return nullptr;
  std::unique_ptr<Http1Connection> c = std::move(*it);
  idle_.erase(it);  // keep the release order: eviction takes the front
  return c;
}

void ClientPool::close_idle(const std::vector<pool::ConnectionId>& ids) {
  for (auto id : ids) {
    if (auto c = take_idle(id)) c->stream->close();
  }
}

asio::awaitable<Result<bool>> ClientPool::wait_for_slot(pool::ConnectionBudget::Ticket ticket,
                                                        const exchange::OpenConnection& want) {
  asio::steady_timer timer(strand_);
  timer.expires_at(to_steady(want.pool_deadline));
  Waiter waiter{&timer};
  waiters_[ticket] = &waiter;
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiters_.erase(ticket);
  if (waiter.granted) co_return true;
  if (waiter.nudged && !closed_) co_return false;
  if (closed_) co_return fail(ErrorCode::pool_closed, "the client is closed");
  if (!ec) {
    co_return fail(ErrorCode::pool_timeout, "no connection to " + want.key.to_string() + " within the pool timeout (" +
                                                std::to_string(budget_.max_connections()) + " connections in use)");
  }
  co_return fail(ErrorCode::cancelled, "waiting for a connection cancelled");
}

void ClientPool::nudge_oldest_waiter() {
  if (budget_.waiting() == 0) return;
  auto it = waiters_.find(budget_.oldest_waiter());
  if (it == waiters_.end()) return;  // it is awake already and will look again
  it->second->nudged = true;
  it->second->timer->cancel();
}

asio::awaitable<Result<Lease>> ClientPool::checkout(const exchange::OpenConnection& want) {
  const bool h2 = wants_http2(want.key);
  std::shared_ptr<void> slot;  // a budget slot this request holds for a new connection
  // Our place in the queue for a slot, while we have one; given up on the way out.
  struct Place {
    pool::ConnectionBudget& budget;
    std::optional<pool::ConnectionBudget::Ticket> ticket;
    ~Place() {
      if (ticket) (void)budget.cancel(*ticket);
    }
  } place{budget_, std::nullopt};
  for (;;) {
    if (closed_) co_return fail(ErrorCode::pool_closed, "the client is closed");
    if (h2) {
      if (Lease stream = claim_h2_stream(want.key)) co_return stream;
      // A connection to this origin is being opened and may speak HTTP/2: wait for it rather than open a
      // second one that would carry a single stream (hyperhttp shares one connection per h2 origin).
      if (auto opening = h2_opening_.find(want.key); opening != h2_opening_.end()) {
        if (auto ok = co_await wait_for_h2_opening(opening->second, want); !ok) co_return Unexpected{std::move(ok).error()};
        continue;
      }
    }
    // Nobody overtakes a waiter: with requests queued, a newcomer queues too, even for an idle connection.
    const bool reusable_idle = has_idle(want.key) && (place.ticket || budget_.waiting() == 0);
    if (!slot && !reusable_idle) {
      if (!place.ticket) {
        auto taken = budget_.take();
        if (std::holds_alternative<pool::ConnectionBudget::Granted>(taken)) {
          slot = slot_token();
          continue;
        }
        place.ticket = std::get<pool::ConnectionBudget::Wait>(taken).ticket;
      }
      // Closing another origin's idle connection frees a slot, which goes to the oldest waiter: this
      // request, or one that was there first (then close another).
      while (budget_.is_waiting(*place.ticket) && evict_idle_elsewhere(want.key)) {
      }
      bool granted = !budget_.is_waiting(*place.ticket);
      if (!granted) {
        auto woken = co_await wait_for_slot(*place.ticket, want);
        if (!woken) co_return Unexpected{std::move(woken).error()};
        granted = *woken;  // false: nudged, a connection went idle; look again
      }
      if (granted) {
        place.ticket.reset();
        slot = slot_token();
      }
      continue;  // an HTTP/2 stream or an idle connection may be free now
    }
    if (place.ticket) {  // reusing an idle connection instead of waiting for a slot
      (void)budget_.cancel(*place.ticket);
      place.ticket.reset();
    }
    pool::Disposal evicted;
    pool::ConnectionPool& p = pools_.pool_for(want.key, evicted);
    close_idle(evicted.to_close);
    auto acquired = p.acquire(steady_now());
    if (!acquired) co_return Unexpected{std::move(acquired).error()};
    close_idle(acquired->to_close);
    if (auto* reuse = std::get_if<pool::Reuse>(&acquired->action)) {
      std::unique_ptr<Http1Connection> c = take_idle(reuse->id);
      if (!c || c->stream->is_dropped()) {
        (void)pools_.discard(reuse->id);
        continue;  // closed as `c` goes; try the next idle one
      }
      co_return Lease(std::move(c));  // a slot taken meanwhile goes back as `slot` is dropped
    }
    const pool::ConnectionId id = std::get<pool::OpenNew>(acquired->action).id;
    if (!slot) {
      // The idle connections it counted on had expired: take a budget slot first.
      (void)pools_.open_failed(id);
      continue;
    }
    co_return co_await open(id, std::move(slot), want);
  }
}

asio::awaitable<Result<void>> ClientPool::wait_for_h2_opening(H2Opening& opening, const exchange::OpenConnection& want) {
  asio::steady_timer timer(strand_);
  timer.expires_at(to_steady(want.pool_deadline));
  opening.waiters.push_back(&timer);
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  // The opener erased the whole entry (and this waiter with it) when it woke us; otherwise remove ourselves.
  if (auto it = h2_opening_.find(want.key); it != h2_opening_.end()) {
    auto& w = it->second.waiters;
    w.erase(std::remove(w.begin(), w.end(), &timer), w.end());
  }
  if (!ec) co_return fail(ErrorCode::pool_timeout, "the HTTP/2 connection to " + want.key.to_string() + " was not ready within the pool timeout");
  if (!timer_woken_.erase(&timer)) co_return fail(ErrorCode::cancelled, "waiting for a connection cancelled");
  co_return Result<void>{};
}

asio::awaitable<Result<Lease>> ClientPool::open(pool::ConnectionId id, std::shared_ptr<void> slot,
                                                const exchange::OpenConnection& want) {
  // While this connection is being opened, other requests to an HTTP/2-capable origin wait for it
  // (checkout), and are woken however the opening ends: connected, failed, or cancelled.
  struct OpeningMark {
    ClientPool& pool;
    const pool::PoolKey* key = nullptr;
    ~OpeningMark() {
      if (!key) return;
      auto it = pool.h2_opening_.find(*key);
      if (it == pool.h2_opening_.end()) return;
      for (asio::steady_timer* t : it->second.waiters) {
        pool.timer_woken_.insert(t);
        t->cancel();
      }
      pool.h2_opening_.erase(it);
    }
  } mark{*this};
  if (wants_http2(want.key) && h2_opening_.emplace(want.key, H2Opening{}).second) mark.key = &want.key;
  Result<std::unique_ptr<Stream>> made = co_await [&]() -> asio::awaitable<Result<std::unique_ptr<Stream>>> {
    auto socket = co_await connect_tcp(strand_, want.host, want.port, want.connect_deadline,
                                       options_.happy_eyeballs_delay, options_.resolver, &dns_);
    if (!socket) co_return Unexpected{std::move(socket).error()};
    auto stream = std::make_unique<Stream>(std::move(*socket));
    if (want.key.scheme == "https") {
      auto context = tls_context();
      if (!context) co_return Unexpected{std::move(context).error()};
      auto engine = (*context)->connect(want.host, tls::SessionKey{.port = want.port, .proxy = ""});
      if (!engine) co_return Unexpected{std::move(engine).error()};
      stream->set_tls(std::move(*engine));
      if (auto ok = co_await stream->handshake(want.connect_deadline); !ok) co_return Unexpected{std::move(ok).error()};
    }
    co_return stream;
  }();
  if (!made) {
    (void)pools_.open_failed(id);
    co_return Unexpected{std::move(made).error()};
  }
  if (closed_) {
    (void)pools_.open_failed(id);
    co_return fail(ErrorCode::pool_closed, "the client was closed while connecting");
  }
  std::unique_ptr<Stream>& stream = *made;
  const bool speaks_h2 = stream->tls() ? stream->tls()->alpn_protocol() == "h2" : wants_http2(want.key);
  if (!speaks_h2) {
    (void)pools_.opened(id);  // cannot fail: `id` was handed out for connecting and nothing else saw it
    auto c = std::make_unique<Http1Connection>(id, want.key, std::move(stream), options_.limits);
    c->slot = std::move(slot);
    co_return Lease(std::move(c));
  }
  // An HTTP/2 connection is shared, not checked out: it leaves the origin's pool of exclusive connections
  // and joins the ones later requests look at first.
  (void)pools_.open_failed(id);
  auto connection = std::make_shared<H2Connection>(want.key, std::move(stream), options_.http2_settings, steady_now());
  connection->set_slot(std::move(slot));
  connection->start();
  (void)connection->try_claim();  // a fresh connection always has a stream free
  h2_.push_back(connection);
  co_return Lease(std::move(connection), false);
}

Result<std::shared_ptr<const tls::ClientContext>> ClientPool::tls_context() {
  // Loading the CA bundle costs milliseconds: once per client, on its first https request.
  if (!tls_context_) {
    tls::ClientConfig config = options_.tls;
    config.alpn = options_.http2 ? std::vector<std::string>{"h2", "http/1.1"} : std::vector<std::string>{"http/1.1"};
    auto made = tls::make_mbedtls_context(config);
    if (!made) return Unexpected{std::move(made).error()};
    tls_context_ = std::move(*made);
  }
  return tls_context_;
}

void ClientPool::release(Lease lease, std::optional<Duration> keepalive_hint) {
  if (lease.is_http2()) {
    retire_h2(lease.release_stream(steady_now()));
    return;
  }
  std::unique_ptr<Http1Connection> c = lease.take_http1();
  if (!c) return;
  const bool reusable = !closed_ && c->machine.is_reusable() && c->machine.start_next_cycle().has_value();
  ++c->requests_served;
  auto decision = pools_.release(c->id, reusable, steady_now(), keepalive_hint);
  if (decision && std::holds_alternative<pool::KeepIdle>(decision->action)) {
    idle_.push_back(std::move(c));
    nudge_oldest_waiter();  // the oldest waiter reuses it, or closes it to open one of its own origin
    return;
  }
  c->stream->close();  // not reusable, no room, or the pool no longer knows it; the slot goes back with `c`
}

void ClientPool::discard(Lease lease) {
  if (lease.is_http2()) {
    retire_h2(lease.release_stream(steady_now()));
    return;
  }
  std::unique_ptr<Http1Connection> c = lease.take_http1();
  if (!c) return;
  (void)pools_.discard(c->id);
  c->stream->close();
}

void ClientPool::close() {
  if (closed_) return;
  closed_ = true;
  pool::Disposal disposal = pools_.clear();
  close_idle(disposal.to_close);
  for (auto& c : idle_) c->stream->close();
  idle_.clear();
  std::vector<std::shared_ptr<H2Connection>> h2;
  h2.swap(h2_);
  for (auto& c : h2) {
    if (c->is_idle()) c->close();  // busy ones close when their last stream is released (retire_h2)
  }
  for (auto& [ticket, waiter] : waiters_) waiter->timer->cancel();
}

pool::PoolStatsByOrigin ClientPool::stats() const {
  pool::PoolStatsByOrigin out = pools_.stats();
  for (const auto& c : h2_) pool::count_connection(out, c->key(), c->is_idle());
  return out;
}

}  // namespace hipp::async::detail
