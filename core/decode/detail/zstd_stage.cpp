#include "core/decode/detail/zstd_stage.hpp"

#include <string>

#include <zstd.h>
#include <zstd_errors.h>

namespace hipp::decode::detail {

ZstdStage::ZstdStage(int max_window_log) : max_window_log_(max_window_log) {}

ZstdStage::~ZstdStage() {
  if (dctx_ != nullptr) ZSTD_freeDCtx(dctx_);
}

Result<void> ZstdStage::feed(Bytes in, Sink& next) {
  if (in.empty() || ignoring_) return {};
  if (dctx_ == nullptr) {
    dctx_ = ZSTD_createDCtx();
    if (dctx_ == nullptr) return fail(ErrorCode::decode_failed, "zstd: decoder could not start (out of memory)");
    // RFC 9659 §3: the window is bounded (8 MiB by default); libzstd checks every frame header against it,
    // single-segment frames (window = content size) included.
    if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, max_window_log_))) {
      return fail(ErrorCode::decode_failed, "zstd: unsupported window limit 2^" + std::to_string(max_window_log_));
    }
    out_.resize(kPieceBytes);
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  for (;;) {
    ZSTD_outBuffer output{out_.data(), out_.size(), 0};
    const std::size_t before = input.pos;
    const std::size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
    if (ZSTD_isError(rc)) {
      const ZSTD_ErrorCode code = ZSTD_getErrorCode(rc);
      if (code == ZSTD_error_frameParameter_windowTooLarge) {
        return fail(ErrorCode::decode_window_too_large, "zstd: the frame's window exceeds 2^" +
                                                            std::to_string(max_window_log_) +
                                                            " bytes (RFC 9659 limits HTTP to 8 MiB)");
      }
      if (frames_done_ > 0 && !frame_output_ && output.pos == 0) {
        // What follows a complete frame is not another frame: trailing garbage, ignored.
        ignoring_ = true;
        return {};
      }
      return fail(ErrorCode::decode_failed, std::string("zstd: ") + ZSTD_getErrorName(rc));
    }
    if (input.pos > before) in_frame_ = true;
    if (output.pos > 0) {
      frame_output_ = true;
      if (auto ok = next.write(Bytes(out_.data(), output.pos)); !ok) return ok;
    }
    if (rc == 0) {
      // A frame ended and is fully flushed (RFC 8878 §3.1: frames may follow one another).
      ++frames_done_;
      in_frame_ = false;
      frame_output_ = false;
      if (input.pos == input.size) return {};
      continue;
    }
    // Output left room: zstd has consumed all it could and flushed all it had.
    if (input.pos == input.size && output.pos < output.size) return {};
  }
}

Result<void> ZstdStage::finish() {
  if (!in_frame_ || ignoring_) return {};
  return fail(ErrorCode::decode_failed, "zstd: truncated stream (the body ended before the zstd frame did)");
}

}  // namespace hipp::decode::detail
