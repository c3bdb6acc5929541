// ZstdStage — undoes zstd (RFC 8878) with libzstd, refusing windows above the limit (RFC 9659 §3).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "core/decode/detail/stage.hpp"

struct ZSTD_DCtx_s;

namespace hipp::decode::detail {

class ZstdStage final : public Stage {
 public:
  // Frames whose window exceeds 2^max_window_log bytes are refused (decode_window_too_large).
  explicit ZstdStage(int max_window_log);
  ~ZstdStage() override;
  ZstdStage(const ZstdStage&) = delete;
  ZstdStage& operator=(const ZstdStage&) = delete;

  Result<void> feed(Bytes in, Sink& next) override;
  Result<void> finish() override;

 private:
  // Runs libzstd over `in` until it is used up or the current frame ends; `used` says how much it took.
  Result<void> decompress(Bytes in, Sink& next, std::size_t& used);

  ZSTD_DCtx_s* dctx_ = nullptr;  // made on first input
  std::vector<std::byte> out_;
  int max_window_log_;
  bool in_frame_ = false;      // bytes of an unfinished frame were consumed
  bool frame_output_ = false;  // the current frame produced output (garbage after it is an error)
  int frames_done_ = 0;
  bool ignoring_ = false;  // trailing garbage after a complete frame: the rest is ignored
  // The first bytes of the next frame, checked before libzstd sees them: only RFC 8878 frames
  // (magic 0xFD2FB528) and skippable frames are accepted. libzstd would also take its legacy
  // pre-1.0 formats, and decode them differently depending on how the input is split.
  std::array<std::byte, 4> magic_{};
  std::size_t magic_len_ = 0;
};

}  // namespace hipp::decode::detail
