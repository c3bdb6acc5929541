// MultipartEncoder — a multipart/form-data body (RFC 7578) described as segments, for streaming.
//
// Theory of operation. The core never reads a file or calls a generator. A part's content is either
// bytes the caller hands over (text fields, in-memory files) or a *source*: an opaque handle the
// transport knows how to read, with its size when known. At construction the encoder renders every
// part's header block once and lays the body out as a list of segments:
//
//   TextSegment   bytes the encoder owns (boundaries, header blocks, in-memory contents, CRLFs);
//                 consecutive owned bytes are merged, so an all-in-memory body is one segment
//   SourceSegment "the bytes of part k's source": `length` of them when known, else until it ends
//
// The transport walks the segments (MultipartCursor does the bookkeeping and the size checks) and
// fulfils each SourceSegment by reading its source in chunk_size pieces, so memory stays O(chunk)
// whatever the file sizes. content_length() is known when every source's size is (Content-Length
// framing), otherwise std::nullopt (Transfer-Encoding: chunked). The layout never changes, so a resend
// (a retry, a 307/308) walks the same segments and produces the same bytes, given sources that start
// again from their first byte.
//
// Wire format (RFC 7578 §4, RFC 2046 §5.1.1), as Hip's encode_multipart_formdata writes it:
//
//   --B CRLF  Content-Disposition: form-data; name="n"[; filename="f"] CRLF  [Content-Type: t CRLF]
//   [extra headers CRLF]  CRLF  content CRLF   …one per part…   --B-- CRLF
//
// The boundary is the hex of 16 to 32 random bytes the caller injects (≥ 128 bits). The encoder does
// not scan the contents for it, as Hip and requests do not: with 128 random bits a collision with
// content not chosen by someone who knows the boundary has negligible probability (2^-128 per
// position), and scanning a source would need reading it twice.
//
// Thread safety: none needed; a constructed encoder is immutable and may be read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/body/header_param.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace hipp::body {

inline constexpr std::size_t kDefaultMultipartChunkSize = std::size_t{1} << 20;  // hyperhttp's 1 MiB
inline constexpr std::size_t kMinBoundaryRandomBytes = 16;                       // 128 bits
inline constexpr std::size_t kMaxBoundaryRandomBytes = 32;  // 64 hex digits; RFC 2046 §5.1.1 allows 70

// A part's content produced by the transport: `handle` is the transport's own key (the encoder only
// hands it back), `size` the number of bytes it will produce when known.
struct PartSource {
  std::uint64_t handle = 0;
  std::optional<std::uint64_t> size{};
};

struct MultipartPart {
  std::string name;                           // the form field's name (UTF-8)
  std::optional<std::string> filename{};      // set: a file part (filename="…" is sent, even if empty)
  std::optional<std::string> content_type{};  // unset: none for text fields, guessed from filename for files
  std::vector<std::pair<std::string, std::string>> headers{};  // extra part headers, after Content-Type
  std::variant<std::string, PartSource> content{};
};

struct MultipartOptions {
  ParamStyle param_style = ParamStyle::html5;           // how name= and filename= are written
  std::size_t chunk_size = kDefaultMultipartChunkSize;  // the largest read asked of a source (> 0)
};

struct TextSegment {
  std::size_t offset = 0;  // into text()
  std::size_t length = 0;
};
struct SourceSegment {
  std::size_t part = 0;                   // index into the parts given
  std::uint64_t handle = 0;               // PartSource::handle
  std::optional<std::uint64_t> length{};  // PartSource::size
};
using Segment = std::variant<TextSegment, SourceSegment>;

class MultipartEncoder {
 public:
  // Renders `parts` in order. `random` supplies the boundary: its first 16 to 32 bytes, as lower-case hex.
  // A file part without content_type gets guess_content_type(filename).
  // Errors: invalid_state (fewer than 16 random bytes, chunk_size 0); invalid_form_field (a name with CR,
  // LF or NUL; a filename with NUL; a content type or extra header that validate_field() refuses, or an
  // extra header named Content-Disposition or Content-Type). The detail names the part.
  static Result<MultipartEncoder> create(std::vector<MultipartPart> parts, Bytes random,
                                         const MultipartOptions& options = {});

  const std::string& boundary() const noexcept { return boundary_; }
  // "multipart/form-data; boundary=<boundary>", for the request's Content-Type.
  std::string content_type() const;
  // The body's exact size, or std::nullopt when a source's size is unknown (send it chunked).
  std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
  std::size_t chunk_size() const noexcept { return chunk_size_; }
  // The layout, in wire order. Valid as long as the encoder (also after a move of it: offsets, not views).
  std::span<const Segment> segments() const noexcept { return segments_; }
  // The bytes of a TextSegment of this encoder; valid until the encoder is destroyed or moved.
  Bytes text(const TextSegment& segment) const noexcept {
    return as_bytes(std::string_view(text_).substr(segment.offset, segment.length));
  }
  // Whether any part is a source (false: the whole body is the one TextSegment).
  bool has_sources() const noexcept { return sources_ > 0; }
  std::size_t part_count() const noexcept { return part_names_.size(); }
  const std::string& part_name(std::size_t part) const { return part_names_.at(part); }

 private:
  MultipartEncoder() = default;

  std::string boundary_;
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<std::string> part_names_;
  std::optional<std::uint64_t> content_length_;
  std::size_t chunk_size_ = kDefaultMultipartChunkSize;
  std::size_t sources_ = 0;
};

}  // namespace hipp::body
