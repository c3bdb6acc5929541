// A fixed-seed random walk over ConnectionPool's operations, checked against a model of what the caller
// holds. Invariants after every step: idle + in_use == total; block=true never exceeds maxsize; while
// requests wait nothing is idle; an id handed out (Reuse/HandOff) was idle-and-unexpired or in use, never
// discarded, closed or expired; the pool's counts equal the model's.
#include <catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "core/pool/connection_pool.hpp"

using namespace hipp;
using namespace hipp::pool;

namespace {

struct Model {
  std::set<ConnectionId> connecting, in_use;
  std::map<ConnectionId, TimePoint> idle;  // id → expiry
  std::set<WaitTicket> waiting;
  std::set<ConnectionId> dead;  // closed, discarded, expired or failed to open: never seen again
  std::map<ConnectionId, std::uint64_t> released_at;  // release order of the idle connections
  std::uint64_t releases = 0;

  void kill(ConnectionId id) {
    CHECK(dead.insert(id).second);
    connecting.erase(id);
    in_use.erase(id);
    idle.erase(id);
    released_at.erase(id);
  }
  void wake(const std::optional<OpenFor>& grant) {
    if (!grant) return;
    CHECK(waiting.erase(grant->ticket) == 1);
    CHECK(dead.count(grant->id) == 0);
    CHECK(connecting.insert(grant->id).second);
  }
};

template <class T>
T pick(std::mt19937& rng, const std::set<T>& s) {
  auto it = s.begin();
  std::advance(it, std::uniform_int_distribution<std::size_t>(0, s.size() - 1)(rng));
  return *it;
}

void walk(PoolConfig config, std::uint32_t seed) {
  INFO("maxsize " << config.maxsize << " block " << config.block << " seed " << seed);
  std::mt19937 rng(seed);
  ConnectionPool pool(config);
  Model m;
  TimePoint now(seconds(1000));
  std::size_t reuses = 0, waits = 0, handoffs = 0, wakes = 0, expiries = 0;
  const auto chance = [&rng](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };

  for (int step = 0; step < 4000; ++step) {
    INFO("step " << step);
    int op = std::uniform_int_distribution<int>(0, 9)(rng);
    // Keep the queue short so that a blocking pool also spends time with idle connections.
    if (op <= 2 && m.waiting.size() >= 3) op = 7;
    if (op <= 2) {
      auto a = pool.acquire(now);
      REQUIRE(a);
      for (ConnectionId id : a->to_close) {
        REQUIRE(m.idle.count(id) == 1);
        CHECK(m.idle.at(id) <= now);
        m.kill(id);
        ++expiries;
      }
      if (auto* reuse = std::get_if<Reuse>(&a->action)) {
        REQUIRE(m.idle.count(reuse->id) == 1);
        CHECK(m.idle.at(reuse->id) > now);  // never an expired connection
        // LIFO: it is the most recently released of the idle connections.
        for (const auto& [id, seq] : m.released_at) CHECK(seq <= m.released_at.at(reuse->id));
        m.idle.erase(reuse->id);
        m.released_at.erase(reuse->id);
        ++reuses;
        m.in_use.insert(reuse->id);
      } else if (auto* open = std::get_if<OpenNew>(&a->action)) {
        CHECK(m.dead.count(open->id) == 0);
        CHECK(m.connecting.count(open->id) == 0);
        CHECK(m.in_use.count(open->id) == 0);
        m.connecting.insert(open->id);
      } else {
        REQUIRE(config.block);
        CHECK(m.waiting.insert(std::get<Wait>(a->action).ticket).second);
        ++waits;
      }
    } else if (op == 3 && !m.connecting.empty()) {
      const ConnectionId id = pick(rng, m.connecting);
      if (chance(80)) {
        REQUIRE(pool.opened(id));
        m.connecting.erase(id);
        m.in_use.insert(id);
      } else {
        auto wake = pool.open_failed(id);
        REQUIRE(wake);
        m.kill(id);
        m.wake(*wake);
      }
    } else if (op <= 5 && !m.in_use.empty()) {
      const ConnectionId id = pick(rng, m.in_use);
      const bool reusable = chance(75);
      std::optional<Duration> hint;
      if (chance(30)) hint = seconds(std::uniform_int_distribution<int>(0, 20)(rng));
      auto r = pool.release(id, reusable, now, hint);
      REQUIRE(r);
      if (auto* keep = std::get_if<KeepIdle>(&r->action)) {
        CHECK(reusable);
        CHECK(keep->expires > now);
        m.in_use.erase(id);
        m.idle[id] = keep->expires;
        m.released_at[id] = ++m.releases;
      } else if (auto* hand = std::get_if<HandOff>(&r->action)) {
        CHECK(reusable);
        CHECK(hand->id == id);
        CHECK(m.waiting.erase(hand->ticket) == 1);
        ++handoffs;
      } else {
        CHECK(std::get<Close>(r->action).id == id);
        m.kill(id);
        m.wake(r->wake);
        if (r->wake) ++wakes;
      }
    } else if (op == 6) {
      std::set<ConnectionId> known = m.in_use;
      for (const auto& [id, expires] : m.idle) known.insert(id);
      if (known.empty()) continue;
      const ConnectionId id = pick(rng, known);
      auto wake = pool.discard(id);
      REQUIRE(wake);
      m.kill(id);
      m.wake(*wake);
      CHECK(pool.discard(id).error().code == ErrorCode::invalid_state);
    } else if (op == 7 && !m.waiting.empty()) {
      const WaitTicket t = pick(rng, m.waiting);
      CHECK(pool.cancel_wait(t));
      m.waiting.erase(t);
    } else if (op == 8) {
      now += Duration(std::uniform_int_distribution<std::int64_t>(0, 6'000'000'000)(rng));
    } else if (op == 9) {
      if (chance(50)) {
        TimePoint earliest_model = TimePoint::never();
        for (const auto& [id, expires] : m.idle) earliest_model = earliest(earliest_model, expires);
        CHECK(pool.next_expiry() == earliest_model);
      }
      for (ConnectionId id : pool.expire(now)) {
        REQUIRE(m.idle.count(id) == 1);
        CHECK(m.idle.at(id) <= now);
        m.kill(id);
        ++expiries;
      }
      for (const auto& [id, expires] : m.idle) CHECK(expires > now);
    }

    REQUIRE(pool.idle() + pool.in_use() == pool.total());
    REQUIRE(pool.idle() == m.idle.size());
    REQUIRE(pool.connecting() == m.connecting.size());
    REQUIRE(pool.in_use() == m.in_use.size() + m.connecting.size());
    REQUIRE(pool.waiting() == m.waiting.size());
    if (config.block) REQUIRE(pool.total() <= config.maxsize);
    REQUIRE(pool.idle() <= config.maxsize);
    if (!m.waiting.empty()) {
      REQUIRE(pool.idle() == 0);
      REQUIRE(pool.total() == config.maxsize);  // a waiter only waits while every slot is taken
    }
  }

  // The walk exercised what it checks.
  CHECK(reuses > 0);
  if (config.keepalive_expiry) CHECK(expiries > 0);
  if (config.block) {
    CHECK(waits > 0);
    CHECK(handoffs > 0);
    CHECK(wakes > 0);
  }

  // Closing hands back exactly the idle connections and the waiters.
  Disposal d = pool.close();
  CHECK(std::set<ConnectionId>(d.to_close.begin(), d.to_close.end()).size() == m.idle.size());
  for (ConnectionId id : d.to_close) CHECK(m.idle.count(id) == 1);
  CHECK(std::set<WaitTicket>(d.failed_waiters.begin(), d.failed_waiters.end()) == m.waiting);
  for (ConnectionId id : std::set<ConnectionId>(m.in_use)) {
    auto r = pool.release(id, true, now);
    REQUIRE(r);
    CHECK(std::holds_alternative<Close>(r->action));
  }
  CHECK(pool.total() == m.connecting.size());
}

}  // namespace

TEST_CASE("random operation sequences keep the pool's invariants") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    for (std::size_t maxsize : {std::size_t{1}, std::size_t{2}, std::size_t{5}}) {
      walk(PoolConfig{.maxsize = maxsize, .block = true, .keepalive_expiry = seconds(4)}, seed);
      walk(PoolConfig{.maxsize = maxsize, .block = false, .keepalive_expiry = seconds(4)}, seed);
      walk(PoolConfig{.maxsize = maxsize, .block = true}, seed);
    }
  }
}
