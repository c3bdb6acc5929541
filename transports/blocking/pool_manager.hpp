// PoolManager — the synchronous client, Hip's PoolManager in C++.
//
//   hipp::PoolManager http;
//   auto r = http.request("GET", "http://127.0.0.1:8080/robots.txt");
//   r.status(); r.headers(); r.data();
//
// It keeps one connection pool per origin (keyed by everything that changes
// the wire), at most `num_pools` of them (least recently used is dropped),
// each keeping up to `maxsize` idle connections for reuse (LIFO). With
// `block = true` at most `maxsize` connections exist per pool and a request
// waits for one up to the pool timeout, then fails with EmptyPoolError.
// An idle connection is checked for being dropped before reuse; a connection
// that saw any error, a close-delimited body, "Connection: close", or bytes
// beyond its response is never reused.
//
// Thread safety: request() may be called from many threads at once. A
// Response belongs to the thread that reads it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/connect/dns_cache.hpp"
#include "core/connect/happy_eyeballs.hpp"
#include "core/decode/limits.hpp"
#include "core/http1/connection.hpp"
#include "core/http2/connection.hpp"
#include "core/message/headers.hpp"
#include "core/policy/timeout.hpp"
#include "core/pool/pool_stats.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/tls/client_config.hpp"
#include "transports/api/request_options.hpp"
#include "transports/api/shared_cookie_jar.hpp"
#include "transports/blocking/response.hpp"

namespace hipp::blocking {

// What a trace hook is told about, in order, for each request.
enum class TraceKind {
  connecting,     // detail: "host:port"
  connected,      // detail: the peer address of the new connection
  reused,         // detail: the peer address of the reused connection
  request_head,   // detail: the request head exactly as written to the wire
  response_head,  // detail: the response head (1xx and final) as received: status line and fields
  closed,         // detail: why the connection was not kept for reuse
};
// Called on the requesting thread, sometimes under the pool lock: it must not
// throw or call back into the PoolManager. For -v style debugging.
using TraceHook = std::function<void(TraceKind, std::string_view detail)>;

struct PoolManagerOptions {
  std::size_t num_pools = 10;              // Hip's default
  std::size_t maxsize = 1;                 // idle connections kept per pool (Hip's default)
  bool block = false;                      // cap connections per pool at maxsize and wait for one
  Headers headers{};                         // sent with every request unless the request overrides them
  Timeout timeout{};                         // default for every request; unset fields mean no limit
  Retries retries = Retry::standard();       // default for every request (Hip's Retry.DEFAULT: 3 retries)
  std::shared_ptr<auth::Auth> auth{};        // default for every request; null: none (URL userinfo still is Basic)
  EventHooks event_hooks{};                  // initial hooks; see PoolManager::set_event_hooks()
  AttemptObserver telemetry{};               // called once per network attempt (hyperhttp's record_attempt)
  std::optional<CircuitBreakerOptions> circuit_breaker{};  // per host:port breakers; unset: none
  // The cookie jar (RFC 6265): unset, the manager makes a fresh one of its own, so cookies persist across
  // its requests (and redirect hops) like a hyperhttp Client's; a shared pointer shares one between
  // clients; a null pointer disables cookies (only explicit Cookie headers and per-request cookies go).
  std::optional<std::shared_ptr<SharedCookieJar>> cookies{};
  // https: verification on by default against the system bundle; Hip's ca_certs / ca_cert_dir,
  // cert_file / key_file / key_password, assert_fingerprint; verify = false only when asked.
  tls::ClientConfig tls{};
  std::optional<Duration> keepalive_expiry{};// idle connections older than this are closed, not reused
  // hyperhttp's happy_eyeballs_delay (RFC 8305): a host's addresses are tried IPv6 first, families
  // interleaved, each next one this long after the previous started (at once when one fails), and the
  // first to connect wins. Zero races every address at once. The connect timeout covers them all.
  Duration happy_eyeballs_delay = connect::HappyEyeballsOptions{}.attempt_delay;
  // The manager's DNS cache: resolved addresses are reused for at most max_ttl (60 s; getaddrinfo gives no
  // TTL), for at most `capacity` host:port pairs, and forgotten when every address failed. max_ttl = 0:
  // resolve for every new connection.
  connect::DnsCacheOptions dns_cache{};
  http1::Limits limits{};                    // bounds on what a server can make us buffer
  // hyperhttp's http2: offer HTTP/2 by ALPN on https (falling back to HTTP/1.1 when the server does not
  // choose it). One HTTP/2 connection per origin then carries every concurrent request to it, up to the
  // server's MAX_CONCURRENT_STREAMS; more open another connection. false: HTTP/1.1 only.
  bool http2 = true;
  // curl's --http2-prior-knowledge: speak HTTP/2 at once on http:// (h2c, RFC 9113 §3.3), no upgrade.
  bool http2_prior_knowledge = false;
  http2::Settings http2_settings{};          // windows and caps of each HTTP/2 connection
  // Send "Accept-Encoding: gzip, deflate, br, zstd" (decode::accept_encoding()) unless the request or
  // `headers` set an Accept-Encoding of their own (hyperhttp's accept_compressed). Off by default as in
  // Hip: a response is still decoded whenever it has a Content-Encoding (RequestOptions::decode_content).
  bool accept_compressed = false;
  // What decoding one response may cost (decoded size, ratio, codings, zstd window): a bomb is a
  // DecodeError, never memory exhaustion. See core/decode/limits.hpp for the defaults.
  decode::Limits decode_limits{};
  TraceHook trace{};                         // optional
};

// One origin's row of pool_stats(): the core's, as the async client's.
using PoolStats = pool::PoolStats;

namespace detail {
class PoolState;
}

class PoolManager {
 public:
  explicit PoolManager(PoolManagerOptions options = {});
  ~PoolManager();  // closes every idle connection; responses still streaming close theirs when done
  PoolManager(const PoolManager&) = delete;
  PoolManager& operator=(const PoolManager&) = delete;

  // Sends one request and returns its response (after the head when
  // preload_content is false, after the whole body otherwise), following
  // redirects and retrying as options.retries (or the manager's) say.
  // Throws the hierarchy in transports/api/errors.hpp: LocationParseError,
  // InvalidHeader, NewConnectionError, NameResolutionError, ConnectTimeoutError,
  // ReadTimeoutError, WriteTimeoutError, ProtocolError, IncompleteRead,
  // EmptyPoolError, ClosedPoolError, MaxRetryError (with the error that caused
  // the last retry as its reason), RetryError, UnrewindableBodyError,
  // CircuitBreakerOpen, RequestError, DecodeError (a Content-Encoding that cannot be decoded, corrupt or
  // truncated data, or a decompression bomb past options.decode_limits, with preload_content); and
  // whatever a hook throws.
  Response request(std::string_view method, std::string_view url, RequestOptions options = {});

  // Hip's urlopen: request() without fields/json encoding conveniences is the same call here.
  Response urlopen(std::string_view method, std::string_view url, RequestOptions options = {}) {
    return request(method, url, std::move(options));
  }

  // Closes every pool: idle connections now, in-use ones when released.
  // Later requests open new pools.
  void clear();
  // Closes the manager: later requests fail with ClosedPoolError.
  void close();

  // {"http://host:port" → idle, in_use, total}, as hyperhttp's get_pool_stats().
  std::map<std::string, PoolStats> pool_stats() const;

  // The hooks run for every network attempt of later requests (hyperhttp's mutable event_hooks).
  // Requests already running keep the hooks they started with. Thread-safe.
  void set_event_hooks(EventHooks hooks);
  EventHooks event_hooks() const;

  // The manager's cookie jar; null when cookies are disabled. Thread-safe.
  const std::shared_ptr<SharedCookieJar>& cookies() const noexcept { return cookies_; }

 private:
  std::shared_ptr<SharedCookieJar> cookies_;
  std::shared_ptr<detail::PoolState> state_;
};

}  // namespace hipp::blocking
