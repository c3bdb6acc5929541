#include <catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/connect/happy_eyeballs.hpp"

using namespace hipp;
using namespace hipp::connect;
using std::chrono::milliseconds;

namespace {

TimePoint ms(long long n) { return TimePoint(milliseconds(n)); }

Address v4(std::string ip, std::uint16_t port = 443) { return Address{std::move(ip), AddressFamily::v4, port}; }
Address v6(std::string ip, std::uint16_t port = 443) { return Address{std::move(ip), AddressFamily::v6, port}; }

std::vector<std::string> ips(const std::vector<Address>& list) {
  std::vector<std::string> out;
  for (const auto& a : list) out.push_back(a.ip);
  return out;
}

std::vector<std::string> ips(const std::vector<Attempt>& list) {
  std::vector<std::string> out;
  for (const auto& a : list) out.push_back(a.address.ip);
  return out;
}

// What the simulated network does with a connect to one address.
struct Outcome {
  enum Kind { connects, fails, hangs } kind;
  milliseconds after{0};
  std::string reason = "Connection refused";
};
Outcome connects_after(long long n) { return {Outcome::connects, milliseconds(n)}; }
Outcome fails_after(long long n, std::string reason = "Connection refused") {
  return {Outcome::fails, milliseconds(n), std::move(reason)};
}
Outcome hangs() { return {Outcome::hangs}; }

// A transport over a virtual clock: drives the machine to its end as the blocking and Asio transports do,
// logging "t=<ms> <what>" lines, and returns the final step.
struct Run {
  std::vector<std::string> log;
  ConnectStep end{WaitUntil{TimePoint::never()}};
};

Run drive(HappyEyeballs& he, const std::map<std::string, Outcome>& network, TimePoint start = ms(0)) {
  Run run;
  TimePoint now = start;
  std::map<std::size_t, TimePoint> in_flight;  // attempt → when the network answers (never: hangs)
  auto stamp = [&](TimePoint t) { return "t=" + std::to_string((t - start) / milliseconds(1)) + " "; };
  for (int guard = 0; guard < 1000; ++guard) {
    ConnectStep step = he.next_step(now);
    if (auto* s = std::get_if<StartAttempt>(&step)) {
      run.log.push_back(stamp(now) + "start " + s->address.ip);
      const Outcome& o = network.at(s->address.ip);
      in_flight[s->index] = o.kind == Outcome::hangs ? TimePoint::never() : now + o.after;
      continue;
    }
    if (auto* w = std::get_if<WaitUntil>(&step)) {
      REQUIRE(w->at > now);
      auto next = in_flight.end();
      for (auto it = in_flight.begin(); it != in_flight.end(); ++it) {
        if (next == in_flight.end() || it->second < next->second) next = it;
      }
      if (next == in_flight.end() || next->second > w->at) {
        REQUIRE_FALSE(w->at.is_never());  // nothing would ever happen
        now = w->at;
        continue;
      }
      now = next->second;
      const std::size_t index = next->first;
      in_flight.erase(next);
      const Attempt& a = he.attempts()[index];
      const Outcome& o = network.at(a.address.ip);
      if (o.kind == Outcome::connects) {
        run.log.push_back(stamp(now) + "connected " + a.address.ip);
        REQUIRE(he.on_attempt_connected(index, now));
      } else {
        run.log.push_back(stamp(now) + "failed " + a.address.ip);
        REQUIRE(he.on_attempt_failed(index, make_error(ErrorCode::connect_failed, o.reason), now));
      }
      continue;
    }
    const std::vector<std::size_t>& cancel =
        std::holds_alternative<Connected>(step) ? std::get<Connected>(step).cancel : std::get<Failed>(step).cancel;
    for (std::size_t i : cancel) {
      REQUIRE(in_flight.erase(i) == 1);  // only attempts in flight are cancelled
      run.log.push_back(stamp(now) + "cancel " + he.attempts()[i].address.ip);
    }
    run.log.push_back(stamp(now) + (std::holds_alternative<Connected>(step) ? "done" : "failed"));
    run.end = std::move(step);
    REQUIRE(in_flight.empty());  // every attempt started was answered or cancelled
    return run;
  }
  FAIL("the machine did not finish");
  return run;
}

using Log = std::vector<std::string>;

}  // namespace

TEST_CASE("attempt_order interleaves the families, preferred family first (RFC 8305 §4)", "[connect]") {
  const std::vector<Address> resolved = {v6("6a"), v6("6b"), v6("6c"), v4("4a"), v4("4b")};
  CHECK(ips(attempt_order(resolved, {})) == std::vector<std::string>{"6a", "4a", "6b", "4b", "6c"});

  SECTION("a longer tail of one family follows in the resolver's order") {
    const std::vector<Address> many_v4 = {v6("6a"), v4("4a"), v4("4b"), v4("4c"), v4("4d")};
    CHECK(ips(attempt_order(many_v4, {})) == std::vector<std::string>{"6a", "4a", "4b", "4c", "4d"});
  }
  SECTION("IPv6 goes first by default even when the resolver put IPv4 first") {
    const std::vector<Address> v4_first = {v4("4a"), v4("4b"), v6("6a"), v6("6b")};
    CHECK(ips(attempt_order(v4_first, {})) == std::vector<std::string>{"6a", "4a", "6b", "4b"});
    SECTION("unless the resolver's order decides") {
      CHECK(ips(attempt_order(v4_first, {.preferred_family = std::nullopt})) ==
            std::vector<std::string>{"4a", "6a", "4b", "6b"});
    }
    SECTION("or IPv4 is preferred") {
      CHECK(ips(attempt_order(v4_first, {.preferred_family = AddressFamily::v4})) ==
            std::vector<std::string>{"4a", "6a", "4b", "6b"});
    }
  }
  SECTION("First Address Family Count") {
    CHECK(ips(attempt_order(resolved, {.first_address_family_count = 2})) ==
          std::vector<std::string>{"6a", "6b", "4a", "6c", "4b"});
    CHECK(ips(attempt_order(resolved, {.first_address_family_count = 5})) ==
          std::vector<std::string>{"6a", "6b", "6c", "4a", "4b"});
    CHECK(ips(attempt_order(resolved, {.first_address_family_count = 0})) ==
          ips(attempt_order(resolved, {.first_address_family_count = 1})));
  }
  SECTION("a single family keeps the resolver's order") {
    CHECK(ips(attempt_order({v4("4b"), v4("4a"), v4("4c")}, {})) == std::vector<std::string>{"4b", "4a", "4c"});
    CHECK(ips(attempt_order({v6("6b"), v6("6a")}, {})) == std::vector<std::string>{"6b", "6a"});
  }
  SECTION("duplicates are tried once; the same IP on another port is another address") {
    CHECK(ips(attempt_order({v4("4a"), v6("6a"), v4("4a"), v6("6a")}, {})) == std::vector<std::string>{"6a", "4a"});
    CHECK(attempt_order({v4("4a", 80), v4("4a", 81)}, {}).size() == 2);
  }
  SECTION("nothing in, nothing out") { CHECK(attempt_order({}, {}).empty()); }
}

TEST_CASE("Attempts start attempt_delay apart while earlier ones keep running (RFC 8305 §5)", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v6("6b"), v4("4a")}, {.deadline = ms(10'000)});
  CHECK(ips(he.attempts()) == std::vector<std::string>{"6a", "4a", "6b"});

  auto first = he.next_step(ms(0));
  REQUIRE(std::holds_alternative<StartAttempt>(first));
  CHECK(std::get<StartAttempt>(first).index == 0);
  CHECK(std::get<StartAttempt>(first).address == v6("6a"));
  auto wait = he.next_step(ms(0));
  REQUIRE(std::holds_alternative<WaitUntil>(wait));
  CHECK(std::get<WaitUntil>(wait).at == ms(250));
  CHECK(he.poll_timeout() == ms(250));
  // Asking early changes nothing.
  CHECK(std::get<WaitUntil>(he.next_step(ms(249))).at == ms(250));
  CHECK(he.in_flight() == 1);

  auto second = he.next_step(ms(250));
  REQUIRE(std::holds_alternative<StartAttempt>(second));
  CHECK(std::get<StartAttempt>(second).index == 1);
  // A late wake-up counts the delay from when the attempt really started.
  auto third = he.next_step(ms(600));
  REQUIRE(std::holds_alternative<StartAttempt>(third));
  CHECK(std::get<StartAttempt>(third).index == 2);
  CHECK(he.attempts()[2].started == ms(600));
  // Everything started: wait for a report or the deadline.
  CHECK(std::get<WaitUntil>(he.next_step(ms(600))).at == ms(10'000));
  CHECK(he.in_flight() == 3);
}

TEST_CASE("A black-holed IPv6 address costs the delay, not the connect timeout", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("2001:db8::1"), v4("192.0.2.1")}, {.deadline = ms(10'000)});
  auto run = drive(he, {{"2001:db8::1", hangs()}, {"192.0.2.1", connects_after(20)}});
  CHECK(run.log == Log{"t=0 start 2001:db8::1", "t=250 start 192.0.2.1", "t=270 connected 192.0.2.1",
                       "t=270 cancel 2001:db8::1", "t=270 done"});
  REQUIRE(std::holds_alternative<Connected>(run.end));
  CHECK(std::get<Connected>(run.end).index == 1);
  CHECK(std::get<Connected>(run.end).cancel == std::vector<std::size_t>{0});
  CHECK(he.attempts()[0].state == AttemptState::cancelled);
  CHECK(he.attempts()[1].state == AttemptState::connected);
  CHECK(he.is_done());
  CHECK(he.poll_timeout().is_never());
}

TEST_CASE("The first address wins when it answers within the delay", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v4("4a")});
  auto run = drive(he, {{"6a", connects_after(30)}, {"4a", connects_after(1)}});
  CHECK(run.log == Log{"t=0 start 6a", "t=30 connected 6a", "t=30 done"});
  CHECK(std::get<Connected>(run.end).cancel.empty());
  CHECK(he.attempts()[1].state == AttemptState::pending);  // never started
}

TEST_CASE("The attempt that connects first wins, whichever started first", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v4("4a"), v6("6b")});
  auto run = drive(he, {{"6a", connects_after(400)}, {"4a", connects_after(100)}, {"6b", hangs()}});
  CHECK(run.log == Log{"t=0 start 6a", "t=250 start 4a", "t=350 connected 4a", "t=350 cancel 6a", "t=350 done"});
}

TEST_CASE("A failed attempt starts the next one at once", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v6("6b"), v4("4a"), v4("4b")});
  auto run = drive(he, {{"6a", fails_after(40, "Network is unreachable")},
                        {"4a", hangs()},
                        {"6b", fails_after(10)},
                        {"4b", connects_after(5)}});
  // 6a fails at 40: 4a starts then, not at 250; the delay counts from 40. 6b starts at 290, fails at 300,
  // and 4b starts at once although 4a is still running.
  CHECK(run.log == Log{"t=0 start 6a", "t=40 failed 6a", "t=40 start 4a", "t=290 start 6b", "t=300 failed 6b",
                       "t=300 start 4b", "t=305 connected 4b", "t=305 cancel 4a", "t=305 done"});
}

TEST_CASE("A failure before the delay of a later attempt does not start two at once", "[connect]") {
  HappyEyeballs he("example.com", 443, {v4("4a"), v4("4b"), v4("4c")});
  auto run = drive(he, {{"4a", hangs()}, {"4b", fails_after(10)}, {"4c", connects_after(5)}});
  CHECK(run.log == Log{"t=0 start 4a", "t=250 start 4b", "t=260 failed 4b", "t=260 start 4c",
                       "t=265 connected 4c", "t=265 cancel 4a", "t=265 done"});
}

TEST_CASE("When every address fails the error names them, with the last and the first reason", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("2001:db8::1"), v4("192.0.2.1")});
  auto run = drive(he, {{"2001:db8::1", fails_after(5, "Network is unreachable")},
                        {"192.0.2.1", fails_after(7, "Connection refused")}});
  CHECK(run.log == Log{"t=0 start 2001:db8::1", "t=5 failed 2001:db8::1", "t=5 start 192.0.2.1",
                       "t=12 failed 192.0.2.1", "t=12 failed"});
  REQUIRE(std::holds_alternative<Failed>(run.end));
  const Failed& f = std::get<Failed>(run.end);
  CHECK(f.cancel.empty());
  CHECK(f.error.code == ErrorCode::connect_failed);
  CHECK(f.error.category == ErrorCategory::connection);
  CHECK(f.error.detail ==
        "failed to connect to example.com port 443: Connection refused (tried [2001:db8::1]:443, 192.0.2.1:443)");
  REQUIRE(f.error.cause);
  CHECK(f.error.cause->code == ErrorCode::connect_failed);
  CHECK(f.error.cause->detail == "[2001:db8::1]:443: Network is unreachable");
  CHECK(f.error.message() ==
        "connect_failed: failed to connect to example.com port 443: Connection refused (tried [2001:db8::1]:443, "
        "192.0.2.1:443); caused by: connect_failed: [2001:db8::1]:443: Network is unreachable");
  // Done: the same answer again.
  auto again = he.next_step(ms(99));
  REQUIRE(std::holds_alternative<Failed>(again));
  CHECK(std::get<Failed>(again).error.detail == f.error.detail);
}

TEST_CASE("A single address that fails reads as before, without a cause", "[connect]") {
  HappyEyeballs he("127.0.0.1", 1, {v4("127.0.0.1", 1)});
  auto run = drive(he, {{"127.0.0.1", fails_after(0)}});
  const Failed& f = std::get<Failed>(run.end);
  CHECK(f.error.detail == "failed to connect to 127.0.0.1 port 1: Connection refused (tried 127.0.0.1:1)");
  CHECK_FALSE(f.error.cause);
}

TEST_CASE("The connect deadline fails the attempts still running with connect_timeout", "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v4("4a"), v4("4b")}, {.deadline = ms(400)});
  auto run = drive(he, {{"6a", fails_after(100, "Network is unreachable")}, {"4a", hangs()}, {"4b", hangs()}});
  CHECK(run.log == Log{"t=0 start 6a", "t=100 failed 6a", "t=100 start 4a", "t=350 start 4b", "t=400 cancel 4a",
                       "t=400 cancel 4b", "t=400 failed"});
  const Failed& f = std::get<Failed>(run.end);
  CHECK(f.error.code == ErrorCode::connect_timeout);
  CHECK(f.error.category == ErrorCategory::timeout);
  CHECK(f.error.detail ==
        "failed to connect to example.com port 443: connect did not complete before the connect deadline "
        "(tried [6a]:443, 4a:443, 4b:443)");
  REQUIRE(f.error.cause);
  CHECK(f.error.cause->detail == "[6a]:443: Network is unreachable");
  CHECK(he.attempts()[1].state == AttemptState::cancelled);

  SECTION("the next attempt's start is never scheduled past the deadline") {
    HappyEyeballs short_deadline("example.com", 443, {v4("4a"), v4("4b")}, {.deadline = ms(100)});
    REQUIRE(std::holds_alternative<StartAttempt>(short_deadline.next_step(ms(0))));
    CHECK(std::get<WaitUntil>(short_deadline.next_step(ms(0))).at == ms(100));
  }
  SECTION("a deadline already passed starts nothing") {
    HappyEyeballs late("example.com", 443, {v4("4a")}, {.deadline = ms(100)});
    auto step = late.next_step(ms(100));
    REQUIRE(std::holds_alternative<Failed>(step));
    CHECK(std::get<Failed>(step).error.detail ==
          "failed to connect to example.com port 443: connect did not complete before the connect deadline");
    CHECK(late.attempts()[0].state == AttemptState::pending);
  }
  SECTION("a connection reported before the deadline wins even if asked after it") {
    HappyEyeballs raced("example.com", 443, {v4("4a")}, {.deadline = ms(100)});
    REQUIRE(std::holds_alternative<StartAttempt>(raced.next_step(ms(0))));
    REQUIRE(raced.on_attempt_connected(0, ms(99)));
    CHECK(std::holds_alternative<Connected>(raced.next_step(ms(150))));
  }
}

TEST_CASE("An empty resolved list fails at once", "[connect]") {
  HappyEyeballs he("example.com", 80, {});
  CHECK(he.attempts().empty());
  auto step = he.next_step(ms(0));
  REQUIRE(std::holds_alternative<Failed>(step));
  CHECK(std::get<Failed>(step).error.code == ErrorCode::connect_failed);
  CHECK(std::get<Failed>(step).error.detail == "failed to connect to example.com port 80: no address for 'example.com'");
  CHECK(he.is_done());
}

TEST_CASE("A single-family list is tried in order, one delay apart", "[connect]") {
  HappyEyeballs he("example.com", 443, {v4("4a"), v4("4b"), v4("4c")});
  auto run = drive(he, {{"4a", hangs()}, {"4b", hangs()}, {"4c", connects_after(100)}});
  CHECK(run.log == Log{"t=0 start 4a", "t=250 start 4b", "t=500 start 4c", "t=600 connected 4c", "t=600 cancel 4a",
                       "t=600 cancel 4b", "t=600 done"});
  HappyEyeballs v6_only("example.com", 443, {v6("6a"), v6("6b")});
  auto run6 = drive(v6_only, {{"6a", fails_after(1)}, {"6b", connects_after(1)}});
  CHECK(run6.log == Log{"t=0 start 6a", "t=1 failed 6a", "t=1 start 6b", "t=2 connected 6b", "t=2 done"});
}

TEST_CASE("attempt_delay zero races every address at once; a negative one counts as zero", "[connect]") {
  for (Duration delay : {Duration::zero(), Duration(-milliseconds(5))}) {
    HappyEyeballs he("example.com", 443, {v6("6a"), v4("4a")}, {.attempt_delay = delay});
    auto run = drive(he, {{"6a", connects_after(9)}, {"4a", connects_after(3)}});
    CHECK(run.log == Log{"t=0 start 6a", "t=0 start 4a", "t=3 connected 4a", "t=3 cancel 6a", "t=3 done"});
  }
}

TEST_CASE("Reports the machine cannot take are invalid_state; reports about cancelled attempts are ignored",
          "[connect]") {
  HappyEyeballs he("example.com", 443, {v6("6a"), v4("4a"), v4("4b")});
  CHECK(he.on_attempt_connected(0, ms(0)).error().code == ErrorCode::invalid_state);  // not started
  CHECK(he.on_attempt_failed(7, make_error(ErrorCode::connect_failed), ms(0)).error().code ==
        ErrorCode::invalid_state);  // no such attempt
  REQUIRE(std::holds_alternative<StartAttempt>(he.next_step(ms(0))));
  REQUIRE(std::holds_alternative<StartAttempt>(he.next_step(ms(250))));
  REQUIRE(he.on_attempt_failed(1, make_error(ErrorCode::connect_failed, "refused"), ms(260)));
  CHECK(he.on_attempt_failed(1, make_error(ErrorCode::connect_failed), ms(261)).error().code ==
        ErrorCode::invalid_state);  // reported twice
  CHECK(he.on_attempt_connected(1, ms(261)).error().code == ErrorCode::invalid_state);
  CHECK(he.attempts()[1].error->detail == "refused");
  REQUIRE(std::holds_alternative<StartAttempt>(he.next_step(ms(262))));  // 4b, at once after the failure

  REQUIRE(he.on_attempt_connected(2, ms(270)));
  auto done = he.next_step(ms(270));
  REQUIRE(std::holds_alternative<Connected>(done));
  CHECK(std::get<Connected>(done).index == 2);
  CHECK(std::get<Connected>(done).cancel == std::vector<std::size_t>{0});
  // The cancelled attempt completing late (or failing as aborted) changes nothing.
  CHECK(he.on_attempt_connected(0, ms(280)));
  CHECK(he.on_attempt_failed(0, make_error(ErrorCode::connect_failed, "aborted"), ms(281)));
  CHECK(he.attempts()[0].state == AttemptState::cancelled);
  auto again = he.next_step(ms(300));
  REQUIRE(std::holds_alternative<Connected>(again));
  CHECK(std::get<Connected>(again).index == 2);
  CHECK(he.on_attempt_connected(2, ms(301)).error().code == ErrorCode::invalid_state);
}

TEST_CASE("Address prints as host:port with IPv6 in brackets", "[connect]") {
  CHECK(v4("192.0.2.1", 80).to_string() == "192.0.2.1:80");
  CHECK(v6("2001:db8::1", 8443).to_string() == "[2001:db8::1]:8443");
  CHECK(v6("fe80::1%eth0", 80).to_string() == "[fe80::1%eth0]:80");
}
