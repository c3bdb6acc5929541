#include "core/decode/detail/brotli_stage.hpp"

#include <string>

#include <brotli/decode.h>

namespace hipp::decode::detail {

BrotliStage::BrotliStage() = default;

BrotliStage::~BrotliStage() {
  if (state_ != nullptr) BrotliDecoderDestroyInstance(state_);
}

Result<void> BrotliStage::feed(Bytes in, Sink& next) {
  if (in.empty() || done_) return {};
  if (state_ == nullptr) {
    // Without BROTLI_DECODER_PARAM_LARGE_WINDOW: RFC 7932 windows only (at most 16 MiB).
    state_ = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    if (state_ == nullptr) return fail(ErrorCode::decode_failed, "br: decoder could not start (out of memory)");
    out_.resize(kPieceBytes);
  }
  started_ = true;
  std::size_t avail_in = in.size();
  const auto* next_in = reinterpret_cast<const std::uint8_t*>(in.data());
  for (;;) {
    std::size_t avail_out = out_.size();
    auto* next_out = reinterpret_cast<std::uint8_t*>(out_.data());
    const BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(state_, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    if (rc == BROTLI_DECODER_RESULT_ERROR) {
      return fail(ErrorCode::decode_failed,
                  std::string("br: ") + BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
    }
    if (const std::size_t produced = out_.size() - avail_out; produced > 0) {
      if (auto ok = next.write(Bytes(out_.data(), produced)); !ok) return ok;
    }
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      done_ = true;  // RFC 7932 §9.2: ISLAST ended the stream; trailing bytes are ignored
      return {};
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return {};  // avail_in is 0 here
    // BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: go round with an empty buffer.
  }
}

Result<void> BrotliStage::finish() {
  if (!started_ || done_) return {};
  return fail(ErrorCode::decode_failed, "br: truncated stream (the body ended before the br data did)");
}

}  // namespace hipp::decode::detail
