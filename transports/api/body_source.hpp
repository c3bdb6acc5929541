// BodySource — produces a streamed request body for an exchange's PullBody actions.
//
// The exchange (core/exchange) never reads files or calls user generators: it asks its transport for the
// next piece. Every transport answers with this one class, so files and generators behave the same under
// the blocking and the async clients. A FileBody is reopened and read from its start on rewind(); a
// GeneratorBody cannot be rewound (the exchange knows and never asks it to).
//
// A MultipartEncoder body is walked with core/body's MultipartCursor: owned bytes are handed out as
// they are, and each source is read here in pieces of at most max_bytes (the exchange's 64 KiB piece)
// and the encoder's chunk_size, into one reused buffer that is handed on as it is, so a multipart upload
// holds one piece whatever its files weigh and copies each byte once, as a FileBody does. Paths
// are opened when their part is reached and closed after it; rewind() reopens them and seeks streams
// back to where they stood when the encoder was built.
//
// Thread safety: none; one request uses one source.
#pragma once

#include "core/exchange/exchange.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "core/body/multipart_cursor.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "transports/api/request_options.hpp"

namespace hipp {

// Tells `ex` what a PullBody produced: a piece (on_body_chunk), the end (on_body_end), or the failure
// (on_io_failed). Every transport answers PullBody with these two calls.
void report_body_piece(exchange::Exchange& ex, Result<std::optional<Bytes>> piece, TimePoint now);

class BodySource {
 public:
  // `body` must outlive the source.
  explicit BodySource(Body& body) : body_(body) {}

  // Starts again from the first byte. Errors: body_source_failed (the file cannot be reopened),
  // unrewindable_body (a generator).
  Result<void> rewind();
  // The next piece, at most max_bytes; std::nullopt at the end. The view is valid until the next call.
  // Errors: body_source_failed (file unreadable, the generator threw).
  Result<std::optional<Bytes>> next(std::size_t max_bytes);
  // An exchange's PullBody: rewinds first when it asks, then the next piece. Errors: those of both.
  Result<std::optional<Bytes>> pull(const exchange::PullBody& want);

 private:
  Body& body_;
  Result<std::optional<Bytes>> next_multipart(const MultipartEncoder& encoder, std::size_t max_bytes);
  // Reads at most max_bytes of the source behind `read` into buffer_; 0 at its end.
  Result<std::size_t> read_source(const MultipartEncoder& encoder, const body::ReadSource& read);

  std::unique_ptr<std::ifstream> file_;  // opened on the first pull: most bodies are not files
  std::string buffer_;
  std::optional<body::MultipartCursor> cursor_;  // multipart: created on the first pull
  std::size_t file_part_ = 0;                    // multipart: the part file_ belongs to
  std::size_t served_ = 0;                       // multipart/generator: bytes of buffer_ handed out
  std::size_t filled_ = 0;                       // multipart/generator: bytes of buffer_ read
  std::string piece_;                            // multipart: a generator part's last piece
  std::size_t piece_at_ = 0;                     // multipart: bytes of piece_ read
  std::size_t piece_part_ = SIZE_MAX;            // multipart: the part piece_ belongs to
};

}  // namespace hipp
