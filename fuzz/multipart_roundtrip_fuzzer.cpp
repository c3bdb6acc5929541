// Encodes parts derived from the input with core/body's MultipartEncoder, produces the body through
// MultipartCursor (sources served from memory in input-chosen pieces), parses it with the tests'
// independent parser (tests/support/multipart_parser.hpp) and requires the same parts back.
//
// Input: a 16-byte boundary seed, then records: [flags][name len][name][filename len][filename]
// [content len][content]. Flags: bit 0 filename present, bit 1 content from a source, bit 2 its size
// unknown, bit 3 RFC 2231 style (first record decides), bits 4-7 the read piece size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/body/multipart_cursor.hpp"
#include "core/body/multipart_encoder.hpp"
#include "tests/support/multipart_parser.hpp"

using namespace hipp::body;

namespace {

struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  bool take(std::size_t k, std::string& out) {
    if (k > n) return false;
    out.assign(reinterpret_cast<const char*>(p), k);
    p += k;
    n -= k;
    return true;
  }
  bool byte(std::uint8_t& b) {
    if (n == 0) return false;
    b = *p++;
    --n;
    return true;
  }
};

[[noreturn]] void mismatch() { std::abort(); }

// HTML5's escapes are ambiguous (as in browsers): a literal "%22" in a name reads back as '"'. Such
// values are compared only under RFC 2231.
bool comparable(const std::string& s, ParamStyle style) {
  return style == ParamStyle::rfc2231 || (s.find("%22") == std::string::npos && s.find("%0D") == std::string::npos &&
                                          s.find("%0A") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 16) return 0;
  std::vector<std::byte> random(16);
  for (std::size_t i = 0; i < 16; ++i) random[i] = static_cast<std::byte>(data[i]);
  Reader in{data + 16, size - 16};
  std::vector<MultipartPart> parts;
  std::map<std::uint64_t, std::string> sources;
  ParamStyle style = ParamStyle::html5;
  std::size_t piece = 64;
  std::uint8_t flags = 0;
  while (parts.size() < 16 && in.byte(flags)) {
    std::uint8_t len = 0;
    MultipartPart p;
    if (!in.byte(len) || !in.take(len % 32, p.name)) break;
    if (flags & 1) {
      std::string f;
      if (!in.byte(len) || !in.take(len % 32, f)) break;
      p.filename = f;
    }
    std::string content;
    if (!in.byte(len) || !in.take(len, content)) break;
    if (parts.empty()) {
      style = (flags & 8) ? ParamStyle::rfc2231 : ParamStyle::html5;
      piece = 1 + (flags >> 4) * 7;
    }
    if (flags & 2) {
      const std::uint64_t handle = parts.size();
      p.content = PartSource{handle, (flags & 4) ? std::nullopt : std::optional<std::uint64_t>(content.size())};
      sources[handle] = content;
    } else {
      p.content = content;
    }
    parts.push_back(std::move(p));
  }
  const std::vector<MultipartPart> expected = parts;
  auto encoder =
      MultipartEncoder::create(std::move(parts), random, {.param_style = style, .chunk_size = 1 + piece / 2});
  if (!encoder) return 0;  // refused input (CR/LF/NUL in a name, NUL in a filename)

  MultipartCursor cursor(*encoder);
  std::map<std::uint64_t, std::size_t> offsets;
  std::string body;
  for (;;) {
    auto step = cursor.next(piece);
    if (!step) mismatch();
    if (auto* emit = std::get_if<EmitBytes>(&*step)) {
      body += hipp::as_chars(emit->bytes);
    } else if (auto* read = std::get_if<ReadSource>(&*step)) {
      const std::string& src = sources.at(read->handle);
      std::size_t& at = offsets[read->handle];
      const std::size_t n = std::min(read->max_bytes, src.size() - at);
      if (n == 0) {
        if (!cursor.on_source_end()) mismatch();
      } else {
        body.append(src, at, n);
        at += n;
        if (!cursor.on_read(n)) mismatch();
      }
    } else {
      break;
    }
  }
  if (encoder->content_length() && *encoder->content_length() != body.size()) mismatch();
  // The fuzzer chooses the randomness, so it can put the boundary in a content; with real randomness
  // that has negligible probability and the encoder does not scan for it (see multipart_encoder.hpp).
  for (const auto& [handle, content] : sources) {
    if (content.find(encoder->boundary()) != std::string::npos) return 0;
  }
  for (const auto& part : expected) {
    const auto* text = std::get_if<std::string>(&part.content);
    if (text && text->find(encoder->boundary()) != std::string::npos) return 0;
  }
  auto parsed = hipp::test::parse_multipart(body, encoder->boundary(), style == ParamStyle::html5);
  if (!parsed || parsed->size() != expected.size()) mismatch();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& want = expected[i];
    const auto& got = (*parsed)[i];
    const std::string content = std::holds_alternative<std::string>(want.content)
                                    ? std::get<std::string>(want.content)
                                    : sources.at(std::get<PartSource>(want.content).handle);
    if (got.content != content || got.filename.has_value() != want.filename.has_value()) mismatch();
    if (comparable(want.name, style) && got.name != want.name) mismatch();
    if (want.filename && comparable(*want.filename, style) && got.filename != want.filename) mismatch();
  }
  return 0;
}
