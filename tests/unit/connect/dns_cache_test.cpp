#include <catch.hpp>

#include <string>
#include <vector>

#include "core/connect/dns_cache.hpp"

using namespace hipp;
using namespace hipp::connect;

namespace {

TimePoint at(double s) { return TimePoint(seconds(s)); }

std::vector<Address> one(std::string ip, std::uint16_t port = 80) {
  return {Address{std::move(ip), AddressFamily::v4, port}};
}

}  // namespace

TEST_CASE("DnsCache keeps an entry at most max_ttl", "[connect][dns_cache]") {
  DnsCache cache({.max_ttl = seconds(60)});
  CHECK_FALSE(cache.lookup("example.com", 80, at(0)));
  cache.store("example.com", 80, one("192.0.2.1"), at(10));
  auto hit = cache.lookup("example.com", 80, at(69.9));
  REQUIRE(hit);
  CHECK(*hit == one("192.0.2.1"));
  // Hits do not extend the lifetime: getaddrinfo gave no TTL, so max_ttl counts from the store.
  CHECK_FALSE(cache.lookup("example.com", 80, at(70)));
  CHECK(cache.size() == 0);  // the expired entry was dropped

  SECTION("storing again starts a new lifetime with the new addresses") {
    cache.store("example.com", 80, one("192.0.2.1"), at(100));
    cache.store("example.com", 80, one("192.0.2.2"), at(150));
    CHECK(cache.size() == 1);
    CHECK(*cache.lookup("example.com", 80, at(200)) == one("192.0.2.2"));
  }
}

TEST_CASE("DnsCache keys by host and port, hosts case-insensitively", "[connect][dns_cache]") {
  DnsCache cache;
  cache.store("Example.COM", 80, one("192.0.2.1", 80), at(0));
  cache.store("example.com", 443, one("192.0.2.1", 443), at(0));
  CHECK(*cache.lookup("example.com", 80, at(1)) == one("192.0.2.1", 80));
  CHECK(*cache.lookup("EXAMPLE.com", 443, at(1)) == one("192.0.2.1", 443));
  CHECK_FALSE(cache.lookup("example.com", 8080, at(1)));
  CHECK_FALSE(cache.lookup("example.org", 80, at(1)));
  CHECK(cache.size() == 2);
  // A port and host that could read the same when joined naively stay apart.
  cache.store("1", 80, one("192.0.2.9"), at(0));
  CHECK_FALSE(cache.lookup("", 801, at(1)));
}

TEST_CASE("DnsCache evicts the least recently used entry when full", "[connect][dns_cache]") {
  DnsCache cache({.capacity = 2});
  cache.store("a", 80, one("192.0.2.1"), at(0));
  cache.store("b", 80, one("192.0.2.2"), at(1));
  REQUIRE(cache.lookup("a", 80, at(2)));  // a is now more recently used than b
  cache.store("c", 80, one("192.0.2.3"), at(3));
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.lookup("b", 80, at(4)));
  CHECK(cache.lookup("a", 80, at(4)));
  CHECK(cache.lookup("c", 80, at(4)));
  // Replacing an entry does not evict another.
  cache.store("a", 80, one("192.0.2.4"), at(5));
  CHECK(cache.size() == 2);
  CHECK(cache.lookup("c", 80, at(6)));
  CHECK(*cache.lookup("a", 80, at(6)) == one("192.0.2.4"));
}

TEST_CASE("DnsCache forget drops one entry so the next connection resolves again", "[connect][dns_cache]") {
  DnsCache cache;
  cache.store("a", 80, one("192.0.2.1"), at(0));
  cache.store("a", 443, one("192.0.2.1", 443), at(0));
  CHECK(cache.forget("A", 80));
  CHECK_FALSE(cache.forget("a", 80));
  CHECK_FALSE(cache.lookup("a", 80, at(1)));
  CHECK(cache.lookup("a", 443, at(1)));
  cache.clear();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.lookup("a", 443, at(1)));
}

TEST_CASE("DnsCache caches no negative answers, and nothing when disabled", "[connect][dns_cache]") {
  DnsCache cache;
  cache.store("a", 80, one("192.0.2.1"), at(0));
  cache.store("a", 80, {}, at(1));  // an empty answer replaces nothing with nothing
  CHECK_FALSE(cache.lookup("a", 80, at(2)));
  CHECK(cache.size() == 0);

  DnsCache no_ttl({.max_ttl = Duration::zero()});
  no_ttl.store("a", 80, one("192.0.2.1"), at(0));
  CHECK_FALSE(no_ttl.lookup("a", 80, at(0)));
  DnsCache no_room({.capacity = 0});
  no_room.store("a", 80, one("192.0.2.1"), at(0));
  CHECK(no_room.size() == 0);
}
