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

void trace(const TraceHook& hook, TraceKind kind, std::string_view detail) {
  if (hook) hook(kind, detail);
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
Result<void> send_body(PooledConnection& c, Body& body, policy::Deadlines& deadlines) {
  auto send_piece = [&](Bytes piece) -> Result<void> {
    if (auto ok = c.machine.send_body(piece); !ok) return ok;
    return c.flush(deadlines.write_deadline(steady_now()));
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
  return c.flush(deadlines.write_deadline(steady_now()));
}

// Sends the request and reads up to the final response head. On error the
// connection's machine is in its error state.
Result<http1::ResponseHead> send_and_read_head(PooledConnection& c, PreparedRequest& req,
                                               policy::Deadlines& deadlines, const TraceHook& hook) {
  if (auto ok = c.machine.send_request(req.method, req.target, req.headers); !ok) return Unexpected{std::move(ok).error()};
  trace(hook, TraceKind::request_head, as_chars(c.machine.pending_output()));
  if (auto ok = c.flush(deadlines.write_deadline(steady_now())); !ok) return Unexpected{std::move(ok).error()};

  std::optional<http1::ResponseHead> early_head;
  if (req.expect_continue) {
    // Hold the body back until 100 Continue, a final response, or a short wait.
    auto wait_until = earliest(deadlines.read_deadline(steady_now()), steady_now() + kExpectContinueWait);
    while (c.machine.expecting_continue()) {
      auto event = c.next_event(wait_until);
      if (!event) {
        if (event.error().category == ErrorCategory::timeout && steady_now() < deadlines.read_deadline(steady_now())) {
          break;  // the server stays silent: send the body anyway
        }
        return Unexpected{std::move(event).error()};
      }
      if (auto* info = std::get_if<http1::InformationalResponse>(&*event)) {
        trace(hook, TraceKind::response_head, format_head(1, 1, info->status, info->reason, info->headers));
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
    auto event = c.next_event(deadlines.read_deadline(steady_now()));
    if (!event) return Unexpected{std::move(event).error()};
    if (auto* head = std::get_if<http1::ResponseHead>(&*event)) return std::move(*head);
    if (auto* info = std::get_if<http1::InformationalResponse>(&*event)) {
      // 1xx: the machine caps how many; keep reading.
      trace(hook, TraceKind::response_head, format_head(1, 1, info->status, info->reason, info->headers));
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
      pools_(options_.num_pools,
             pool::PoolConfig{options_.maxsize, options_.block, options_.keepalive_expiry}) {}

Response PoolState::execute(PreparedRequest req, const Timeout& timeout, bool preload_content) {
  const std::string url_text = req.url.to_string(false);
  policy::Deadlines deadlines(timeout);
  deadlines.start(steady_now());
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

    trace(options_.trace, TraceKind::response_head,
          format_head(head->version_major, head->version_minor, head->status, head->reason, head->headers));
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
  auto event = reader.connection->next_event(reader.deadlines.read_deadline(steady_now()));
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

Connection PoolState::checkout(const pool::PoolKey& key, const url::Url& url, policy::Deadlines& deadlines,
                               const std::string& url_text) {
  std::vector<Connection> closing;  // destroyed after the lock is released
  std::unique_lock lock(mutex_);
  for (;;) {
    if (closed_) throw ClosedPoolError(make_error(ErrorCode::pool_closed, "the PoolManager is closed"), url_text);
    std::vector<pool::ConnectionId> evicted;
    pool::ConnectionPool& p = pools_.pool_for(key, evicted);
    take_idle_locked(evicted, closing);
    auto acquired = p.acquire(steady_now());
    if (!acquired) throw_result_error(std::move(acquired).error(), url_text);
    take_idle_locked(acquired->to_close, closing);

    if (auto* reuse = std::get_if<pool::Reuse>(&acquired->decision)) {
      auto it = idle_.find(reuse->id);
      Connection c = std::move(it->second);
      idle_.erase(it);
      if (c->socket.is_dropped()) {
        trace(options_.trace, TraceKind::closed, "idle connection was dropped by the server");
        p.discard(reuse->id);
        closing.push_back(std::move(c));
        continue;
      }
      trace(options_.trace, TraceKind::reused, c->socket.peer_address());
      return c;
    }
    if (std::holds_alternative<pool::OpenNew>(acquired->decision)) {
      const pool::ConnectionId id = next_id_++;
      lock.unlock();
      Connection c;
      try {
        c = open(key, url, deadlines, url_text);
      } catch (...) {
        lock.lock();
        pools_.pool_for(key, evicted).open_failed();
        throw;
      }
      c->id = id;
      lock.lock();
      pools_.pool_for(key, evicted).opened(id);
      take_idle_locked(evicted, closing);
      return c;
    }
    const auto ticket = std::get<pool::Wait>(acquired->decision).ticket;
    const TimePoint deadline = deadlines.pool_deadline();
    auto handed = [&] { return handed_off_.count(ticket) != 0 || closed_; };
    if (deadline.is_never()) {
      handed_off_cv_.wait(lock, handed);
    } else {
      const auto wait_for = deadline - steady_now();
      handed_off_cv_.wait_for(lock, wait_for > Duration::zero() ? wait_for : Duration::zero(), handed);
    }
    if (auto it = handed_off_.find(ticket); it != handed_off_.end()) {
      auto conn_it = idle_.find(it->second);
      handed_off_.erase(it);
      Connection c = std::move(conn_it->second);
      idle_.erase(conn_it);
      return c;
    }
    p.cancel_wait(ticket);
    if (closed_) continue;
    throw EmptyPoolError(make_error(ErrorCode::pool_empty, "pool for " + key.to_string() +
                                                               " reached its maxsize and no connection was freed "
                                                               "before the pool timeout"),
                         url_text);
  }
}

Connection PoolState::open(const pool::PoolKey& key, const url::Url& url, policy::Deadlines& deadlines,
                           const std::string& url_text) {
  trace(options_.trace, TraceKind::connecting, url.hostname() + ":" + std::to_string(key.port));
  auto socket = tcp_connect(url.hostname(), key.port, deadlines.connect_deadline(steady_now()));
  if (!socket) throw_result_error(std::move(socket).error(), url_text);
  trace(options_.trace, TraceKind::connected, socket->peer_address());
  auto c = std::make_unique<PooledConnection>();
  c->key = key;
  c->socket = std::move(*socket);
  c->machine = http1::Connection(options_.limits);
  return c;
}

void PoolState::release(Connection c, std::optional<Duration> keepalive_hint) {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  const bool reusable = !closed_ && c->machine.is_reusable() && c->machine.start_next_cycle().has_value();
  ++c->requests_served;
  pool::ConnectionPool* p = pools_.find(c->key);
  if (p == nullptr) {  // its pool was evicted or cleared meanwhile
    closing.push_back(std::move(c));
    return;
  }
  const pool::ConnectionId id = c->id;
  auto decision = p->release(id, reusable, steady_now(), keepalive_hint);
  if (std::holds_alternative<pool::KeepIdle>(decision)) {
    idle_.emplace(id, std::move(c));
  } else if (auto* handoff = std::get_if<pool::HandOff>(&decision)) {
    idle_.emplace(id, std::move(c));
    handed_off_.emplace(handoff->ticket, id);
    handed_off_cv_.notify_all();
  } else {
    trace(options_.trace, TraceKind::closed, reusable ? "the pool is full" : "the connection cannot be reused");
    closing.push_back(std::move(c));
  }
}

void PoolState::discard(Connection c) {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  if (pool::ConnectionPool* p = pools_.find(c->key)) p->discard(c->id);
  trace(options_.trace, TraceKind::closed, "the connection failed or was abandoned");
  closing.push_back(std::move(c));
  handed_off_cv_.notify_all();  // a slot freed up for a blocked waiter
}

void PoolState::take_idle_locked(const std::vector<pool::ConnectionId>& ids, std::vector<Connection>& out) {
  for (auto id : ids) {
    if (auto it = idle_.find(id); it != idle_.end()) {
      out.push_back(std::move(it->second));
      idle_.erase(it);
    }
  }
}

void PoolState::clear() {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  take_idle_locked(pools_.clear(), closing);
}

void PoolState::close() {
  std::vector<Connection> closing;
  std::lock_guard lock(mutex_);
  closed_ = true;
  take_idle_locked(pools_.clear(), closing);
  handed_off_cv_.notify_all();
}

std::map<std::string, PoolStats> PoolState::stats() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, PoolStats> out;
  for (const auto& [key, s] : pools_.stats()) out[key] = PoolStats{s.idle, s.in_use, s.total};
  return out;
}

}  // namespace hipp::blocking::detail
