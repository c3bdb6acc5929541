// The certificate matrix against a real nginx with TLS on loopback, through TlsPump (TcpSocket + engine).
// Every bad certificate must fail the handshake by default with the right reason, and connect (where that
// makes sense) with verify=false.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/nginx_fixture.hpp"
#include "tests/tls/cert_matrix.hpp"
#include "tests/tls/tls_pump.hpp"
#include "transports/tls/detail/verify_checks.hpp"
#include "transports/tls/mbedtls_context.hpp"

#include <mbedtls/x509_crt.h>

using namespace hipp;
using hipp::test::cert_matrix;
using hipp::test::NginxFixture;
using hipp::test::NginxTls;
using hipp::test::TlsPump;

namespace {

tls::ClientConfig trusting(std::vector<std::string> alpn = {"http/1.1"}) {
  tls::ClientConfig config;
  config.ca_certs = cert_matrix().crt("ca").string();
  config.alpn = std::move(alpn);
  return config;
}

NginxTls serving(std::string_view name) {
  const auto& m = cert_matrix();
  return NginxTls{name == "nonca" ? m.dir() / "nonca.chain.crt" : m.crt(name), m.key(name), {}};
}

std::shared_ptr<const tls::ClientContext> context_for(const tls::ClientConfig& config) {
  auto context = tls::make_mbedtls_context(config);
  if (!context) FAIL(context.error().message());
  return *context;
}

// Connects to 127.0.0.1 (or ::1 for an IPv6 host) and runs one GET; the handshake's result or the response.
Result<std::string> get(const NginxFixture& nginx, const tls::ClientConfig& config, std::string_view host,
                        std::string_view path = "/small") {
  auto context = context_for(config);
  const std::string connect_to = host.find(':') != std::string_view::npos ? "::1" : "127.0.0.1";
  auto pump = TlsPump::open(*context, connect_to, nginx.port(), host);
  if (!pump) return Unexpected{pump.error()};
  return pump->get(path);
}

std::string sha256_of(const std::filesystem::path& pem) {
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  REQUIRE(mbedtls_x509_crt_parse_file(&crt, pem.c_str()) == 0);
  std::string hex = tls::detail::to_hex(tls::detail::fingerprint(crt));
  mbedtls_x509_crt_free(&crt);
  return hex;
}

}  // namespace

TEST_CASE("tls nginx: a valid certificate verifies by name and by IP, and the body arrives intact", "[tls][nginx]") {
  NginxFixture nginx(serving("valid"));
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "LOCALHOST", "localhost."};
  if (nginx.has_ipv6()) hosts.push_back("::1");
  for (const auto& host : hosts) {
    CAPTURE(host);
    auto response = get(nginx, trusting(), host);
    REQUIRE(response);
    CHECK(response->rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(response->substr(response->size() - NginxFixture::small_size) ==
          std::string(NginxFixture::small_size - 1, 'x') + "\n");
  }
}

TEST_CASE("tls nginx: nginx's close after Connection: close comes with close_notify", "[tls][nginx]") {
  NginxFixture nginx(serving("valid"));
  auto context = context_for(trusting());
  auto pump = TlsPump::open(*context, "127.0.0.1", nginx.port(), "localhost");
  REQUIRE(pump);
  auto response = pump->get("/big");
  REQUIRE(response);
  CHECK(response->size() > NginxFixture::big_size);
  CHECK(pump->engine().state() == tls::State::closed);
}

TEST_CASE("tls nginx: ALPN negotiates h2 when offered, http/1.1 otherwise", "[tls][nginx]") {
  NginxFixture nginx(serving("valid"));
  struct Row {
    std::vector<std::string> offer;
    std::string expected;
  };
  for (const auto& row : std::vector<Row>{{{"h2", "http/1.1"}, "h2"}, {{"http/1.1"}, "http/1.1"}, {{}, ""}}) {
    CAPTURE(row.expected);
    auto context = context_for(trusting(row.offer));
    auto pump = TlsPump::open(*context, "127.0.0.1", nginx.port(), "localhost");
    REQUIRE(pump);
    REQUIRE(pump->handshake());
    CHECK(pump->engine().alpn_protocol() == row.expected);
    auto event = pump->engine().next_event();
    REQUIRE(event);
    CHECK(std::get<tls::HandshakeComplete>(*event).alpn == row.expected);
  }
}

TEST_CASE("tls nginx: every bad certificate fails by default with its reason", "[tls][nginx]") {
  struct Row {
    std::string served;
    std::string host;
    std::string reason;
    bool works_unverified;
  };
  const std::vector<Row> rows = {
      {"expired", "localhost", "certificate has expired", true},
      {"future", "localhost", "certificate is not yet valid", true},
      {"wronghost", "localhost", "hostname mismatch", true},
      {"selfsigned", "localhost", "self-signed certificate", true},
      {"untrusted", "localhost", "unknown CA", true},
      {"nonca", "localhost", "issuer is not a CA", true},
      {"ipwrong", "127.0.0.1", "hostname mismatch", true},
      {"valid", "127.0.0.2", "hostname mismatch", true},
  };
  for (const auto& row : rows) {
    CAPTURE(row.served, row.host);
    NginxFixture nginx(serving(row.served));
    auto refused = get(nginx, trusting(), row.host);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::certificate_verify_failed);
    CHECK(refused.error().category == ErrorCategory::tls);
    CHECK(refused.error().detail.rfind(row.reason, 0) == 0);
    CHECK(nginx.access_log().empty());  // no request ever left the client

    tls::ClientConfig insecure = trusting();
    insecure.verify = false;
    int warnings = 0;
    insecure.on_insecure = [&](std::string_view warning) {
      ++warnings;
      CHECK(warning.find("Unverified HTTPS request") != std::string_view::npos);
    };
    auto accepted = get(nginx, insecure, row.host);
    CHECK(warnings == 1);
    if (row.works_unverified) {
      REQUIRE(accepted);
      CHECK(accepted->rfind("HTTP/1.1 200 OK", 0) == 0);
    }
  }
}

TEST_CASE("tls nginx: ipwrong still verifies by name", "[tls][nginx]") {
  NginxFixture nginx(serving("ipwrong"));
  CHECK(get(nginx, trusting(), "localhost"));
}

TEST_CASE("tls nginx: the system bundle does not trust the test CA (verification is on by default)", "[tls][nginx]") {
  NginxFixture nginx(serving("valid"));
  tls::ClientConfig defaults;
  auto refused = get(nginx, defaults, "localhost");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::certificate_verify_failed);
  CHECK(refused.error().detail.rfind("unknown CA", 0) == 0);
}

TEST_CASE("tls nginx: ca_cert_dir loads trust anchors from a directory", "[tls][nginx]") {
  NginxFixture nginx(serving("valid"));
  tls::ClientConfig config;
  config.ca_cert_dir = (cert_matrix().dir() / "cadir").string();
  CHECK(get(nginx, config, "localhost"));
}

TEST_CASE("tls nginx: assert_fingerprint pins the leaf's SHA-256", "[tls][nginx]") {
  NginxFixture nginx(serving("selfsigned"));
  const std::string pin = sha256_of(cert_matrix().crt("selfsigned"));

  tls::ClientConfig pinned;
  pinned.verify = false;  // a pinned self-signed certificate: the pin is the trust
  pinned.assert_fingerprint = pin;
  CHECK(get(nginx, pinned, "localhost"));

  pinned.assert_fingerprint = sha256_of(cert_matrix().crt("valid"));
  auto mismatch = get(nginx, pinned, "localhost");
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().code == ErrorCode::certificate_verify_failed);
  CHECK(mismatch.error().detail.rfind("fingerprint mismatch", 0) == 0);
  CHECK(mismatch.error().detail.find(pin) != std::string::npos);  // "got <actual>"

  // The pin never replaces verification: a matching pin on an untrusted chain still fails.
  tls::ClientConfig both;
  both.ca_certs = cert_matrix().crt("ca").string();
  both.assert_fingerprint = pin;
  auto untrusted = get(nginx, both, "localhost");
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.error().detail.rfind("self-signed certificate", 0) == 0);

  tls::ClientConfig bad = trusting();
  bad.assert_fingerprint = "abc";
  auto context = tls::make_mbedtls_context(bad);
  REQUIRE_FALSE(context);
  CHECK(context.error().detail.rfind("assert_fingerprint", 0) == 0);
}

TEST_CASE("tls nginx: a server demanding a client certificate (mTLS, encrypted key)", "[tls][nginx]") {
  const auto& m = cert_matrix();
  NginxFixture nginx(NginxTls{m.crt("valid"), m.key("valid"), m.crt("ca")});

  // Without a certificate nginx completes the handshake and answers 400.
  auto anonymous = get(nginx, trusting(), "localhost");
  REQUIRE(anonymous);
  CHECK(anonymous->rfind("HTTP/1.1 400", 0) == 0);

  tls::ClientConfig mtls = trusting();
  mtls.cert_file = m.crt("client").string();
  mtls.key_file = m.key("client").string();
  mtls.key_password = "hunter2";
  auto accepted = get(nginx, mtls, "localhost");
  REQUIRE(accepted);
  CHECK(accepted->rfind("HTTP/1.1 200 OK", 0) == 0);

  mtls.key_file = (m.dir() / "client-plain.key").string();
  mtls.key_password.clear();
  CHECK(get(nginx, mtls, "localhost"));

  mtls.key_file = m.key("client").string();
  mtls.key_password = "wrong";
  auto context = tls::make_mbedtls_context(mtls);
  REQUIRE_FALSE(context);
  CHECK(context.error().code == ErrorCode::tls_failed);
  CHECK(context.error().detail.rfind("key_file", 0) == 0);
}

TEST_CASE("tls nginx: a plain-HTTP server on the port fails the handshake", "[tls][nginx]") {
  NginxFixture plain;
  auto failed = get(plain, trusting(), "localhost");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::tls_failed);
  CHECK(failed.error().detail.rfind("handshake failure", 0) == 0);
}

TEST_CASE("tls: unreadable trust anchors are a context error", "[tls]") {
  tls::ClientConfig config;
  config.ca_certs = "/nonexistent/ca.pem";
  auto context = tls::make_mbedtls_context(config);
  REQUIRE_FALSE(context);
  CHECK(context.error().code == ErrorCode::tls_failed);
  CHECK(context.error().detail.rfind("ca_certs", 0) == 0);
}
