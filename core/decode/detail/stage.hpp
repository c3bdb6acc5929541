// One link of a ContentDecoder's chain: undoes one content coding.
#pragma once

#include "core/bytes.hpp"
#include "core/decode/sink.hpp"
#include "core/result.hpp"

namespace hipp::decode::detail {

class Stage {
 public:
  virtual ~Stage() = default;
  // Decodes all of `in`, handing output on to `next` in pieces of at most kPieceBytes as soon as each is
  // produced (never accumulating). Errors: decode_failed, decode_window_too_large, or next's error.
  virtual Result<void> feed(Bytes in, Sink& next) = 0;
  // Whether the stream ended where a stream may end. Errors: decode_failed "truncated ...".
  virtual Result<void> finish() = 0;
};

}  // namespace hipp::decode::detail
