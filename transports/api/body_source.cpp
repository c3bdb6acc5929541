#include "transports/api/body_source.hpp"

#include <exception>

namespace hipp {

Result<void> BodySource::rewind() {
  if (std::holds_alternative<GeneratorBody>(body_)) {
    return fail(ErrorCode::unrewindable_body, "a generator body cannot be sent again");
  }
  file_.reset();
  return {};
}

Result<std::optional<Bytes>> BodySource::next(std::size_t max_bytes) {
  if (auto* file = std::get_if<FileBody>(&body_)) {
    if (!file_) {
      file_ = std::make_unique<std::ifstream>(file->path, std::ios::binary);
      if (!*file_) {
        file_.reset();
        return fail(ErrorCode::body_source_failed, "cannot open body file '" + file->path.string() + "'");
      }
    }
    buffer_.resize(max_bytes);
    file_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    const auto got = static_cast<std::size_t>(file_->gcount());
    if (file_->bad()) return fail(ErrorCode::body_source_failed, "reading body file '" + file->path.string() + "' failed");
    if (got == 0) return std::optional<Bytes>{};
    return std::optional<Bytes>{as_bytes(std::string_view(buffer_.data(), got))};
  }
  if (auto* generator = std::get_if<GeneratorBody>(&body_)) {
    for (;;) {
      std::optional<std::string> piece;
      try {
        piece = generator->next();
      } catch (const std::exception& e) {
        return fail(ErrorCode::body_source_failed, std::string("body generator threw: ") + e.what());
      }
      if (!piece) return std::optional<Bytes>{};
      if (piece->empty()) continue;  // an empty piece is not the end (and would end a chunked body)
      buffer_ = std::move(*piece);
      return std::optional<Bytes>{as_bytes(buffer_)};
    }
  }
  return std::optional<Bytes>{};  // bytes and empty bodies are the exchange's own
}

}  // namespace hipp
