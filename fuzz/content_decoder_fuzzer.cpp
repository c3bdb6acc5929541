// libFuzzer target for core/decode: a ContentDecoder chain over arbitrary bytes.
//
// Input layout: byte 0 picks the chain length (1 + b0 % 3), whether identity is added (bit 7) and the
// feeding step (bits 2..6); byte 1 picks each coding (2 bits each: gzip, deflate, br, zstd, in the order
// applied); the rest is the encoded body.
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - never crashes, leaks or overflows (ASan/UBSan);
//  - output is bounded: no piece above kPieceBytes, never more than Limits::max_decoded_bytes in all, and
//    the decoder's count matches what the sink received;
//  - splitting the input differently changes nothing: fed whole and fed in `step`-byte pieces, the
//    outcome (success and output, or the error code) is the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/decode/content_decoder.hpp"

namespace {

using hipp::decode::Coding;

void require(bool condition) {
  if (!condition) std::abort();
}

struct BoundedSink final : hipp::decode::Sink {
  std::string out;
  hipp::Result<void> write(hipp::Bytes piece) override {
    require(!piece.empty());
    require(piece.size() <= hipp::decode::kPieceBytes);
    out.append(hipp::as_chars(piece));
    return {};
  }
};

struct Outcome {
  bool ok = false;
  hipp::ErrorCode code = hipp::ErrorCode::decode_failed;
  std::string out;
};

Outcome run(const std::vector<Coding>& codings, hipp::Bytes body, std::size_t step,
            const hipp::decode::Limits& limits) {
  auto d = hipp::decode::ContentDecoder::create(codings, limits);
  require(d.has_value());
  BoundedSink sink;
  Outcome outcome;
  hipp::Result<void> status;
  for (std::size_t at = 0; at < body.size() && status; at += step) {
    status = d->feed(body.subspan(at, std::min(step, body.size() - at)), sink);
  }
  if (status) status = d->finish();
  require(d->decoded_bytes() == sink.out.size());
  require(d->decoded_bytes() <= limits.max_decoded_bytes);
  outcome.ok = status.has_value();
  if (!outcome.ok) {
    outcome.code = status.error().code;
    require(status.error().category == hipp::ErrorCategory::decode);
  }
  outcome.out = std::move(sink.out);
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static constexpr Coding kCodings[] = {Coding::gzip, Coding::deflate, Coding::br, Coding::zstd};
  std::vector<Coding> codings;
  const std::size_t count = 1 + data[0] % 3;
  for (std::size_t i = 0; i < count; ++i) codings.push_back(kCodings[(data[1] >> (2 * i)) & 3]);
  if ((data[0] & 0x80) != 0) codings.insert(codings.begin(), Coding::identity);
  const std::size_t step = 1 + static_cast<std::size_t>((data[0] >> 2) & 31) * 37;
  const hipp::Bytes body(reinterpret_cast<const std::byte*>(data) + 2, size - 2);

  hipp::decode::Limits limits;
  limits.max_decoded_bytes = 4 << 20;  // bounded output, and fast runs
  limits.max_ratio = 0;                // the ratio check depends on where input is split; the cap does not

  const Outcome whole = run(codings, body, body.size() + 1, limits);
  const Outcome split = run(codings, body, step, limits);
  require(whole.ok == split.ok);
  if (whole.ok) {
    require(whole.out == split.out);
  } else {
    require(whole.code == split.code);
  }
  return 0;
}
