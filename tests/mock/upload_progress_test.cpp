// RequestOptions::upload_progress through the exchange and the mock transport: what it counts for every
// kind of body, the total it reports, and how a resend (307, status retry) restarts the count.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <hipp/hipp.hpp>

#include "tests/support/temp_dir.hpp"
#include "transports/mock/mock_client.hpp"

using hipp::mock::exact;
using hipp::mock::MockClient;
using hipp::mock::MockTransport;

namespace {

using Call = std::pair<std::uint64_t, std::optional<std::uint64_t>>;

// Records every call, and checks as it goes that the count never falls except back to 0.
struct Recorder {
  std::vector<Call> calls;

  hipp::UploadProgress callback() {
    return [this](std::uint64_t sent, std::optional<std::uint64_t> total) { calls.emplace_back(sent, total); };
  }
  // Indexes of the calls with sent == 0: where each attempt's body began.
  std::vector<std::size_t> starts() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].first == 0) out.push_back(i);
    }
    return out;
  }
  bool increasing_within_attempts() const {
    for (std::size_t i = 1; i < calls.size(); ++i) {
      if (calls[i].first != 0 && calls[i].first <= calls[i - 1].first) return false;
    }
    return true;
  }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_CASE("upload progress: a bytes body is counted piece by piece up to its size", "[mock][progress]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/up")).reply(204);
  MockClient http(mock);
  Recorder rec;
  const std::string body = pattern(200 * 1024);  // four 64 KiB pieces, the last one short
  auto r = http.request("POST", "http://api.test/up", {.body = body, .upload_progress = rec.callback()});
  CHECK(r.status == 204);
  REQUIRE(rec.calls == std::vector<Call>{{0, body.size()},
                                         {65536, body.size()},
                                         {131072, body.size()},
                                         {196608, body.size()},
                                         {body.size(), body.size()}});
  CHECK(mock.requests().at(0).body == body);
}

TEST_CASE("upload progress: FileBody, generator and multipart bodies report what went out", "[mock][progress]") {
  MockTransport mock;
  mock.on("POST", exact("http://api.test/up")).reply(204);
  MockClient http(mock);
  Recorder rec;

  SECTION("a file: its size is the total") {
    hipp::test::TempDir dir("hipp-progress-");
    const auto path = dir.path() / "f.bin";
    const std::string content = pattern(150'000);
    std::ofstream(path, std::ios::binary) << content;
    http.request("POST", "http://api.test/up", {.body = hipp::FileBody{path}, .upload_progress = rec.callback()});
    REQUIRE(rec.calls.size() == 4);  // 0, 64 KiB, 128 KiB, all
    CHECK(rec.calls.front() == Call{0, content.size()});
    CHECK(rec.calls.back() == Call{content.size(), content.size()});
    CHECK(mock.requests().at(0).body == content);
  }
  SECTION("a generator: chunked, so no total; each piece counted as it is written") {
    int n = 0;
    hipp::GeneratorBody gen{[&n]() -> std::optional<std::string> {
      if (n == 3) return std::nullopt;
      return std::string(static_cast<std::size_t>(1000 * ++n), 'g');
    }};
    http.request("POST", "http://api.test/up", {.body = gen, .upload_progress = rec.callback()});
    CHECK(rec.calls == std::vector<Call>{{0, std::nullopt}, {1000, std::nullopt}, {3000, std::nullopt},
                                         {6000, std::nullopt}});
    CHECK(mock.requests().at(0).body.size() == 6000);
  }
  SECTION("multipart: the total is the Content-Length, every byte of the encoding counted") {
    hipp::RequestOptions options;
    options.fields = {{"user", "alice"}};
    options.files = {{"doc", hipp::MultipartFile{"d.bin", std::make_shared<std::istringstream>(pattern(100'000))}}};
    options.upload_progress = rec.callback();
    http.request("POST", "http://api.test/up", std::move(options));
    const auto& sent = mock.requests().at(0);
    const std::uint64_t length = std::stoull(std::string(*sent.headers.get("Content-Length")));
    CHECK(sent.body.size() == length);
    REQUIRE(rec.calls.size() >= 3);
    CHECK(rec.calls.front() == Call{0, length});
    CHECK(rec.calls.back() == Call{length, length});
    CHECK(rec.increasing_within_attempts());
  }
}

TEST_CASE("upload progress: a 307 resend and a status retry restart the count", "[mock][progress]") {
  MockTransport mock;
  hipp::test::TempDir dir("hipp-progress-");
  const auto path = dir.path() / "f.bin";
  const std::string content = pattern(100'000);
  std::ofstream(path, std::ios::binary) << content;
  Recorder rec;

  SECTION("307: the file is read again from its start") {
    mock.on("PUT", exact("http://api.test/old")).reply(307, "", {{"Location", "/new"}});
    mock.on("PUT", exact("http://api.test/new")).reply(201);
    MockClient http(mock);
    auto r = http.request("PUT", "http://api.test/old", {.body = hipp::FileBody{path}, .upload_progress = rec.callback()});
    CHECK(r.status == 201);
    REQUIRE(mock.requests().size() == 2);
    CHECK(mock.requests()[1].body == content);
  }
  SECTION("503 then 200: a status retry of a PUT sends the bytes body again") {
    mock.on("PUT", exact("http://api.test/old")).reply(503).then().reply(201);
    MockClient http(mock, {.retries = hipp::Retry{.total = 2, .status_forcelist = {503}}});
    auto r = http.request("PUT", "http://api.test/old", {.body = content, .upload_progress = rec.callback()});
    CHECK(r.status == 201);
    REQUIRE(mock.requests().size() == 2);
  }
  const auto starts = rec.starts();
  REQUIRE(starts.size() == 2);  // one start per attempt
  CHECK(rec.calls[starts[1] - 1] == Call{content.size(), content.size()});  // the first attempt went out whole
  CHECK(rec.calls.back() == Call{content.size(), content.size()});
  CHECK(rec.increasing_within_attempts());
}

TEST_CASE("upload progress: not called without a body; a throwing callback aborts the request", "[mock][progress]") {
  MockTransport mock;
  mock.on("GET", exact("http://api.test/x")).reply(200, "ok");
  mock.on("POST", exact("http://api.test/x")).reply(200, "ok");
  MockClient http(mock);
  Recorder rec;
  http.request("GET", "http://api.test/x", {.upload_progress = rec.callback()});
  CHECK(rec.calls.empty());

  int calls = 0;
  auto throwing = [&calls](std::uint64_t sent, std::optional<std::uint64_t>) {
    ++calls;
    if (sent > 0) throw std::runtime_error("stop the upload");
  };
  CHECK_THROWS_WITH(http.request("POST", "http://api.test/x", {.body = pattern(100'000), .upload_progress = throwing}),
                    "stop the upload");
  CHECK(calls == 2);
  // The client is still usable, and the aborted request's connection was not kept.
  CHECK(http.request("POST", "http://api.test/x", {.body = std::string("a")}).status == 200);
  CHECK(mock.connections_opened() == 2);
}
