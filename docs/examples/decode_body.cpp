// docs/guide/compression.md: core/decode on its own, bytes in and bytes out, as a transport uses it.
// Runs as a test (no network): decodes a gzip body fed in small pieces, then shows a limit refusing.
#include <cstdio>
#include <string>
#include <string_view>

#include <hipp/hipp.hpp>

int main() {
  // gzip of "hello, compressed world\n" (as a server would send it with Content-Encoding: gzip).
  static constexpr char kGzip[] =
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\xce\xcf\x2d\x28\x4a\x2d\x2e\x4e"
      "\x4d\x51\x28\xcf\x2f\xca\x49\xe1\x02\x00\x3f\xba\x39\x3c\x18\x00\x00\x00";
  const std::string_view body(kGzip, sizeof kGzip - 1);

  hipp::Headers headers{{"Content-Encoding", "gzip"}};
  auto decoder = hipp::decode::ContentDecoder::for_headers(headers);
  if (!decoder) return 1;
  std::string out;
  for (std::size_t at = 0; at < body.size(); at += 5) {  // pieces as they come off the socket
    if (auto ok = decoder->feed(hipp::as_bytes(body.substr(at, 5)), out); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().message().c_str());
      return 1;
    }
  }
  if (auto ok = decoder->finish(); !ok) return 1;  // a truncated stream fails here
  std::fputs(out.c_str(), stdout);
  if (out != "hello, compressed world\n") return 1;

  // The same body under a 10-byte decoded-size cap is a decompression bomb.
  auto capped = hipp::decode::ContentDecoder::for_headers(headers, {.max_decoded_bytes = 10});
  std::string ignored;
  auto refused = capped->feed(hipp::as_bytes(body), ignored);
  if (refused || refused.error().code != hipp::ErrorCode::decompression_bomb) return 1;
  std::printf("refused: %s\n", refused.error().message().c_str());
  return 0;
}
