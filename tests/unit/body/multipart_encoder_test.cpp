#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <random>

#include "core/body/content_type_guess.hpp"
#include "core/body/header_param.hpp"
#include "core/body/multipart_cursor.hpp"
#include "core/body/multipart_encoder.hpp"
#include "tests/support/multipart_parser.hpp"

using namespace hipp;
using namespace hipp::body;

namespace {

// 16 bytes 0x00..0x0f: boundary "000102030405060708090a0b0c0d0e0f".
std::array<std::byte, 16> counting_random() {
  std::array<std::byte, 16> r{};
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::byte>(i);
  return r;
}
constexpr std::string_view kBoundary = "000102030405060708090a0b0c0d0e0f";

MultipartEncoder make(std::vector<MultipartPart> parts, const MultipartOptions& options = {}) {
  const auto random = counting_random();
  auto e = MultipartEncoder::create(std::move(parts), random, options);
  REQUIRE(e);
  return std::move(*e);
}

// The whole body, the cursor fed from `sources` (handle → bytes) in reads of at most `piece` bytes.
std::string drain(const MultipartEncoder& e, const std::map<std::uint64_t, std::string>& sources, std::size_t piece = 7,
                  MultipartCursor* reuse = nullptr) {
  MultipartCursor local(e);
  MultipartCursor& cursor = reuse ? *reuse : local;
  std::map<std::uint64_t, std::size_t> offsets;
  std::string out;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    auto step = cursor.next(piece);
    REQUIRE(step);
    if (auto* emit = std::get_if<EmitBytes>(&*step)) {
      REQUIRE(emit->bytes.size() <= piece);
      REQUIRE(!emit->bytes.empty());
      out += as_chars(emit->bytes);
    } else if (auto* read = std::get_if<ReadSource>(&*step)) {
      REQUIRE(read->max_bytes > 0);
      REQUIRE(read->max_bytes <= std::min(piece, e.chunk_size()));
      const std::string& src = sources.at(read->handle);
      std::size_t& at = offsets[read->handle];
      const std::size_t n = std::min(read->max_bytes, src.size() - at);
      if (n == 0) {
        REQUIRE(cursor.on_source_end());
      } else {
        out += src.substr(at, n);
        at += n;
        REQUIRE(cursor.on_read(n));
      }
    } else {
      REQUIRE(cursor.produced() == out.size());
      return out;
    }
  }
  FAIL("the cursor never ended");
  return out;
}

}  // namespace

TEST_CASE("multipart: exact bytes of small encodings", "[body][multipart]") {
  struct Row {
    const char* what;
    std::vector<MultipartPart> parts;
    std::string expected;  // with B for the boundary
  };
  std::vector<Row> rows;
  rows.push_back({"no parts", {}, "--B--\r\n"});
  rows.push_back({"one text field",
                  {{.name = "user", .content = std::string("alice")}},
                  "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nalice\r\n--B--\r\n"});
  rows.push_back({"text fields keep their order and repeats",
                  {{.name = "a", .content = std::string("1")},
                   {.name = "b", .content = std::string("")},
                   {.name = "a", .content = std::string("2")}},
                  "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                  "--B\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n\r\n"
                  "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--B--\r\n"});
  rows.push_back({"file part with a guessed type",
                  {{.name = "f", .filename = "report.PDF", .content = std::string("%PDF")}},
                  "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"report.PDF\"\r\n"
                  "Content-Type: application/pdf\r\n\r\n%PDF\r\n--B--\r\n"});
  rows.push_back({"file part with an explicit type and an extra header",
                  {{.name = "f",
                    .filename = "a.txt",
                    .content_type = "text/x-custom",
                    .headers = {{"Content-Language", "en"}},
                    .content = std::string("hi")}},
                  "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
                  "Content-Type: text/x-custom\r\nContent-Language: en\r\n\r\nhi\r\n--B--\r\n"});
  rows.push_back({"unknown extension and an empty filename",
                  {{.name = "f", .filename = "", .content = std::string("x")}},
                  "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\nx\r\n--B--\r\n"});
  for (auto& row : rows) {
    INFO(row.what);
    const auto e = make(std::move(row.parts));
    std::string expected = row.expected;
    for (std::size_t at = expected.find('B'); at != std::string::npos; at = expected.find('B', at)) {
      // only the boundary placeholders: "--B" at the start of a delimiter line
      if (at >= 2 && expected.compare(at - 2, 2, "--") == 0) {
        expected.replace(at, 1, kBoundary);
        at += kBoundary.size();
      } else {
        ++at;
      }
    }
    CHECK(drain(e, {}) == expected);
    REQUIRE(e.content_length());
    CHECK(*e.content_length() == expected.size());
    CHECK_FALSE(e.has_sources());
    REQUIRE(e.segments().size() == 1);  // all in memory: one owned segment
  }
}

TEST_CASE("multipart: the boundary is the hex of the injected random bytes", "[body][multipart]") {
  const auto e = make({});
  CHECK(e.boundary() == kBoundary);
  CHECK(e.content_type() == "multipart/form-data; boundary=000102030405060708090a0b0c0d0e0f");

  std::array<std::byte, 40> many{};
  many.fill(std::byte{0xAB});
  auto wide = MultipartEncoder::create({}, many);
  REQUIRE(wide);
  std::string expected_wide;
  for (int i = 0; i < 32; ++i) expected_wide += "ab";
  CHECK(wide->boundary() == expected_wide);  // at most 32 bytes are used (64 digits; RFC 2046 allows 70)

  std::array<std::byte, 15> few{};
  auto refused = MultipartEncoder::create({}, few);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_state);

  // Different randomness, different boundary; text parts never hold it (checked by the parser below,
  // which would split a part holding "\r\n--<boundary>").
  std::mt19937_64 rng(20261202);
  std::array<std::byte, 16> r{};
  for (auto& b : r) b = static_cast<std::byte>(rng());
  auto other = MultipartEncoder::create({{.name = "t", .content = std::string("--" + std::string(kBoundary))}}, r);
  REQUIRE(other);
  CHECK(other->boundary() != kBoundary);
  const std::string body = drain(*other, {});
  auto parsed = test::parse_multipart(body, other->boundary());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  CHECK((*parsed)[0].content == "--" + std::string(kBoundary));
  CHECK(body.find("\r\n--" + other->boundary(), 0) == body.find("\r\n--" + other->boundary() + "--"));
}

TEST_CASE("multipart: name and filename forms (HTML5 by default, RFC 2231 on request)", "[body][multipart]") {
  struct Row {
    std::string value;
    std::string html5;
    std::string rfc2231;
  };
  const std::vector<Row> rows = {
      {"plain.txt", "filename=\"plain.txt\"", "filename=\"plain.txt\""},
      {"say \"hi\".txt", "filename=\"say %22hi%22.txt\"", "filename*=utf-8''say%20%22hi%22.txt"},
      {"two\r\nlines", "filename=\"two%0D%0Alines\"", "filename*=utf-8''two%0D%0Alines"},
      {"r\xC3\xA9sum\xC3\xA9.pdf", "filename=\"r\xC3\xA9sum\xC3\xA9.pdf\"", "filename*=utf-8''r%C3%A9sum%C3%A9.pdf"},
      {"back\\slash", "filename=\"back\\slash\"", "filename*=utf-8''back%5Cslash"},
      {"%22 stays", "filename=\"%22 stays\"", "filename=\"%22 stays\""},
      {"tab\there", "filename=\"tab\there\"", "filename*=utf-8''tab%09here"},
  };
  for (const auto& row : rows) {
    INFO(row.value);
    CHECK(format_header_param("filename", row.value, ParamStyle::html5) == row.html5);
    CHECK(format_header_param("filename", row.value, ParamStyle::rfc2231) == row.rfc2231);
  }
  // Through the encoder, both parameters use the chosen style.
  const auto e = make({{.name = "na\xC3\xAFve", .filename = "\xE2\x82\xAC.txt", .content = std::string("x")}},
                      {.param_style = ParamStyle::rfc2231});
  const std::string body = drain(e, {});
  CHECK(body.find("Content-Disposition: form-data; name*=utf-8''na%C3%AFve; filename*=utf-8''%E2%82%AC.txt\r\n") !=
        std::string::npos);
  const auto parsed = test::parse_multipart(body, e.boundary());
  REQUIRE(parsed);
  CHECK((*parsed)[0].name == "na\xC3\xAFve");
  CHECK((*parsed)[0].filename == "\xE2\x82\xAC.txt");
}

TEST_CASE("multipart: bad input is a typed error naming the part", "[body][multipart]") {
  const auto random = counting_random();
  struct Row {
    const char* what;
    MultipartPart part;
  };
  const std::vector<Row> rows = {
      {"CR in a name", {.name = "a\rb"}},
      {"LF in a name", {.name = "a\nb"}},
      {"NUL in a name", {.name = std::string("a\0b", 3)}},
      {"NUL in a filename", {.name = "f", .filename = std::string("a\0b", 3)}},
      {"LF in a content type", {.name = "f", .content_type = "text/plain\r\nX-Evil: 1"}},
      {"empty content type", {.name = "f", .content_type = ""}},
      {"bad part header name", {.name = "f", .headers = {{"Bad Name", "v"}}}},
      {"CR in a part header value", {.name = "f", .headers = {{"X-A", "v\rw"}}}},
      {"Content-Disposition as an extra header", {.name = "f", .headers = {{"content-disposition", "x"}}}},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    auto e = MultipartEncoder::create({{.name = "ok"}, row.part}, random);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::invalid_form_field);
    CHECK(e.error().detail.find("part 1") != std::string::npos);
  }
  auto zero_chunk = MultipartEncoder::create({}, random, {.chunk_size = 0});
  REQUIRE_FALSE(zero_chunk);
  CHECK(zero_chunk.error().code == ErrorCode::invalid_state);
}

TEST_CASE("multipart: sources are read in chunk_size pieces and Content-Length counts every byte",
          "[body][multipart]") {
  const std::string big(10'000, 'z');
  const auto e = make({{.name = "user", .content = std::string("alice")},
                       {.name = "f", .filename = "big.bin", .content = PartSource{7, big.size()}},
                       {.name = "g", .filename = "g.txt", .content = PartSource{9, 3}}},
                      {.chunk_size = 1000});
  REQUIRE(e.has_sources());
  REQUIRE(e.segments().size() == 5);  // text, source, text, source, text
  CHECK(std::holds_alternative<SourceSegment>(e.segments()[1]));
  CHECK(std::get<SourceSegment>(e.segments()[1]).part == 1);
  const std::string body = drain(e, {{7, big}, {9, "abc"}}, 4096);
  REQUIRE(e.content_length());
  CHECK(*e.content_length() == body.size());
  const auto parsed = test::parse_multipart(body, e.boundary());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 3);
  CHECK((*parsed)[1].content == big);
  CHECK((*parsed)[1].content_type == "application/octet-stream");
  CHECK((*parsed)[2].content == "abc");
  CHECK((*parsed)[2].content_type == "text/plain");

  // Every ReadSource asks at most chunk_size bytes, whatever the transport offers.
  MultipartCursor cursor(e);
  std::size_t largest = 0;
  for (;;) {
    auto step = cursor.next(1 << 20);
    REQUIRE(step);
    if (auto* read = std::get_if<ReadSource>(&*step)) {
      largest = std::max(largest, read->max_bytes);
      REQUIRE(cursor.on_read(read->max_bytes));
    } else if (std::holds_alternative<EndOfBody>(*step)) {
      break;
    }
  }
  CHECK(largest == 1000);
}

TEST_CASE("multipart: a source of unknown size makes the body chunked", "[body][multipart]") {
  const auto e = make({{.name = "a", .content = PartSource{1, 5}}, {.name = "s", .content = PartSource{2, {}}}});
  CHECK_FALSE(e.content_length());
  const std::string body = drain(e, {{1, "12345"}, {2, std::string(100, 'q')}}, 16);
  const auto parsed = test::parse_multipart(body, e.boundary());
  REQUIRE(parsed);
  CHECK((*parsed)[1].content == std::string(100, 'q'));
}

TEST_CASE("multipart: a source shorter than its size fails; a longer one is cut at its size", "[body][multipart]") {
  const auto e = make({{.name = "f", .filename = "f", .content = PartSource{1, 10}}});
  {
    MultipartCursor cursor(e);
    for (;;) {
      auto step = cursor.next(64);
      REQUIRE(step);
      if (auto* read = std::get_if<ReadSource>(&*step)) {
        REQUIRE(read->max_bytes == 10);
        REQUIRE(cursor.on_read(4));
        auto again = cursor.next(64);
        REQUIRE(again);
        REQUIRE(std::holds_alternative<ReadSource>(*again));
        CHECK(std::get<ReadSource>(*again).max_bytes == 6);
        auto ended = cursor.on_source_end();
        REQUIRE_FALSE(ended);
        CHECK(ended.error().code == ErrorCode::body_source_failed);
        CHECK(ended.error().detail.find("after 4 of 10 bytes") != std::string::npos);
        auto stuck = cursor.next(64);
        REQUIRE_FALSE(stuck);  // the cursor stays failed
        break;
      }
    }
    cursor.rewind();
    auto fresh = cursor.next(64);
    REQUIRE(fresh);
    CHECK(std::holds_alternative<EmitBytes>(*fresh));
  }
  const std::string body = drain(e, {{1, std::string(25, 'L')}}, 64);
  CHECK(body.size() == *e.content_length());
  const auto parsed = test::parse_multipart(body, e.boundary());
  REQUIRE(parsed);
  CHECK((*parsed)[0].content == std::string(10, 'L'));

  // Misuse: more bytes than asked, zero bytes, or an answer nobody asked for.
  MultipartCursor misuse(e);
  CHECK(misuse.on_read(1).error().code == ErrorCode::invalid_state);
  for (;;) {
    auto step = misuse.next(64);
    REQUIRE(step);
    if (std::holds_alternative<ReadSource>(*step)) break;
  }
  CHECK(misuse.on_read(11).error().code == ErrorCode::invalid_state);
}

TEST_CASE("multipart: rewind reproduces identical bytes", "[body][multipart]") {
  const auto e = make({{.name = "t", .content = std::string("text")},
                       {.name = "f", .filename = "f.json", .content = PartSource{3, 300}}});
  const std::map<std::uint64_t, std::string> sources{{3, std::string(300, 'j')}};
  MultipartCursor cursor(e);
  const std::string first = drain(e, sources, 13, &cursor);
  // Half-way through a second pass, then start again, as a retry after a reset would.
  for (int i = 0; i < 5; ++i) {
    auto step = cursor.next(13);
    REQUIRE(step);
  }
  cursor.rewind();
  CHECK(cursor.produced() == 0);
  CHECK(drain(e, sources, 13, &cursor) == first);
  CHECK(first.size() == *e.content_length());
}

TEST_CASE("multipart: random parts round-trip through an independent parser", "[body][multipart]") {
  std::mt19937_64 rng(0x6d756c7469ULL);  // fixed seed
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::string alphabet = "abcXYZ019 -_.\"%\r\n\\;=\x01\x7f\xc3\xa9\xff";
  auto random_text = [&](std::size_t max, bool names) {
    std::string s;
    const std::size_t n = pick(max + 1);
    for (std::size_t i = 0; i < n; ++i) {
      char c = alphabet[pick(alphabet.size())];
      if (names && (c == '\r' || c == '\n')) c = 'n';
      s += c;
    }
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<MultipartPart> parts;
    std::map<std::uint64_t, std::string> sources;
    const std::size_t count = pick(6);
    for (std::size_t i = 0; i < count; ++i) {
      MultipartPart p;
      p.name = random_text(12, true);
      if (pick(2)) p.filename = random_text(12, false);
      if (pick(3) == 0) p.content_type = "text/plain; charset=utf-8";
      std::string content = random_text(200, false);
      if (pick(2)) {
        const std::uint64_t handle = 100 + i;
        const bool sized = pick(4) != 0;
        p.content = PartSource{handle, sized ? std::optional<std::uint64_t>(content.size()) : std::nullopt};
        sources[handle] = content;
      } else {
        p.content = content;
      }
      parts.push_back(std::move(p));
    }
    const auto expected = parts;
    std::array<std::byte, 16> r{};
    for (auto& b : r) b = static_cast<std::byte>(rng());
    const ParamStyle style = pick(2) ? ParamStyle::html5 : ParamStyle::rfc2231;
    auto e = MultipartEncoder::create(std::move(parts), r, {.param_style = style, .chunk_size = 1 + pick(64)});
    REQUIRE(e);
    const std::string body = drain(*e, sources, 1 + pick(100));
    if (e->content_length()) CHECK(*e->content_length() == body.size());
    const auto parsed = test::parse_multipart(body, e->boundary(), style == ParamStyle::html5);
    REQUIRE(parsed);
    REQUIRE(parsed->size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO("round " << round << " part " << i);
      const auto& want = expected[i];
      const auto& got = (*parsed)[i];
      CHECK(got.name == want.name);
      CHECK(got.filename == want.filename);
      const std::string content = std::holds_alternative<std::string>(want.content)
                                      ? std::get<std::string>(want.content)
                                      : sources.at(std::get<PartSource>(want.content).handle);
      CHECK(got.content == content);
      if (want.content_type) {
        CHECK(got.content_type == want.content_type);
      } else if (want.filename) {
        CHECK(got.content_type == std::string(guess_content_type(*want.filename)));
      } else {
        CHECK_FALSE(got.content_type);
      }
    }
  }
}

TEST_CASE("guess_content_type: the built-in table", "[body][multipart]") {
  const std::vector<std::pair<std::string_view, std::string_view>> rows = {
      {"a.txt", "text/plain"},
      {"A.HTML", "text/html"},
      {"x.json", "application/json"},
      {"p.png", "image/png"},
      {"p.jpg", "image/jpeg"},
      {"p.JPEG", "image/jpeg"},
      {"g.gif", "image/gif"},
      {"d.pdf", "application/pdf"},
      {"z.zip", "application/zip"},
      {"t.tar.gz", "application/gzip"},
      {"c.csv", "text/csv"},
      {"x.xml", "application/xml"},
      {"s.js", "text/javascript"},
      {"s.css", "text/css"},
      {"i.svg", "image/svg+xml"},
      {"v.mp4", "video/mp4"},
      {"w.wav", "audio/wav"},
      {"b.bin", "application/octet-stream"},
      {"noext", "application/octet-stream"},
      {".bashrc", "application/octet-stream"},
      {"dir.txt/README", "application/octet-stream"},
      {"a.unknown", "application/octet-stream"},
      {"C:\\docs\\r.pdf", "application/pdf"},
  };
  for (const auto& [name, type] : rows) {
    INFO(name);
    CHECK(guess_content_type(name) == type);
  }
  CHECK(guess_content_type("x.weird", "text/plain") == "text/plain");
}
