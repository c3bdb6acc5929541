// ZstdStage — undoes zstd (RFC 8878) with libzstd, refusing windows above the limit (RFC 9659 §3).
#pragma once

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
  ZSTD_DCtx_s* dctx_ = nullptr;  // made on first input
  std::vector<std::byte> out_;
  int max_window_log_;
  bool in_frame_ = false;      // bytes of an unfinished frame were consumed
  bool frame_output_ = false;  // the current frame produced output (garbage after it is an error)
  int frames_done_ = 0;
  bool ignoring_ = false;  // trailing garbage after a complete frame: the rest is ignored
};

}  // namespace hipp::decode::detail
