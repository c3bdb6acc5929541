#include "core/decode/detail/zstd_stage.hpp"

#include <algorithm>
#include <cstdint>
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
  while (!in.empty() && !ignoring_) {
    if (!in_frame_) {
      // A frame starts: its magic number decides whether it is one we take (RFC 8878 §3.1.1, §3.1.2).
      const std::size_t take = std::min(in.size(), magic_.size() - magic_len_);
      std::copy_n(in.data(), take, magic_.data() + magic_len_);
      magic_len_ += take;
      in = in.subspan(take);
      if (magic_len_ < magic_.size()) return {};
      std::uint32_t magic = 0;
      for (std::size_t i = 0; i < magic_.size(); ++i) magic |= std::to_integer<std::uint32_t>(magic_[i]) << (8 * i);
      const bool zstd_frame = magic == 0xFD2FB528u;
      const bool skippable = (magic & 0xFFFFFFF0u) == 0x184D2A50u;
      magic_len_ = 0;
      if (!zstd_frame && !skippable) {
        if (frames_done_ > 0) {  // what follows a complete frame is not another frame: trailing garbage
          ignoring_ = true;
          return {};
        }
        return fail(ErrorCode::decode_failed, "zstd: not a zstd frame (RFC 8878 magic 0xFD2FB528; legacy formats are refused)");
      }
      in_frame_ = true;
      std::size_t used = 0;
      if (auto ok = decompress(Bytes(magic_.data(), magic_.size()), next, used); !ok) return ok;
      continue;
    }
    std::size_t used = 0;
    if (auto ok = decompress(in, next, used); !ok) return ok;
    in = in.subspan(used);
  }
  return {};
}

Result<void> ZstdStage::decompress(Bytes in, Sink& next, std::size_t& used) {
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  for (;;) {
    ZSTD_outBuffer output{out_.data(), out_.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
    used = input.pos;
    if (ZSTD_isError(rc)) {
      const ZSTD_ErrorCode code = ZSTD_getErrorCode(rc);
      if (code == ZSTD_error_frameParameter_windowTooLarge) {
        return fail(ErrorCode::decode_window_too_large, "zstd: the frame's window exceeds 2^" +
                                                            std::to_string(max_window_log_) +
                                                            " bytes (RFC 9659 limits HTTP to 8 MiB)");
      }
      return fail(ErrorCode::decode_failed, std::string("zstd: ") + ZSTD_getErrorName(rc));
    }
    if (output.pos > 0) {
      frame_output_ = true;
      if (auto ok = next.write(Bytes(out_.data(), output.pos)); !ok) return ok;
    }
    if (rc == 0) {
      // A frame ended and is fully flushed (RFC 8878 §3.1: frames may follow one another).
      ++frames_done_;
      in_frame_ = false;
      frame_output_ = false;
      return {};
    }
    // Output left room: zstd has consumed all it could and flushed all it had.
    if (input.pos == input.size && output.pos < output.size) return {};
  }
}

Result<void> ZstdStage::finish() {
  if (ignoring_) return {};
  // A few bytes after a complete frame are trailing garbage; before any frame they are a cut stream.
  if (!in_frame_ && (magic_len_ == 0 || frames_done_ > 0)) return {};
  return fail(ErrorCode::decode_failed, "zstd: truncated stream (the body ended before the zstd frame did)");
}

}  // namespace hipp::decode::detail
