// ZlibStage — undoes gzip (RFC 1952) or deflate (RFC 1950 zlib stream, or raw RFC 1951) with zlib.
#pragma once

#include <array>
#include <memory>

#include "core/decode/detail/stage.hpp"

namespace hipp::decode::detail {

class ZlibStage final : public Stage {
 public:
  enum class Format { gzip, deflate };
  explicit ZlibStage(Format format);
  ~ZlibStage() override;
  ZlibStage(const ZlibStage&) = delete;
  ZlibStage& operator=(const ZlibStage&) = delete;

  Result<void> feed(Bytes in, Sink& next) override;
  Result<void> finish() override;

 private:
  enum class State {
    start,            // nothing seen yet (deflate: waiting for the two bytes that tell zlib from raw)
    in_stream,        // inside a gzip member or the deflate stream
    between_members,  // gzip: a member ended; another may follow
    done,             // deflate ended, or gzip's trailing garbage: the rest of the input is ignored
  };
  Result<void> start_inflate(bool zlib_wrapped);
  Result<void> inflate_all(Bytes in, Sink& next);
  const char* name() const noexcept { return format_ == Format::gzip ? "gzip" : "deflate"; }

  struct Impl;
  std::unique_ptr<Impl> impl_;  // z_stream and the output buffer, made on first input
  Format format_;
  State state_ = State::start;
  bool member_output_ = false;  // the current gzip member produced output (garbage after it is an error)
  int members_done_ = 0;
  std::array<std::byte, 1> held_{};  // deflate: a first byte that arrived alone
  bool holding_ = false;
};

}  // namespace hipp::decode::detail
