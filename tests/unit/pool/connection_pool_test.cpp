#include <catch.hpp>

#include "core/pool/connection_pool.hpp"

using namespace hipp;
using namespace hipp::pool;

namespace {

TimePoint at(double s) { return TimePoint(seconds(s)); }

Acquire acquired(ConnectionPool& pool, TimePoint now) {
  auto a = pool.acquire(now);
  REQUIRE(a);
  return *a;
}

// Acquires, expecting OpenNew, and reports the connection open.
ConnectionId open_new(ConnectionPool& pool, TimePoint now) {
  auto a = acquired(pool, now);
  REQUIRE(std::holds_alternative<OpenNew>(a.action));
  const ConnectionId id = std::get<OpenNew>(a.action).id;
  REQUIRE(pool.opened(id));
  return id;
}

ConnectionId reused(ConnectionPool& pool, TimePoint now) {
  auto a = acquired(pool, now);
  REQUIRE(std::holds_alternative<Reuse>(a.action));
  return std::get<Reuse>(a.action).id;
}

WaitTicket waits(ConnectionPool& pool, TimePoint now) {
  auto a = acquired(pool, now);
  REQUIRE(std::holds_alternative<Wait>(a.action));
  return std::get<Wait>(a.action).ticket;
}

Release released(ConnectionPool& pool, ConnectionId id, bool reusable, TimePoint now,
                 std::optional<Duration> hint = std::nullopt) {
  auto r = pool.release(id, reusable, now, hint);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("idle connections are reused most recently released first") {
  ConnectionPool pool(PoolConfig{.maxsize = 3});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  const ConnectionId c = open_new(pool, at(0));
  CHECK(a != b);
  CHECK(b != c);
  CHECK(std::holds_alternative<KeepIdle>(released(pool, b, true, at(1)).action));
  CHECK(std::holds_alternative<KeepIdle>(released(pool, a, true, at(2)).action));
  CHECK(std::holds_alternative<KeepIdle>(released(pool, c, true, at(3)).action));
  CHECK(pool.idle() == 3);
  CHECK(reused(pool, at(4)) == c);
  CHECK(reused(pool, at(4)) == a);
  CHECK(reused(pool, at(4)) == b);
  CHECK(pool.idle() == 0);
  CHECK(pool.in_use() == 3);
}

TEST_CASE("block=false opens beyond maxsize and keeps at most maxsize idle") {
  ConnectionPool pool(PoolConfig{.maxsize = 2, .block = false});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  const ConnectionId c = open_new(pool, at(0));  // beyond maxsize: still allowed
  CHECK(pool.total() == 3);
  CHECK(std::holds_alternative<KeepIdle>(released(pool, a, true, at(1)).action));
  CHECK(std::holds_alternative<KeepIdle>(released(pool, b, true, at(1)).action));
  const Release r = released(pool, c, true, at(1));  // the idle set is full: Hip discards it
  REQUIRE(std::holds_alternative<Close>(r.action));
  CHECK(std::get<Close>(r.action).id == c);
  CHECK_FALSE(r.wake);
  CHECK(pool.idle() == 2);
  CHECK(pool.total() == 2);
}

TEST_CASE("block=false with maxsize 0 opens every time and keeps nothing") {
  ConnectionPool pool(PoolConfig{.maxsize = 0});
  const ConnectionId a = open_new(pool, at(0));
  CHECK(std::holds_alternative<Close>(released(pool, a, true, at(1)).action));
  CHECK(pool.total() == 0);
}

TEST_CASE("block=true with maxsize 0 is a usage error") {
  ConnectionPool pool(PoolConfig{.maxsize = 0, .block = true});
  auto a = pool.acquire(at(0));
  REQUIRE_FALSE(a);
  CHECK(a.error().code == ErrorCode::invalid_state);
}

TEST_CASE("block=true never exceeds maxsize and hands released connections to waiters in FIFO order") {
  ConnectionPool pool(PoolConfig{.maxsize = 2, .block = true});
  const ConnectionId a = open_new(pool, at(0));
  // A connecting slot counts against maxsize too.
  auto second = acquired(pool, at(0));
  REQUIRE(std::holds_alternative<OpenNew>(second.action));
  const ConnectionId b = std::get<OpenNew>(second.action).id;
  CHECK(pool.connecting() == 1);
  const WaitTicket t1 = waits(pool, at(1));
  REQUIRE(pool.opened(b));
  const WaitTicket t2 = waits(pool, at(2));
  const WaitTicket t3 = waits(pool, at(3));
  CHECK(pool.waiting() == 3);
  CHECK(pool.total() == 2);

  const Release r1 = released(pool, b, true, at(4));
  REQUIRE(std::holds_alternative<HandOff>(r1.action));
  CHECK(std::get<HandOff>(r1.action).ticket == t1);
  CHECK(std::get<HandOff>(r1.action).id == b);
  CHECK(pool.in_use() == 2);
  CHECK(pool.idle() == 0);

  const Release r2 = released(pool, a, true, at(5));
  REQUIRE(std::holds_alternative<HandOff>(r2.action));
  CHECK(std::get<HandOff>(r2.action).ticket == t2);
  CHECK(std::get<HandOff>(r2.action).id == a);

  const Release r3 = released(pool, a, true, at(6));
  REQUIRE(std::holds_alternative<HandOff>(r3.action));
  CHECK(std::get<HandOff>(r3.action).ticket == t3);
  CHECK(pool.waiting() == 0);

  CHECK(std::holds_alternative<KeepIdle>(released(pool, a, true, at(7)).action));
  CHECK(pool.idle() == 1);
  CHECK(pool.total() == 2);
}

TEST_CASE("a new request does not jump the queue of waiters") {
  ConnectionPool pool(PoolConfig{.maxsize = 1, .block = true});
  const ConnectionId a = open_new(pool, at(0));
  const WaitTicket t1 = waits(pool, at(1));
  const WaitTicket t2 = waits(pool, at(1));
  CHECK(t1 != t2);
  const Release r = released(pool, a, true, at(2));
  REQUIRE(std::holds_alternative<HandOff>(r.action));
  CHECK(std::get<HandOff>(r.action).ticket == t1);
  // t2 is still waiting: a newcomer queues behind it.
  const WaitTicket t3 = waits(pool, at(3));
  const Release r2 = released(pool, a, true, at(4));
  CHECK(std::get<HandOff>(r2.action).ticket == t2);
  const Release r3 = released(pool, a, true, at(5));
  CHECK(std::get<HandOff>(r3.action).ticket == t3);
}

TEST_CASE("cancel_wait removes a waiter; a granted ticket can no longer be cancelled") {
  ConnectionPool pool(PoolConfig{.maxsize = 1, .block = true});
  const ConnectionId a = open_new(pool, at(0));
  const WaitTicket t1 = waits(pool, at(1));
  const WaitTicket t2 = waits(pool, at(1));
  const WaitTicket t3 = waits(pool, at(1));
  CHECK(pool.cancel_wait(t2));
  CHECK_FALSE(pool.cancel_wait(t2));
  CHECK(pool.waiting() == 2);
  const Release r = released(pool, a, true, at(2));
  CHECK(std::get<HandOff>(r.action).ticket == t1);
  CHECK_FALSE(pool.cancel_wait(t1));  // granted: the caller must deliver or release the connection
  const Release r2 = released(pool, a, true, at(3));
  CHECK(std::get<HandOff>(r2.action).ticket == t3);
  CHECK_FALSE(pool.cancel_wait(12345));
}

TEST_CASE("a freed slot goes to the oldest waiter as OpenFor") {
  ConnectionPool pool(PoolConfig{.maxsize = 1, .block = true});

  SECTION("not reusable on release") {
    const ConnectionId a = open_new(pool, at(0));
    const WaitTicket t = waits(pool, at(1));
    const Release r = released(pool, a, false, at(2));
    REQUIRE(std::holds_alternative<Close>(r.action));
    CHECK(std::get<Close>(r.action).id == a);
    REQUIRE(r.wake);
    CHECK(r.wake->ticket == t);
    CHECK(r.wake->id != a);
    CHECK(pool.connecting() == 1);
    CHECK(pool.total() == 1);
    REQUIRE(pool.opened(r.wake->id));
    CHECK(pool.in_use() == 1);
  }
  SECTION("open failed") {
    auto first = acquired(pool, at(0));
    const ConnectionId a = std::get<OpenNew>(first.action).id;
    const WaitTicket t = waits(pool, at(1));
    auto wake = pool.open_failed(a);
    REQUIRE(wake);
    REQUIRE(wake->has_value());
    CHECK((*wake)->ticket == t);
    CHECK((*wake)->id != a);
    CHECK(pool.total() == 1);
  }
  SECTION("discarded while in use") {
    const ConnectionId a = open_new(pool, at(0));
    const WaitTicket t = waits(pool, at(1));
    auto wake = pool.discard(a);
    REQUIRE(wake);
    REQUIRE(wake->has_value());
    CHECK((*wake)->ticket == t);
    CHECK(pool.waiting() == 0);
  }
  SECTION("no waiter: nothing to wake") {
    const ConnectionId a = open_new(pool, at(0));
    const Release r = released(pool, a, false, at(2));
    CHECK(std::holds_alternative<Close>(r.action));
    CHECK_FALSE(r.wake);
    CHECK(pool.total() == 0);
  }
}

TEST_CASE("idle connections expire keepalive_expiry after release, measured from now") {
  ConnectionPool pool(PoolConfig{.maxsize = 2, .keepalive_expiry = seconds(5)});
  const ConnectionId a = open_new(pool, at(0));
  const Release r = released(pool, a, true, at(10));
  REQUIRE(std::holds_alternative<KeepIdle>(r.action));
  CHECK(std::get<KeepIdle>(r.action).expires == at(15));
  CHECK(pool.next_expiry() == at(15));
  CHECK(pool.expire(at(14.999)).empty());
  CHECK(reused(pool, at(14.999)) == a);
  released(pool, a, true, at(20));
  // At the expiry instant the connection is no longer handed out.
  auto later = acquired(pool, at(25));
  REQUIRE(std::holds_alternative<OpenNew>(later.action));
  CHECK(later.to_close == std::vector<ConnectionId>{a});
  CHECK(pool.idle() == 0);
  CHECK(pool.next_expiry().is_never());
}

TEST_CASE("expire drops only what is due, oldest first") {
  ConnectionPool pool(PoolConfig{.maxsize = 3, .keepalive_expiry = seconds(10)});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  const ConnectionId c = open_new(pool, at(0));
  released(pool, a, true, at(1));
  released(pool, b, true, at(2));
  released(pool, c, true, at(5));
  CHECK(pool.next_expiry() == at(11));
  CHECK(pool.expire(at(12)) == std::vector<ConnectionId>{a, b});
  CHECK(pool.idle() == 1);
  CHECK(pool.next_expiry() == at(15));
  CHECK(reused(pool, at(13)) == c);
}

TEST_CASE("an expired idle connection is skipped even when it is the most recent") {
  ConnectionPool pool(PoolConfig{.maxsize = 2, .keepalive_expiry = seconds(120)});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  released(pool, a, true, at(0));                // expires at 120
  released(pool, b, true, at(1), seconds(2));    // the server's Keep-Alive says 2 s: expires at 3
  auto got = acquired(pool, at(4));
  CHECK(got.to_close == std::vector<ConnectionId>{b});
  REQUIRE(std::holds_alternative<Reuse>(got.action));
  CHECK(std::get<Reuse>(got.action).id == a);
}

TEST_CASE("the server's keep-alive hint and the configured expiry: the earlier wins") {
  SECTION("hint shorter than config") {
    ConnectionPool pool(PoolConfig{.maxsize = 1, .keepalive_expiry = seconds(120)});
    const ConnectionId a = open_new(pool, at(0));
    CHECK(std::get<KeepIdle>(released(pool, a, true, at(10), seconds(5)).action).expires == at(15));
  }
  SECTION("config shorter than hint") {
    ConnectionPool pool(PoolConfig{.maxsize = 1, .keepalive_expiry = seconds(3)});
    const ConnectionId a = open_new(pool, at(0));
    CHECK(std::get<KeepIdle>(released(pool, a, true, at(10), seconds(5)).action).expires == at(13));
  }
  SECTION("hint only") {
    ConnectionPool pool(PoolConfig{.maxsize = 1});
    const ConnectionId a = open_new(pool, at(0));
    CHECK(std::get<KeepIdle>(released(pool, a, true, at(10), seconds(5)).action).expires == at(15));
  }
  SECTION("neither: kept without limit") {
    ConnectionPool pool(PoolConfig{.maxsize = 1});
    const ConnectionId a = open_new(pool, at(0));
    CHECK(std::get<KeepIdle>(released(pool, a, true, at(10)).action).expires.is_never());
    CHECK(pool.next_expiry().is_never());
    CHECK(reused(pool, at(1e6)) == a);
  }
  SECTION("a zero hint closes the connection") {
    ConnectionPool pool(PoolConfig{.maxsize = 1, .keepalive_expiry = seconds(120)});
    const ConnectionId a = open_new(pool, at(0));
    const Release r = released(pool, a, true, at(10), Duration::zero());
    CHECK(std::holds_alternative<Close>(r.action));
    CHECK(pool.total() == 0);
  }
  SECTION("a zero configured expiry never keeps idle connections") {
    ConnectionPool pool(PoolConfig{.maxsize = 1, .keepalive_expiry = Duration::zero()});
    const ConnectionId a = open_new(pool, at(0));
    CHECK(std::holds_alternative<Close>(released(pool, a, true, at(10)).action));
  }
}

TEST_CASE("close disposes idle connections and waiters; later calls see a closed pool") {
  ConnectionPool pool(PoolConfig{.maxsize = 2, .block = true});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  released(pool, a, true, at(1));
  // Make b's slot the only one and queue a waiter behind an in-use connection.
  CHECK(reused(pool, at(2)) == a);
  const WaitTicket t = waits(pool, at(3));
  released(pool, a, true, at(4));  // hands off to t
  const WaitTicket t2 = waits(pool, at(5));

  Disposal d = pool.close();
  CHECK(d.to_close.empty());
  CHECK(d.failed_waiters == std::vector<WaitTicket>{t2});
  CHECK(pool.closed());
  auto refused = pool.acquire(at(6));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::pool_closed);
  const Release r = released(pool, b, true, at(7));
  REQUIRE(std::holds_alternative<Close>(r.action));
  CHECK_FALSE(r.wake);
  CHECK(std::holds_alternative<Close>(released(pool, a, true, at(7)).action));  // the connection t got
  CHECK(pool.total() == 0);
  CHECK(t != t2);
  Disposal again = pool.close();
  CHECK(again.to_close.empty());
  CHECK(again.failed_waiters.empty());
}

TEST_CASE("close returns the idle connections; a connection opening meanwhile is closed on release") {
  ConnectionPool pool(PoolConfig{.maxsize = 3});
  const ConnectionId a = open_new(pool, at(0));
  const ConnectionId b = open_new(pool, at(0));
  auto opening = acquired(pool, at(0));
  const ConnectionId c = std::get<OpenNew>(opening.action).id;
  released(pool, a, true, at(1));
  released(pool, b, true, at(2));
  Disposal d = pool.close();
  CHECK(d.to_close == std::vector<ConnectionId>{a, b});
  CHECK(pool.idle() == 0);
  REQUIRE(pool.opened(c));
  CHECK(std::holds_alternative<Close>(released(pool, c, true, at(3)).action));
}

TEST_CASE("misuse is reported as invalid_state") {
  ConnectionPool pool(PoolConfig{.maxsize = 2});
  const ConnectionId a = open_new(pool, at(0));
  CHECK(pool.release(999, true, at(1)).error().code == ErrorCode::invalid_state);
  CHECK(pool.opened(a).error().code == ErrorCode::invalid_state);  // already open
  CHECK(pool.open_failed(a).error().code == ErrorCode::invalid_state);
  released(pool, a, true, at(1));
  CHECK(pool.release(a, true, at(2)).error().code == ErrorCode::invalid_state);  // idle, not in use
  REQUIRE(pool.discard(a));  // idle and dead: forgotten
  CHECK(pool.idle() == 0);
  CHECK(pool.discard(a).error().code == ErrorCode::invalid_state);
  CHECK(pool.release(a, true, at(3)).error().code == ErrorCode::invalid_state);
  // A discarded id is never handed out again.
  auto next = acquired(pool, at(4));
  REQUIRE(std::holds_alternative<OpenNew>(next.action));
  CHECK(std::get<OpenNew>(next.action).id != a);
}

TEST_CASE("ids and tickets carry the pool's prefix") {
  ConnectionPool pool(PoolConfig{.maxsize = 1, .block = true}, 77);
  const ConnectionId a = open_new(pool, at(0));
  const WaitTicket t = waits(pool, at(0));
  CHECK(ConnectionPool::prefix_of(a) == 77);
  CHECK(ConnectionPool::prefix_of(t) == 77);
  ConnectionPool plain(PoolConfig{});
  CHECK(ConnectionPool::prefix_of(open_new(plain, at(0))) == 0);
}
