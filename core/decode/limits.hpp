// decode::Limits — what a response's content decoding may cost, counted over the WHOLE response.
//
// A compressed body is a program the server runs on our memory: 1 KiB of gzip can expand to 1 MiB,
// nested gzip to 1 GiB, brotli and zstd further still. These bounds turn a "decompression bomb" into a
// DecodeError (ErrorCode::decompression_bomb / too_many_encodings / decode_window_too_large) before the
// decoded bytes exist, because the decoder checks them on every bounded piece it produces.
//
// The defaults allow any ordinary download (a 1 GiB decoded file with 4x headroom) while refusing the
// classic bombs: gzip of zeros expands about 1030:1, just above max_ratio; nested codings and brotli or
// zstd of zeros expand far more. urllib3 and hyperhttp bound only the number of codings; curl bounds
// nothing. Raise max_decoded_bytes for larger streamed downloads, lower it when preloading into memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hipp::decode {

struct Limits {
  // Decoded bytes the whole response may produce. UINT64_MAX: no cap.
  std::uint64_t max_decoded_bytes = std::uint64_t{4} << 30;  // 4 GiB
  // Decoded bytes per encoded byte, checked once `ratio_grace_bytes` have been decoded (small bodies
  // compress well and prove nothing). 0: no ratio cap.
  std::uint64_t max_ratio = 1000;
  std::uint64_t ratio_grace_bytes = std::uint64_t{1} << 20;  // 1 MiB
  // Codings across every Content-Encoding field of the response, identity included (urllib3's
  // max_decode_links is 5 too).
  std::size_t max_codings = 5;
  // zstd frames may ask for a window of at most 2^this bytes; RFC 9659 §3 says HTTP decoders limit the
  // window to 8 MiB (2^23), and larger windows are memory the server makes us allocate.
  int zstd_max_window_log = 23;
};

}  // namespace hipp::decode
