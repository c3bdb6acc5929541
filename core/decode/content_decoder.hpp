// ContentDecoder — undoes a response's content codings as the body streams in.
//
// Theory of operation. A response lists its codings in the order the server applied them
// (`Content-Encoding: gzip, br` is gzip first, then br); the decoder is a chain of stages that undoes
// them last to first (RFC 9110 §8.4): encoded bytes enter the stage of the last coding, each stage hands
// its output on in pieces of at most kPieceBytes, and the pieces leaving the first coding's stage are the
// decoded body. Before a piece reaches the caller, the limits (decode::Limits) are checked against the
// whole response so far: decoded bytes, decoded/encoded ratio. A bomb is therefore refused after at most
// one piece past its limit, whatever it would have expanded to, and memory stays O(stages x piece).
//
//   auto d = decode::ContentDecoder::for_headers(response_headers, limits);   // Result<ContentDecoder>
//   while (body arrives) if (auto ok = d->feed(chunk, out); !ok) fail(ok.error());
//   if (auto ok = d->finish(); !ok) fail(ok.error());   // a truncated stream is an error here
//
// Formats: gzip (RFC 1952; concatenated members are decoded one after another), deflate (a zlib stream,
// RFC 1950, or raw deflate, RFC 1951, told apart by the first two bytes as browsers and curl do), br
// (RFC 7932), zstd (RFC 8878; concatenated frames, window at most 2^Limits::zstd_max_window_log),
// identity (nothing to do). Bytes after the end of a deflate or br stream, and after a complete gzip
// member or zstd frame that do not start another one, are ignored, as urllib3 and browsers do. An empty
// encoded body decodes to an empty body (HEAD, 204, 304 responses keep their Content-Encoding).
//
// Errors (every call after one returns the same error; the decoder is then useless):
//  - decode_failed: corrupt data (detail names the coding and the library's reason), or, at finish(),
//    a stream that stopped before its end ("truncated");
//  - decompression_bomb: Limits::max_decoded_bytes or Limits::max_ratio exceeded;
//  - decode_window_too_large: a zstd frame needs a window above Limits::zstd_max_window_log;
//  - unsupported_encoding / too_many_encodings: from for_headers(), see parse_content_encoding();
//  - invalid_state: feed() after finish();
//  - whatever the caller's Sink returns (decoding stops there).
//
// Thread safety: none; one decoder belongs to one response. Movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/decode/coding.hpp"
#include "core/decode/limits.hpp"
#include "core/decode/sink.hpp"
#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::decode {

namespace detail {
class Stage;
}

class ContentDecoder {
 public:
  // A decoder for `codings` in the order they were applied (as Content-Encoding lists them). An empty
  // list, or identity only, passes bytes through (still counted against the limits).
  // Errors: too_many_encodings when codings.size() > limits.max_codings.
  static Result<ContentDecoder> create(std::span<const Coding> codings, const Limits& limits = {});
  // A decoder for every Content-Encoding field of `headers` (see parse_content_encoding()).
  // Errors: unsupported_encoding, too_many_encodings.
  static Result<ContentDecoder> for_headers(const Headers& headers, const Limits& limits = {});

  ContentDecoder(ContentDecoder&&) noexcept;
  ContentDecoder& operator=(ContentDecoder&&) noexcept;
  ~ContentDecoder();

  // Decodes `in` (any size, even one byte or none) and appends what it yields to `out`. The output of
  // one call is bounded by the limits, not by `in`: a chunk that expands well appends up to
  // max_ratio x (encoded bytes so far) bytes.
  // Errors: see the class comment.
  Result<void> feed(Bytes in, std::string& out);
  // As above, handing each decoded piece (at most kPieceBytes) to `sink` instead.
  Result<void> feed(Bytes in, Sink& sink);
  // The encoded body ended: checks that every coding's stream is complete. Nothing is left to output
  // (stages hand on everything they can as they go). Errors: decode_failed ("truncated ...").
  Result<void> finish();

  // The codings undone, in the order they were applied (identity omitted).
  const std::vector<Coding>& codings() const noexcept { return codings_; }
  // Encoded bytes fed so far, and decoded bytes produced so far (what the limits were checked against).
  std::uint64_t encoded_bytes() const noexcept { return encoded_; }
  std::uint64_t decoded_bytes() const noexcept { return decoded_; }

 private:
  class LimitedSink;
  ContentDecoder(std::vector<Coding> codings, const Limits& limits);
  Result<void> deliver(Bytes piece, Sink& sink);
  Result<void> fail_with(Error error);

  std::vector<Coding> codings_;
  Limits limits_;
  // stages_[0] undoes the LAST coding applied (it sees the encoded bytes first).
  std::vector<std::unique_ptr<detail::Stage>> stages_;
  std::uint64_t encoded_ = 0;
  std::uint64_t decoded_ = 0;
  std::optional<Error> error_;
  bool finished_ = false;
};

}  // namespace hipp::decode
