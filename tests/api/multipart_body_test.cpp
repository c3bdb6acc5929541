// Multipart bodies from RequestOptions and pre-built encoders, produced by BodySource as the exchange
// would pull them, and checked with the tests' own parser.
#include <catch2/catch.hpp>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "tests/support/multipart_parser.hpp"
#include "tests/support/temp_dir.hpp"
#include "transports/api/body_source.hpp"
#include "transports/api/errors.hpp"
#include "transports/api/prepared_request.hpp"

using namespace hipp;

namespace {

std::string pull_all(Body& body, std::size_t piece, BodySource* reuse = nullptr) {
  BodySource local(body);
  BodySource& source = reuse ? *reuse : local;
  std::string out;
  for (;;) {
    auto next = source.next(piece);
    REQUIRE(next);
    if (!*next) return out;
    REQUIRE((*next)->size() <= piece);
    out += as_chars(**next);
  }
}

std::string header(const PreparedRequest& r, std::string_view name) {
  auto v = r.headers.get(name);
  return v ? std::string(*v) : std::string();
}

}  // namespace

TEST_CASE("multipart: only when files are present, or encode_multipart", "[api][multipart]") {
  auto form = prepare_request("POST", "http://h/", {.fields = {{"a", "1"}}}, {});
  REQUIRE(form);
  CHECK(header(*form, "Content-Type") == "application/x-www-form-urlencoded");

  auto forced = prepare_request("POST", "http://h/", {.fields = {{"a", "1"}}, .encode_multipart = true}, {});
  REQUIRE(forced);
  const std::string type = header(*forced, "Content-Type");
  auto boundary = test::multipart_boundary(type);
  REQUIRE(boundary);
  REQUIRE(std::holds_alternative<std::string>(forced->body));  // all in memory: plain bytes
  const auto& bytes = std::get<std::string>(forced->body);
  CHECK(header(*forced, "Content-Length") == std::to_string(bytes.size()));
  auto parsed = test::parse_multipart(bytes, *boundary);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  CHECK((*parsed)[0].name == "a");
  CHECK((*parsed)[0].content == "1");

  // Hip's tuples: (filename, data) and (filename, data, type).
  auto tuples = prepare_request("POST", "http://h/",
                                {.fields = {{"foo", "bar"}},
                                 .files = {{"fakefile", {"foofile.txt", "contents of foofile"}},
                                           {"typedfile", {"bazfile.bin", "raw", "image/jpeg"}},
                                           {"nonamefile", {.content = "no name"}}}},
                                {});
  REQUIRE(tuples);
  parsed = test::parse_multipart(std::get<std::string>(tuples->body),
                                 *test::multipart_boundary(header(*tuples, "Content-Type")));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 4);
  CHECK((*parsed)[0].name == "foo");
  CHECK_FALSE((*parsed)[0].content_type);
  CHECK((*parsed)[1].filename == "foofile.txt");
  CHECK((*parsed)[1].content_type == "text/plain");
  CHECK((*parsed)[1].content == "contents of foofile");
  CHECK((*parsed)[2].content_type == "image/jpeg");
  CHECK_FALSE((*parsed)[3].filename);
  CHECK((*parsed)[3].content_type == "application/octet-stream");

  auto get = prepare_request("GET", "http://h/", {.files = {{"f", {"a.txt", "x"}}}}, {});
  REQUIRE_FALSE(get);
  CHECK(get.error().code == ErrorCode::invalid_state);
  auto with_json = prepare_request("POST", "http://h/", {.files = {{"f", {"a.txt", "x"}}}, .json = 1}, {});
  REQUIRE_FALSE(with_json);
  auto bad = prepare_request("POST", "http://h/", {.files = {{"bad\nname", {"a.txt", "x"}}}}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::invalid_form_field);
  auto missing = prepare_request("POST", "http://h/",
                                 {.files = {{"f", {.content = std::filesystem::path("/nonexistent/x")}}}}, {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::body_source_failed);
}

TEST_CASE("multipart: files stream from disk and a rewind reproduces the same bytes", "[api][multipart]") {
  test::TempDir dir("hipp-multipart-");
  const auto path = dir.path() / "data.csv";
  std::string content;
  for (int i = 0; i < 5000; ++i) content += std::to_string(i) + ",";
  std::ofstream(path, std::ios::binary) << content;

  auto stream = std::make_shared<std::istringstream>("stream bytes");
  auto prepared =
      prepare_request("POST", "http://h/",
                      {.fields = {{"user", "alice"}},
                       .files = {{"report", {.content = path}}, {"s", {"s.bin", stream}}, {"r", {"r.txt", "inline"}}},
                       .multipart = {.chunk_size = 1000}},
                      {});
  REQUIRE(prepared);
  REQUIRE(std::holds_alternative<MultipartEncoder>(prepared->body));
  CHECK(prepared->body_rewindable());
  BodySource source(prepared->body);
  const std::string first = pull_all(prepared->body, 700, &source);
  CHECK(header(*prepared, "Content-Length") == std::to_string(first.size()));
  CHECK_FALSE(prepared->headers.contains("Transfer-Encoding"));
  auto parsed = test::parse_multipart(first, *test::multipart_boundary(header(*prepared, "Content-Type")));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 4);
  CHECK((*parsed)[1].filename == "data.csv");
  CHECK((*parsed)[1].content_type == "text/csv");
  CHECK((*parsed)[1].content == content);
  CHECK((*parsed)[2].content == "stream bytes");
  CHECK((*parsed)[3].content == "inline");

  // Half-way, then again from the start (a retry, a 307).
  REQUIRE(source.rewind());
  for (int i = 0; i < 3; ++i) REQUIRE(source.next(700));
  REQUIRE(source.rewind());
  CHECK(pull_all(prepared->body, 700, &source) == first);
}

TEST_CASE("multipart: a generator part makes the body chunked and unrewindable", "[api][multipart]") {
  int calls = 0;
  GeneratorBody gen{[&calls]() -> std::optional<std::string> {
    if (calls++ == 3) return std::nullopt;
    return std::string(5000, static_cast<char>('a' + calls));
  }};
  auto prepared = prepare_request("POST", "http://h/", {.files = {{"g", {"g.txt", gen}}}}, {});
  REQUIRE(prepared);
  CHECK(header(*prepared, "Transfer-Encoding") == "chunked");
  CHECK_FALSE(prepared->headers.contains("Content-Length"));
  CHECK_FALSE(prepared->body_rewindable());
  BodySource source(prepared->body);
  const std::string body = pull_all(prepared->body, 1024, &source);
  auto parsed = test::parse_multipart(body, *test::multipart_boundary(header(*prepared, "Content-Type")));
  REQUIRE(parsed);
  CHECK((*parsed)[0].content == std::string(5000, 'b') + std::string(5000, 'c') + std::string(5000, 'd'));
  auto again = source.rewind();
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::unrewindable_body);
}

TEST_CASE("multipart: a pre-built encoder as the body, with an explicit size", "[api][multipart]") {
  std::array<std::byte, 16> random{};
  random.fill(std::byte{0x11});
  auto encoder = MultipartEncoder::create(
      {{"user", "alice"}, {"file", MultipartFile{"f.bin", std::make_shared<std::istringstream>("0123456789"), {}, 4}}},
      {}, random);
  REQUIRE(encoder);
  CHECK(encoder->boundary() == "11111111111111111111111111111111");
  auto prepared = prepare_request("PUT", "http://h/", {.body = std::move(*encoder)}, {});
  REQUIRE(prepared);
  const std::string body = pull_all(prepared->body, 3);
  CHECK(header(*prepared, "Content-Length") == std::to_string(body.size()));
  auto parsed = test::parse_multipart(body, "11111111111111111111111111111111");
  REQUIRE(parsed);
  CHECK((*parsed)[1].content == "0123");

  auto combined = MultipartEncoder::create({}, {}, random);
  REQUIRE(combined);
  auto refused = prepare_request("POST", "http://h/", {.fields = {{"a", "b"}}, .body = std::move(*combined)}, {});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_state);

  // A stream that ends before its declared size fails the body.
  auto short_stream = MultipartEncoder::create(
      {{"f", MultipartFile{"f", std::make_shared<std::istringstream>("ab"), {}, 10}}}, {}, random);
  REQUIRE(short_stream);
  Body b = std::move(*short_stream);
  BodySource source(b);
  Result<std::optional<Bytes>> step = std::optional<Bytes>{};
  for (int i = 0; i < 10; ++i) {
    step = source.next(64);
    if (!step) break;
  }
  REQUIRE_FALSE(step);
  CHECK(step.error().code == ErrorCode::body_source_failed);

  CHECK_THROWS_AS(MultipartEncoder(std::vector<FormPart>{{"bad\rname", "x"}}), RequestError);
}

namespace {

// A stream that records the size of every read asked of it.
class RecordingBuf : public std::stringbuf {
 public:
  explicit RecordingBuf(std::string content) : std::stringbuf(std::move(content)) {}
  std::vector<std::streamsize> asked;

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    asked.push_back(n);
    return std::stringbuf::xsgetn(s, n);
  }
};

}  // namespace

TEST_CASE("multipart: sources are read in the transport's pieces, not in chunk_size ones", "[api][multipart]") {
  // The exchange pulls 64 KiB at a time. A file part is read 64 KiB at a time too, straight into the one
  // buffer handed on, so an upload holds one piece (not a chunk_size buffer of 1 MiB) and every byte is
  // copied once on its way to the connection, as for a FileBody.
  const std::string content(300 * 1024, 'z');
  auto buf = std::make_shared<RecordingBuf>(content);
  auto stream = std::shared_ptr<std::istream>(new std::istream(buf.get()), [buf](std::istream* s) { delete s; });
  auto prepared = prepare_request("POST", "http://h/", {.files = {{"f", {"f.bin", stream}}}}, {});
  REQUIRE(prepared);
  REQUIRE(std::get<MultipartEncoder>(prepared->body).layout().chunk_size() == 1024 * 1024);
  const std::string body = pull_all(prepared->body, 64 * 1024);
  CHECK(body.find(content) != std::string::npos);
  REQUIRE_FALSE(buf->asked.empty());
  for (auto n : buf->asked) CHECK(n <= 64 * 1024);
}
