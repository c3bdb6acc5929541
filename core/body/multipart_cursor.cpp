#include "core/body/multipart_cursor.hpp"

#include <algorithm>

namespace hipp::body {

Result<void> MultipartCursor::fail_with(Error error) {
  error_ = error;
  pending_.reset();
  return Unexpected{std::move(error)};
}

Result<CursorStep> MultipartCursor::next(std::size_t max_bytes) {
  if (error_) return Unexpected{*error_};
  if (pending_) return CursorStep{*pending_};
  if (max_bytes == 0) max_bytes = encoder_->chunk_size();
  const auto segments = encoder_->segments();
  for (;;) {
    if (segment_ >= segments.size()) return CursorStep{EndOfBody{}};
    const Segment& s = segments[segment_];
    if (const auto* text = std::get_if<TextSegment>(&s)) {
      const auto offset = static_cast<std::size_t>(within_);
      if (offset >= text->length) {
        ++segment_;
        within_ = 0;
        continue;
      }
      const std::size_t n = std::min(max_bytes, text->length - offset);
      within_ += n;
      produced_ += n;
      return CursorStep{EmitBytes{encoder_->text(TextSegment{text->offset + offset, n})}};
    }
    const auto& source = std::get<SourceSegment>(s);
    std::uint64_t want = std::min<std::uint64_t>(max_bytes, encoder_->chunk_size());
    if (source.length) {
      if (within_ >= *source.length) {  // the declared size is all it sends
        ++segment_;
        within_ = 0;
        continue;
      }
      want = std::min(want, *source.length - within_);
    }
    pending_ = ReadSource{source.part, source.handle, static_cast<std::size_t>(want)};
    return CursorStep{*pending_};
  }
}

Result<void> MultipartCursor::on_read(std::size_t n) {
  if (error_) return Unexpected{*error_};
  if (!pending_) return fail(ErrorCode::invalid_state, "on_read() without a pending ReadSource");
  if (n == 0 || n > pending_->max_bytes) {
    return fail_with(make_error(ErrorCode::invalid_state, "on_read(" + std::to_string(n) + ") for a read of at most " +
                                                              std::to_string(pending_->max_bytes) + " bytes"));
  }
  within_ += n;
  produced_ += n;
  pending_.reset();
  return {};
}

Result<void> MultipartCursor::on_source_end() {
  if (error_) return Unexpected{*error_};
  if (!pending_) return fail(ErrorCode::invalid_state, "on_source_end() without a pending ReadSource");
  const auto& source = std::get<SourceSegment>(encoder_->segments()[segment_]);
  if (source.length && within_ < *source.length) {
    return fail_with(make_error(ErrorCode::body_source_failed,
                                "the source of multipart part " + std::to_string(source.part) + " ('" +
                                    encoder_->part_name(source.part) + "') ended after " + std::to_string(within_) +
                                    " of " + std::to_string(*source.length) + " bytes"));
  }
  pending_.reset();
  ++segment_;
  within_ = 0;
  return {};
}

void MultipartCursor::rewind() noexcept {
  segment_ = 0;
  within_ = 0;
  produced_ = 0;
  pending_.reset();
  error_.reset();
}

}  // namespace hipp::body
