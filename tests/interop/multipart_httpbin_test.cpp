// Multipart uploads checked by a real server: httpbin's /post echoes every form field (`form`) and
// every part with a filename (`files`, by field name: UTF-8 text as is, anything else as a
// "data:<type>;base64,…" URL, httpbin/helpers.py json_safe). Also the hipp CLI's -F.
#include <catch.hpp>

#include <hipp/hipp.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "tests/support/httpbin_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

using hipp::test::HttpbinFixture;

namespace {

HttpbinFixture& httpbin() {
  static HttpbinFixture instance;
  return instance;
}

// VmHWM/VmRSS of this process in KiB, from /proc/self/status.
long proc_status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// Printable ASCII from a fixed seed, written in 1 MiB pieces (the file is never held in memory).
std::string write_printable(const std::filesystem::path& path, std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::ofstream out(path, std::ios::binary);
  std::string piece;
  std::string sample;
  for (std::size_t done = 0; done < size;) {
    const std::size_t n = std::min<std::size_t>(1 << 20, size - done);
    piece.resize(n);
    for (auto& c : piece) c = static_cast<char>(' ' + rng() % 95);
    out.write(piece.data(), static_cast<std::streamsize>(n));
    if (done == 0) sample = piece.substr(0, 64);
    done += n;
  }
  return sample;
}

// body[a][b] as a string, or "<missing>" (a const json's operator[] asserts on a missing key).
std::string field(const nlohmann::json& body, const std::string& a, const std::string& b) {
  if (!body.contains(a) || !body[a].contains(b) || !body[a][b].is_string()) return "<missing>";
  return body[a][b].get<std::string>();
}

std::string slurp(const std::filesystem::path& path) { return hipp::test::read_file(path); }

std::string cli(const std::string& args) {
  const std::string command = std::string(HIPP_CLI_PATH) + " " + args + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("httpbin echoes every field and file of a multipart upload byte for byte", "[multipart][httpbin]") {
  hipp::test::TempDir dir("hipp-upload-");
  const auto text_path = dir.path() / "notes.txt";
  std::ofstream(text_path, std::ios::binary) << "line one\r\nline two\n\"quoted\"";
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);

  hipp::PoolManager http;
  for (const auto style : {hipp::body::ParamStyle::html5, hipp::body::ParamStyle::rfc2231}) {
    INFO("style " << static_cast<int>(style));
    auto r = http.request(
        "POST", httpbin().url("/post"),
        {.fields = {{"user", "alice"}, {"note", "quarterly report"}, {"caf\xC3\xA9 \"q\"", "cr\r\nlf"}},
         .files = {{"avatar", {"me.png", binary, "image/png"}},
                   {"report", {.content = text_path}},
                   {"stream", {"s.txt", std::make_shared<std::istringstream>("from a stream")}},
                   {"\xE6\x96\x87\xE4\xBB\xB6", {"\xE5\xA0\xB1\xE5\x91\x8A \"1\".txt", "non-ASCII names"}}},
         .multipart = {.param_style = style}});
    REQUIRE(r.status() == 200);
    const auto body = r.json();
    INFO(body.dump());
    CHECK(field(body, "headers", "Content-Type").rfind("multipart/form-data; boundary=", 0) == 0);
    CHECK(field(body, "form", "user") == "alice");
    CHECK(field(body, "form", "note") == "quarterly report");
    if (style == hipp::body::ParamStyle::html5) {
      // On the wire: name="café %22q%22". werkzeug (httpbin) does not undo the HTML5 escapes in names.
      CHECK(field(body, "form", "caf\xC3\xA9 %22q%22") == "cr\r\nlf");
    }
    // Binary: httpbin answers with a data URL of the base64 of the bytes and the part's type.
    CHECK(field(body, "files", "avatar").rfind("data:image/png;base64,AAECAwQFBgcICQoLDA0ODx", 0) == 0);
    CHECK(field(body, "files", "report") == slurp(text_path));
    CHECK(field(body, "files", "stream") == "from a stream");
    CHECK(field(body, "files", "\xE6\x96\x87\xE4\xBB\xB6") == "non-ASCII names");
  }
}

TEST_CASE("a 50 MiB file is uploaded with Content-Length in O(chunk) memory", "[multipart][httpbin][large]") {
  hipp::test::TempDir dir("hipp-upload-");
  const auto path = dir.path() / "big.txt";
  constexpr std::size_t kSize = 50u << 20;
  const std::string head = write_printable(path, kSize, 20261202);
  hipp::PoolManager http;

  // Reset the peak (Linux clear_refs "5"), send, and read the peak once the head is in (preload_content
  // false: the upload is complete, the 50 MiB echo not yet read). Two 1 MiB chunks and the socket's
  // buffers are what an O(chunk) upload may hold; the file read into memory would show.
  std::ofstream("/proc/self/clear_refs") << "5";
  const long before = proc_status_kib("VmRSS");
  auto r =
      http.request("POST", httpbin().url("/post"), {.files = {{"big", {.content = path}}}, .preload_content = false});
  const long peak = proc_status_kib("VmHWM");
  REQUIRE(r.status() == 200);
  INFO("VmRSS before " << before << " KiB, VmHWM during the upload " << peak << " KiB");
  CHECK(peak - before < 16 * 1024);
  // Then byte for byte: httpbin echoes the 50 MiB back as JSON text.
  r.data();
  const auto body = r.json();
  const std::string echoed = field(body, "files", "big");
  CHECK(echoed.size() == kSize);
  CHECK(echoed.substr(0, 64) == head);
  CHECK(echoed == slurp(path));
  const std::string length = field(body, "headers", "Content-Length");
  CHECK(std::stoull(length) > kSize);
  CHECK_FALSE(body["headers"].contains("Transfer-Encoding"));
}

TEST_CASE("hipp -F and --data-urlencode against httpbin", "[multipart][httpbin][cli]") {
  hipp::test::TempDir dir("hipp-cli-form-");
  const auto file = dir.path() / "data.csv";
  std::ofstream(file, std::ios::binary) << "a,b\n1,2\n";
  const auto value = dir.path() / "value.txt";
  std::ofstream(value, std::ios::binary) << "from a file";
  const std::string f = file.string();
  auto out = cli("-s -F user=alice -F 'doc=@" + f + ";type=text/x-csv;filename=renamed.csv' -F 'v=<" + value.string() +
                 "' '" + httpbin().url("/post") + "'");
  const auto json = nlohmann::json::parse(out);
  CHECK(field(json, "form", "user") == "alice");
  CHECK(field(json, "form", "v") == "from a file");
  CHECK(field(json, "files", "doc") == "a,b\n1,2\n");
  CHECK(field(json, "headers", "Content-Type").rfind("multipart/form-data; boundary=", 0) == 0);

  auto urlencoded =
      nlohmann::json::parse(cli("-s --data-urlencode 'q=a b&c' --data-urlencode '=x%y' --data-urlencode 'v@" +
                                value.string() + "' '" + httpbin().url("/post") + "'"));
  CHECK(field(urlencoded, "form", "q") == "a b&c");
  CHECK(field(urlencoded, "form", "v") == "from a file");
  CHECK(urlencoded["data"] == "");
}
