// The blocking transport's connect on loopback, driven by core/connect's Happy Eyeballs schedule: an address
// that never answers costs the attempt delay, not the connect timeout; a refused one costs nothing; and
// every failure names the addresses tried.
//
// A black hole on loopback: a listener with a backlog of 0 whose accept queue one connection already
// fills. Linux drops further SYNs to it (they are retransmitted after 1 s, 3 s, ...), so a connect to it
// neither completes nor fails within a test's time.
#include <catch.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <vector>

#include "transports/blocking/clock.hpp"
#include "transports/blocking/resolve.hpp"
#include "transports/blocking/tcp_connect.hpp"
#include "tests/support/loopback.hpp"

using namespace std::chrono_literals;
using hipp::ErrorCode;
using hipp::TimePoint;
using hipp::connect::Address;
using hipp::connect::AddressFamily;
using hipp::test::Fd;
namespace blocking = hipp::blocking;

namespace {

// A loopback listener on a kernel-chosen port ([::1] or 127.0.0.1), listening with `backlog`.
struct Listener {
  Fd fd;
  Address address;

  Listener(bool ipv6, int backlog) {
    fd = Fd(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd.valid());
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (ipv6) {
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_loopback;
      std::memcpy(&ss, &a, sizeof a);
      len = sizeof a;
    } else {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      std::memcpy(&ss, &a, sizeof a);
      len = sizeof a;
    }
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0);
    REQUIRE(::listen(fd.get(), backlog) == 0);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) == 0);
    const std::uint16_t port =
        ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    address = ipv6 ? Address{"::1", AddressFamily::v6, port} : Address{"127.0.0.1", AddressFamily::v4, port};
  }
};

// A listener nobody can connect to any more: its one-slot accept queue is full.
struct BlackHole {
  Listener listener;
  Fd filler;

  explicit BlackHole(bool ipv6) : listener(ipv6, 0) {
    filler = hipp::test::connect_loopback(listener.address.port, 2000ms, ipv6);
    REQUIRE(filler.valid());
  }
  const Address& address() const { return listener.address; }
};

// An address where nothing listens: a listener's port, after it closed.
Address refusing(bool ipv6) {
  Listener gone(ipv6, 1);
  return gone.address;
}

// Descriptors this process has open: the losers of a race must be closed, not leaked.
std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TimePoint in(std::chrono::milliseconds d) { return blocking::steady_now() + d; }
double ms_since(TimePoint start) { return static_cast<double>((blocking::steady_now() - start).count()) / 1e6; }

}  // namespace

TEST_CASE("A black-holed first address falls back to the next one after the attempt delay", "[connect]") {
  // The unreachable address is IPv6 where the machine has [::1], as on a host whose IPv6 route is broken.
  const bool ipv6 = hipp::test::ipv6_loopback_available();
  BlackHole hole(ipv6);
  Listener server(false, 16);

  // The hole is tried first either way: IPv6 is preferred, and a single family keeps the given order.
  const std::size_t fds = open_fds();
  const TimePoint start = blocking::steady_now();
  auto socket = blocking::tcp_connect_addresses("dual.test", server.address.port, {hole.address(), server.address},
                                                in(5000ms), 250ms);
  const double took = ms_since(start);
  REQUIRE(socket);
  CHECK(socket->peer_address() == server.address.to_string());
  CHECK(took >= 240);   // the second attempt waited for the delay ...
  CHECK(took < 900);    // ... and not for the hole's SYN retransmission (1 s) or the deadline (5 s)
  CHECK(open_fds() == fds + 1);  // the winner; the attempt at the hole was closed

  SECTION("a shorter delay falls back sooner") {
    const TimePoint again = blocking::steady_now();
    auto quick = blocking::tcp_connect_addresses("dual.test", server.address.port,
                                                 {hole.address(), server.address}, in(5000ms), 50ms);
    REQUIRE(quick);
    CHECK(ms_since(again) < 240);
  }
}

TEST_CASE("A refused first address starts the next one at once", "[connect]") {
  Listener server(false, 16);
  const TimePoint start = blocking::steady_now();
  auto socket = blocking::tcp_connect_addresses("dual.test", server.address.port, {refusing(false), server.address},
                                                in(5000ms), 2000ms);
  REQUIRE(socket);
  CHECK(socket->peer_address() == server.address.to_string());
  CHECK(ms_since(start) < 1000);  // well before the 2 s delay
}

TEST_CASE("When every address is refused the error names them all", "[connect]") {
  const Address a = refusing(false);
  const Address b = refusing(false);
  auto socket = blocking::tcp_connect_addresses("down.test", a.port, {a, b}, in(5000ms));
  REQUIRE_FALSE(socket);
  CHECK(socket.error().code == ErrorCode::connect_failed);
  CHECK(socket.error().detail == "failed to connect to down.test port " + std::to_string(a.port) +
                                     ": Connection refused (tried " + a.to_string() + ", " + b.to_string() + ")");
  REQUIRE(socket.error().cause);
  CHECK(socket.error().cause->detail == a.to_string() + ": Connection refused");
}

TEST_CASE("Addresses that never answer end in connect_timeout at the connect deadline", "[connect]") {
  BlackHole first(false);
  BlackHole second(false);
  const std::size_t fds = open_fds();
  const TimePoint start = blocking::steady_now();
  auto socket = blocking::tcp_connect_addresses("slow.test", first.address().port,
                                                {first.address(), second.address()}, in(600ms), 100ms);
  const double took = ms_since(start);
  REQUIRE_FALSE(socket);
  CHECK(socket.error().code == ErrorCode::connect_timeout);
  CHECK(socket.error().detail ==
        "failed to connect to slow.test port " + std::to_string(first.address().port) +
            ": connect did not complete before the connect deadline (tried " + first.address().to_string() + ", " +
            second.address().to_string() + ")");
  CHECK(took >= 590);
  CHECK(took < 1500);
  CHECK(open_fds() == fds);  // both attempts closed
}

TEST_CASE("tcp_connect resolves, connects and keeps the answer in the DNS cache", "[connect]") {
  Listener server(false, 16);
  hipp::SharedDnsCache cache;
  auto resolved = blocking::resolve("localhost", server.address.port);
  REQUIRE(resolved);
  REQUIRE_FALSE(resolved->empty());

  auto socket = blocking::tcp_connect("127.0.0.1", server.address.port, in(5000ms), {.dns_cache = &cache});
  REQUIRE(socket);
  CHECK(cache.size() == 1);
  auto cached = cache.lookup("127.0.0.1", server.address.port, blocking::steady_now());
  REQUIRE(cached);
  CHECK(*cached == std::vector<Address>{server.address});

  SECTION("an entry whose addresses all failed is forgotten") {
    const Address gone = refusing(false);
    auto refused = blocking::tcp_connect("127.0.0.1", gone.port, in(5000ms), {.dns_cache = &cache});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::connect_failed);
    CHECK_FALSE(cache.lookup("127.0.0.1", gone.port, blocking::steady_now()));
    CHECK(cache.size() == 1);  // the working entry stays
  }
  SECTION("a cached entry is used without resolving") {
    // Poisoned on purpose: the cache says the name is the listener, although no resolver knows it.
    cache.store("cached.invalid", server.address.port, {server.address}, blocking::steady_now());
    auto from_cache = blocking::tcp_connect("cached.invalid", server.address.port, in(5000ms), {.dns_cache = &cache});
    REQUIRE(from_cache);
    auto uncached = blocking::tcp_connect("cached.invalid", server.address.port, in(5000ms));
    REQUIRE_FALSE(uncached);
    CHECK(uncached.error().code == ErrorCode::resolve_failed);
  }
}

TEST_CASE("resolve turns literals into Addresses; a bad one fails its attempt", "[connect]") {
  auto v4 = blocking::resolve("127.0.0.1", 80);
  REQUIRE(v4);
  CHECK(*v4 == std::vector<Address>{{"127.0.0.1", AddressFamily::v4, 80}});
  if (hipp::test::ipv6_loopback_available()) {
    auto v6 = blocking::resolve("::1", 443);
    REQUIRE(v6);
    CHECK(*v6 == std::vector<Address>{{"::1", AddressFamily::v6, 443}});
  }
  auto bad = blocking::tcp_connect_addresses("x", 80, {{"not-an-ip", AddressFamily::v4, 80}}, in(1000ms));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail == "failed to connect to x port 80: not a numeric address: 'not-an-ip' (tried not-an-ip:80)");
}
