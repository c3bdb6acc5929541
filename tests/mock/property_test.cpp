// Randomised properties of the request lifecycle (core/exchange and its policies) through the mock
// transport, and "fault at step N": a fault injected at every action of an exchange in turn.
//
// Every generator is a std::mt19937 seeded by a constant, so a failure reproduces exactly; the seed and the
// iteration are in the failure message (INFO).
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/exchange/exchange.hpp"
#include "core/exchange/http1_channel.hpp"
#include "core/url/url.hpp"
#include "transports/api/errors.hpp"
#include "transports/mock/mock_client.hpp"

using hipp::mock::Fault;
using hipp::mock::MockClient;
using hipp::mock::MockTransport;
using namespace std::chrono_literals;

namespace {

constexpr hipp::Duration kConnectTimeout = 3s;
constexpr hipp::Duration kReadTimeout = 7s;

// One scripted step of a route, as the generator chose it.
enum class StepKind { ok, unavailable, too_many, refused, connect_timeout, read_timeout, reset, close, raw };

struct ScriptStep {
  StepKind kind = StepKind::ok;
  std::size_t after_bytes = 0;  // read_timeout / reset / close: bytes of the reply sent first
  int raw_variant = 0;
};

// Bytes that are not a usable response. The last one has a valid head and a broken chunked body, so it
// fails after the head was delivered, while the transport reads the body.
const std::vector<std::string> kGarbage = {
    "NOT HTTP AT ALL\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "HTTP/1.1 abc Broken\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
};

bool is_connect_fault(StepKind k) { return k == StepKind::refused || k == StepKind::connect_timeout; }
// Steps after which the server's side of the connection is unusable.
bool is_connection_fault(StepKind k) {
  return k == StepKind::read_timeout || k == StepKind::reset || k == StepKind::close || k == StepKind::raw;
}

ScriptStep random_step(std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 8);
  // Fewer than the 38 bytes of the shortest head we send: a cut reply never completes its head, so a
  // read_timeout step always fires the read deadline.
  std::uniform_int_distribution<std::size_t> cut(0, 30);
  std::uniform_int_distribution<int> raw(0, static_cast<int>(kGarbage.size()) - 1);
  const auto k = static_cast<StepKind>(kind(rng));
  // A third of the cuts send nothing at all: a close or reset before any response byte on a reused
  // connection is the stale-connection case (exchange.hpp).
  const std::size_t after = std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? 0 : cut(rng);
  return ScriptStep{k, after, raw(rng)};
}

void add_step(hipp::mock::Route& route, const ScriptStep& s) {
  switch (s.kind) {
    case StepKind::ok:
      route.reply(200, "fine");
      break;
    case StepKind::unavailable:
      route.reply(503, "busy");
      break;
    case StepKind::too_many:
      route.reply(429, "", {{"Retry-After", "2"}});
      break;
    case StepKind::refused:
      route.fault(Fault::connect_refused());
      break;
    case StepKind::connect_timeout:
      route.fault(Fault::connect_timeout());
      break;
    case StepKind::read_timeout:
      route.fault(Fault::read_timeout_after(s.after_bytes, {200, "late"}));
      break;
    case StepKind::reset:
      route.fault(Fault::reset_after(s.after_bytes, {200, "cut"}));
      break;
    case StepKind::close:
      route.fault(Fault::close_after(s.after_bytes, {200, "cut"}));
      break;
    case StepKind::raw:
      route.fault(Fault::raw_bytes(kGarbage[static_cast<std::size_t>(s.raw_variant)]));
      break;
  }
}

std::optional<int> maybe_count(std::mt19937& rng) {
  if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) return std::nullopt;
  return std::uniform_int_distribution<int>(0, 3)(rng);
}

hipp::Retry random_retry(std::mt19937& rng) {
  hipp::Retry r;
  r.total = std::uniform_int_distribution<int>(0, 4)(rng);
  r.connect = maybe_count(rng);
  r.read = maybe_count(rng);
  r.status = maybe_count(rng);
  const double factors[] = {0.0, 0.1, 0.5, 1.0};
  r.backoff_factor = factors[std::uniform_int_distribution<int>(0, 3)(rng)];
  const std::vector<int> lists[] = {{}, {503}, {429}, {429, 503}};
  r.status_forcelist = lists[std::uniform_int_distribution<int>(0, 3)(rng)];
  r.raise_on_status = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
  return r;
}

struct Observed {
  hipp::Duration promised_delay{};
  int stale_resends = 0;
  int max_attempt = 0;
  int terminal = 0;  // success and fail records
};

}  // namespace

TEST_CASE("random fault scripts and policies keep the lifecycle's invariants", "[mock][property]") {
  for (const std::uint32_t seed : {1u, 2u, 3u, 20261201u}) {
    std::mt19937 rng(seed);
    MockTransport mock;
    const hipp::Timeout timeout{.connect = kConnectTimeout, .read = kReadTimeout};
    // What the generated runs covered: a property over runs that never fail (or never retry) proves little.
    int successes = 0, failures = 0, stale_resends = 0, timeouts_fired = 0, posts_received = 0, retried = 0;

    for (int i = 0; i < 250; ++i) {
      INFO("seed " << seed << ", request " << i);
      // One route per request, so the recorded requests of this lifecycle are those with its URL; one host,
      // so keep-alive connections (and stale ones) carry over from earlier lifecycles.
      const std::string url = "http://api.test/p/" + std::to_string(i);
      std::vector<ScriptStep> script(std::uniform_int_distribution<std::size_t>(1, 6)(rng));
      for (auto& s : script) s = random_step(rng);
      auto& route = mock.on_any(hipp::mock::exact(url));
      for (const auto& s : script) add_step(route, s);
      // The last step repeats; each earlier one is used once.
      auto step_at = [&](std::size_t call) { return script[std::min(call, script.size() - 1)]; };

      const hipp::Retry retry = random_retry(rng);
      const char* methods[] = {"GET", "PUT", "POST", "DELETE"};
      const std::string method = methods[std::uniform_int_distribution<int>(0, 3)(rng)];
      std::string body(std::uniform_int_distribution<std::size_t>(0, 80)(rng), 'b');
      for (auto& c : body) c = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));

      Observed seen;
      MockClient http(mock, {.timeout = timeout, .retries = retry, .telemetry = [&](const hipp::AttemptRecord& a) {
                               seen.max_attempt = std::max(seen.max_attempt, a.attempt);
                               if (a.outcome == hipp::exchange::AttemptOutcome::retry) {
                                 seen.promised_delay += a.delay;
                                 if (a.reason.find("stale pooled connection") != std::string_view::npos) {
                                   ++seen.stale_resends;
                                 }
                               } else {
                                 ++seen.terminal;
                               }
                             }});

      const std::size_t recorded_before = mock.requests().size();
      const hipp::TimePoint started = mock.clock().now();
      bool typed = true;
      int attempts = -1;
      try {
        hipp::RequestOptions options;
        if (method == "POST" || method == "PUT" || !body.empty()) options.body = body;
        auto r = http.request(method, url, std::move(options));
        attempts = r.attempts;
        ++successes;
      } catch (const hipp::HTTPError&) {
        ++failures;  // (4) typed: every failure is one of hipp's exceptions
      } catch (...) {
        typed = false;
      }
      CHECK(typed);
      if (attempts >= 0) CHECK(attempts == seen.max_attempt);

      // (1) network attempts: total + 1, plus at most one stale-connection resend (exchange.hpp).
      CHECK(seen.stale_resends <= 1);
      CHECK(seen.max_attempt >= 1);
      CHECK(seen.max_attempt <= *retry.total + 1 + seen.stale_resends);
      CHECK(seen.terminal == 1);

      // Which steps the lifecycle used, and which of them the server saw (connect faults never reach it).
      std::vector<ScriptStep> taken;
      for (std::size_t c = 0; c < route.calls(); ++c) taken.push_back(step_at(c));
      CHECK(taken.size() == static_cast<std::size_t>(seen.max_attempt));
      std::vector<std::size_t> received;  // indexes into mock.requests()
      for (std::size_t k = recorded_before; k < mock.requests().size(); ++k) {
        CHECK(mock.requests()[k].url == url);
        received.push_back(k);
      }
      std::vector<ScriptStep> served;
      for (const auto& s : taken) {
        if (!is_connect_fault(s.kind)) served.push_back(s);
      }
      REQUIRE(served.size() == received.size());

      // (1') the free resend only follows a close or reset before any response byte (and needs reuse).
      std::size_t stale_eligible = 0;
      for (const auto& s : served) {
        if ((s.kind == StepKind::close || s.kind == StepKind::reset) && s.after_bytes == 0) ++stale_eligible;
      }
      CHECK(static_cast<std::size_t>(seen.stale_resends) <= stale_eligible);

      // (2) a POST that reached the server is never received twice.
      if (method == "POST") CHECK(received.size() <= 1);

      // (3) virtual time = the delays the policy promised + the deadlines that fired.
      hipp::Duration fired{};
      for (const auto& s : taken) {
        if (s.kind == StepKind::connect_timeout) fired += kConnectTimeout;
        if (s.kind == StepKind::read_timeout) fired += kReadTimeout;
      }
      CHECK(mock.clock().now() - started == seen.promised_delay + fired);
      stale_resends += seen.stale_resends;
      if (fired > hipp::Duration::zero()) ++timeouts_fired;
      if (method == "POST" && !received.empty()) ++posts_received;
      if (seen.max_attempt > 1) ++retried;

      // (4) no connection is used again after a fault on it.
      for (std::size_t k = 0; k < received.size(); ++k) {
        if (!is_connection_fault(served[k].kind)) continue;
        const std::size_t id = mock.requests()[received[k]].connection;
        for (std::size_t later = received[k] + 1; later < mock.requests().size(); ++later) {
          CHECK(mock.requests()[later].connection != id);
        }
      }
    }
    CHECK(mock.all_routes_used());
    INFO("successes " << successes << ", failures " << failures << ", stale resends " << stale_resends
                      << ", with timeouts " << timeouts_fired << ", POSTs received " << posts_received << ", retried "
                      << retried);
    CHECK(successes > 20);
    CHECK(failures > 20);
    CHECK(stale_resends > 0);
    CHECK(timeouts_fired > 10);
    CHECK(posts_received > 10);
    CHECK(retried > 50);
  }
}

// --- fault at step N -----------------------------------------------------------------------------------

namespace {

// A minimal transport driving one Exchange, with a fake server answering every request with `replies`
// (one per attempt, the last repeating), that injects a fault at the n-th action (counted from 0). The
// fault depends on the action and on `variant`. It checks the transport-side contract as it goes: a
// connection that saw a fault is never handed out, written to or read from again.
struct FaultDriver {
  struct Conn {
    hipp::http1::Connection machine;
    hipp::exchange::Http1Channel channel{machine};
    bool answered = false;
    bool faulted = false;
    bool in_pool = false;
  };

  std::vector<std::unique_ptr<Conn>> conns;  // every connection ever made, so the machines outlive the exchange
  std::vector<Conn*> idle;
  std::vector<std::string> replies;
  hipp::TimePoint now = hipp::TimePoint(std::chrono::hours(1));
  int answered = 0;
  bool injected = false;
  int violations = 0;

  // Runs to Deliver or Fail. Returns the final action (Deliver, or Fail with its error).
  hipp::exchange::Action run(hipp::exchange::Exchange& ex, std::string_view stream_body, int n, int variant) {
    using namespace hipp::exchange;
    Conn* cur = nullptr;
    std::size_t body_pos = 0;
    for (int index = 0; index < 500; ++index) {
      Action action = ex.next_action();
      const bool inject = index == n;
      if (inject) injected = true;
      if (auto* open = std::get_if<OpenConnection>(&action)) {
        if (cur != nullptr) ++violations;  // the previous connection was never released
        if (inject) {
          if (variant % 2 == 0) {
            ex.on_connect_failed(hipp::make_error(hipp::ErrorCode::connect_failed, "refused"), now);
          } else {
            now = open->connect_deadline;
            ex.on_connect_failed(hipp::make_error(hipp::ErrorCode::connect_timeout, "slow"), now);
          }
          continue;
        }
        bool reused = false;
        if (!idle.empty()) {
          cur = idle.back();
          idle.pop_back();
          cur->in_pool = false;
          reused = true;
        } else {
          conns.push_back(std::make_unique<Conn>());
          cur = conns.back().get();
        }
        if (cur->faulted) ++violations;
        cur->answered = false;
        ex.on_connected(cur->channel, reused, now);
      } else if (std::holds_alternative<Send>(action)) {
        if (cur == nullptr || cur->faulted) ++violations;
        if (cur == nullptr) return action;
        cur->machine.consume_output(cur->machine.pending_output().size());
        if (inject) {
          cur->faulted = true;
          ex.on_io_failed(hipp::make_error(hipp::ErrorCode::connection_reset, "reset while writing"), now);
        } else {
          ex.on_sent(now);
        }
      } else if (auto* pull = std::get_if<PullBody>(&action)) {
        if (inject) {
          ex.on_io_failed(hipp::make_error(hipp::ErrorCode::body_source_failed, "source broke"), now);
          continue;
        }
        if (pull->rewind) body_pos = 0;
        if (body_pos >= stream_body.size()) {
          ex.on_body_end(now);
        } else {
          const auto piece = stream_body.substr(body_pos, pull->max_bytes);
          body_pos += piece.size();
          ex.on_body_chunk(hipp::as_bytes(piece), now);
        }
      } else if (auto* receive = std::get_if<Receive>(&action)) {
        if (cur == nullptr || cur->faulted) ++violations;
        if (cur == nullptr) return action;
        if (inject) {
          cur->faulted = true;
          switch (variant % 4) {
            case 0:
              now = receive->deadline.is_never() ? now : receive->deadline;
              ex.on_io_failed(hipp::make_error(hipp::ErrorCode::read_timeout, "silence"), now);
              break;
            case 1:
              ex.on_io_failed(hipp::make_error(hipp::ErrorCode::connection_reset, "reset"), now);
              break;
            case 2:
              cur->machine.receive_eof();
              ex.on_received(now);
              break;
            default:
              cur->machine.receive(hipp::as_bytes(std::string_view("\x01garbage\r\n\r\n")));
              ex.on_received(now);
              break;
          }
          continue;
        }
        if (!cur->answered) {
          const std::string& reply =
              replies[std::min<std::size_t>(static_cast<std::size_t>(answered), replies.size() - 1)];
          ++answered;
          cur->answered = true;
          cur->machine.receive(hipp::as_bytes(reply));
        } else {
          cur->machine.receive_eof();
        }
        ex.on_received(now);
      } else if (auto* release = std::get_if<ReleaseConnection>(&action)) {
        if (cur == nullptr) {
          ++violations;
          continue;
        }
        if (release->reusable && cur->faulted) ++violations;  // a faulted connection offered for reuse
        if (release->reusable && !cur->faulted && cur->machine.is_reusable() && cur->machine.start_next_cycle()) {
          cur->in_pool = true;
          idle.push_back(cur);
        }
        cur = nullptr;
      } else if (auto* wait = std::get_if<WaitUntil>(&action)) {
        // The injected "fault" for a wait: an early wake-up, which must not start the next attempt early.
        if (inject && wait->at > now + 1ms) {
          now = wait->at - 1ms;
          ex.on_timer(now);
          if (ex.state() != Exchange::State::waiting) ++violations;
          continue;
        }
        now = std::max(now, wait->at);
        ex.on_timer(now);
      } else if (std::holds_alternative<Deliver>(action)) {
        // Read the delivered body to its end, so the connection can go back to the pool.
        for (;;) {
          auto event = cur->machine.next_event();
          if (!event || std::holds_alternative<hipp::http1::EndOfMessage>(*event)) break;
          if (std::holds_alternative<hipp::http1::NeedData>(*event)) cur->machine.receive_eof();
        }
        if (cur->machine.is_reusable() && cur->machine.start_next_cycle()) idle.push_back(cur);
        return action;
      } else {
        return action;  // Fail: the connection, if any, is dropped
      }
    }
    ++violations;  // no end after 500 actions: a livelock
    return hipp::exchange::Fail{hipp::make_error(hipp::ErrorCode::invalid_state, "livelock")};
  }
};

hipp::exchange::Request make_request(const std::string& method, const std::string& body, bool stream) {
  hipp::exchange::Request req;
  req.method = method;
  req.url = *hipp::url::parse("http://api.test/step");
  req.headers.add("Host", "api.test");
  if (!body.empty()) {
    req.headers.add("Content-Length", std::to_string(body.size()));
    if (stream) {
      req.body.kind = hipp::exchange::RequestBody::Kind::stream;
      req.body.length = body.size();
    } else {
      req.body.kind = hipp::exchange::RequestBody::Kind::bytes;
      req.body.bytes = body;
    }
  }
  return req;
}

}  // namespace

TEST_CASE("fault at step N: every action of an exchange can fail, the outcome is typed", "[mock][property]") {
  const std::vector<std::string> replies = {
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
  };
  const std::string body = "0123456789abcdef";  // four 4-byte pieces: several Send and PullBody actions
  struct Case {
    const char* method;
    bool stream;
  };
  int total_injections = 0;
  for (const Case c : {Case{"GET", false}, Case{"PUT", false}, Case{"PUT", true}, Case{"POST", true}}) {
    for (int variant = 0; variant < 4; ++variant) {
      for (int n = 0;; ++n) {
        INFO(c.method << (c.stream ? " (stream)" : "") << ", variant " << variant << ", fault at action " << n);
        FaultDriver driver;
        driver.replies = replies;
        const hipp::Retry retry{.total = 4, .status_forcelist = {503, 429}, .backoff_factor = 0.5};

        // A first, clean exchange leaves a keep-alive connection behind: the faulty one starts on a reused
        // connection, where the stale-connection rule applies.
        {
          hipp::exchange::Exchange warm(make_request("GET", {}, false), hipp::exchange::ExchangeOptions{},
                                        hipp::policy::RetryState::from(retry), driver.now);
          driver.replies = {replies.back()};
          auto done = driver.run(warm, {}, -1, 0);
          REQUIRE(std::holds_alternative<hipp::exchange::Deliver>(done));
          driver.replies = replies;
          driver.answered = 0;
        }

        hipp::exchange::ExchangeOptions options;
        options.timeout = hipp::Timeout{.connect = kConnectTimeout, .read = kReadTimeout};
        options.body_piece = 4;
        const std::string body_text = std::string(c.method) == "GET" ? std::string() : body;
        hipp::exchange::Exchange ex(make_request(c.method, body_text, c.stream), std::move(options),
                                    hipp::policy::RetryState::from(retry), driver.now);
        auto end = driver.run(ex, body_text, n, variant);
        CHECK(driver.violations == 0);
        CHECK(ex.attempts() <= *retry.total + 2);  // total + 1, plus one stale-connection resend
        if (auto* failed = std::get_if<hipp::exchange::Fail>(&end)) {
          CHECK(ex.state() == hipp::exchange::Exchange::State::failed);
          CHECK_FALSE(hipp::to_string(failed->error.code).empty());
          CHECK(failed->error.code != hipp::ErrorCode::invalid_state);  // never the machine's own confusion
          bool typed = false;
          try {
            hipp::throw_error(failed->error, "http://api.test/step");
          } catch (const hipp::HTTPError&) {
            typed = true;
          } catch (...) {
          }
          CHECK(typed);
        } else {
          REQUIRE(std::holds_alternative<hipp::exchange::Deliver>(end));
          CHECK(ex.state() == hipp::exchange::Exchange::State::delivered);
          const auto response = ex.take_response();
          CHECK((response.head.status == 200 || response.head.status == 503 || response.head.status == 429));
        }
        if (!driver.injected) break;  // the exchange ended before action n: every step has had its fault
        ++total_injections;
        REQUIRE(n < 400);
      }
    }
  }
  CHECK(total_injections > 100);
}

TEST_CASE("fault at call N of a route: typed outcome, the faulted connection is dropped", "[mock][property]") {
  const std::vector<Fault> faults = {Fault::connect_refused(),     Fault::connect_timeout(),
                                     Fault::read_timeout_after(5), Fault::reset_after(12),
                                     Fault::close_after(0),        Fault::raw_bytes("garbage\r\n\r\n")};
  for (std::size_t n = 0; n < 5; ++n) {
    for (std::size_t f = 0; f < faults.size(); ++f) {
      INFO("fault " << f << " at call " << n);
      MockTransport mock;
      auto& route = mock.on("GET", hipp::mock::exact("http://api.test/n"));
      if (n > 0) route.reply(503).times(n);
      route.fault(faults[f]).then().reply(200, "ok");
      MockClient http(mock, {.timeout = hipp::Timeout{.connect = kConnectTimeout, .read = kReadTimeout},
                             .retries = hipp::Retry{.total = 2, .status_forcelist = {503}}});
      std::size_t faulted_on = 0;
      try {
        auto r = http.request("GET", "http://api.test/n");
        // Within total = 2 a fault at call n <= 1 is retried and the 200 arrives; at call 2 only a close
        // before any response byte on the reused connection is resent, outside the policy's counts.
        CHECK((n <= 1 || (n == 2 && f == 4)));
        CHECK(r.status == 200);
      } catch (const hipp::HTTPError& e) {
        CHECK(n >= 2);
        CHECK_FALSE((n == 2 && f == 4));
        CHECK(e.code() == hipp::ErrorCode::max_retries);
      }
      // The fault's request (if it reached the server) is followed only by requests on other connections.
      const bool reaches_server = f >= 2;
      if (reaches_server && mock.requests().size() > n) {
        faulted_on = mock.requests()[n].connection;
        for (std::size_t k = n + 1; k < mock.requests().size(); ++k) {
          CHECK(mock.requests()[k].connection != faulted_on);
        }
      }
    }
  }
}
