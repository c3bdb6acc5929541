#include "transports/api/body_source.hpp"

#include <algorithm>
#include <exception>

namespace hipp {

Result<void> BodySource::rewind() {
  if (std::holds_alternative<GeneratorBody>(body_)) {
    return fail(ErrorCode::unrewindable_body, "a generator body cannot be sent again");
  }
  if (const auto* multipart = std::get_if<MultipartEncoder>(&body_)) {
    if (!multipart->rewindable()) return fail(ErrorCode::unrewindable_body, "a multipart body with a generator part cannot be sent again");
    for (const auto& source : multipart->sources()) {
      if (const auto* stream = std::get_if<std::shared_ptr<std::istream>>(&source.content.value())) {
        (*stream)->clear();
        (*stream)->seekg(source.start);
        if (!**stream) return fail(ErrorCode::body_source_failed, "cannot seek a multipart stream back to its start");
      }
    }
    if (cursor_) cursor_->rewind();
    served_ = filled_ = 0;
  }
  file_.reset();
  return {};
}

Result<std::size_t> BodySource::read_source(const MultipartEncoder& encoder, const body::ReadSource& read) {
  const FileContent::Value& value = encoder.sources().at(read.handle).content.value();
  buffer_.resize(std::max(buffer_.size(), read.max_bytes));
  if (const auto* path = std::get_if<std::filesystem::path>(&value)) {
    if (!file_ || file_part_ != read.part) {
      file_ = std::make_unique<std::ifstream>(*path, std::ios::binary);
      file_part_ = read.part;
      if (!*file_) {
        file_.reset();
        return fail(ErrorCode::body_source_failed, "cannot open multipart file '" + path->string() + "'");
      }
    }
    file_->read(buffer_.data(), static_cast<std::streamsize>(read.max_bytes));
    if (file_->bad()) return fail(ErrorCode::body_source_failed, "reading multipart file '" + path->string() + "' failed");
    const auto got = static_cast<std::size_t>(file_->gcount());
    if (got == 0) file_.reset();
    return got;
  }
  if (const auto* stream = std::get_if<std::shared_ptr<std::istream>>(&value)) {
    (*stream)->read(buffer_.data(), static_cast<std::streamsize>(read.max_bytes));
    if ((*stream)->bad()) return fail(ErrorCode::body_source_failed, "reading a multipart stream failed");
    return static_cast<std::size_t>((*stream)->gcount());
  }
  // A generator: its pieces may be larger than asked; the rest waits in piece_ for the next read.
  const auto& generator = std::get<GeneratorBody>(value);
  if (piece_part_ != read.part) {
    piece_.clear();
    piece_at_ = 0;
    piece_part_ = read.part;
  }
  while (piece_at_ >= piece_.size()) {
    std::optional<std::string> piece;
    try {
      piece = generator.next();
    } catch (const std::exception& e) {
      return fail(ErrorCode::body_source_failed, std::string("multipart generator threw: ") + e.what());
    }
    if (!piece) return std::size_t{0};
    piece_ = std::move(*piece);
    piece_at_ = 0;
  }
  const std::size_t n = std::min(read.max_bytes, piece_.size() - piece_at_);
  std::copy_n(piece_.data() + piece_at_, n, buffer_.data());
  piece_at_ += n;
  return n;
}

Result<std::optional<Bytes>> BodySource::next_multipart(const MultipartEncoder& encoder, std::size_t max_bytes) {
  if (!cursor_) cursor_.emplace(encoder.layout());
  for (;;) {
    if (served_ < filled_) {  // what the last read brought and the exchange has not taken yet
      const std::size_t n = std::min(max_bytes, filled_ - served_);
      const Bytes out = as_bytes(std::string_view(buffer_).substr(served_, n));
      served_ += n;
      return std::optional<Bytes>{out};
    }
    auto step = cursor_->next(max_bytes);
    if (!step) return Unexpected{std::move(step).error()};
    if (const auto* emit = std::get_if<body::EmitBytes>(&*step)) return std::optional<Bytes>{emit->bytes};
    if (std::holds_alternative<body::EndOfBody>(*step)) return std::optional<Bytes>{};
    const auto& read = std::get<body::ReadSource>(*step);
    auto got = read_source(encoder, read);
    if (!got) return Unexpected{std::move(got).error()};
    if (*got == 0) {
      if (auto ok = cursor_->on_source_end(); !ok) return Unexpected{std::move(ok).error()};
      continue;
    }
    if (auto ok = cursor_->on_read(*got); !ok) return Unexpected{std::move(ok).error()};
    served_ = 0;
    filled_ = *got;
  }
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
  if (const auto* multipart = std::get_if<MultipartEncoder>(&body_)) return next_multipart(*multipart, max_bytes);
  return std::optional<Bytes>{};  // bytes and empty bodies are the exchange's own
}

Result<std::optional<Bytes>> BodySource::pull(const exchange::PullBody& want) {
  if (want.rewind) {
    if (auto ok = rewind(); !ok) return Unexpected{std::move(ok).error()};
  }
  return next(want.max_bytes);
}

void report_body_piece(exchange::Exchange& ex, Result<std::optional<Bytes>> piece, TimePoint now) {
  if (!piece) {
    ex.on_io_failed(std::move(piece).error(), now);
  } else if (*piece) {
    ex.on_body_chunk(**piece, now);
  } else {
    ex.on_body_end(now);
  }
}

}  // namespace hipp
