#include "transports/blocking/detail/pool_state.hpp"

#include <fstream>
#include <utility>

#include "core/message/keep_alive.hpp"
#include "core/message/method.hpp"
#include "transports/api/errors.hpp"
#include "transports/blocking/clock.hpp"
#include "transports/blocking/tcp_connect.hpp"

namespace hipp::blocking::detail {

namespace {

// Pieces of a file or a fixed body handed to the machine at a time: large
// enough to amortise a syscall, small enough that a 1 GiB file costs 64 KiB.
constexpr std::size_t kBodyChunk = 64 * 1024;

// How long to hold the body back waiting for 100 Continue before sending it
// anyway (curl's default, RFC 9110 §10.1.1 allows sending after a while).
constexpr Duration kExpectContinueWait = std::chrono::seconds(1);

using Connection = std::unique_ptr<PooledConnection>;

[[noreturn]] void throw_result_error(Error error, const std::string& url) { throw_error(std::move(error), url); }

// Calls the hook with the detail `make_detail()` builds, building it only when
// a hook is set: formatting heads and addresses costs more than the rest of a request.
template <class MakeDetail>
void trace(const TraceHook& hook, TraceKind kind, MakeDetail&& make_detail) {
  if (hook) hook(kind, make_detail());
}

std::string format_head(int major, int minor, int status, std::string_view reason, const Headers& headers) {
  std::string out = "HTTP/" + std::to_string(major) + "." + std::to_string(minor) + " " + std::to_string(status);
  if (!reason.empty()) {
    out += ' ';
    out += reason;
  }
  out += "\r\n";
  for (const auto& f : headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

// Streams the request body into the machine, flushing as it goes.
Result<void> send_body(PooledConnection& c, Body& body, const policy::RequestDeadlines& deadlines) {
  auto send_piece = [&](Bytes piece) -> Result<void> {
    if (auto ok = c.machine.send_body(piece); !ok) return ok;
    return c.flush(deadlines);
  };
  if (auto* bytes = std::get_if<std::string>(&body)) {
    Bytes all = as_bytes(*bytes);
    while (!all.empty()) {
      auto piece = all.first(std::min(all.size(), kBodyChunk));
      if (auto ok = send_piece(piece); !ok) return ok;
      all = all.subspan(piece.size());
    }
  } else if (auto* file = std::get_if<FileBody>(&body)) {
    std::ifstream in(file->path, std::ios::binary);
    if (!in) return fail(ErrorCode::body_source_failed, "cannot open body file '" + file->path.string() + "'");
    std::string buffer(kBodyChunk, '\0');
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      if (auto ok = send_piece(as_bytes(std::string_view(buffer.data(), got))); !ok) return ok;
    }
    if (in.bad()) return fail(ErrorCode::body_source_failed, "reading body file '" + file->path.string() + "' failed");
  } else if (auto* generator = std::get_if<GeneratorBody>(&body)) {
    for (;;) {
      std::optional<std::string> piece;
      try {
        piece = generator->next();
      } catch (const std::exception& e) {
        return fail(ErrorCode::body_source_failed, std::string("body generator threw: ") + e.what());
      }
      if (!piece) break;
      if (auto ok = send_piece(as_bytes(*piece)); !ok) return ok;
    }
  }
  if (auto ok = c.machine.send_end(); !ok) return ok;
  return c.flush(deadlines);
}

// Sends the request and reads up to the final response head. On error the
// connection's machine is in its error state.
Result<http1::ResponseHead> send_and_read_head(PooledConnection& c, PreparedRequest& req,
                                               const policy::RequestDeadlines& deadlines, const TraceHook& hook) {
  if (auto ok = c.machine.send_request(req.method, req.target, req.headers); !ok) return Unexpected{std::move(ok).error()};
  trace(hook, TraceKind::request_head, [&] { return as_chars(c.machine.pending_output()); });
  if (auto ok = c.flush(deadlines); !ok) return Unexpected{std::move(ok).error()};

  std::optional<http1::ResponseHead> early_head;
  if (req.expect_continue) {
    // Hold the body back until 100 Continue, a final response, or a short wait.
    const TimePoint give_up_at = steady_now() + kExpectContinueWait;
    while (c.machine.expecting_continue()) {
      auto event = c.next_event(deadlines, give_up_at);
      if (!event) return Unexpected{std::move(event).error()};
      if (std::holds_alternative<http1::NeedData>(*event)) break;  // the server stays silent: send the body anyway
      if (auto* info = std::get_if<http1::InformationalResponse>(&*event)) {
        trace(hook, TraceKind::response_head, [&] { return format_head(1, 1, info->status, info->reason, info->headers); });
      } else if (auto* head = std::get_if<http1::ResponseHead>(&*event)) {
        early_head = std::move(*head);  // a final answer before the body: do not send it
        break;
      }
    }
  }
  if (!early_head) {
    if (auto ok = send_body(c, req.body, deadlines); !ok) {
      c.machine.send_failed();
      return Unexpected{std::move(ok).error()};
    }
  } else {
    return std::move(*early_head);
  }
  for (;;) {
    auto event = c.next_event(deadlines);
    if (!event) return Unexpected{std::move(event).error()};
    if (auto* head = std::get_if<http1::ResponseHead>(&*event)) return std::move(*head);
    if (auto* info = std::get_if<http1::InformationalResponse>(&*event)) {
      // 1xx: the machine caps how many; keep reading.
      trace(hook, TraceKind::response_head, [&] { return format_head(1, 1, info->status, info->reason, info->headers); });
    }
  }
}

// A reused connection that the server had already closed fails before any
// response byte. The request never reached a live server, so a fresh
// connection may carry it again (curl does the same), if the body can be resent.
bool failed_on_stale_connection(const PooledConnection& c, const Error& error, const PreparedRequest& req) {
  return c.requests_served > 0 && req.body_rewindable() &&
         (error.code == ErrorCode::connection_closed || error.code == ErrorCode::connection_reset);
}

}  // namespace

PoolState::PoolState(PoolManagerOptions options)
    : options_(std::move(options)),
      pools_(pool::PoolConfig{options_.maxsize, options_.block, options_.keepalive_expiry}, options_.num_pools) {}

Response PoolState::execute(PreparedRequest req, const Timeout& timeout, bool preload_content) {
  const std::string url_text = req.url.to_string(false);
  auto started = policy::RequestDeadlines::start(timeout, steady_now());
  if (!started) throw_result_error(std::move(started).error(), url_text);
  const policy::RequestDeadlines& deadlines = *started;
  const pool::PoolKey key{req.url.scheme, req.url.hostname(), req.url.effective_port().value_or(80), {}, {}};

  for (int attempt = 0;; ++attempt) {
    Connection c = checkout(key, req.url, deadlines, url_text);
    auto head = send_and_read_head(*c, req, deadlines, options_.trace);
    if (!head) {
      Error error = std::move(head).error();
      const bool retry = attempt == 0 && failed_on_stale_connection(*c, error, req);
      discard(std::move(c));
      if (retry) continue;
      throw_result_error(std::move(error), url_text);
    }
    trace(options_.trace, TraceKind::response_head, [&] { return format_head(head->version_major, head->version_minor, head->status, head->reason, head->headers); });
    Response response;
    response.status_ = head->status;
    response.reason_ = std::move(head->reason);
    response.version_ = "HTTP/" + std::to_string(head->version_major) + "." + std::to_string(head->version_minor);
    response.url_ = url_text;
    response.headers_ = std::move(head->headers);
    response.reader_ = std::make_unique<BodyReader>(
        BodyReader{shared_from_this(), std::move(c), deadlines, url_text, keep_alive_timeout(response.headers_)});
    if (preload_content) response.data();
    return response;
  }
}

bool PoolState::pull_body(BodyReader& reader, std::string& out) {
  auto event = reader.connection->next_event(reader.deadlines);
  if (!event) {
    reader.pool->discard(std::move(reader.connection));
    throw_result_error(std::move(event).error(), reader.url);
  }
  if (auto* data = std::get_if<http1::BodyData>(&*event)) {
    out.append(as_chars(data->data));
    return true;
  }
  if (std::holds_alternative<http1::EndOfMessage>(*event)) {
    reader.pool->release(std::move(reader.connection), reader.keepalive_hint);
    return false;
  }
  // The machine emits nothing else between a head and the end of its body.
  reader.pool->discard(std::move(reader.connection));
  throw_result_error(make_error(ErrorCode::invalid_state, "unexpected event while reading a body"), reader.url);
}

Connection PoolState::checkout(const pool::PoolKey& key, const url::Url& url,
                               const policy::RequestDeadlines& deadlines, const std::string& url_text) {
  std::vector<Connection> closing;  // declared before the lock: destroyed (closed) after it is released
  std::unique_lock lock(mutex_);
  for (;;) {
    if (closed_) throw ClosedPoolError(make_error(ErrorCode::pool_closed, "the PoolManager is closed"), url_text);
    pool::Disposal evicted;
    pool::ConnectionPool& p = pools_.pool_for(key, evicted);
    dispose_locked(evicted, closing);
    auto acquired = p.acquire(steady_now());
    if (!acquired) throw_result_error(std::move(acquired).error(), url_text);
    take_idle_locked(acquired->to_close, closing);

    if (auto* reuse = std::get_if<pool::Reuse>(&acquired->action)) {
      auto it = idle_.find(reuse->id);
      Connection c = std::move(it->second);
      idle_.erase(it);
      if (c->socket.is_dropped()) {
        trace(options_.trace, TraceKind::closed, [&] { return "idle connection was dropped by the server"; });
        grant_slot_locked(pools_.discard(reuse->id).value_or(std::nullopt));
        closing.push_back(std::move(c));
        continue;
      }
      trace(options_.trace, TraceKind::reused, [&] { return c->socket.peer_address(); });
      return c;
    }
    if (auto* open_new = std::get_if<pool::OpenNew>(&acquired->action)) {
      return open(open_new->id, key, url, deadlines, url_text, lock);
    }

    // block=true and every connection is taken: wait our turn (FIFO), until the pool deadline.
    const pool::WaitTicket ticket = std::get<pool::Wait>(acquired->action).ticket;
    const TimePoint deadline = deadlines.pool_deadline();
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
      Error error = deadlines.timeout_error(policy::Phase::pool, steady_now());
      error.detail = "pool for " + key.to_string() + " is full (maxsize=" + std::to_string(options_.maxsize) +
                     ", block=true): " + error.detail;
      throw EmptyPoolError(std::move(error), url_text);
    }
    Grant grant = std::move(it->second);
    grants_.erase(it);
    if (grant.failed) continue;  // the pool went away: start over with a fresh one
    if (grant.connection) {
      trace(options_.trace, TraceKind::reused, [&] { return grant.connection->socket.peer_address(); });
      return std::move(grant.connection);
    }
    return open(grant.id, key, url, deadlines, url_text, lock);
  }
}

Connection PoolState::open(pool::ConnectionId id, const pool::PoolKey& key, const url::Url& url,
                           const policy::RequestDeadlines& deadlines, const std::string& url_text,
                           std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  trace(options_.trace, TraceKind::connecting, [&] { return url.hostname() + ":" + std::to_string(key.port); });
  auto socket = tcp_connect(url.hostname(), key.port, deadlines.connect_deadline(steady_now()));
  lock.lock();
  if (!socket) {
    grant_slot_locked(pools_.open_failed(id).value_or(std::nullopt));
    Error error = std::move(socket).error();
    if (error.category == ErrorCategory::timeout) error = deadlines.timeout_error(policy::Phase::connect, steady_now());
    throw_result_error(std::move(error), url_text);
  }
  (void)pools_.opened(id);  // cannot fail: `id` was handed out for connecting and nothing else saw it
  trace(options_.trace, TraceKind::connected, [&] { return socket->peer_address(); });
  auto c = std::make_unique<PooledConnection>();
  c->id = id;
  c->key = key;
  c->socket = std::move(*socket);
  c->machine = http1::Connection(options_.limits);
  return c;
}

void PoolState::release(Connection c, std::optional<Duration> keepalive_hint) {
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
    const auto id = c->id;
    idle_.emplace(id, std::move(c));
  } else if (auto* handoff = std::get_if<pool::HandOff>(&decision->action)) {
    grants_[handoff->ticket] = Grant{handoff->id, std::move(c), false};
    granted_cv_.notify_all();
  } else {
    trace(options_.trace, TraceKind::closed, [&] { return reusable ? "the pool is full" : "the connection cannot be reused"; });
    closing.push_back(std::move(c));
  }
  grant_slot_locked(decision->wake);
}

void PoolState::discard(Connection c) {
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
    if (auto it = idle_.find(id); it != idle_.end()) {
      closing.push_back(std::move(it->second));
      idle_.erase(it);
    }
  }
}

void PoolState::clear() {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  dispose_locked(pools_.clear(), closing);
}

void PoolState::close() {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  closed_ = true;
  dispose_locked(pools_.clear(), closing);
  granted_cv_.notify_all();
}

std::map<std::string, PoolStats> PoolState::stats() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, PoolStats> out;
  for (const auto& [key, s] : pools_.stats()) out[key] = PoolStats{s.idle, s.in_use, s.total};
  return out;
}

}  // namespace hipp::blocking::detail
