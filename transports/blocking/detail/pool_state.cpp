#include "transports/blocking/detail/pool_state.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include "core/message/keep_alive.hpp"
#include "core/message/method.hpp"
#include "core/exchange/exchange.hpp"
#include "transports/api/body_source.hpp"
#include "transports/api/errors.hpp"
#include "transports/blocking/clock.hpp"
#include "transports/blocking/tcp_connect.hpp"
#include "transports/tls/mbedtls_context.hpp"

namespace hipp::blocking::detail {

namespace {

using Connection = std::unique_ptr<PooledConnection>;

[[noreturn]] void throw_result_error(Error error, const std::string& url) { throw_error(std::move(error), url); }

// Calls the hook with the detail `make_detail()` builds, building it only when
// a hook is set: formatting heads and addresses costs more than the rest of a request.
template <class MakeDetail>
void trace(const TraceHook& hook, TraceKind kind, MakeDetail&& make_detail) {
  if (hook) hook(kind, make_detail());
}

std::string format_head(const http1::ResponseHead& head) {
  std::string out = head.version_major == 2 ? std::string("HTTP/2 ")
                                            : "HTTP/" + std::to_string(head.version_major) + "." +
                                                  std::to_string(head.version_minor) + " ";
  out += std::to_string(head.status);
  if (!head.reason.empty() && head.version_major != 2) {
    out += ' ';
    out += head.reason;
  }
  out += "\r\n";
  for (const auto& f : head.headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace

PoolState::PoolState(PoolManagerOptions options)
    : options_(std::move(options)),
      defaults_{options_.headers, options_.timeout, RetryTemplate(options_.retries), options_.auth, options_.telemetry},
      pools_(pool::PoolConfig{options_.maxsize, options_.block, options_.keepalive_expiry}, options_.num_pools),
      dns_cache_(options_.dns_cache),
      hooks_(options_.event_hooks) {
  if (options_.circuit_breaker) {
    auto gate = SharedCircuitGate::create(*options_.circuit_breaker);
    if (!gate) throw_error(std::move(gate).error(), {});
    circuit_ = std::move(*gate);
  }
}

void PoolState::set_event_hooks(EventHooks hooks) {
  std::lock_guard lock(hooks_mutex_);
  hooks_ = std::move(hooks);
}

EventHooks PoolState::event_hooks() const {
  std::lock_guard lock(hooks_mutex_);
  return hooks_;
}

Response PoolState::execute(PreparedExchange&& prepared) {
  const bool preload_content = prepared.preload_content;
  BodySource source(prepared.request.body);
  exchange::ExchangeOptions& options = prepared.options;
  if (options_.trace) {
    options.hooks.response.insert(options.hooks.response.begin(), [this](const exchange::AttemptResponse& r) {
      options_.trace(TraceKind::response_head, format_head(r.head));
    });
  }
  exchange::Exchange ex(prepared.take_exchange_request(), std::move(options), std::move(prepared.retry), steady_now());

  // Every call into the exchange runs under the lease's lock: an HTTP/2 session's machine is shared
  // with other threads' requests (HTTP/1.1: no lock).
  Lease lease;
  bool head_pending = false;  // the next Send carries a request head (for the trace)
  try {
    for (;;) {
      const exchange::Action action = ex.next_action();  // a copy: the handlers below call back into ex
      if (auto* open = std::get_if<exchange::OpenConnection>(&action)) {
        auto got = checkout(*open);
        if (!got) {
          ex.on_connect_failed(std::move(got).error(), steady_now());
          continue;
        }
        lease = std::move(*got);
        head_pending = !lease.is_http2();
        auto state = lease.lock();
        ex.on_connected(lease.channel(), lease.reused(), steady_now());
        lease.on_started();
        if (lease.is_http2()) {
          // HTTP/2 heads are HPACK-compressed frames: show the fields as sent, curl-style.
          trace(options_.trace, TraceKind::request_head, [&] {
            const exchange::Request& r = ex.request();
            std::string head = r.method + " " + r.target() + " HTTP/2\r\n";
            for (const auto& f : r.headers) head.append(f.name).append(": ").append(f.value).append("\r\n");
            return head + "\r\n";
          });
        }
      } else if (auto* send = std::get_if<exchange::Send>(&action)) {
        if (head_pending) {
          trace(options_.trace, TraceKind::request_head,
                [&] { return std::string(as_chars(lease.http1()->machine.pending_output())); });
          head_pending = false;
        }
        auto written = lease.send(send->deadline);
        auto state = lease.lock();
        if (!written) {
          ex.on_io_failed(std::move(written).error(), steady_now());
        } else {
          ex.on_sent(steady_now());
        }
      } else if (auto* pull = std::get_if<exchange::PullBody>(&action)) {
        auto piece = source.pull(*pull);
        auto state = lease.lock();
        report_body_piece(ex, std::move(piece), steady_now());
      } else if (auto* receive = std::get_if<exchange::Receive>(&action)) {
        auto got = lease.receive(receive->deadline);
        auto state = lease.lock();
        if (!got) {
          ex.on_io_failed(std::move(got).error(), steady_now());
        } else {
          ex.on_received(steady_now());
        }
      } else if (auto* release_action = std::get_if<exchange::ReleaseConnection>(&action)) {
        if (lease) {
          if (release_action->reusable) {
            release(std::move(lease), std::nullopt);
          } else {
            discard(std::move(lease));
          }
          lease = Lease();
        }
      } else if (auto* wait = std::get_if<exchange::WaitUntil>(&action)) {
        sleep_until(wait->at);
        ex.on_timer(steady_now());
      } else if (std::holds_alternative<exchange::Deliver>(action)) {
        return make_response(ex, std::move(lease), preload_content);
      } else {
        Error error = std::get<exchange::Fail>(action).error;
        if (lease) discard(std::move(lease));
        throw_result_error(std::move(error), ex.url_text());
      }
    }
  } catch (...) {
    // A hook, auth flow or observer threw (or we did): the connection is in an unknown state.
    if (lease) discard(std::move(lease));
    throw;
  }
}

Response PoolState::make_response(exchange::Exchange& ex, Lease lease, bool preload_content) {
  exchange::FinalResponse final_response = ex.take_response();
  http1::ResponseHead& head = final_response.head;
  Response response;  // one return: constructed in place (NRVO), never moved
  response.status_ = head.status;
  response.reason_ = std::move(head.reason);
  if (head.version_major == 1 && head.version_minor == 1) {
    response.version_ = "HTTP/1.1";
  } else if (head.version_major == 2) {
    response.version_ = "HTTP/2";
  } else {
    response.version_ = "HTTP/" + std::to_string(head.version_major) + "." + std::to_string(head.version_minor);
  }
  response.url_ = ex.take_url_text();
  response.headers_ = std::move(head.headers);
  response.history_ = std::move(final_response.history);
  if (!ex.decisions().empty()) response.decisions_ = ex.decisions();
  response.attempts_ = final_response.attempts;
  response.reader_ = std::make_unique<BodyReader>(
      BodyReader{shared_from_this(), std::move(lease), ex.deadlines(), keep_alive_timeout(response.headers_)});
  if (preload_content) response.data();
  return response;
}

bool PoolState::pull_body(BodyReader& reader, const std::string& url, std::string& out) {
  auto more = reader.lease.pull_body(reader.deadlines, out);
  if (!more) {
    reader.pool->discard(std::move(reader.lease));
    throw_result_error(std::move(more).error(), url);
  }
  if (!*more && !reader.keep_at_end) reader.pool->release(std::move(reader.lease), reader.keepalive_hint);
  return *more;
}

bool PoolState::wants_http2(const pool::PoolKey& key) const noexcept {
  return key.scheme == "https" ? options_.http2 : options_.http2_prior_knowledge;
}

Lease PoolState::claim_h2_stream_locked(const pool::PoolKey& key, std::vector<std::shared_ptr<H2Session>>& closing) {
  const TimePoint now = steady_now();
  for (auto it = h2_sessions_.begin(); it != h2_sessions_.end();) {
    const std::shared_ptr<H2Session>& session = *it;
    if (session->key() != key) {
      ++it;
      continue;
    }
    auto state = session->lock();
    const bool idle = session->is_idle_locked();
    const bool expired = idle && options_.keepalive_expiry && now - session->idle_since_locked() >= *options_.keepalive_expiry;
    if (!session->is_reusable_locked() ? idle : (expired || (idle && session->is_dropped_locked()))) {
      trace(options_.trace, TraceKind::closed, [&] { return "idle HTTP/2 connection expired or was dropped"; });
      state.unlock();
      closing.push_back(std::move(*it));
      it = h2_sessions_.erase(it);
      continue;
    }
    if (session->try_claim_locked()) {
      trace(options_.trace, TraceKind::reused, [&] { return session->peer_address(); });
      return Lease(session, true);
    }
    ++it;
  }
  return Lease();
}

void PoolState::retire_h2_session(const std::shared_ptr<H2Session>& session) {
  std::shared_ptr<H2Session> closing;
  const std::lock_guard lock(mutex_);
  {
    auto state = session->lock();
    if (session->is_reusable_locked() || !session->is_idle_locked()) return;
  }
  auto it = std::find(h2_sessions_.begin(), h2_sessions_.end(), session);
  if (it == h2_sessions_.end()) return;
  trace(options_.trace, TraceKind::closed, [&] { return "the HTTP/2 connection can take no more requests"; });
  closing = std::move(*it);
  h2_sessions_.erase(it);
}

Result<Lease> PoolState::checkout(const exchange::OpenConnection& want) {
  std::vector<Connection> closing;  // declared before the lock: destroyed (closed) after it is released
  std::vector<std::shared_ptr<H2Session>> closing_h2;
  std::unique_lock lock(mutex_);
  const bool h2 = wants_http2(want.key);
  for (;;) {
    if (closed_) return fail(ErrorCode::pool_closed, "the PoolManager is closed");
    if (h2) {
      if (Lease stream = claim_h2_stream_locked(want.key, closing_h2)) return stream;
    }
    pool::Disposal evicted;
    pool::ConnectionPool& p = pools_.pool_for(want.key, evicted);
    dispose_locked(evicted, closing);
    auto acquired = p.acquire(steady_now());
    if (!acquired) return Unexpected{std::move(acquired).error()};
    take_idle_locked(acquired->to_close, closing);

    if (auto* reuse = std::get_if<pool::Reuse>(&acquired->action)) {
      Connection c = take_idle_connection_locked(reuse->id);
      if (c->socket.is_dropped()) {
        trace(options_.trace, TraceKind::closed, [&] { return "idle connection was dropped by the server"; });
        grant_slot_locked(pools_.discard(reuse->id).value_or(std::nullopt));
        closing.push_back(std::move(c));
        continue;
      }
      trace(options_.trace, TraceKind::reused, [&] { return c->socket.peer_address(); });
      return Lease(std::move(c));
    }
    if (auto* open_new = std::get_if<pool::OpenNew>(&acquired->action)) return open(open_new->id, want, lock);

    // block=true and every connection is taken: wait our turn (FIFO), until the pool deadline.
    const pool::WaitTicket ticket = std::get<pool::Wait>(acquired->action).ticket;
    const TimePoint deadline = want.pool_deadline;
    auto granted = [&] { return grants_.count(ticket) != 0 || closed_; };
    if (deadline.is_never()) {
      granted_cv_.wait(lock, granted);
    } else {
      granted_cv_.wait_for(lock, std::max(deadline - steady_now(), Duration::zero()), granted);
    }
    auto it = grants_.find(ticket);
    if (it == grants_.end()) {
      pools_.cancel_wait(ticket);  // true here: nothing was granted to this ticket
      if (closed_) continue;       // reports ClosedPoolError
      return fail(ErrorCode::pool_empty, "pool for " + want.key.to_string() + " is full (maxsize=" +
                                             std::to_string(options_.maxsize) +
                                             ", block=true): no connection freed before the pool deadline");
    }
    Grant grant = std::move(it->second);
    grants_.erase(it);
    if (grant.failed) continue;  // the pool went away: start over with a fresh one
    if (grant.connection) {
      trace(options_.trace, TraceKind::reused, [&] { return grant.connection->socket.peer_address(); });
      return Lease(std::move(grant.connection));
    }
    return open(grant.id, want, lock);
  }
}

Result<Lease> PoolState::open(pool::ConnectionId id, const exchange::OpenConnection& want,
                              std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  trace(options_.trace, TraceKind::connecting, [&] { return want.host + ":" + std::to_string(want.port); });
  auto c = std::make_unique<PooledConnection>();
  c->id = id;
  c->key = want.key;
  c->machine = http1::Connection(options_.limits);
  Result<void> connected = [&]() -> Result<void> {
    auto socket = tcp_connect(want.host, want.port, want.connect_deadline,
                              {.happy_eyeballs_delay = options_.happy_eyeballs_delay, .dns_cache = &dns_cache_});
    if (!socket) return Unexpected{std::move(socket).error()};
    c->socket = std::move(*socket);
    trace(options_.trace, TraceKind::connected, [&] { return c->socket.peer_address(); });
    if (want.key.scheme != "https") return {};
    auto context = tls_context();
    if (!context) return Unexpected{std::move(context).error()};
    auto engine = (*context)->connect(want.host, tls::SessionKey{.port = want.port, .proxy = ""});
    if (!engine) return Unexpected{std::move(engine).error()};
    c->tls = std::move(*engine);
    return c->handshake(want.connect_deadline);
  }();
  lock.lock();
  if (!connected) {
    grant_slot_locked(pools_.open_failed(id).value_or(std::nullopt));
    return Unexpected{std::move(connected).error()};
  }
  (void)pools_.opened(id);  // cannot fail: `id` was handed out for connecting and nothing else saw it
  const bool speaks_h2 = c->tls ? c->tls->alpn_protocol() == "h2" : wants_http2(want.key);
  if (!speaks_h2) return Lease(std::move(c));

  // An HTTP/2 connection is shared, not checked out: it leaves the pool's count of exclusive
  // connections (waiters may take the slot) and joins the sessions other requests look at first.
  grant_slot_locked(pools_.discard(id).value_or(std::nullopt));
  auto session = std::make_shared<H2Session>(want.key, std::move(c->socket), std::move(c->tls), options_.http2_settings);
  {
    auto state = session->lock();
    (void)session->try_claim_locked();  // a fresh connection always has a stream free
  }
  h2_sessions_.push_back(session);
  return Lease(std::move(session), false);
}

Result<std::shared_ptr<const tls::ClientContext>> PoolState::tls_context() {
  // Loading the CA bundle costs milliseconds: once per manager, on its first https request.
  std::lock_guard lock(tls_mutex_);
  if (!tls_context_) {
    tls::ClientConfig config = options_.tls;
    config.alpn = options_.http2 ? std::vector<std::string>{"h2", "http/1.1"} : std::vector<std::string>{"http/1.1"};
    auto made = tls::make_mbedtls_context(config);
    if (!made) return Unexpected{std::move(made).error()};
    tls_context_ = std::move(*made);
  }
  return tls_context_;
}

void PoolState::release(Lease lease, std::optional<Duration> keepalive_hint) {
  if (lease.is_http2()) {
    retire_h2_session(lease.release_stream(steady_now()));
    return;
  }
  Connection c = lease.take_http1();
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  const bool reusable = c->machine.is_reusable() && c->machine.start_next_cycle().has_value();
  ++c->requests_served;
  auto decision = pools_.release(c->id, reusable, steady_now(), keepalive_hint);
  if (!decision) {  // the pool no longer knows it (cleared): just close it
    closing.push_back(std::move(c));
    return;
  }
  if (std::holds_alternative<pool::KeepIdle>(decision->action)) {
    idle_.push_back(std::move(c));
  } else if (auto* handoff = std::get_if<pool::HandOff>(&decision->action)) {
    grants_[handoff->ticket] = Grant{handoff->id, std::move(c), false};
    granted_cv_.notify_all();
  } else {
    trace(options_.trace, TraceKind::closed, [&] { return reusable ? "the pool is full" : "the connection cannot be reused"; });
    closing.push_back(std::move(c));
  }
  grant_slot_locked(decision->wake);
}

void PoolState::discard(Lease lease) {
  if (lease.is_http2()) {
    retire_h2_session(lease.release_stream(steady_now()));
    return;
  }
  Connection c = lease.take_http1();
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  trace(options_.trace, TraceKind::closed, [&] { return "the connection failed or was abandoned"; });
  grant_slot_locked(pools_.discard(c->id).value_or(std::nullopt));
  closing.push_back(std::move(c));
}

void PoolState::grant_slot_locked(const std::optional<pool::OpenFor>& slot) {
  if (!slot) return;
  grants_[slot->ticket] = Grant{slot->id, nullptr, false};
  granted_cv_.notify_all();
}

void PoolState::dispose_locked(const pool::Disposal& disposal, std::vector<Connection>& closing) {
  take_idle_locked(disposal.to_close, closing);
  for (auto ticket : disposal.failed_waiters) grants_[ticket] = Grant{0, nullptr, true};
  if (!disposal.failed_waiters.empty()) granted_cv_.notify_all();
}

void PoolState::take_idle_locked(const std::vector<pool::ConnectionId>& ids, std::vector<Connection>& closing) {
  for (auto id : ids) {
    if (Connection c = take_idle_connection_locked(id)) closing.push_back(std::move(c));
  }
}

Connection PoolState::take_idle_connection_locked(pool::ConnectionId id) {
  auto it = std::find_if(idle_.begin(), idle_.end(), [id](const Connection& c) { return c->id == id; });
  if (it == idle_.end()) return nullptr;
  Connection c = std::move(*it);
  // Order does not matter (the pool picks by id): swap with the last and pop, no shifting.
  *it = std::move(idle_.back());
  idle_.pop_back();
  return c;
}

void PoolState::clear() {
  std::vector<Connection> closing;
  std::vector<std::shared_ptr<H2Session>> closing_h2;  // sessions in use close when their last request ends
  std::lock_guard lock(mutex_);
  dispose_locked(pools_.clear(), closing);
  closing_h2.swap(h2_sessions_);
}

void PoolState::close() {
  std::vector<Connection> closing;
  std::vector<std::shared_ptr<H2Session>> closing_h2;
  std::lock_guard lock(mutex_);
  closed_ = true;
  dispose_locked(pools_.clear(), closing);
  closing_h2.swap(h2_sessions_);
  granted_cv_.notify_all();
}

std::map<std::string, PoolStats> PoolState::stats() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, PoolStats> out = pools_.stats();
  for (const auto& session : h2_sessions_) {
    auto state = session->lock();
    pool::count_connection(out, session->key(), session->is_idle_locked());
  }
  return out;
}

}  // namespace hipp::blocking::detail
