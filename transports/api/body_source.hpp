// BodySource — produces a streamed request body for an exchange's PullBody actions.
//
// The exchange (core/exchange) never reads files or calls user generators: it asks its transport for the
// next piece. Every transport answers with this one class, so files and generators behave the same under
// the blocking and the async clients. A FileBody is reopened and read from its start on rewind(); a
// GeneratorBody cannot be rewound (the exchange knows and never asks it to).
//
// Thread safety: none; one request uses one source.
#pragma once

#include <cstddef>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "transports/api/request_options.hpp"

namespace hipp {

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

 private:
  Body& body_;
  std::unique_ptr<std::ifstream> file_;  // opened on the first pull: most bodies are not files
  std::string buffer_;
};

}  // namespace hipp
