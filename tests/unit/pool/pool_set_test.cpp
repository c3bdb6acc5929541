#include <catch.hpp>

#include <unordered_set>

#include "core/pool/pool_set.hpp"

using namespace hipp;
using namespace hipp::pool;

namespace {

TimePoint at(double s) { return TimePoint(seconds(s)); }

PoolKey origin(std::string host, std::uint16_t port = 80, std::string scheme = "http") {
  return PoolKey{.scheme = std::move(scheme), .host = std::move(host), .port = port};
}

ConnectionId open_new(PoolSet& set, const PoolKey& key, TimePoint now) {
  Disposal evicted;
  auto a = set.pool_for(key, evicted).acquire(now);
  REQUIRE(a);
  REQUIRE(std::holds_alternative<OpenNew>(a->action));
  const ConnectionId id = std::get<OpenNew>(a->action).id;
  REQUIRE(set.opened(id));
  return id;
}

Release released(PoolSet& set, ConnectionId id, bool reusable, TimePoint now) {
  auto r = set.release(id, reusable, now);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("PoolKey compares, hashes and prints every field that matters") {
  const PoolKey a = origin("example.com", 443, "https");
  PoolKey b = a;
  CHECK(a == b);
  CHECK(std::hash<PoolKey>{}(a) == std::hash<PoolKey>{}(b));
  CHECK(a.to_string() == "https://example.com:443");
  CHECK(origin("[::1]", 8080).to_string() == "http://[::1]:8080");

  b.proxy = "http://proxy:3128";
  CHECK(a != b);
  CHECK(b.to_string() == a.to_string());
  PoolKey c = a;
  c.tls_settings = "verify=0;";
  CHECK(a != c);
  PoolKey d = a;
  d.port = 8443;
  CHECK(a != d);

  // Characters moved between fields make a different key with a different hash.
  const PoolKey split1{.scheme = "http", .host = "ab", .port = 1, .proxy = "c"};
  const PoolKey split2{.scheme = "http", .host = "a", .port = 1, .proxy = "bc"};
  CHECK(split1 != split2);
  CHECK(std::hash<PoolKey>{}(split1) != std::hash<PoolKey>{}(split2));
  std::unordered_set<PoolKey> keys{a, b, c, d, split1, split2, a};
  CHECK(keys.size() == 6);
}

TEST_CASE("pool_for returns one pool per key") {
  PoolSet set(PoolConfig{.maxsize = 2});
  Disposal evicted;
  ConnectionPool& p1 = set.pool_for(origin("a"), evicted);
  ConnectionPool& p2 = set.pool_for(origin("b"), evicted);
  CHECK(&p1 != &p2);
  CHECK(&set.pool_for(origin("a"), evicted) == &p1);
  PoolKey via_proxy = origin("a");
  via_proxy.proxy = "http://proxy:3128";
  CHECK(&set.pool_for(via_proxy, evicted) != &p1);
  CHECK(set.size() == 3);
  CHECK(set.find(origin("a")) == &p1);
  CHECK(set.find(origin("zzz")) == nullptr);
  CHECK(p1.config().maxsize == 2);
  CHECK(evicted.to_close.empty());
}

TEST_CASE("beyond num_pools the least recently used pool is evicted and closed") {
  PoolSet set(PoolConfig{.maxsize = 2}, 2);
  const ConnectionId a = open_new(set, origin("a"), at(0));
  const ConnectionId b = open_new(set, origin("b"), at(0));
  released(set, a, true, at(1));
  released(set, b, true, at(1));
  Disposal evicted;
  set.pool_for(origin("a"), evicted);  // a is now the most recently used
  set.pool_for(origin("c"), evicted);  // evicts b
  CHECK(evicted.to_close == std::vector<ConnectionId>{b});
  CHECK(set.size() == 2);
  CHECK(set.find(origin("b")) == nullptr);
  CHECK(set.find(origin("a")) != nullptr);
  CHECK(set.retired() == 0);
  // The id of a forgotten pool is unknown now.
  CHECK(set.release(b, true, at(2)).error().code == ErrorCode::invalid_state);
}

TEST_CASE("in-use connections of an evicted pool are closed when released") {
  PoolSet set(PoolConfig{.maxsize = 1}, 1);
  const ConnectionId a = open_new(set, origin("a"), at(0));
  Disposal evicted;
  set.pool_for(origin("b"), evicted);
  CHECK(evicted.to_close.empty());
  CHECK(set.retired() == 1);
  CHECK(set.stats().at("http://a:80") == PoolStats{0, 1, 1});

  // A fresh pool for the same key does not confuse the routing.
  const ConnectionId a2 = open_new(set, origin("a"), at(1));
  CHECK(a2 != a);
  const Release old = released(set, a, true, at(2));
  REQUIRE(std::holds_alternative<Close>(old.action));
  CHECK(std::get<Close>(old.action).id == a);
  CHECK(set.retired() == 0);  // drained and forgotten
  CHECK(std::holds_alternative<KeepIdle>(released(set, a2, true, at(2)).action));
}

TEST_CASE("evicting a pool fails its waiters and keeps a connecting slot routable") {
  PoolSet set(PoolConfig{.maxsize = 1, .block = true}, 1);
  Disposal ignored;
  auto first = set.pool_for(origin("a"), ignored).acquire(at(0));
  REQUIRE(first);
  const ConnectionId opening = std::get<OpenNew>(first->action).id;
  auto second = set.pool_for(origin("a"), ignored).acquire(at(0));
  REQUIRE(second);
  const WaitTicket t = std::get<Wait>(second->action).ticket;

  Disposal evicted;
  set.pool_for(origin("b"), evicted);
  CHECK(evicted.failed_waiters == std::vector<WaitTicket>{t});
  CHECK_FALSE(set.cancel_wait(t));
  CHECK(set.retired() == 1);
  REQUIRE(set.opened(opening));
  CHECK(std::holds_alternative<Close>(released(set, opening, true, at(1)).action));
  CHECK(set.retired() == 0);
}

TEST_CASE("an evicted pool's opening connection that fails is forgotten") {
  PoolSet set(PoolConfig{.maxsize = 1}, 1);
  Disposal ignored;
  auto first = set.pool_for(origin("a"), ignored).acquire(at(0));
  REQUIRE(first);
  const ConnectionId opening = std::get<OpenNew>(first->action).id;
  set.pool_for(origin("b"), ignored);
  CHECK(set.retired() == 1);
  auto wake = set.open_failed(opening);
  REQUIRE(wake);
  CHECK_FALSE(wake->has_value());
  CHECK(set.retired() == 0);
}

TEST_CASE("operations are routed to the issuing pool") {
  PoolSet set(PoolConfig{.maxsize = 1, .block = true});
  const ConnectionId a = open_new(set, origin("a"), at(0));
  const ConnectionId b = open_new(set, origin("b"), at(0));
  Disposal ignored;
  auto w = set.pool_for(origin("a"), ignored).acquire(at(1));
  REQUIRE(w);
  const WaitTicket t = std::get<Wait>(w->action).ticket;
  // Releasing b has nothing to do with a's waiter.
  CHECK(std::holds_alternative<KeepIdle>(released(set, b, true, at(2)).action));
  const Release r = released(set, a, true, at(2));
  REQUIRE(std::holds_alternative<HandOff>(r.action));
  CHECK(std::get<HandOff>(r.action).ticket == t);
  auto w2 = set.pool_for(origin("a"), ignored).acquire(at(3));
  REQUIRE(w2);
  CHECK(set.cancel_wait(std::get<Wait>(w2->action).ticket));
  auto wake = set.discard(a);
  REQUIRE(wake);
  CHECK_FALSE(wake->has_value());
  CHECK(set.discard(a).error().code == ErrorCode::invalid_state);
  CHECK(set.opened(a).error().code == ErrorCode::invalid_state);
  CHECK(set.open_failed(a).error().code == ErrorCode::invalid_state);
  CHECK(set.stats().at("http://a:80") == PoolStats{0, 0, 0});
  CHECK(set.stats().at("http://b:80") == PoolStats{1, 0, 1});
}

TEST_CASE("clear closes every pool and starts afresh") {
  PoolSet set(PoolConfig{.maxsize = 2});
  const ConnectionId a = open_new(set, origin("a"), at(0));
  const ConnectionId b = open_new(set, origin("b"), at(0));
  released(set, a, true, at(1));
  Disposal d = set.clear();
  CHECK(d.to_close == std::vector<ConnectionId>{a});
  CHECK(set.size() == 0);
  CHECK(set.retired() == 1);
  CHECK(std::holds_alternative<Close>(released(set, b, true, at(2)).action));
  CHECK(set.retired() == 0);
  CHECK(set.stats().empty());
  const ConnectionId a2 = open_new(set, origin("a"), at(3));
  CHECK(a2 != a);
}

TEST_CASE("expiry across pools") {
  PoolSet set(PoolConfig{.maxsize = 2, .keepalive_expiry = seconds(10)});
  CHECK(set.next_expiry().is_never());
  const ConnectionId a = open_new(set, origin("a"), at(0));
  const ConnectionId b = open_new(set, origin("b"), at(0));
  released(set, a, true, at(5));
  released(set, b, true, at(2));
  CHECK(set.next_expiry() == at(12));
  CHECK(set.expire(at(12)) == std::vector<ConnectionId>{b});
  CHECK(set.next_expiry() == at(15));
  CHECK(set.expire(at(100)) == std::vector<ConnectionId>{a});
  CHECK(set.next_expiry().is_never());
}

TEST_CASE("stats per origin add up pools that differ only in proxy or TLS settings") {
  PoolSet set(PoolConfig{.maxsize = 4});
  PoolKey direct = origin("example.com", 443, "https");
  PoolKey proxied = direct;
  proxied.proxy = "http://proxy:3128";
  const ConnectionId a = open_new(set, direct, at(0));
  open_new(set, direct, at(0));
  open_new(set, proxied, at(0));
  open_new(set, origin("other"), at(0));
  released(set, a, true, at(1));
  const auto stats = set.stats();
  REQUIRE(stats.size() == 2);
  CHECK(stats.at("https://example.com:443") == PoolStats{1, 2, 3});
  CHECK(stats.at("http://other:80") == PoolStats{0, 1, 1});
}

TEST_CASE("count_connection adds a connection held outside the pools into its origin's row") {
  PoolSet set(PoolConfig{.maxsize = 4});
  const PoolKey h2 = origin("example.com", 443, "https");
  open_new(set, origin("other"), at(0));
  auto stats = set.stats();
  count_connection(stats, h2, true);   // a shared HTTP/2 connection nobody has a stream on
  count_connection(stats, h2, false);  // and one in use
  count_connection(stats, origin("other"), true);
  CHECK(stats.at("https://example.com:443") == PoolStats{1, 1, 2});
  CHECK(stats.at("http://other:80") == PoolStats{1, 1, 2});
}

TEST_CASE("num_pools 0 keeps only the pool just asked for") {
  PoolSet set(PoolConfig{}, 0);
  CHECK(set.num_pools() == 1);
  Disposal evicted;
  ConnectionPool& a = set.pool_for(origin("a"), evicted);
  CHECK(a.idle() == 0);
  set.pool_for(origin("b"), evicted);
  CHECK(set.size() == 1);
  CHECK(set.find(origin("b")) != nullptr);
}
