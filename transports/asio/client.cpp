#include "transports/asio/client.hpp"

#include <chrono>

#include "core/decode/coding.hpp"
#include "transports/api/body_source.hpp"
#include "transports/api/errors.hpp"
#include "core/message/keep_alive.hpp"
#include "transports/api/steady_clock.hpp"
#include "transports/asio/detail/body_state.hpp"
#include "transports/asio/detail/client_pool.hpp"
#include "transports/asio/detail/exchange_loop.hpp"
#include "transports/mock/mock_transport.hpp"

namespace hipp::async {

namespace {

Retries client_retries(const ClientOptions& o) {
  Retries base = o.retry ? *o.retry : Retries{RetryPolicy::disabled()};
  return with_redirects(std::move(base), o.follow_redirects, o.max_redirects);
}

detail::PoolOptions pool_options(const ClientOptions& o) {
  detail::PoolOptions p;
  p.max_connections = o.max_connections;
  p.max_keepalive_connections = o.max_keepalive_connections;
  p.keepalive_expiry = o.keepalive_expiry;
  p.http2 = o.http2;
  p.http2_prior_knowledge = o.http2_prior_knowledge;
  p.http2_settings = o.http2_settings;
  p.limits = o.limits;
  p.tls = o.tls;
  p.happy_eyeballs_delay = o.happy_eyeballs_delay;
  p.resolver = o.resolver;
  p.dns_cache = o.dns_cache;
  return p;
}

Timeout client_timeout(const ClientOptions& o) {
  Timeout t = o.timeout;
  if (o.connect_timeout) t.connect = o.connect_timeout;
  return t;
}

Headers client_headers(const ClientOptions& o) {
  Headers h = o.headers;
  if (!o.user_agent.empty() && !h.contains("User-Agent")) h.set("User-Agent", o.user_agent);
  if (o.accept_compressed && !h.contains("Accept-Encoding")) h.set("Accept-Encoding", std::string(decode::accept_encoding()));
  return h;
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string version_text(const http1::ResponseHead& head) {
  if (head.version_major == 2) return "HTTP/2";
  if (head.version_major == 1 && head.version_minor == 1) return "HTTP/1.1";
  return "HTTP/" + std::to_string(head.version_major) + "." + std::to_string(head.version_minor);
}

}  // namespace

void Client::fill_head(Response& r, exchange::FinalResponse& final_response, std::string url,
               const std::vector<exchange::Decision>& decisions, Duration elapsed) {
  http1::ResponseHead& head = final_response.head;
  r.status_ = head.status;
  r.reason_ = std::move(head.reason);
  r.version_ = version_text(head);
  r.headers_ = std::move(head.headers);
  r.url_ = std::move(url);
  r.history_ = std::move(final_response.history);
  r.attempts_ = final_response.attempts;
  if (!decisions.empty()) r.decisions_ = decisions;
  r.elapsed_ = elapsed;
}

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      defaults_{client_headers(options_), client_timeout(options_), RetryTemplate(client_retries(options_)),
                options_.auth, options_.telemetry, options_.follow_redirects, options_.max_redirects},
      cookies_(options_.cookie_jar ? *options_.cookie_jar : std::make_shared<SharedCookieJar>()),
      pool_(std::make_shared<detail::ClientPool>(executor_, pool_options(options_))) {
  if (options_.circuit_breaker) {
    auto gate = SharedCircuitGate::create(*options_.circuit_breaker);
    if (!gate) throw_error(std::move(gate).error(), {});
    circuit_ = std::move(*gate);
  }
}

Client::~Client() { pool_->close(); }

std::string Client::absolute(std::string url) const {
  if (options_.base_url.empty() || url.find("://") != std::string::npos) return url;
  std::string out = options_.base_url;
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (url.empty() || url.front() != '/') out += '/';
  out += url;
  return out;
}

asio::awaitable<Response> Client::request(std::string method, std::string url, RequestOptions options) {
  return send(std::move(method), std::move(url), std::move(options));
}

asio::awaitable<Response> Client::stream(std::string method, std::string url, RequestOptions options) {
  options.preload_content = false;
  return send(std::move(method), std::move(url), std::move(options));
}

asio::awaitable<Response> Client::send(std::string method, std::string url, RequestOptions options) {
  url = absolute(std::move(url));
  if (pool_->closed() && options_.transport == nullptr) throw_error(make_error(ErrorCode::pool_closed, "the client is closed"), url);
  if (!options_.cookies.empty()) options.cookies.insert(options.cookies.begin(), options_.cookies.begin(), options_.cookies.end());

  ClientContext context;
  context.hooks = options_.event_hooks;
  context.circuit = circuit_.get();
  context.auth_lock = &auth_lock_;
  context.cookies = cookies_;
  const bool decode_content = options.decode_content;
  context.random = thread_random();
  context.unix_now = options_.transport != nullptr ? options_.transport->clock().unix_now() : unix_seconds();
  auto prepared = prepare_exchange(method, url, std::move(options), defaults_, std::move(context));
  if (!prepared) throw_error(std::move(prepared).error(), url);
  if (options_.transport != nullptr) co_return co_await send_mock(std::move(*prepared), decode_content);

  const bool preload = prepared->preload_content;
  const TimePoint started = steady_now();
  BodySource source(prepared->request.body);
  exchange::Exchange ex(prepared->take_exchange_request(), std::move(prepared->options), std::move(prepared->retry),
                        started);
  detail::Lease lease = co_await detail::run_exchange(*pool_, ex, source);
  exchange::FinalResponse final_response = ex.take_response();
  Response r;
  fill_head(r, final_response, ex.take_url_text(), ex.decisions(), steady_now() - started);
  r.state_ = std::make_shared<detail::BodyState>(pool_, std::move(lease), ex.deadlines(), keep_alive_timeout(r.headers_));
  r.state_->decoder = ResponseDecoder(r.headers_, decode_content, options_.decode_limits);
  if (preload) (void)co_await r.aread();
  co_return r;
}

asio::awaitable<Response> Client::send_mock(PreparedExchange prepared, bool decode_content) {
  mock::MockTransport& transport = *options_.transport;
  const TimePoint started = transport.clock().now();
  BodySource source(prepared.request.body);
  exchange::Exchange ex(prepared.take_exchange_request(), std::move(prepared.options), std::move(prepared.retry),
                        started);
  mock::MockTransport::Outcome outcome = transport.run(ex, source);
  std::string url = ex.url_text();
  if (outcome.error) throw_error(std::move(*outcome.error), url);
  Response r;
  fill_head(r, *outcome.response, std::move(url), ex.decisions(), transport.clock().now() - started);
  r.bytes_read_ = outcome.body.size();
  r.body_ = std::move(outcome.body);
  if (auto ok = ResponseDecoder::decode_whole(r.headers_, decode_content, options_.decode_limits, r.body_); !ok) {
    throw_error(std::move(ok).error(), r.url_);
  }
  co_return r;
}

asio::awaitable<void> Client::aclose() {
  close();
  co_return;
}

void Client::close() { pool_->close(); }

std::map<std::string, PoolStats> Client::get_pool_stats() const { return pool_->stats(); }

}  // namespace hipp::async
