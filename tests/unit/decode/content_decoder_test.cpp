#include <catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/decode/content_decoder.hpp"
#include "tests/unit/decode/encoders.hpp"

using namespace hipp;
using namespace hipp::decode;
namespace enc = hipp::decode::test;

namespace {

// Decodes `encoded` fed in pieces of `step` bytes (0: all at once) and finishes.
Result<std::string> decode_all(const std::vector<Coding>& codings, std::string_view encoded, std::size_t step = 0,
                               const Limits& limits = {}) {
  auto d = ContentDecoder::create(codings, limits);
  if (!d) return Unexpected{std::move(d).error()};
  std::string out;
  if (step == 0) step = std::max<std::size_t>(encoded.size(), 1);
  for (std::size_t at = 0; at < encoded.size(); at += step) {
    if (auto ok = d->feed(as_bytes(encoded.substr(at, step)), out); !ok) return Unexpected{std::move(ok).error()};
  }
  if (auto ok = d->finish(); !ok) return Unexpected{std::move(ok).error()};
  return out;
}

std::string encode(Coding coding, std::string_view data) {
  switch (coding) {
    case Coding::gzip:
      return enc::gzip(data);
    case Coding::deflate:
      return enc::zlib_deflate(data);
    case Coding::br:
      return enc::brotli(data);
    case Coding::zstd:
      return enc::zstd(data);
    case Coding::identity:
      break;
  }
  return std::string(data);
}

// Counts pieces instead of keeping them: a bomb test must not hold what it decodes.
struct CountingSink final : Sink {
  std::uint64_t total = 0;
  std::size_t largest = 0;
  Result<void> write(Bytes piece) override {
    total += piece.size();
    largest = std::max(largest, piece.size());
    return {};
  }
};

}  // namespace

TEST_CASE("ContentDecoder: every coding round-trips, whole and split at any step") {
  const std::vector<std::string> inputs = {"", "a", "hello, compressed world\n", enc::sample_text(300 * 1024),
                                           enc::sample_noise(150 * 1024)};
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd, Coding::identity}) {
    for (const std::string& input : inputs) {
      const std::string encoded = encode(coding, input);
      for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        if (step == 1 && encoded.size() > 20000) continue;  // byte-at-a-time runs on the small inputs below
        INFO(to_string(coding) << " input " << input.size() << " bytes, step " << step);
        auto decoded = decode_all({coding}, encoded, step);
        REQUIRE(decoded);
        CHECK(*decoded == input);
      }
    }
  }
}

TEST_CASE("ContentDecoder: one byte at a time through a multi-piece body") {
  // 200 KiB of text decodes into several 64 KiB pieces even when each feed brings one byte.
  const std::string input = enc::sample_text(200 * 1024, 3);
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd}) {
    INFO(to_string(coding));
    auto decoded = decode_all({coding}, encode(coding, input), 1);
    REQUIRE(decoded);
    CHECK(*decoded == input);
  }
}

TEST_CASE("ContentDecoder: deflate is accepted zlib-wrapped and raw") {
  const std::string input = enc::sample_text(70000, 5);
  for (const std::string& encoded : {enc::zlib_deflate(input), enc::raw_deflate(input)}) {
    for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      auto decoded = decode_all({Coding::deflate}, encoded, step);
      REQUIRE(decoded);
      CHECK(*decoded == input);
    }
  }
  // Raw deflate of nothing is 2 bytes; zlib of nothing is 8.
  CHECK(decode_all({Coding::deflate}, enc::raw_deflate("")).value_or("x").empty());
  CHECK(decode_all({Coding::deflate}, enc::zlib_deflate("")).value_or("x").empty());
}

TEST_CASE("ContentDecoder: chained codings are undone last to first (RFC 9110 §8.4)") {
  const std::string input = enc::sample_text(100 * 1024, 9);
  // Content-Encoding: gzip, br  — gzip applied first.
  const std::string gzip_then_br = enc::brotli(enc::gzip(input));
  auto decoded = decode_all({Coding::gzip, Coding::br}, gzip_then_br, 1000);
  REQUIRE(decoded);
  CHECK(*decoded == input);
  // The reverse order does not decode it.
  auto wrong = decode_all({Coding::br, Coding::gzip}, gzip_then_br);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == ErrorCode::decode_failed);

  const std::string three = enc::gzip(enc::zstd(enc::zlib_deflate(input)));
  decoded = decode_all({Coding::deflate, Coding::identity, Coding::zstd, Coding::gzip}, three, 333);
  REQUIRE(decoded);
  CHECK(*decoded == input);
}

TEST_CASE("ContentDecoder::for_headers combines every Content-Encoding field") {
  const std::string input = "field one, field two";
  const std::string encoded = enc::zstd(enc::gzip(enc::brotli(input)));
  Headers headers{{"Content-Type", "text/plain"},
                  {"Content-Encoding", "br"},
                  {"content-encoding", " X-GZIP ,, "},
                  {"CONTENT-ENCODING", "Zstd"}};
  auto d = ContentDecoder::for_headers(headers);
  REQUIRE(d);
  CHECK(d->codings() == std::vector<Coding>{Coding::br, Coding::gzip, Coding::zstd});
  std::string out;
  REQUIRE(d->feed(as_bytes(encoded), out));
  REQUIRE(d->finish());
  CHECK(out == input);
  CHECK(d->encoded_bytes() == encoded.size());
  CHECK(d->decoded_bytes() == input.size());
}

TEST_CASE("parse_content_encoding: names, lists and refusals") {
  struct Row {
    std::vector<std::string> fields;
    std::optional<std::vector<Coding>> codings;  // nullopt: refused with `code`
    ErrorCode code = ErrorCode::decode_failed;
  };
  const std::vector<Row> rows = {
      {{}, std::vector<Coding>{}},
      {{"gzip"}, std::vector<Coding>{Coding::gzip}},
      {{"GZip, DEFLATE"}, std::vector<Coding>{Coding::gzip, Coding::deflate}},
      {{"identity"}, std::vector<Coding>{Coding::identity}},
      {{",\t br ,"}, std::vector<Coding>{Coding::br}},
      {{"gzip", "zstd"}, std::vector<Coding>{Coding::gzip, Coding::zstd}},
      {{"gzip, gzip, gzip, gzip, gzip"}, std::vector<Coding>(5, Coding::gzip)},
      {{"compress"}, std::nullopt, ErrorCode::unsupported_encoding},
      {{"gzip, x-bzip2"}, std::nullopt, ErrorCode::unsupported_encoding},
      {{"gzip;q=1"}, std::nullopt, ErrorCode::unsupported_encoding},
      {{"gzip, gzip, gzip", "gzip, br, br"}, std::nullopt, ErrorCode::too_many_encodings},
      {{"identity, identity, identity, identity, identity, identity"}, std::nullopt, ErrorCode::too_many_encodings},
      // Counted before names are looked at: six unknown names are "too many", not "unsupported".
      {{"a, b, c, d, e, f"}, std::nullopt, ErrorCode::too_many_encodings},
  };
  for (const Row& row : rows) {
    Headers headers;
    for (const auto& f : row.fields) headers.add("Content-Encoding", f);
    INFO((row.fields.empty() ? std::string("(none)") : row.fields[0]));
    auto parsed = parse_content_encoding(headers, 5);
    if (row.codings) {
      REQUIRE(parsed);
      CHECK(*parsed == *row.codings);
    } else {
      REQUIRE_FALSE(parsed);
      CHECK(parsed.error().code == row.code);
      CHECK(parsed.error().category == ErrorCategory::decode);
    }
  }
  // A field of ten thousand commas costs nothing and lists nothing.
  Headers commas;
  commas.add("Content-Encoding", std::string(10000, ','));
  CHECK(parse_content_encoding(commas, 5).value_or(std::vector<Coding>{Coding::br}).empty());
  CHECK(accept_encoding() == "gzip, deflate, br, zstd");
}

TEST_CASE("ContentDecoder: more codings than Limits::max_codings are refused, exactly the limit works") {
  const std::string input = "five layers";
  std::string five = input;
  for (int i = 0; i < 5; ++i) five = enc::gzip(five);
  auto decoded = decode_all(std::vector<Coding>(5, Coding::gzip), five);
  REQUIRE(decoded);
  CHECK(*decoded == input);
  auto six = ContentDecoder::create(std::vector<Coding>(6, Coding::gzip));
  REQUIRE_FALSE(six);
  CHECK(six.error().code == ErrorCode::too_many_encodings);
  Limits two;
  two.max_codings = 2;
  CHECK_FALSE(ContentDecoder::create(std::vector<Coding>(3, Coding::identity), two));
}

TEST_CASE("ContentDecoder: a truncated stream is an error at finish()") {
  const std::string input = enc::sample_text(50000, 11);
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd}) {
    const std::string encoded = encode(coding, input);
    for (std::size_t keep : {std::size_t{1}, std::size_t{5}, encoded.size() / 2, encoded.size() - 1}) {
      INFO(to_string(coding) << " cut to " << keep << " of " << encoded.size());
      auto d = ContentDecoder::create(std::vector<Coding>{coding});
      REQUIRE(d);
      std::string out;
      REQUIRE(d->feed(as_bytes(std::string_view(encoded).substr(0, keep)), out));
      auto done = d->finish();
      REQUIRE_FALSE(done);
      CHECK(done.error().code == ErrorCode::decode_failed);
      CHECK(done.error().detail.find("truncated") != std::string::npos);
      CHECK(input.compare(0, out.size(), out) == 0);  // what came out before the cut was right
    }
  }
}

TEST_CASE("ContentDecoder: garbage and corruption are decode_failed, and the error sticks") {
  const std::string input = enc::sample_text(40000, 13);
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd}) {
    INFO(to_string(coding));
    auto garbage = decode_all({coding}, "this is not compressed data at all, just text");
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code == ErrorCode::decode_failed);
    CHECK(garbage.error().detail.rfind(std::string(to_string(coding)) + ":", 0) == 0);

    std::string corrupt = encode(coding, input);
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    corrupt[corrupt.size() - 3] = static_cast<char>(corrupt[corrupt.size() - 3] ^ 0x55);  // checksums
    auto bad = decode_all({coding}, corrupt);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().category == ErrorCategory::decode);
  }
  auto d = ContentDecoder::create(std::vector<Coding>{Coding::gzip});
  REQUIRE(d);
  std::string out;
  REQUIRE_FALSE(d->feed(as_bytes("garbage!"), out));
  auto again = d->feed(as_bytes(enc::gzip("fine")), out);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::decode_failed);
  CHECK_FALSE(d->finish());
}

TEST_CASE("ContentDecoder: an empty body decodes to nothing whatever the codings") {
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd}) {
    auto d = ContentDecoder::create(std::vector<Coding>{coding, Coding::gzip});
    REQUIRE(d);
    std::string out;
    REQUIRE(d->feed({}, out));
    CHECK(d->finish());
    CHECK(out.empty());
  }
}

TEST_CASE("ContentDecoder: feed() after finish() is a usage error") {
  auto d = ContentDecoder::create(std::vector<Coding>{Coding::gzip});
  REQUIRE(d);
  std::string out;
  REQUIRE(d->feed(as_bytes(enc::gzip("x")), out));
  REQUIRE(d->finish());
  auto late = d->feed(as_bytes("y"), out);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == ErrorCode::invalid_state);
}

TEST_CASE("ContentDecoder: gzip members and zstd frames follow one another; trailing garbage is ignored") {
  const std::string two_members = enc::gzip("first member, ") + enc::gzip("second member");
  CHECK(decode_all({Coding::gzip}, two_members, 3).value_or("") == "first member, second member");
  CHECK(decode_all({Coding::gzip}, enc::gzip("payload") + "\r\n\0junk").value_or("") == "payload");
  CHECK(decode_all({Coding::deflate}, enc::zlib_deflate("payload") + "junk").value_or("") == "payload");
  CHECK(decode_all({Coding::deflate}, enc::raw_deflate("payload") + "junk").value_or("") == "payload");
  CHECK(decode_all({Coding::br}, enc::brotli("payload") + "junk").value_or("") == "payload");
  CHECK(decode_all({Coding::zstd}, enc::zstd("one, ") + enc::zstd("two"), 5).value_or("") == "one, two");
  CHECK(decode_all({Coding::zstd}, enc::zstd("payload") + "junk").value_or("") == "payload");
  // A second member that is cut short is still a truncated stream.
  const std::string second = enc::gzip("second member");
  auto cut = decode_all({Coding::gzip}, enc::gzip("first") + second.substr(0, second.size() - 4));
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == ErrorCode::decode_failed);
}

TEST_CASE("ContentDecoder: a sink's error stops decoding and is returned") {
  struct Refusing final : Sink {
    int calls = 0;
    Result<void> write(Bytes) override {
      ++calls;
      return fail(ErrorCode::body_source_failed, "disk full");
    }
  } sink;
  auto d = ContentDecoder::create(std::vector<Coding>{Coding::gzip});
  REQUIRE(d);
  auto ok = d->feed(as_bytes(enc::gzip(enc::sample_text(300000))), sink);
  REQUIRE_FALSE(ok);
  CHECK(ok.error().code == ErrorCode::body_source_failed);
  CHECK(sink.calls == 1);
}

TEST_CASE("ContentDecoder: the decoded-size cap refuses a bomb of repeated members in bounded memory") {
  // 1 MiB of zeros gzips to about 1 KiB; repeated as gzip members it claims any size we like. Each feed
  // brings one member, so the test holds ~1 KiB of encoded data, never the decoded gigabytes.
  const std::string member = enc::gzip_zeros(std::uint64_t{1} << 20);
  Limits limits;
  limits.max_ratio = 0;  // only the size cap here
  limits.max_decoded_bytes = std::uint64_t{64} << 20;
  auto d = ContentDecoder::create(std::vector<Coding>{Coding::gzip}, limits);
  REQUIRE(d);
  CountingSink sink;
  Result<void> ok;
  int members = 0;
  for (; members < 10 * 1024 && ok; ++members) ok = d->feed(as_bytes(member), sink);  // would be 10 GiB
  REQUIRE_FALSE(ok);
  CHECK(ok.error().code == ErrorCode::decompression_bomb);
  CHECK(ok.error().detail.find("max_decoded_bytes") != std::string::npos);
  CHECK(members == 65);  // 64 members fill the cap exactly; the 65th's first piece passes it
  CHECK(sink.total == limits.max_decoded_bytes);
  CHECK(sink.largest <= kPieceBytes);
  CHECK(d->decoded_bytes() <= limits.max_decoded_bytes);
}

TEST_CASE("ContentDecoder: the ratio cap refuses gzip, nested gzip and brotli bombs soon after the grace") {
  struct Bomb {
    const char* name;
    std::vector<Coding> codings;
    std::string encoded;
  };
  const std::string inner = enc::gzip_zeros(std::uint64_t{64} << 20);  // 64 MiB of zeros, ~64 KiB
  const std::vector<Bomb> bombs = {
      {"gzip of 64 MiB of zeros", {Coding::gzip}, enc::gzip_zeros(std::uint64_t{64} << 20)},
      {"gzip of gzip of 64 MiB of zeros", {Coding::gzip, Coding::gzip}, enc::gzip(inner, 9)},
      {"br of 64 MiB of zeros", {Coding::br}, enc::brotli_zeros(std::uint64_t{64} << 20)},
  };
  for (const Bomb& bomb : bombs) {
    INFO(bomb.name << ": " << bomb.encoded.size() << " encoded bytes");
    auto d = ContentDecoder::create(bomb.codings);  // default limits: 1000:1 past 1 MiB
    REQUIRE(d);
    CountingSink sink;
    auto ok = d->feed(as_bytes(bomb.encoded), sink);
    REQUIRE_FALSE(ok);
    CHECK(ok.error().code == ErrorCode::decompression_bomb);
    CHECK(ok.error().detail.find("max_ratio") != std::string::npos);
    // Refused within one slice's worth of expansion past the grace (4 KiB x 1000 + a piece).
    CHECK(sink.total <= (std::uint64_t{1} << 20) + 4096 * 1000 + kPieceBytes);
    CHECK(sink.largest <= kPieceBytes);
  }
  // The same gzip bomb passes when the ratio cap is lifted (and the size cap is large enough).
  Limits lifted;
  lifted.max_ratio = 0;
  auto d = ContentDecoder::create(std::vector<Coding>{Coding::gzip}, lifted);
  REQUIRE(d);
  CountingSink sink;
  REQUIRE(d->feed(as_bytes(enc::gzip_zeros(std::uint64_t{8} << 20)), sink));
  REQUIRE(d->finish());
  CHECK(sink.total == std::uint64_t{8} << 20);
}

TEST_CASE("ContentDecoder: zstd windows above 8 MiB are refused (RFC 9659), 8 MiB is accepted") {
  const std::string input = enc::sample_text(100000, 17);
  auto ok = decode_all({Coding::zstd}, enc::zstd(input, 23));
  REQUIRE(ok);
  CHECK(*ok == input);
  for (int window_log : {24, 27}) {
    INFO("windowLog " << window_log);
    auto refused = decode_all({Coding::zstd}, enc::zstd(input, window_log));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::decode_window_too_large);
    CHECK(refused.error().category == ErrorCategory::decode);
  }
  Limits wider;
  wider.zstd_max_window_log = 24;
  CHECK(decode_all({Coding::zstd}, enc::zstd(input, 24), 0, wider).value_or("") == input);
}

TEST_CASE("ContentDecoder: pieces handed to a Sink never exceed kPieceBytes") {
  const std::string input = enc::sample_text(1 << 20, 19);
  for (Coding coding : {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd, Coding::identity}) {
    INFO(to_string(coding));
    auto d = ContentDecoder::create(std::vector<Coding>{coding});
    REQUIRE(d);
    CountingSink sink;
    REQUIRE(d->feed(as_bytes(encode(coding, input)), sink));
    REQUIRE(d->finish());
    CHECK(sink.total == input.size());
    CHECK(sink.largest <= kPieceBytes);
  }
}

TEST_CASE("ContentDecoder: only RFC 8878 zstd frames are taken; libzstd's legacy formats are refused however split") {
  // Found by the content_decoder fuzzer: a frame with the v0.7 magic (0xFD2FB527) was decoded to
  // nothing when fed whole and refused when fed a byte at a time.
  static constexpr char kLegacy[] = "\x27\xb5\x2f\xfd\x04\x58\x10\x00\x00\x00\x14\x02\x00hello ,\xad\xad \xad" "c";
  const std::string legacy(kLegacy, sizeof kLegacy - 1);
  for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    auto decoded = decode_all({Coding::zstd}, legacy, step);
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().code == ErrorCode::decode_failed);
  }
  // A cut before the magic is complete is a truncated stream, not an empty body.
  auto cut = decode_all({Coding::zstd}, std::string("\x28\xb5", 2));
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().code == ErrorCode::decode_failed);
  // Skippable frames (RFC 8878 §3.1.2) are skipped, before and between real frames.
  const std::string skippable("\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
  for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
    auto decoded = decode_all({Coding::zstd}, skippable + enc::zstd("abc") + skippable + enc::zstd("def"), step);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == "abcdef");
  }
}
