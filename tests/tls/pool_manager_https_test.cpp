// hipp::PoolManager over https: the TLS engine under the blocking transport, against nginx with TLS on
// loopback. Verification is on by default; bad certificates are SSLError; connections are reused.
#include <catch2/catch.hpp>

#include <hipp/hipp.hpp>

#include <string>

#include "tests/support/nginx_fixture.hpp"
#include "tests/tls/cert_matrix.hpp"

using hipp::test::cert_matrix;
using hipp::test::NginxFixture;
using hipp::test::NginxTls;

namespace {

NginxTls serving(std::string_view name) {
  const auto& m = cert_matrix();
  return NginxTls{m.crt(name), m.key(name), {}};
}

std::string https_url(const NginxFixture& nginx, std::string_view host, std::string_view path) {
  return "https://" + std::string(host) + ":" + std::to_string(nginx.port()) + std::string(path);
}

hipp::PoolManagerOptions trusting_the_test_ca() {
  hipp::PoolManagerOptions options;
  options.tls.ca_certs = cert_matrix().crt("ca").string();
  options.retries = false;
  return options;
}

}  // namespace

TEST_CASE("PoolManager fetches over https and reuses the TLS connection", "[tls][https]") {
  NginxFixture nginx(serving("valid"));
  hipp::PoolManager http(trusting_the_test_ca());
  auto first = http.request("GET", https_url(nginx, "localhost", "/small"));
  CHECK(first.status() == 200);
  CHECK(first.data().size() == 100);
  auto second = http.request("GET", https_url(nginx, "127.0.0.1", "/small"));  // IP SAN
  CHECK(second.status() == 200);
  auto third = http.request("GET", https_url(nginx, "localhost", "/small"));
  CHECK(third.data().size() == 100);
  const auto stats = http.pool_stats();
  REQUIRE(stats.count("https://localhost:" + std::to_string(nginx.port())) == 1);
  CHECK(stats.at("https://localhost:" + std::to_string(nginx.port())).total == 1);  // reused, not reopened
}

TEST_CASE("PoolManager refuses bad certificates with SSLError, and verify=false is explicit", "[tls][https]") {
  SECTION("expired") {
    NginxFixture nginx(serving("expired"));
    hipp::PoolManager http(trusting_the_test_ca());
    try {
      http.request("GET", https_url(nginx, "localhost", "/small"));
      FAIL("expected SSLError");
    } catch (const hipp::SSLError& e) {
      CHECK(e.code() == hipp::ErrorCode::certificate_verify_failed);
      CHECK_THAT(std::string(e.what()), Catch::Contains("expired"));
    }
  }
  SECTION("unknown CA by default (the system bundle does not know the test CA)") {
    NginxFixture nginx(serving("valid"));
    hipp::PoolManager http({.retries = false});
    CHECK_THROWS_AS(http.request("GET", https_url(nginx, "localhost", "/small")), hipp::SSLError);
  }
  SECTION("verify=false connects, and says so") {
    NginxFixture nginx(serving("expired"));
    int warnings = 0;
    hipp::PoolManagerOptions options;
    options.retries = false;
    options.tls.verify = false;
    options.tls.on_insecure = [&](std::string_view) { ++warnings; };
    hipp::PoolManager http(std::move(options));
    CHECK(http.request("GET", https_url(nginx, "localhost", "/small")).status() == 200);
    CHECK(warnings >= 1);
  }
}
