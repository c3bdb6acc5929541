// Public-key pinning (curl's --pinnedpubkey sha256//...): the expected hashes come from the openssl CLI,
// so the test also proves that our SubjectPublicKeyInfo encoding is the one everybody else hashes.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

std::string run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[256];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  REQUIRE(::pclose(pipe) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// "sha256//<base64>" of the certificate's public key, computed by the openssl CLI as curl's manual says.
std::string openssl_pin(const std::filesystem::path& crt) {
  return "sha256//" + run("openssl x509 -in '" + crt.string() +
                          "' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | "
                          "base64");
}

tls::ClientConfig trusting() {
  tls::ClientConfig config;
  config.ca_certs = cert_matrix().crt("ca").string();
  config.alpn = {"http/1.1"};
  return config;
}

Result<std::string> get(const NginxFixture& nginx, const tls::ClientConfig& config) {
  auto context = tls::make_mbedtls_context(config);
  if (!context) return Unexpected{context.error()};
  auto pump = TlsPump::open(**context, "127.0.0.1", nginx.port(), "localhost");
  if (!pump) return Unexpected{pump.error()};
  return pump->get("/small");
}

}  // namespace

TEST_CASE("tls: the public-key hash is the one openssl computes", "[tls]") {
  for (const char* name : {"valid", "selfsigned", "client"}) {
    CAPTURE(name);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    REQUIRE(mbedtls_x509_crt_parse_file(&crt, cert_matrix().crt(name).c_str()) == 0);
    auto digest = tls::detail::public_key_fingerprint(crt);
    mbedtls_x509_crt_free(&crt);
    REQUIRE(digest);
    CHECK("sha256//" + tls::detail::to_base64(*digest) == openssl_pin(cert_matrix().crt(name)));
  }
}

TEST_CASE("tls: pinned public key lists parse as curl writes them", "[tls]") {
  const std::string a = "sha256//" + std::string(43, 'A') + "=";                 // 32 zero bytes
  const std::string b = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";  // SHA-256 of ""
  auto one = tls::detail::parse_pinned_public_keys(a);
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK((*one)[0] == tls::detail::Sha256{});
  auto two = tls::detail::parse_pinned_public_keys(a + ";" + b);
  REQUIRE(two);
  REQUIRE(two->size() == 2);
  CHECK(tls::detail::to_hex((*two)[1]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  for (const std::string& bad : std::vector<std::string>{
           "", "sha256//", "sha256//abc", b.substr(8), "SHA256" + b.substr(6), "sha1//" + b.substr(8), b + ";", ";" + b,
           b + ";;" + a, "/etc/ssl/key.pem", b.substr(0, b.size() - 1) + "==", b.substr(0, 20) + "!" + b.substr(21),
           " " + b, b + " ", "sha256//" + std::string(44, 'A')}) {
    CAPTURE(bad);
    CHECK_FALSE(tls::detail::parse_pinned_public_keys(bad));
  }
}

TEST_CASE("tls nginx: pinned_public_key accepts the leaf's key and refuses any other", "[tls][nginx]") {
  const auto& m = cert_matrix();
  NginxFixture nginx(NginxTls{m.crt("valid"), m.key("valid"), {}});
  const std::string right = openssl_pin(m.crt("valid"));
  const std::string wrong = openssl_pin(m.crt("selfsigned"));

  SECTION("the right pin, alone or anywhere in a list") {
    for (const std::string& pins :
         {right, wrong + ";" + right, right + ";" + wrong, wrong + ";" + openssl_pin(m.crt("client")) + ";" + right}) {
      CAPTURE(pins);
      tls::ClientConfig config = trusting();
      config.pinned_public_key = pins;
      auto response = get(nginx, config);
      REQUIRE(response);
      CHECK(response->rfind("HTTP/1.1 200 OK", 0) == 0);
    }
  }
  SECTION("no matching pin: public_key_mismatch, an SSLError naming the server's key") {
    for (const std::string& pins : {wrong, wrong + ";" + openssl_pin(m.crt("client"))}) {
      CAPTURE(pins);
      tls::ClientConfig config = trusting();
      config.pinned_public_key = pins;
      auto refused = get(nginx, config);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().code == ErrorCode::public_key_mismatch);
      CHECK(refused.error().category == ErrorCategory::tls);
      CHECK(refused.error().detail.rfind("public key mismatch: expected " + pins + ", got " + right, 0) == 0);
    }
    CHECK(nginx.access_log().empty());  // no request ever left the client
  }
  SECTION("a pin never replaces verification") {
    NginxFixture selfsigned(NginxTls{m.crt("selfsigned"), m.key("selfsigned"), {}});
    tls::ClientConfig config = trusting();
    config.pinned_public_key = wrong;  // the self-signed server's own key
    auto refused = get(selfsigned, config);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::certificate_verify_failed);
    CHECK(refused.error().detail.rfind("self-signed certificate", 0) == 0);

    config.verify = false;  // then the pin is the only trust, and it is enforced
    CHECK(get(selfsigned, config));
    config.pinned_public_key = right;
    auto mismatch = get(selfsigned, config);
    REQUIRE_FALSE(mismatch);
    CHECK(mismatch.error().code == ErrorCode::public_key_mismatch);
  }
}

TEST_CASE("tls: a malformed pinned_public_key is refused when the context is made", "[tls]") {
  for (const char* bad :
       {"sha256//", "sha256//not-base64", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "/path/key.pem"}) {
    CAPTURE(bad);
    tls::ClientConfig config = trusting();
    config.pinned_public_key = bad;
    auto context = tls::make_mbedtls_context(config);
    REQUIRE_FALSE(context);
    CHECK(context.error().code == ErrorCode::tls_failed);
    CHECK(context.error().detail.rfind("pinned_public_key: ", 0) == 0);
  }
}

TEST_CASE("hipp --pinnedpubkey: a match fetches, a mismatch exits 90 as curl's", "[tls][nginx][cli]") {
  const auto& m = cert_matrix();
  NginxFixture nginx(NginxTls{m.crt("valid"), m.key("valid"), {}});
  const std::string url = "https://localhost:" + std::to_string(nginx.port()) + "/small";
  const std::string base = std::string(HIPP_CLI_PATH) + " -sS --cacert '" + m.crt("ca").string() + "' ";
  auto exit_code = [](const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  CHECK(exit_code(base + "--pinnedpubkey '" + openssl_pin(m.crt("valid")) + "' " + url) == 0);
  CHECK(exit_code(base + "--pinnedpubkey '" + openssl_pin(m.crt("selfsigned")) + ";" + openssl_pin(m.crt("valid")) +
                  "' " + url) == 0);
  CHECK(exit_code(base + "--pinnedpubkey '" + openssl_pin(m.crt("selfsigned")) + "' " + url) == 90);
  CHECK(exit_code(base + "--pinnedpubkey sha256//bogus " + url) == 2);  // refused before connecting
  CHECK(exit_code(base + url) == 0);
}
