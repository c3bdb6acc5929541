// MultipartEncoder — hyperhttp's pre-built multipart/form-data body, and the part shapes of Hip's and
// hyperhttp's `files`.
//
//   auto form = hipp::MultipartEncoder({{"user", "alice"},
//                                       {"file", hipp::MultipartFile{.content = std::filesystem::path("big.bin")}}},
//                                      {.chunk_size = 2 << 20});
//   http.request("POST", url, {.body = std::move(form)});
//
// The layout (header blocks, Content-Length) is computed once by core/body's MultipartEncoder; this
// class adds the sources the core never touches: files by path (opened when the body is sent, read in
// chunk_size pieces), open streams, and generators. BodySource does the reading.
//
// Rewinding (a retry, a 307/308): paths are reopened, streams are sought back to where they stood at
// construction; a generator cannot start again, so a body with one is not rewindable.
// Thread safety: none; an encoder holding a stream or a generator is for one request at a time.
#pragma once

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/body/multipart_encoder.hpp"
#include "core/result.hpp"
#include "transports/api/generator_body.hpp"

namespace hipp {

// Where a file part's bytes come from. A string (or const char*) is the content itself; a
// std::filesystem::path is a file to stream; an istream is an open (binary) file or any stream; a
// generator produces pieces.
class FileContent {
 public:
  using Value = std::variant<std::string, std::filesystem::path, std::shared_ptr<std::istream>, GeneratorBody>;
  FileContent() = default;
  FileContent(std::string bytes) : value_(std::move(bytes)) {}          // NOLINT: implicit by design
  FileContent(const char* bytes) : value_(std::string(bytes)) {}        // NOLINT
  FileContent(std::filesystem::path path) : value_(std::move(path)) {}  // NOLINT
  template <class Stream>
  requires std::derived_from<Stream, std::istream> FileContent(std::shared_ptr<Stream> stream)
      : value_(std::shared_ptr<std::istream>(std::move(stream))) {}       // NOLINT
  FileContent(GeneratorBody generator) : value_(std::move(generator)) {}  // NOLINT
  const Value& value() const noexcept { return value_; }

 private:
  Value value_{};
};

// One file part, in Hip's tuple order: {filename, content} and {filename, content, content_type}; or
// hyperhttp's MultipartFile with designated initializers ({.content = path, .size = n}).
struct MultipartFile {
  // Unset: a path's filename() for a path, none otherwise (then servers may treat it as a text field).
  std::optional<std::string> filename{};
  FileContent content{};
  // Unset: guessed from the filename (body::guess_content_type), application/octet-stream without one.
  std::optional<std::string> content_type{};
  // Unset: the file's size for a path, the bytes' size, the stream's remaining length if it can seek,
  // else unknown (the body is sent chunked). Set: exactly this many bytes are sent; a source that ends
  // sooner fails the request (body_source_failed).
  std::optional<std::uint64_t> size{};
};

// One part of a pre-built encoder: a text field or a file.
struct FormPart {
  std::string name;
  std::variant<std::string, MultipartFile> value;
};

struct MultipartOptions {
  std::size_t chunk_size = body::kDefaultMultipartChunkSize;  // the largest read of a file (> 0)
  body::ParamStyle param_style = body::ParamStyle::html5;     // Hip's header_formatter
};

class MultipartEncoder {
 public:
  // Throws RequestError (invalid_form_field, invalid_state, body_source_failed): see create().
  explicit MultipartEncoder(std::vector<FormPart> parts, const MultipartOptions& options = {});

  // Parts in the given order; the boundary from 16 bytes of std::random_device.
  // Errors: those of body::MultipartEncoder::create(); body_source_failed (a path whose size cannot be read).
  static Result<MultipartEncoder> create(std::vector<FormPart> parts, const MultipartOptions& options = {});
  // The same with the boundary's randomness given (at least 16 bytes), for reproducible bodies.
  static Result<MultipartEncoder> create(std::vector<FormPart> parts, const MultipartOptions& options, Bytes random);

  std::string content_type() const { return layout_->content_type(); }
  // std::nullopt: a part's size is unknown, the body goes chunked.
  std::optional<std::uint64_t> content_length() const noexcept { return layout_->content_length(); }
  const std::string& boundary() const noexcept { return layout_->boundary(); }
  bool rewindable() const noexcept { return rewindable_; }

  // For BodySource: the layout and the sources behind its handles (handle = index).
  const body::MultipartEncoder& layout() const noexcept { return *layout_; }
  struct Source {
    FileContent content;
    std::streampos start = -1;  // streams: where to seek back to on rewind (-1: cannot)
  };
  const std::vector<Source>& sources() const noexcept { return *sources_; }

 private:
  MultipartEncoder() = default;
  std::shared_ptr<const body::MultipartEncoder> layout_;  // shared: cheap copies, stable address
  std::shared_ptr<std::vector<Source>> sources_;
  bool rewindable_ = true;
};

}  // namespace hipp
