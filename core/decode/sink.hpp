// decode::Sink — where a ContentDecoder (and each stage of it) hands its decoded pieces.
#pragma once

#include <cstddef>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace hipp::decode {

// Largest piece a stage produces at once: the unit in which limits are checked and memory is spent.
inline constexpr std::size_t kPieceBytes = 64 * 1024;

// write() receives each piece once (at most kPieceBytes), as a view valid only during the call; an error
// it returns stops decoding and is returned by the call that was decoding.
class Sink {
 public:
  virtual Result<void> write(Bytes piece) = 0;

 protected:
  ~Sink() = default;
};

}  // namespace hipp::decode
