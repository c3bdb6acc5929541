// BrotliStage — undoes br (RFC 7932) with libbrotlidec.
#pragma once

#include <memory>
#include <vector>

#include "core/decode/detail/stage.hpp"

struct BrotliDecoderStateStruct;

namespace hipp::decode::detail {

class BrotliStage final : public Stage {
 public:
  BrotliStage();
  ~BrotliStage() override;
  BrotliStage(const BrotliStage&) = delete;
  BrotliStage& operator=(const BrotliStage&) = delete;

  Result<void> feed(Bytes in, Sink& next) override;
  Result<void> finish() override;

 private:
  BrotliDecoderStateStruct* state_ = nullptr;  // made on first input
  std::vector<std::byte> out_;
  bool started_ = false;
  bool done_ = false;  // the stream's last meta-block was decoded; later bytes are ignored
};

}  // namespace hipp::decode::detail
