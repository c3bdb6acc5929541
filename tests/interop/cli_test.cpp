// The hipp binary: curl's exit codes for the same failures, and output as curl writes it.
#include <catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/cli_run.hpp"
#include "tests/support/httpbin_fixture.hpp"
#include "tests/support/nghttpd_fixture.hpp"
#include "tests/support/nginx_fixture.hpp"
#include "tests/support/scripted_server.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
namespace step = hipp::test::step;
using hipp::test::ScriptedServer;

namespace {

using Run = hipp::test::CliRun;

Run hipp_cli(const std::string& args) { return hipp::test::run_cli(HIPP_CLI_PATH, args); }

hipp::test::NginxFixture& nginx() {
  static hipp::test::NginxFixture instance;
  return instance;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("hipp fetches a body, -i adds the head, -I sends HEAD") {
  auto plain = hipp_cli(quoted(nginx().url("/robots.txt")));
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.rfind("User-agent", 0) == 0);
  auto with_head = hipp_cli("-i " + quoted(nginx().url("/small")));
  CHECK(with_head.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  const auto body_at = with_head.out.find("\r\n\r\n");
  REQUIRE(body_at != std::string::npos);
  CHECK(with_head.out.size() - (body_at + 4) == hipp::test::NginxFixture::small_size);
  auto head = hipp_cli("-I " + quoted(nginx().url("/big")));
  CHECK(head.out.find("Content-Length: 8388608") != std::string::npos);
  CHECK(head.out.size() < 1000);
}

TEST_CASE("hipp -v shows the request head as sent, prefixed like curl") {
  auto r = hipp_cli("-v -H 'X-Probe: yes' " + quoted(nginx().url("/small")));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("> GET /small HTTP/1.1") != std::string::npos);
  CHECK(r.out.find("> X-Probe: yes") != std::string::npos);
  CHECK(r.out.find("< HTTP/1.1 200 OK") != std::string::npos);
}

TEST_CASE("hipp sends -d, --data-binary and --json bodies") {
  CHECK(hipp_cli("-i -d a=1 -d b=2 " + quoted(nginx().url("/echo"))).out.find("X-Received-Length: 7") != std::string::npos);
  CHECK(hipp_cli("-i --json '{\"k\":1}' " + quoted(nginx().url("/echo"))).out.find("X-Received-Length: 7") !=
        std::string::npos);
}

TEST_CASE("hipp's exit codes are curl's") {
  CHECK(hipp_cli("--fail " + quoted(nginx().url("/status/404"))).exit_code == 22);
  CHECK(hipp_cli(quoted(nginx().url("/status/404"))).exit_code == 0);  // without --fail, a 404 is a response
  CHECK(hipp_cli("'http://bad host/'").exit_code == 3);
  CHECK(hipp_cli("http://no-such-host.invalid/").exit_code == 6);
  CHECK(hipp_cli("http://127.0.0.1:1/").exit_code == 7);
  CHECK(hipp_cli("--bogus-flag http://127.0.0.1:1/").exit_code == 2);
  CHECK(hipp_cli("--data-binary @/nonexistent/file http://127.0.0.1:1/").exit_code == 26);
  CHECK(hipp_cli("-o /nonexistent/dir/out " + quoted(nginx().url("/small"))).exit_code == 23);
  {
    ScriptedServer partial({{step::read_request(), step::send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
                             step::close()}});
    CHECK(hipp_cli(quoted(partial.url("/"))).exit_code == 18);
  }
  {
    ScriptedServer empty({{step::read_request(), step::close()}});
    CHECK(hipp_cli(quoted(empty.url("/"))).exit_code == 52);
  }
  {
    ScriptedServer silent({{step::read_request(), step::sleep(3000ms), step::close()}});
    CHECK(hipp_cli("-m 0.3 " + quoted(silent.url("/"))).exit_code == 28);
  }
  {
    ScriptedServer garbage({{step::read_request(), step::send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                             step::close()}});
    CHECK(hipp_cli(quoted(garbage.url("/"))).exit_code == 56);
  }
}

TEST_CASE("-s hides errors, -sS shows them") {
  CHECK(hipp_cli("-s http://127.0.0.1:1/").out.empty());
  CHECK(hipp_cli("-sS http://127.0.0.1:1/").out.find("hipp: (7)") != std::string::npos);
}

TEST_CASE("without -L a 3xx is output as is; -L follows it; --max-redirs overflow exits 47", "[cli][redirect]") {
  auto as_is = hipp_cli("-i " + quoted(nginx().url("/redirect")));
  CHECK(as_is.exit_code == 0);
  CHECK(as_is.out.rfind("HTTP/1.1 302", 0) == 0);
  auto followed = hipp_cli("-L " + quoted(nginx().url("/redirect-twice")));
  CHECK(followed.exit_code == 0);
  CHECK(followed.out == std::string(hipp::test::NginxFixture::small_size - 1, 'x') + "\n");
  CHECK(hipp_cli("-L --max-redirs 2 " + quoted(nginx().url("/redirect-twice"))).exit_code == 0);
  auto too_many = hipp_cli("-L --max-redirs 1 " + quoted(nginx().url("/redirect-twice")));
  CHECK(too_many.exit_code == 47);
  CHECK(too_many.out.find("too many redirects") != std::string::npos);
}

TEST_CASE("--retry resends a 503 on the same connection; exhausted retries keep curl's exit codes",
          "[cli][retry]") {
  const std::string marker = "retry" + std::to_string(::getpid());
  auto r = hipp_cli("-f --retry 2 --retry-delay 0.05 " + quoted(nginx().url("/status/503") + "?m=" + marker));
  CHECK(r.exit_code == 22);
  std::vector<hipp::test::AccessLogEntry> mine;
  for (int attempt = 0; attempt < 30 && mine.size() < 3; ++attempt) {
    mine.clear();
    for (auto& e : nginx().access_log()) {
      if (e.request.find("?m=" + marker + " ") != std::string::npos) mine.push_back(e);
    }
    if (mine.size() < 3) std::this_thread::sleep_for(100ms);
  }
  REQUIRE(mine.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(mine[i].status == 503);
    CHECK(mine[i].connection == mine[0].connection);
    CHECK(mine[i].connection_requests == mine[0].connection_requests + i);
  }
  CHECK(hipp_cli("--retry 1 --retry-delay 0.05 http://127.0.0.1:1/").exit_code == 7);
  {
    ScriptedServer silent({{step::read_request(), step::sleep(3000ms), step::close()},
                           {step::read_request(), step::sleep(3000ms), step::close()}});
    CHECK(hipp_cli("-m 0.2 --retry 1 --retry-delay 0.05 " + quoted(silent.url("/"))).exit_code == 28);
  }
}

TEST_CASE("-u sends Basic, --digest Digest, --oauth2-bearer Bearer, against httpbin", "[cli][auth]") {
  hipp::test::HttpbinFixture httpbin;
  CHECK(hipp_cli("-f -u user:passwd " + quoted(httpbin.url("/basic-auth/user/passwd"))).exit_code == 0);
  CHECK(hipp_cli("-f -u user:wrong " + quoted(httpbin.url("/basic-auth/user/passwd"))).exit_code == 22);
  // httpbin's digest endpoints want the cookie they set on the challenge back; without -b/-c there is no jar.
  CHECK(hipp_cli("-f --digest -u user:passwd -H 'Cookie: fake=fake_value' " +
                 quoted(httpbin.url("/digest-auth/auth/user/passwd/MD5")))
            .exit_code == 0);
  auto bearer = hipp_cli("-f --oauth2-bearer tok3n " + quoted(httpbin.url("/bearer")));
  CHECK(bearer.exit_code == 0);
  CHECK(bearer.out.find("tok3n") != std::string::npos);
}

TEST_CASE("hipp speaks HTTP/2 to nghttpd with --http2-prior-knowledge (h2c)") {
  hipp::test::NghttpdFixture h2c;
  auto r = hipp_cli("-i --http2-prior-knowledge http://" + h2c.authority() + "/small");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("HTTP/2 200\r\n", 0) == 0);
  CHECK(r.out.substr(r.out.size() - hipp::test::NghttpdFixture::small_size) ==
        std::string(hipp::test::NghttpdFixture::small_size, 's'));
  auto verbose = hipp_cli("-v --http2-prior-knowledge -o /dev/null http://" + h2c.authority() + "/small");
  CHECK(verbose.out.find("> GET /small HTTP/2") != std::string::npos);
  CHECK(verbose.out.find("< HTTP/2 200") != std::string::npos);
  // Without prior knowledge an http:// URL is HTTP/1.1, which nghttpd --no-tls does not speak.
  CHECK(hipp_cli("http://" + h2c.authority() + "/small").exit_code != 0);
}

TEST_CASE("--compressed asks nginx for gzip and writes the decoded file; without it bytes stay as sent",
          "[cli][decode]") {
  hipp::test::TempDir dir("hipp-cli-compressed");
  const std::string expected = hipp::test::read_file(nginx().root() / "big");
  const std::string url = quoted(nginx().url("/gzip/big"));

  auto decoded = hipp_cli("-s --compressed -o " + (dir.path() / "decoded").string() + " " + url);
  CHECK(decoded.exit_code == 0);
  CHECK(hipp::test::read_file(dir.path() / "decoded") == expected);

  auto verbose = hipp_cli("-s -v --compressed -o /dev/null " + url);
  CHECK(verbose.out.find("> Accept-Encoding: gzip, deflate, br, zstd") != std::string::npos);
  CHECK(verbose.out.find("< Content-Encoding: gzip") != std::string::npos);

  // curl without --compressed: the gzip bytes as nginx sent them.
  auto raw = hipp_cli("-s -H 'Accept-Encoding: gzip' -o " + (dir.path() / "raw").string() + " " + url);
  CHECK(raw.exit_code == 0);
  const std::string gz = hipp::test::read_file(dir.path() / "raw");
  REQUIRE(gz.size() > 2);
  CHECK(gz.substr(0, 2) == "\x1f\x8b");
  CHECK(gz.size() < expected.size() / 2);

  // A body that does not decode exits 61, as curl's CURLE_BAD_CONTENT_ENCODING.
  const std::string not_gzip = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!";
  ScriptedServer server({{step::read_request(), step::send(not_gzip)}});
  CHECK(hipp_cli("-s --compressed " + quoted(server.url("/"))).exit_code == 61);
}

namespace {
// httpbin's /cookies answers {"cookies":{"name":"value",...}}, compact or pretty-printed.
bool has_cookie(const std::string& out, const std::string& name, const std::string& value) {
  return out.find("\"" + name + "\":\"" + value + "\"") != std::string::npos ||
         out.find("\"" + name + "\": \"" + value + "\"") != std::string::npos;
}
}  // namespace

TEST_CASE("-b sends cookies, -c writes the jar as curl's cookie file, -b FILE reads it back", "[cli][cookies]") {
  hipp::test::HttpbinFixture httpbin;
  hipp::test::TempDir dir("hipp-cookies-");
  const std::string jar = (dir.path() / "jar.txt").string();

  auto sent = hipp_cli("-b 'a=1; b=2' " + quoted(httpbin.url("/cookies")));
  CHECK(sent.exit_code == 0);
  CHECK(has_cookie(sent.out, "a", "1"));
  CHECK(has_cookie(sent.out, "b", "2"));

  auto saved = hipp_cli("-s -L -c " + quoted(jar) + " " + quoted(httpbin.url("/cookies/set?k=v")));
  CHECK(saved.exit_code == 0);
  CHECK(has_cookie(saved.out, "k", "v"));  // the redirect carried it
  const std::string file = hipp::test::read_file(jar);
  CHECK(file.rfind("# Netscape HTTP Cookie File", 0) == 0);
  CHECK(file.find("127.0.0.1\tFALSE\t/\tFALSE\t0\tk\tv\n") != std::string::npos);

  auto loaded = hipp_cli("-b " + quoted(jar) + " " + quoted(httpbin.url("/cookies")));
  CHECK(has_cookie(loaded.out, "k", "v"));
  // Without -b FILE or -c there is no jar, as in curl: the redirect of /cookies/set shows nothing.
  auto no_jar = hipp_cli("-s -L " + quoted(httpbin.url("/cookies/set?k=v")));
  CHECK(no_jar.exit_code == 0);
  CHECK_FALSE(has_cookie(no_jar.out, "k", "v"));
}
