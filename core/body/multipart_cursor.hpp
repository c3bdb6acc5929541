// MultipartCursor — walks a MultipartEncoder's segments for a transport, one piece at a time.
//
// Theory of operation. The transport asks next(max_bytes) and gets one of:
//   EmitBytes   bytes the encoder owns: send them (the cursor has already moved past them)
//   ReadSource  read at most max_bytes from the source `handle`, then report on_read(n) with the number
//               read (0 < n <= max_bytes), or on_source_end() if the source had nothing more
//   EndOfBody   every byte has been produced
// The cursor checks that a source of known size produces exactly that many bytes: fewer is an error
// (the Content-Length already sent would be a lie), and it never asks for more, so a file that grew
// since its size was taken is sent as it was. A ReadSource asks at most encoder.chunk_size() bytes.
// rewind() starts again from the first byte (the transport rewinds its sources itself).
//
// After an error the cursor stays failed: next() returns the same error until rewind().
// Thread safety: none; one cursor per body being sent. The encoder must outlive the cursor and not move.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "core/body/multipart_encoder.hpp"

namespace hipp::body {

struct EmitBytes {
  Bytes bytes;  // a view into the encoder, valid as long as it
};
struct ReadSource {
  std::size_t part = 0;
  std::uint64_t handle = 0;
  std::size_t max_bytes = 0;  // > 0
};
struct EndOfBody {};
using CursorStep = std::variant<EmitBytes, ReadSource, EndOfBody>;

class MultipartCursor {
 public:
  explicit MultipartCursor(const MultipartEncoder& encoder) : encoder_(&encoder) {}

  // The next step, each EmitBytes at most max_bytes long (0 means chunk_size()). After a ReadSource the
  // same ReadSource is returned until on_read() or on_source_end() answers it.
  // Errors: the cursor's earlier error (see on_read / on_source_end).
  Result<CursorStep> next(std::size_t max_bytes);
  // The source of the pending ReadSource produced n bytes. Errors: invalid_state (no ReadSource pending,
  // n == 0, or n above its max_bytes).
  Result<void> on_read(std::size_t n);
  // The source of the pending ReadSource has no more bytes. Errors: body_source_failed (a source of known
  // size ended early; the detail names the part and both counts), invalid_state (none pending).
  Result<void> on_source_end();
  // Back to the first byte; clears an error.
  void rewind() noexcept;

  // Bytes produced so far (emitted plus read).
  std::uint64_t produced() const noexcept { return produced_; }

 private:
  Result<void> fail_with(Error error);

  const MultipartEncoder* encoder_;
  std::size_t segment_ = 0;   // index into segments()
  std::uint64_t within_ = 0;  // bytes of that segment produced
  std::uint64_t produced_ = 0;
  std::optional<ReadSource> pending_{};
  std::optional<Error> error_{};
};

}  // namespace hipp::body
