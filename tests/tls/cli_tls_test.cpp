// The hipp binary over https against nginx (TLS, ALPN h2 and http/1.1): HTTP/2 by default as curl,
// --http1.1 to force HTTP/1.1, curl's exit code 60 for an unverifiable certificate, -k to skip it.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/cli_run.hpp"
#include "tests/support/nginx_fixture.hpp"
#include "tests/tls/cert_matrix.hpp"

using hipp::test::cert_matrix;
using hipp::test::NginxFixture;

namespace {

hipp::test::CliRun hipp_cli(const std::string& args) { return hipp::test::run_cli(HIPP_CLI_PATH, args); }

}  // namespace

TEST_CASE("hipp over https: HTTP/2 by ALPN, --http1.1, exit 60 and -k", "[tls][cli]") {
  NginxFixture nginx(hipp::test::NginxTls{cert_matrix().crt("valid"), cert_matrix().key("valid"), {}});
  const std::string url = "'https://localhost:" + std::to_string(nginx.port()) + "/small'";
  const std::string cacert = "--cacert '" + cert_matrix().crt("ca").string() + "' ";

  auto h2 = hipp_cli("-i " + cacert + url);
  CHECK(h2.exit_code == 0);
  CHECK(h2.out.rfind("HTTP/2 200\r\n", 0) == 0);
  CHECK(h2.out.size() > NginxFixture::small_size);

  auto h1 = hipp_cli("-i --http1.1 " + cacert + url);
  CHECK(h1.exit_code == 0);
  CHECK(h1.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);

  auto unverified = hipp_cli(url);  // the test CA is not in the system bundle
  CHECK(unverified.exit_code == 60);
  auto insecure = hipp_cli("-k -i " + url);
  CHECK(insecure.exit_code == 0);
  CHECK(insecure.out.rfind("HTTP/2 200\r\n", 0) == 0);

  const auto log = nginx.wait_for_access_log(3);
  REQUIRE(log.size() == 3);
  CHECK(log[0].request == "GET /small HTTP/2.0");
  CHECK(log[1].request == "GET /small HTTP/1.1");
  CHECK(log[2].request == "GET /small HTTP/2.0");
}
