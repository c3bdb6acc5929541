// Self-tests of the interop fixtures (tests/support), driven by the raw-socket client so that they
// do not depend on the library under test.

#include "../support/child_process.hpp"
#include "../support/httpbin_fixture.hpp"
#include "../support/loopback.hpp"
#include "../support/nginx_fixture.hpp"
#include "../support/raw_http.hpp"
#include "../support/scripted_server.hpp"
#include "../support/temp_dir.hpp"

#include <catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>

using namespace hipp::test;
using namespace std::chrono_literals;

namespace {

std::string post_request(std::string_view path, std::uint16_t port, const std::string& body) {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunked(const std::string& body, std::size_t chunk) {
  std::string out;
  char size[32];
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    std::string_view piece = std::string_view(body).substr(at, chunk);
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size;
    out += piece;
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace

TEST_CASE("nginx fixture serves /small and logs the request", "[interop][fixtures][nginx]") {
  NginxFixture nginx;
  CHECK(nginx.url("/small") == "http://127.0.0.1:" + std::to_string(nginx.port()) + "/small");

  RawResponse response = raw_get(nginx.port(), "/small");
  CHECK(response.status == 200);
  CHECK(response.body.size() == NginxFixture::small_size);
  CHECK(response.body == read_file(nginx.root() / "small"));

  auto log = nginx.wait_for_access_log(1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].request == "GET /small HTTP/1.1");
  CHECK(log[0].status == 200);
  CHECK(log[0].body_bytes_sent == NginxFixture::small_size);
  CHECK(log[0].connection_requests == 1);
}

TEST_CASE("nginx access log proves connection reuse", "[interop][fixtures][nginx]") {
  NginxFixture nginx;
  RawConnection connection(nginx.port());
  connection.send(get_request("/small", nginx.port()));
  CHECK(connection.read_response().status == 200);
  connection.send(get_request("/robots.txt", nginx.port()));
  RawResponse second = connection.read_response();
  CHECK(second.status == 200);
  CHECK(second.body == read_file(nginx.root() / "robots.txt"));

  // A second connection gets a new $connection number.
  CHECK(raw_get(nginx.port(), "/empty").status == 200);

  auto log = nginx.wait_for_access_log(3);
  REQUIRE(log.size() == 3);
  CHECK(log[0].connection_requests == 1);
  CHECK(log[1].connection_requests == 2);
  CHECK(log[0].connection == log[1].connection);
  CHECK(log[1].request == "GET /robots.txt HTTP/1.1");
  CHECK(log[2].connection != log[0].connection);
  CHECK(log[2].connection_requests == 1);
}

TEST_CASE("nginx fixture serves /big, /empty, /status, /close and /redirect", "[interop][fixtures][nginx]") {
  NginxFixture nginx;

  RawResponse big = raw_get(nginx.port(), "/big");
  REQUIRE(big.body.size() == NginxFixture::big_size);
  CHECK(big.body.substr(0, 32) == "000000000000000\n000000000000001\n");
  CHECK(big.body.substr(NginxFixture::big_size - 16) == "000000000524287\n");

  RawResponse empty = raw_get(nginx.port(), "/empty");
  CHECK(empty.status == 200);
  CHECK(empty.header("Content-Length") == "0");
  CHECK(empty.body.empty());

  for (int code : {200, 204, 304, 404, 500}) {
    CAPTURE(code);
    CHECK(raw_get(nginx.port(), "/status/" + std::to_string(code)).status == code);
  }

  RawResponse redirect = raw_get(nginx.port(), "/redirect");
  CHECK(redirect.status == 302);
  CHECK(redirect.header("Location").value_or("").ends_with("/small"));

  // /close answers "Connection: close" and closes, although the client asked to keep the connection.
  RawConnection connection(nginx.port());
  connection.send(get_request("/close", nginx.port()));
  RawResponse closing = connection.read_response();
  CHECK(closing.status == 200);
  CHECK(closing.header("Connection") == "close");
  CHECK(connection.closed_by_peer(5s));
}

TEST_CASE("nginx /echo reads whole request bodies", "[interop][fixtures][nginx]") {
  NginxFixture nginx;
  const std::string body(1024 * 1024 + 7, 'b');

  SECTION("with Content-Length") {
    RawConnection connection(nginx.port());
    connection.send(post_request("/echo", nginx.port(), body));
    RawResponse response = connection.read_response();
    CHECK(response.status == 200);
    CHECK(response.header("X-Received-Length") == std::to_string(body.size()));
    CHECK(response.header("X-Content-Length") == std::to_string(body.size()));
    auto log = nginx.wait_for_access_log(1);
    REQUIRE(log.size() == 1);
    CHECK(log[0].request_length > body.size());
  }
  SECTION("chunked") {
    RawConnection connection(nginx.port());
    connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body, 10000));
    RawResponse response = connection.read_response();
    CHECK(response.status == 200);
    CHECK(response.header("X-Received-Length") == std::to_string(body.size()));
  }
}

TEST_CASE("nginx fixture answers on [::1] when IPv6 loopback works", "[interop][fixtures][nginx]") {
  NginxFixture nginx;
  if (!ipv6_loopback_available()) {
    CHECK(nginx.url6("/small").empty());
    SUCCEED("no IPv6 loopback here");
    return;
  }
  CHECK(nginx.url6("/small") == "http://[::1]:" + std::to_string(nginx.port()) + "/small");
  CHECK(raw_get(nginx.port(), "/small", true).body.size() == NginxFixture::small_size);
}

TEST_CASE("nginx fixtures are private and stop with their owner", "[interop][fixtures][nginx]") {
  std::filesystem::path dir;
  std::uint16_t port = 0;
  {
    NginxFixture a;
    NginxFixture b;
    CHECK(a.port() != b.port());
    CHECK(a.dir() != b.dir());
    CHECK(a.dir().string().find("/etc/nginx") == std::string::npos);
    dir = a.dir();
    port = a.port();
    CHECK(std::filesystem::exists(dir / "nginx.pid"));
  }
  CHECK_FALSE(std::filesystem::exists(dir));
  CHECK_FALSE(connect_loopback(port, 500ms).valid());
}

TEST_CASE("access log lines parse", "[interop][fixtures][nginx]") {
  auto entry = parse_access_log_line("7\t2\tGET /small HTTP/1.1\t200\t100\t84");
  REQUIRE(entry);
  CHECK(entry->connection == 7);
  CHECK(entry->connection_requests == 2);
  CHECK(entry->request == "GET /small HTTP/1.1");
  CHECK(entry->status == 200);
  CHECK(entry->body_bytes_sent == 100);
  CHECK(entry->request_length == 84);
  CHECK(entry->ssl_session_reused.empty());
  auto tls = parse_access_log_line("7\t1\tGET /small HTTP/1.1\t200\t100\t84\tr");  // with $ssl_session_reused
  REQUIRE(tls);
  CHECK(tls->request_length == 84);
  CHECK(tls->ssl_session_reused == "r");
  CHECK_FALSE(parse_access_log_line("7\t2\tGET /small HTTP/1.1\t200\t100"));
  CHECK_FALSE(parse_access_log_line("7\t2\tGET /small HTTP/1.1\t200\t100\t84\tr\tx"));
  CHECK_FALSE(parse_access_log_line("x\t2\tGET /small HTTP/1.1\t200\t100\t84"));
}

TEST_CASE("scripted server replays scripts and records requests", "[interop][fixtures][scripted]") {
  const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  ScriptedServer server({
      Script{step::read_request(), step::send(reply), step::read_request(), step::send(reply)},
      Script{step::read_request(), step::send_slowly("HTTP/1.1 204 No Content\r\n\r\n", 1ms), step::close()},
  });

  RawConnection first(server.port());
  const std::string post = post_request("/upload", server.port(), "body!");
  // Both requests at once: the second must stay buffered for the second read_request().
  first.send(get_request("/one", server.port()) + post);
  CHECK(first.read_response().body == "hello");
  CHECK(first.read_response().body == "hello");

  RawConnection second(server.port());
  second.send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  CHECK(second.read_response().status == 204);
  CHECK(second.closed_by_peer(5s));

  CHECK(server.connections_accepted() == 2);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].connection == 0);
  CHECK(requests[0].raw == get_request("/one", server.port()));
  CHECK(requests[1].raw == post);
  CHECK(requests[2].connection == 1);
  CHECK(requests[2].raw == "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  CHECK(server.errors().empty());
}

TEST_CASE("scripted server can reset, half-close and refuse extra connections", "[interop][fixtures][scripted]") {
  ScriptedServer server({
      Script{step::read_request(), step::send("HTTP/1.1 200 OK\r\n"), step::reset()},
      Script{step::read_request(), step::send("HTTP/1.1 200 OK\r\n\r\npartial"), step::shutdown_write(),
             step::wait_for_close()},
  });

  RawConnection reset(server.port());
  reset.send(get_request("/", server.port()));
  CHECK_THROWS(reset.read_response());

  RawConnection half(server.port());
  half.send(get_request("/", server.port()));
  RawResponse until_close = half.read_response();
  CHECK(until_close.body == "partial");

  // A third connection has no script: it is closed at once.
  RawConnection extra(server.port());
  CHECK(extra.closed_by_peer(5s));
  CHECK(server.wait_for_connections(3) == 3);
}

TEST_CASE("scripted server reports failed steps and never hangs its owner", "[interop][fixtures][scripted]") {
  const auto started = std::chrono::steady_clock::now();
  {
    ScriptedServer server({Script{step::read_request()}, Script{step::sleep(60s)}, Script{step::read_request()}});
    {
      RawConnection gone(server.port());
      gone.send("GET / HTTP/1.1\r\n");
    }
    RawConnection sleeper(server.port());
    RawConnection silent(server.port());  // never sends: its read_request is pending at destruction
    CHECK(server.wait_for_connections(3) == 3);
    for (int i = 0; i < 200 && server.errors().empty(); ++i) {
      std::this_thread::sleep_for(10ms);
    }
    auto errors = server.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("connection 0, step 0 (read_request): peer closed") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("child processes are stopped by PID, with SIGKILL when they ignore the signal", "[interop][fixtures]") {
  TempDir dir("hipp-child-");
  ChildProcess child({"/bin/sh", "-c", "trap '' QUIT; exec sleep 30"}, dir.path() / "out");
  std::this_thread::sleep_for(100ms);
  CHECK(child.running());
  const auto started = std::chrono::steady_clock::now();
  child.stop(SIGQUIT, 300ms);
  CHECK_FALSE(child.running());
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(::kill(child.pid(), 0) != 0);
}

TEST_CASE("httpbin fixture answers /get", "[interop][fixtures][httpbin]") {
  HttpbinFixture httpbin;
  RawResponse response = raw_get(httpbin.port(), "/get?x=1");
  CHECK(response.status == 200);
  CHECK(response.body.find(R"("args":{"x":"1"})") != std::string::npos);
  CHECK(httpbin.url("/get") == "http://127.0.0.1:" + std::to_string(httpbin.port()) + "/get");
}
