// TLS session resumption: the context's cache (bounded LRU), what the engine offers in its ClientHello,
// and what nginx says it resumed ($ssl_session_reused in the fixture's access log, "r" or ".").
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/nginx_fixture.hpp"
#include "tests/tls/cert_matrix.hpp"
#include "tests/tls/tls_pump.hpp"
#include "transports/tls/detail/session_cache.hpp"
#include "transports/tls/mbedtls_context.hpp"

using namespace hipp;
using hipp::test::cert_matrix;
using hipp::test::NginxFixture;
using hipp::test::NginxTls;
using hipp::test::TlsPump;

namespace {

NginxTls serving_valid() { return NginxTls{cert_matrix().crt("valid"), cert_matrix().key("valid"), {}}; }

tls::ClientConfig trusting(std::vector<std::string> alpn = {"http/1.1"}) {
  tls::ClientConfig config;
  config.ca_certs = cert_matrix().crt("ca").string();
  config.alpn = std::move(alpn);
  return config;
}

std::shared_ptr<const tls::ClientContext> context_for(const tls::ClientConfig& config) {
  auto context = tls::make_mbedtls_context(config);
  if (!context) FAIL(context.error().message());
  return *context;
}

// The legacy_session_id length of a TLS 1.2 ClientHello in its first record: 5 bytes of record header,
// 4 of handshake header, 2 of version, 32 of random, then the length (RFC 5246 §7.4.1.2). mbedTLS sends
// an empty one for a fresh session and a non-empty one when it offers a saved session ID or ticket
// (RFC 5077 §3.4).
std::size_t offered_session_id_length(Bytes client_hello) {
  REQUIRE(client_hello.size() > 43);
  REQUIRE(static_cast<unsigned>(client_hello[0]) == 22);  // handshake record
  REQUIRE(static_cast<unsigned>(client_hello[5]) == 1);   // ClientHello
  return static_cast<std::size_t>(client_hello[43]);
}

struct Connection {
  bool offered = false;
  bool resumed = false;        // Engine::resumed()
  bool event_resumed = false;  // HandshakeComplete::resumed
};

// One GET with Connection: close on a fresh TCP connection.
Connection connect_once(const tls::ClientContext& context, const NginxFixture& nginx, std::string_view host,
                        bool resume = true) {
  std::optional<tls::SessionKey> key;
  if (resume) key = tls::SessionKey{.port = nginx.port(), .proxy = ""};
  auto pump = TlsPump::open(context, host == "::1" ? "::1" : "127.0.0.1", nginx.port(), host, key);
  REQUIRE(pump);
  Connection result;
  result.offered = offered_session_id_length(pump->engine().pending_output()) > 0;
  REQUIRE(pump->handshake());
  result.resumed = pump->engine().resumed();
  auto event = pump->engine().next_event();
  REQUIRE(event);
  result.event_resumed = std::get<tls::HandshakeComplete>(*event).resumed;
  auto response = pump->get("/small");
  REQUIRE(response);
  CHECK(response->rfind("HTTP/1.1 200 OK", 0) == 0);
  return result;
}

std::vector<std::string> reused_column(const NginxFixture& nginx, std::size_t count) {
  std::vector<std::string> column;
  for (const auto& entry : nginx.wait_for_access_log(count)) column.push_back(entry.ssl_session_reused);
  return column;
}

}  // namespace

TEST_CASE("tls: the session cache is a bounded LRU that drops only the entry asked for", "[tls]") {
  struct Session {
    int id;
  };
  tls::detail::SessionCache<Session> cache(2);
  auto a = std::make_shared<const Session>(Session{1});
  auto b = std::make_shared<const Session>(Session{2});
  auto c = std::make_shared<const Session>(Session{3});
  cache.store("a", a);
  cache.store("b", b);
  CHECK(cache.find("a") == a);  // "a" is now the most recent: "b" goes first
  cache.store("c", c);
  CHECK(cache.size() == 2);
  CHECK(cache.find("b") == nullptr);
  CHECK(cache.find("a") == a);
  CHECK(cache.find("c") == c);

  cache.store("a", b);  // replaced in place
  CHECK(cache.size() == 2);
  CHECK(cache.find("a") == b);
  CHECK_FALSE(cache.erase("a", a.get()));  // not the session stored now
  CHECK(cache.find("a") == b);
  CHECK(cache.erase("a", b.get()));
  CHECK(cache.find("a") == nullptr);
  CHECK_FALSE(cache.erase("missing", b.get()));
  CHECK(cache.size() == 1);
}

TEST_CASE("tls nginx: a second connection to the same host and port resumes the session", "[tls][nginx][resume]") {
  NginxFixture nginx(serving_valid());
  auto context = context_for(trusting());
  CHECK(context->saved_sessions() == 0);

  auto first = connect_once(*context, nginx, "localhost");
  CHECK_FALSE(first.offered);
  CHECK_FALSE(first.resumed);
  CHECK_FALSE(first.event_resumed);
  CHECK(context->saved_sessions() == 1);

  auto second = connect_once(*context, nginx, "localhost");
  CHECK(second.offered);
  CHECK(second.resumed);
  CHECK(second.event_resumed);
  // The same name in another case, or with the root label, is the same host.
  auto third = connect_once(*context, nginx, "LOCALHOST.");
  CHECK(third.offered);
  CHECK(third.resumed);
  CHECK(context->saved_sessions() == 1);
  CHECK(reused_column(nginx, 3) == std::vector<std::string>{".", "r", "r"});
}

TEST_CASE("tls nginx: sessions are kept apart by host, port and settings", "[tls][nginx][resume]") {
  NginxFixture nginx(serving_valid());
  auto context = context_for(trusting());
  (void)connect_once(*context, nginx, "localhost");

  SECTION("another host on the same server (the valid certificate names 127.0.0.1 too)") {
    auto other = connect_once(*context, nginx, "127.0.0.1");
    CHECK_FALSE(other.offered);
    CHECK_FALSE(other.resumed);
    CHECK(context->saved_sessions() == 2);
    auto again = connect_once(*context, nginx, "127.0.0.1");  // then it has its own
    CHECK(again.resumed);
    CHECK(reused_column(nginx, 3) == std::vector<std::string>{".", ".", "r"});
  }
  SECTION("another port") {
    NginxFixture other_port(serving_valid());
    auto other = connect_once(*context, other_port, "localhost");
    CHECK_FALSE(other.offered);
    CHECK_FALSE(other.resumed);
    CHECK(context->saved_sessions() == 2);
    CHECK(reused_column(other_port, 1) == std::vector<std::string>{"."});
  }
  SECTION("another context, even with the same settings: each context has its own cache") {
    tls::ClientConfig unverified = trusting();
    unverified.verify = false;
    for (const auto& config : {trusting(), unverified}) {
      auto other_context = context_for(config);
      auto other = connect_once(*other_context, nginx, "localhost");
      CHECK_FALSE(other.offered);
      CHECK_FALSE(other.resumed);
    }
    CHECK(reused_column(nginx, 3) == std::vector<std::string>{".", ".", "."});
  }
  SECTION("connect() without a port neither offers nor saves") {
    auto bare = connect_once(*context, nginx, "localhost", false);
    CHECK_FALSE(bare.offered);
    CHECK_FALSE(bare.resumed);
    CHECK(context->saved_sessions() == 1);
  }
}

TEST_CASE("tls nginx: a context keeps at most kSessionCacheSize sessions, the least recent dropped",
          "[tls][nginx][resume]") {
  NginxFixture nginx(serving_valid());
  auto context = context_for(trusting());
  // Distinct keys for one server: the proxy is part of the key (a route the server never sees).
  auto handshake = [&](std::size_t i) {
    auto pump = TlsPump::open(*context, "127.0.0.1", nginx.port(), "localhost",
                              tls::SessionKey{.port = nginx.port(), .proxy = "proxy" + std::to_string(i)});
    REQUIRE(pump);
    const bool offered = offered_session_id_length(pump->engine().pending_output()) > 0;
    REQUIRE(pump->handshake());
    CHECK(pump->engine().resumed() == offered);
    return offered;
  };
  const std::size_t n = tls::kSessionCacheSize + 3;
  for (std::size_t i = 0; i < n; ++i) CHECK_FALSE(handshake(i));
  CHECK(context->saved_sessions() == tls::kSessionCacheSize);
  CHECK(handshake(n - 1));    // the most recent is kept
  CHECK(handshake(3));        // the oldest still kept
  CHECK_FALSE(handshake(2));  // dropped
  CHECK(context->saved_sessions() == tls::kSessionCacheSize);
}

TEST_CASE("PoolManager resumes TLS sessions on new connections to the same origin", "[tls][nginx][resume][https]") {
  NginxFixture nginx(serving_valid());
  const std::string origin = "https://localhost:" + std::to_string(nginx.port());
  for (bool http2 : {false, true}) {
    CAPTURE(http2);
    hipp::PoolManagerOptions options;
    options.tls.ca_certs = cert_matrix().crt("ca").string();
    options.retries = false;
    options.http2 = http2;
    hipp::PoolManager http(std::move(options));
    const std::size_t before = nginx.access_log().size();
    CHECK(http.request("GET", origin + "/small").status() == 200);
    http.clear();  // the next request needs a new connection
    CHECK(http.request("GET", origin + "/small").status() == 200);
    http.clear();
    CHECK(http.request("GET", "https://127.0.0.1:" + std::to_string(nginx.port()) + "/small").status() == 200);
    auto log = nginx.wait_for_access_log(before + 3);
    REQUIRE(log.size() == before + 3);
    CHECK(log[before].ssl_session_reused == ".");      // a full handshake: this manager's first
    CHECK(log[before + 1].ssl_session_reused == "r");  // resumed
    CHECK(log[before + 2].ssl_session_reused == ".");  // another host: not offered
    CHECK(log[before + 1].connection != log[before].connection);
  }
}
