#include "transports/mock/mock_transport.hpp"

#include <algorithm>

#include "core/exchange/http1_channel.hpp"
#include "core/message/status.hpp"
#include "core/url/url.hpp"
#include "transports/mock/detail/request_parser.hpp"

namespace hipp::mock {

namespace detail {

// One fake connection: the client's machine on one side, the fake server's parser and script on the other.
struct MockConnection {
  enum class After { nothing, silence, reset, close };

  std::size_t id = 0;
  pool::PoolKey key;
  http1::Connection machine;
  exchange::Http1Channel channel{machine};  // what the exchange drives
  RequestParser parser;
  std::string wire;       // client bytes of the request being received
  std::string to_client;  // server bytes not yet delivered
  Duration delay{};       // think time before to_client goes out
  After after = After::nothing;
  bool continue_sent = false;
  bool server_closed = false;
};

}  // namespace detail

namespace {

std::string serialize(const Reply& reply, bool head_request) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  out += reply.reason.empty() ? std::string(status::reason_phrase(reply.status)) : reply.reason;
  out += "\r\n";
  for (const auto& f : reply.headers) out.append(f.name).append(": ").append(f.value).append("\r\n");
  const bool bodiless = reply.status == 204 || reply.status == 304 || (reply.status >= 100 && reply.status < 200);
  if (!bodiless && !reply.headers.contains("Content-Length") && !reply.headers.contains("Transfer-Encoding")) {
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  }
  out += "\r\n";
  if (!bodiless && !head_request) out += reply.body;
  return out;
}

// The absolute URL of a request target on a connection made for `key`, as url::Url::to_string(false) writes it.
std::string absolute_url(const pool::PoolKey& key, std::string_view target) {
  url::Url u;
  u.scheme = key.scheme;
  u.host = key.host;
  const std::uint16_t default_port = key.scheme == "https" ? 443 : 80;
  if (key.port != default_port) u.port = key.port;
  const auto q = target.find('?');
  u.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) u.query = std::string(target.substr(q + 1));
  return u.to_string(false);
}

}  // namespace

MockTransport::MockTransport() = default;
MockTransport::~MockTransport() = default;

Route& MockTransport::on(std::string method, UrlMatch url) {
  routes_.emplace_back(std::move(method), std::move(url));
  return routes_.back();
}

std::vector<std::string> MockTransport::unused_routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    if (r.calls() == 0) out.push_back(r.describe());
  }
  return out;
}

Route* MockTransport::find_route(const RecordedRequest& request) {
  for (auto& r : routes_) {
    if (r.matches(request)) return &r;
  }
  return nullptr;
}

void MockTransport::server_read(detail::MockConnection& c) {
  bool ok = true;
  // The output may come in pieces (a lent body piece is one of its own): take them all.
  for (auto out = c.machine.pending_output(); ok && !out.empty(); out = c.machine.pending_output()) {
    const std::string_view bytes = as_chars(out);
    c.wire.append(bytes);
    ok = c.parser.feed(bytes);
    c.machine.consume_output(out.size());
  }
  if (!ok) {  // not HTTP: a real server would answer 400 and close
    c.to_client += serialize(Reply{400, "hipp::mock: unparsable request: " + c.parser.error(), {}, {}}, false);
    c.after = detail::MockConnection::After::close;
    return;
  }
  if (c.parser.head_complete() && !c.parser.message_complete() && !c.continue_sent &&
      c.parser.headers().has_token("Expect", "100-continue")) {
    c.to_client += "HTTP/1.1 100 Continue\r\n\r\n";
    c.continue_sent = true;
  }
  if (c.parser.message_complete()) answer(c);
}

void MockTransport::answer(detail::MockConnection& c) {
  RecordedRequest rec;
  rec.method = c.parser.method();
  rec.target = c.parser.target();
  rec.url = absolute_url(c.key, rec.target);
  rec.headers = c.parser.headers();
  rec.body = c.parser.body();
  rec.wire = std::move(c.wire);
  rec.connection = c.id;
  rec.at = clock_.now();
  c.wire.clear();
  c.parser.reset();
  c.continue_sent = false;

  const bool head_request = rec.method == "HEAD";
  Route* route = find_route(rec);
  if (route == nullptr) {
    c.to_client += serialize(Reply{404, "hipp::mock: no route matches " + rec.method + " " + rec.url, {}, {}},
                             head_request);
    requests_.push_back(std::move(rec));
    return;
  }
  const Step& step = route->take_step();
  Reply reply = step.handler ? step.handler(rec) : step.reply ? *step.reply : step.fault ? step.fault->reply : Reply{};
  std::string bytes = serialize(reply, head_request);
  if (step.fault) {
    using Kind = Fault::Kind;
    switch (step.fault->kind) {
      case Kind::raw:
        bytes = step.fault->raw;
        c.after = detail::MockConnection::After::close;
        break;
      case Kind::read_timeout:
      case Kind::reset:
      case Kind::close:
        bytes.resize(std::min(bytes.size(), step.fault->after_bytes));
        c.after = step.fault->kind == Kind::read_timeout ? detail::MockConnection::After::silence
                  : step.fault->kind == Kind::reset      ? detail::MockConnection::After::reset
                                                         : detail::MockConnection::After::close;
        break;
      case Kind::connect_refused:
      case Kind::connect_timeout:
        // Only meaningful when connecting; on a reused connection the server just closes.
        bytes.clear();
        c.after = detail::MockConnection::After::close;
        break;
    }
  }
  c.to_client += bytes;
  c.delay = step.delay;
  requests_.push_back(std::move(rec));
}

std::optional<Error> MockTransport::deliver_bytes(detail::MockConnection& c, TimePoint deadline) {
  if (!c.to_client.empty()) {
    if (c.delay > Duration::zero()) {
      if (clock_.now() + c.delay >= deadline) {
        c.delay -= deadline - clock_.now();
        clock_.advance_to(deadline);
        return make_error(ErrorCode::read_timeout, "the mock server is still thinking");
      }
      clock_.advance(c.delay);
      c.delay = Duration::zero();
    }
    c.machine.receive(as_bytes(c.to_client));
    c.to_client.clear();
    return std::nullopt;
  }
  switch (c.after) {
    case detail::MockConnection::After::reset:
      c.server_closed = true;
      return make_error(ErrorCode::connection_reset, "connection reset by the mock server", ErrorOrigin::remote);
    case detail::MockConnection::After::close:
      c.server_closed = true;
      c.after = detail::MockConnection::After::nothing;
      c.machine.receive_eof();
      return std::nullopt;
    case detail::MockConnection::After::silence:
    case detail::MockConnection::After::nothing:
      break;
  }
  if (c.server_closed) {  // EOF again
    c.machine.receive_eof();
    return std::nullopt;
  }
  // Nothing more will come: the wait lasts until its deadline.
  clock_.advance_to(deadline);
  if (deadline.is_never()) {
    return make_error(ErrorCode::read_timeout, "the mock server went silent and no read timeout is set");
  }
  return make_error(ErrorCode::read_timeout, "the mock server went silent");
}

Result<void> MockTransport::read_body(exchange::Exchange& ex, detail::MockConnection& c, std::string& body) {
  for (;;) {
    auto event = c.machine.next_event();
    if (!event) return Unexpected{std::move(event).error()};
    if (auto* data = std::get_if<http1::BodyData>(&*event)) {
      body.append(as_chars(data->data));
    } else if (std::holds_alternative<http1::EndOfMessage>(*event)) {
      return {};
    } else if (std::holds_alternative<http1::NeedData>(*event)) {
      if (auto error = deliver_bytes(c, ex.deadlines().read_deadline(clock_.now()))) {
        c.machine.send_failed();
        if (error->category == ErrorCategory::timeout) {
          return Unexpected{ex.deadlines().timeout_error(policy::Phase::read, clock_.now())};
        }
        return Unexpected{std::move(*error)};
      }
    } else {
      c.machine.send_failed();
      return fail(ErrorCode::invalid_state, "unexpected event while reading a body");
    }
  }
}

void MockTransport::release(Connection c, bool reusable) {
  if (!c || !reusable || c->server_closed || !c->machine.is_reusable() || !c->machine.start_next_cycle()) return;
  c->after = detail::MockConnection::After::nothing;
  idle_.push_back(std::move(c));
}

MockTransport::Outcome MockTransport::run(exchange::Exchange& ex, BodySource& source) {
  Connection c;
  for (;;) {
    const exchange::Action& action = ex.next_action();  // lent until the next call on ex
    if (auto* open = std::get_if<exchange::OpenConnection>(&action)) {
      // Connect faults are scripted per route: look at the step the request would take.
      const exchange::Request& req = ex.request();
      RecordedRequest probe;
      probe.method = req.method;
      probe.url = req.url.to_string(false);
      probe.target = req.target();
      probe.headers = req.headers;
      if (req.body.kind == exchange::RequestBody::Kind::bytes) probe.body = req.body.bytes;
      Route* route = find_route(probe);
      if (route == nullptr) {
        ex.on_connect_failed(make_error(ErrorCode::connect_failed,
                                        "hipp::mock: no route matches " + probe.method + " " + probe.url),
                             clock_.now());
        continue;
      }
      if (const Step& step = route->peek_step(); step.fault && (step.fault->kind == Fault::Kind::connect_refused ||
                                                                 step.fault->kind == Fault::Kind::connect_timeout)) {
        const bool timeout = step.fault->kind == Fault::Kind::connect_timeout;
        route->take_step();
        if (timeout) clock_.advance_to(open->connect_deadline);
        ex.on_connect_failed(timeout ? make_error(ErrorCode::connect_timeout, "mock connect timeout")
                                     : make_error(ErrorCode::connect_failed, "connection refused (mock)"),
                             clock_.now());
        continue;
      }
      bool reused = false;
      for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {  // LIFO, as the real pools
        if ((*it)->key == open->key) {
          c = std::move(*it);
          idle_.erase(std::next(it).base());
          reused = true;
          break;
        }
      }
      if (!reused) {
        c = std::make_unique<detail::MockConnection>();
        c->id = ++connections_opened_;
        c->key = open->key;
        c->machine = http1::Connection(limits_);
      }
      ex.on_connected(c->channel, reused, clock_.now());
    } else if (std::holds_alternative<exchange::Send>(action)) {
      server_read(*c);
      ex.on_sent(clock_.now());
    } else if (auto* pull = std::get_if<exchange::PullBody>(&action)) {
      report_body_piece(ex, source.pull(*pull), clock_.now());
    } else if (auto* receive = std::get_if<exchange::Receive>(&action)) {
      if (auto error = deliver_bytes(*c, receive->deadline)) {
        ex.on_io_failed(std::move(*error), clock_.now());
      } else {
        ex.on_received(clock_.now());
      }
    } else if (auto* rel = std::get_if<exchange::ReleaseConnection>(&action)) {
      release(std::move(c), rel->reusable);
    } else if (auto* wait = std::get_if<exchange::WaitUntil>(&action)) {
      clock_.advance_to(wait->at);
      ex.on_timer(clock_.now());
    } else if (std::holds_alternative<exchange::Deliver>(action)) {
      Outcome out;
      out.response = ex.take_response();
      if (auto ok = read_body(ex, *c, out.body); !ok) {
        c.reset();
        out.error = std::move(ok).error();
        return out;
      }
      release(std::move(c), true);
      return out;
    } else {
      c.reset();
      return Outcome{std::nullopt, {}, std::get<exchange::Fail>(action).error};
    }
  }
}

}  // namespace hipp::mock
