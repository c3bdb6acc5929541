// ResponseDecoder — Hip's decode_content for one response body, shared by the sync and async Responses.
//
// A response is decoded when the caller asked for it and the response has a Content-Encoding. The
// core's decoder is made when the first encoded byte arrives, so a HEAD, 204 or 304 with an unknown
// Content-Encoding is no error; finish() tells a body cut short inside a coding.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/decode/content_decoder.hpp"
#include "core/decode/limits.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp {

class ResponseDecoder {
 public:
  ResponseDecoder() = default;
  ResponseDecoder(const Headers& headers, bool decode_content, const decode::Limits& limits)
      : active_(decode_content && headers.contains("Content-Encoding")), limits_(limits) {}

  // A body received whole (the mock transport's): decoded in place when decoding applies.
  static Result<void> decode_whole(const Headers& headers, bool decode_content, const decode::Limits& limits,
                                   std::string& body);

  // Whether the body's bytes are decoded before the caller sees them.
  bool active() const noexcept { return active_; }

  // Appends the decoded form of `encoded` to `out`. Errors: those of decode::ContentDecoder (unsupported
  // or too many codings, corrupt data, a bomb past the limits).
  Result<void> feed(const Headers& headers, Bytes encoded, std::string& out);
  // The body ended: every coding must have ended too. Errors: decode_failed for a truncated stream.
  Result<void> finish();

 private:
  bool active_ = false;
  decode::Limits limits_{};
  std::optional<decode::ContentDecoder> decoder_;
};

}  // namespace hipp
