// Content decoding (core/decode through the blocking Response) against real peers: httpbin's /gzip,
// /deflate and /brotli, nginx's on-the-fly gzip of a multi-MiB file, and scripted servers for corrupt,
// truncated and bomb bodies (whose connections must never be reused).
#include <catch.hpp>

#include <hipp/hipp.hpp>

#include "core/decode/content_decoder.hpp"
#include "tests/support/httpbin_fixture.hpp"
#include "tests/support/nginx_fixture.hpp"
#include "tests/support/scripted_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/decode/encoders.hpp"

using hipp::test::HttpbinFixture;
using hipp::test::NginxFixture;
using hipp::test::read_file;
using hipp::test::ScriptedServer;
namespace step = hipp::test::step;
namespace enc = hipp::decode::test;

namespace {

HttpbinFixture& httpbin() {
  static HttpbinFixture instance;
  return instance;
}

NginxFixture& nginx() {
  static NginxFixture instance;
  return instance;
}

std::string response_with(std::string_view encoding, const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Encoding: " + std::string(encoding) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

}  // namespace

TEST_CASE("httpbin /gzip, /deflate and /brotli are decoded", "[decode][httpbin]") {
  struct Row {
    const char* path;
    const char* encoding;
    const char* flag;
  };
  hipp::PoolManager http;
  for (const Row& row :
       {Row{"/gzip", "gzip", "gzipped"}, Row{"/deflate", "deflate", "deflated"}, Row{"/brotli", "br", "brotli"}}) {
    INFO(row.path);
    auto r = http.request("GET", httpbin().url(row.path));
    CHECK(r.status() == 200);
    CHECK(r.headers().get("Content-Encoding") == row.encoding);
    CHECK(r.decoding());
    const auto json = r.json();
    CHECK(json[row.flag] == true);
    // tell() is the bytes on the wire, not the decoded ones.
    REQUIRE(r.headers().get("Content-Length"));
    CHECK(r.bytes_read() == std::stoul(std::string(*r.headers().get("Content-Length"))));
    CHECK(r.bytes_read() != r.data().size());
  }
}

TEST_CASE("decode_content=false hands out the bytes as received", "[decode][httpbin]") {
  hipp::PoolManager http;
  auto r = http.request("GET", httpbin().url("/gzip"), {.decode_content = false});
  CHECK_FALSE(r.decoding());
  const std::string raw = r.data();
  REQUIRE(raw.size() > 2);
  CHECK(raw.substr(0, 2) == "\x1f\x8b");  // RFC 1952 §2.3.1 ID1 ID2
  CHECK(r.bytes_read() == raw.size());
  auto d = hipp::decode::ContentDecoder::create(std::vector<hipp::decode::Coding>{hipp::decode::Coding::gzip});
  REQUIRE(d);
  std::string decoded;
  REQUIRE(d->feed(hipp::as_bytes(raw), decoded));
  REQUIRE(d->finish());
  CHECK(nlohmann::json::parse(decoded)["gzipped"] == true);
}

TEST_CASE("accept_compressed sends Accept-Encoding unless the caller chose one", "[decode][httpbin]") {
  hipp::PoolManager quiet;
  CHECK_FALSE(quiet.request("GET", httpbin().url("/headers")).json()["headers"].contains("Accept-Encoding"));
  hipp::PoolManager http({.accept_compressed = true});
  CHECK(http.request("GET", httpbin().url("/headers")).json()["headers"]["Accept-Encoding"] ==
        "gzip, deflate, br, zstd");
  auto own = http.request("GET", httpbin().url("/headers"), {.headers = {{"accept-encoding", "br"}}});
  CHECK(own.json()["headers"]["Accept-Encoding"] == "br");
  hipp::PoolManager defaults({.headers = {{"Accept-Encoding", "identity"}}, .accept_compressed = true});
  CHECK(defaults.request("GET", httpbin().url("/headers")).json()["headers"]["Accept-Encoding"] == "identity");
}

TEST_CASE("nginx's gzip of an 8 MiB file decodes to the file, preloaded and streamed", "[decode][nginx]") {
  const std::string file = read_file(nginx().root() / "big");
  REQUIRE(file.size() == NginxFixture::big_size);
  hipp::PoolManager http({.accept_compressed = true});

  auto whole = http.request("GET", nginx().url("/gzip/big"));
  CHECK(whole.headers().get("Content-Encoding") == "gzip");
  CHECK(whole.data() == file);
  CHECK(whole.bytes_read() < file.size() / 2);  // it really came compressed

  auto streamed = http.request("GET", nginx().url("/gzip/big"), {.preload_content = false});
  std::string joined;
  std::size_t chunks = 0;
  for (const std::string& chunk : streamed.stream(1000)) {
    CHECK(chunk.size() <= 1000);
    joined += chunk;
    ++chunks;
  }
  CHECK(joined == file);
  CHECK(chunks >= file.size() / 1000);
  // Both bodies ended cleanly, so one connection served them (and is idle again).
  auto stats = http.pool_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats.begin()->second.total == 1);

  // Without Accept-Encoding nginx sends the file as it is.
  hipp::PoolManager plain;
  auto identity = plain.request("GET", nginx().url("/gzip/big"));
  CHECK_FALSE(identity.headers().contains("Content-Encoding"));
  CHECK(identity.data() == file);
}

TEST_CASE("corrupt, truncated and unsupported codings are DecodeErrors; the connection is not reused",
          "[decode][scripted]") {
  const std::string good = enc::gzip("a body that will be damaged");
  std::string corrupt = good;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x40);
  struct Row {
    const char* name;
    std::string response;
    hipp::ErrorCode code;
  };
  const std::vector<Row> rows = {
      {"corrupt gzip", response_with("gzip", corrupt), hipp::ErrorCode::decode_failed},
      // The framing is complete (Content-Length matches), the gzip stream is not.
      {"truncated gzip", response_with("gzip", good.substr(0, good.size() - 6)), hipp::ErrorCode::decode_failed},
      {"compress", response_with("compress", "\x1f\x9d\x90"), hipp::ErrorCode::unsupported_encoding},
      {"six codings", response_with("gzip, gzip, gzip, gzip, gzip, gzip", good), hipp::ErrorCode::too_many_encodings},
      {"zstd window of 16 MiB", response_with("zstd", enc::zstd("hello", 24)),
       hipp::ErrorCode::decode_window_too_large},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    ScriptedServer server({{step::read_request(), step::send(row.response), step::wait_for_close()},
                           {step::read_request(), step::send(kOk), step::wait_for_close()}});
    hipp::PoolManager http({.retries = false});
    try {
      http.request("GET", server.url("/"));
      FAIL("expected DecodeError");
    } catch (const hipp::DecodeError& e) {
      CHECK(e.code() == row.code);
      CHECK(e.url() == server.url("/"));
    }
    CHECK(http.request("GET", server.url("/")).data() == "ok");
    CHECK(server.connections_accepted() == 2);
  }
}

TEST_CASE("a gzip bomb is refused at the ratio cap, preloaded or streamed", "[decode][scripted]") {
  const std::string bomb = enc::gzip_zeros(std::uint64_t{256} << 20);  // 256 MiB of zeros in ~250 KiB
  ScriptedServer server([&](std::size_t) {
    return hipp::test::Script{step::read_request(), step::send(response_with("gzip", bomb))};
  });
  hipp::PoolManager http({.retries = false});
  try {
    http.request("GET", server.url("/"));
    FAIL("expected DecodeError");
  } catch (const hipp::DecodeError& e) {
    CHECK(e.code() == hipp::ErrorCode::decompression_bomb);
  }
  auto streamed = http.request("GET", server.url("/"), {.preload_content = false});
  std::uint64_t got = 0;
  try {
    for (const std::string& chunk : streamed.stream(64 * 1024)) got += chunk.size();
    FAIL("expected DecodeError");
  } catch (const hipp::DecodeError& e) {
    CHECK(e.code() == hipp::ErrorCode::decompression_bomb);
  }
  CHECK(got < (std::uint64_t{16} << 20));
  CHECK(streamed.complete());
  // With the caps lifted the same body decodes fully, still in bounded pieces.
  hipp::PoolManager lifted({.retries = false, .decode_limits = {.max_ratio = 0}});
  auto all = lifted.request("GET", server.url("/"), {.preload_content = false});
  std::uint64_t total = 0;
  for (const std::string& chunk : all.stream(1 << 20)) total += chunk.size();
  CHECK(total == std::uint64_t{256} << 20);
}

TEST_CASE("a chained br-over-gzip body and a HEAD with Content-Encoding", "[decode][scripted]") {
  const std::string text = enc::sample_text(200000);
  ScriptedServer server(
      {{step::read_request(), step::send(response_with("gzip, br", enc::brotli(enc::gzip(text)))), step::read_request(),
        step::send("HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\nContent-Length: 99\r\n\r\n"),
        step::wait_for_close()}});
  hipp::PoolManager http({.retries = false});
  CHECK(http.request("GET", server.url("/")).data() == text);
  auto head = http.request("HEAD", server.url("/"));  // no body: the unknown coding does not matter
  CHECK(head.data().empty());
  CHECK(server.connections_accepted() == 1);
}
