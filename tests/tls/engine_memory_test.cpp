// The client engine against an mbedTLS server session, both in memory (no sockets): handshake over any
// split, data both ways, close_notify versus truncation, misuse, garbage.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "tests/tls/cert_matrix.hpp"
#include "tests/tls/memory_server.hpp"
#include "transports/tls/mbedtls_context.hpp"

#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

using namespace hipp;
using hipp::test::cert_matrix;
using hipp::test::MemoryServer;

namespace {

std::shared_ptr<const tls::ClientContext> trusting_context() {
  tls::ClientConfig config;
  config.ca_certs = cert_matrix().crt("ca").string();
  auto context = tls::make_mbedtls_context(config);
  REQUIRE(context);
  return *context;
}

// A client engine and a server session joined by a virtual wire that delivers `chunk` bytes at a time.
struct Pair {
  explicit Pair(std::string_view host = "localhost", std::size_t chunk_size = 1 << 20, MemoryServer::Limits limits = {})
      : context(trusting_context()),
        server(cert_matrix().crt("valid"), cert_matrix().key("valid"), std::move(limits)),
        chunk(chunk_size) {
    auto made = context->connect(host);
    REQUIRE(made);
    client = std::move(*made);
  }

  // Moves bytes both ways until neither side has anything to send.
  void drive() {
    for (int round = 0; round < 1000; ++round) {
      Bytes out = client->pending_output();
      std::vector<std::byte> to_server(out.begin(), out.end());
      client->consume_output(out.size());
      for (std::size_t at = 0; at < to_server.size(); at += chunk) {
        server.receive(Bytes(to_server).subspan(at, std::min(chunk, to_server.size() - at)));
      }
      const auto to_client = server.take_output();
      deliver(to_client);
      if (to_server.empty() && to_client.empty()) return;
    }
    FAIL("the wire never went quiet");
  }
  void deliver(const std::vector<std::byte>& bytes) {
    for (std::size_t at = 0; at < bytes.size() && client->state() != tls::State::failed; at += chunk) {
      (void)client->receive(Bytes(bytes).subspan(at, std::min(chunk, bytes.size() - at)));
    }
  }
  std::string read_all() {
    std::string text;
    std::byte buf[333];
    while (std::size_t n = client->read(buf)) text += as_chars(Bytes(buf, n));
    return text;
  }

  std::shared_ptr<const tls::ClientContext> context;
  MemoryServer server;
  std::unique_ptr<tls::Engine> client;
  std::size_t chunk;
};

}  // namespace

TEST_CASE("tls memory: the handshake completes over any split and reports HandshakeComplete once", "[tls]") {
  for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{100}, std::size_t{1} << 20}) {
    CAPTURE(chunk);
    Pair pair("localhost", chunk);
    CHECK(pair.client->state() == tls::State::handshaking);
    CHECK_FALSE(pair.client->pending_output().empty());  // the ClientHello, before any input
    pair.drive();
    REQUIRE(pair.client->state() == tls::State::open);
    CHECK(pair.server.handshake_done());
    auto event = pair.client->next_event();
    REQUIRE(event);
    const auto* done = std::get_if<tls::HandshakeComplete>(&*event);
    REQUIRE(done != nullptr);
    CHECK(done->version == "TLSv1.2");
    CHECK(done->alpn.empty());  // this server does not do ALPN
    CHECK_FALSE(pair.client->next_event());
  }
}

TEST_CASE("tls memory: plaintext both ways, split records reassembled", "[tls]") {
  Pair pair("localhost", 7);
  pair.drive();
  REQUIRE(pair.client->state() == tls::State::open);
  const std::string big(50000, 'x');  // several records
  REQUIRE(pair.client->write(as_bytes("hello " + big)));
  pair.drive();
  CHECK(pair.server.received() == "hello " + big);
  pair.server.write("world " + big);
  pair.drive();
  CHECK(pair.client->plaintext_available() == 6 + big.size());
  CHECK(pair.read_all() == "world " + big);
  CHECK(pair.client->state() == tls::State::open);
}

TEST_CASE("tls memory: close_notify from the server is a clean close", "[tls]") {
  Pair pair;
  pair.drive();
  (void)pair.client->next_event();
  pair.server.write("last words");
  pair.server.close_notify();
  pair.drive();
  CHECK(pair.client->state() == tls::State::closed);
  auto event = pair.client->next_event();
  REQUIRE(event);
  CHECK(std::holds_alternative<tls::PeerClosed>(*event));
  CHECK(pair.read_all() == "last words");
  // The transport's EOF after close_notify changes nothing.
  REQUIRE(pair.client->receive_eof());
  CHECK(pair.client->state() == tls::State::closed);
  CHECK_FALSE(pair.client->next_event());
}

TEST_CASE("tls memory: EOF without close_notify is truncation, and the data before it stays readable", "[tls]") {
  Pair pair;
  pair.drive();
  (void)pair.client->next_event();
  pair.server.write("partial bo");
  pair.drive();
  REQUIRE(pair.client->receive_eof());
  CHECK(pair.client->state() == tls::State::truncated);
  auto event = pair.client->next_event();
  REQUIRE(event);
  CHECK(std::holds_alternative<tls::Truncated>(*event));
  CHECK(pair.read_all() == "partial bo");
  CHECK(pair.client->error() == nullptr);
}

TEST_CASE("tls memory: EOF in the middle of a record is truncation too", "[tls]") {
  Pair pair;
  pair.drive();
  pair.server.write("a record cut in half");
  auto record = pair.server.take_output();
  record.resize(record.size() / 2);
  pair.deliver(record);
  CHECK(pair.client->plaintext_available() == 0);
  REQUIRE(pair.client->receive_eof());
  CHECK(pair.client->state() == tls::State::truncated);
}

TEST_CASE("tls memory: the client's close() sends close_notify", "[tls]") {
  Pair pair;
  pair.drive();
  REQUIRE(pair.client->close());
  CHECK(pair.client->close_sent());
  REQUIRE(pair.client->close());  // idempotent
  pair.drive();
  CHECK(pair.server.peer_closed());
  CHECK(pair.client->write(as_bytes("late")).error().code == ErrorCode::invalid_state);
}

TEST_CASE("tls memory: EOF during the handshake fails the handshake", "[tls]") {
  Pair pair;
  auto result = pair.client->receive_eof();
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::tls_failed);
  CHECK(result.error().detail.rfind("connection closed during handshake", 0) == 0);
  CHECK(pair.client->state() == tls::State::failed);
}

TEST_CASE("tls memory: misuse before the handshake is invalid_state", "[tls]") {
  Pair pair;
  CHECK(pair.client->write(as_bytes("early")).error().code == ErrorCode::invalid_state);
  CHECK(pair.client->close().error().code == ErrorCode::invalid_state);
  CHECK(pair.client->state() == tls::State::handshaking);  // misuse does not break the session
  pair.drive();
  CHECK(pair.client->state() == tls::State::open);
}

TEST_CASE("tls memory: garbage from the peer fails for good with the same error", "[tls]") {
  Pair pair;
  const std::string junk = "HTTP/1.1 200 OK\r\n\r\n";  // a plain-HTTP server on a TLS port
  auto first = pair.client->receive(as_bytes(junk));
  REQUIRE_FALSE(first);
  CHECK(first.error().code == ErrorCode::tls_failed);
  CHECK(pair.client->state() == tls::State::failed);
  REQUIRE(pair.client->error() != nullptr);
  auto again = pair.client->receive(as_bytes("more"));
  REQUIRE_FALSE(again);
  CHECK(again.error().detail == first.error().detail);
}

TEST_CASE("tls memory: SNI carries names, never IP literals", "[tls]") {
  {
    Pair pair("localhost");
    pair.drive();
    CHECK(pair.server.got_server_name());
    CHECK(pair.server.server_name() == "localhost");
    CHECK(pair.client->state() == tls::State::open);
  }
  for (std::string_view ip : {"127.0.0.1", "::1", "[::1]"}) {
    CAPTURE(ip);
    Pair pair(ip);
    pair.drive();
    CHECK_FALSE(pair.server.got_server_name());
    CHECK(pair.client->state() == tls::State::open);  // matched by the iPAddress SAN
  }
}

TEST_CASE("tls memory: a session to a name the certificate lacks fails with hostname mismatch", "[tls]") {
  for (std::string_view host : {"example.com", "10.1.2.3"}) {
    CAPTURE(host);
    Pair pair(host);
    pair.drive();
    REQUIRE(pair.client->state() == tls::State::failed);
    CHECK(pair.client->error()->code == ErrorCode::certificate_verify_failed);
    CHECK(pair.client->error()->detail.rfind("hostname mismatch", 0) == 0);
  }
}

TEST_CASE("tls: configuration errors are reported when the context is made", "[tls]") {
  struct Row {
    const char* what;
    tls::ClientConfig config;
    ErrorCode code;
    std::string prefix;
  };
  tls::ClientConfig base;
  base.ca_certs = cert_matrix().crt("ca").string();
  auto with = [&](auto change) {
    tls::ClientConfig config = base;
    change(config);
    return config;
  };
  const std::vector<Row> rows = {
      {"missing CA file", with([](auto& c) { c.ca_certs = "/nonexistent.pem"; }), ErrorCode::tls_failed, "ca_certs"},
      {"missing CA dir", with([](auto& c) { c.ca_cert_dir = "/nonexistent-dir"; }), ErrorCode::tls_failed,
       "ca_cert_dir"},
      {"key without cert", with([](auto& c) { c.key_file = cert_matrix().key("client").string(); }),
       ErrorCode::tls_failed, "key_file"},
      {"encrypted key, no password", with([](auto& c) {
         c.cert_file = cert_matrix().crt("client").string();
         c.key_file = cert_matrix().key("client").string();
       }),
       ErrorCode::tls_failed, "key_file"},
      {"empty ALPN name", with([](auto& c) {
         c.alpn = {"h2", ""};
       }),
       ErrorCode::tls_failed, "alpn"},
      {"short pin", with([](auto& c) { c.assert_fingerprint = "ab:cd"; }), ErrorCode::tls_failed, "assert_fingerprint"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    auto context = tls::make_mbedtls_context(row.config);
    REQUIRE_FALSE(context);
    CHECK(context.error().code == row.code);
    CHECK(context.error().detail.rfind(row.prefix, 0) == 0);
  }
  auto context = tls::make_mbedtls_context(base);
  REQUIRE(context);
  auto engine = (*context)->connect("");
  REQUIRE_FALSE(engine);
  CHECK(engine.error().code == ErrorCode::invalid_url);
}

TEST_CASE("tls memory: only ECDHE with an AEAD cipher is accepted", "[tls]") {
  struct Row {
    const char* what;
    int suite;
    bool accepted;
  };
  const std::vector<Row> rows = {
      {"ECDHE + AES-GCM", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true},
      {"ECDHE + AES-256-GCM", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, true},
      {"ECDHE + ChaCha20-Poly1305", MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true},
      {"ECDHE + CBC", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false},
      {"static ECDH + GCM (no forward secrecy)", MBEDTLS_TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256, false},
      {"ECDHE + CCM", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM, false},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    Pair pair("localhost", 1 << 20, MemoryServer::Limits{{row.suite}, false});
    pair.drive();
    if (row.accepted) {
      CHECK(pair.client->state() == tls::State::open);
    } else {
      REQUIRE(pair.client->state() == tls::State::failed);
      CHECK(pair.client->error()->code == ErrorCode::tls_failed);
    }
  }
}

#if MBEDTLS_VERSION_NUMBER < 0x03000000
TEST_CASE("tls memory: a server that stops at TLS 1.1 is refused", "[tls]") {
  Pair pair("localhost", 1 << 20, MemoryServer::Limits{{}, true});
  pair.drive();
  REQUIRE(pair.client->state() == tls::State::failed);
  CHECK(pair.client->error()->code == ErrorCode::tls_failed);
}
#endif
