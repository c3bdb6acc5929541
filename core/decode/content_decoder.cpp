#include "core/decode/content_decoder.hpp"

#include <algorithm>
#include <string>

#include "core/decode/detail/brotli_stage.hpp"
#include "core/decode/detail/stage.hpp"
#include "core/decode/detail/zlib_stage.hpp"
#include "core/decode/detail/zstd_stage.hpp"

namespace hipp::decode {

namespace {

// Encoded bytes enter the chain at most this many at a time, so the ratio check compares against what
// has really been handed over: at most kSliceBytes x max_ratio decoded bytes slip past it.
constexpr std::size_t kSliceBytes = 4 * 1024;

std::unique_ptr<detail::Stage> make_stage(Coding coding, const Limits& limits) {
  switch (coding) {
    case Coding::gzip:
      return std::make_unique<detail::ZlibStage>(detail::ZlibStage::Format::gzip);
    case Coding::deflate:
      return std::make_unique<detail::ZlibStage>(detail::ZlibStage::Format::deflate);
    case Coding::br:
      return std::make_unique<detail::BrotliStage>();
    case Coding::zstd:
      return std::make_unique<detail::ZstdStage>(limits.zstd_max_window_log);
    case Coding::identity:
      break;
  }
  return nullptr;
}

// Appends pieces to a string.
class StringSink final : public Sink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  Result<void> write(Bytes piece) override {
    out_.append(as_chars(piece));
    return {};
  }

 private:
  std::string& out_;
};

// Hands a piece to stage `index` of the chain, whose output goes to the link after it; past the last
// stage, to `last`. Links live on the stack of the call that decodes, one per stage.
class ChainLink final : public Sink {
 public:
  ChainLink(std::vector<std::unique_ptr<detail::Stage>>& stages, std::size_t index, Sink& last)
      : stages_(stages), index_(index), last_(last) {}
  Result<void> write(Bytes piece) override {
    if (index_ == stages_.size()) return last_.write(piece);
    ChainLink next(stages_, index_ + 1, last_);
    return stages_[index_]->feed(piece, next);
  }

 private:
  std::vector<std::unique_ptr<detail::Stage>>& stages_;
  std::size_t index_;
  Sink& last_;
};

}  // namespace

// The end of the chain: checks the limits, then hands the piece to the caller.
class ContentDecoder::LimitedSink final : public Sink {
 public:
  LimitedSink(ContentDecoder& decoder, Sink& out) : decoder_(decoder), out_(out) {}
  Result<void> write(Bytes piece) override { return decoder_.deliver(piece, out_); }

 private:
  ContentDecoder& decoder_;
  Sink& out_;
};

ContentDecoder::ContentDecoder(std::vector<Coding> codings, const Limits& limits)
    : codings_(std::move(codings)), limits_(limits) {
  // Undo the last coding applied first (RFC 9110 §8.4).
  stages_.reserve(codings_.size());
  for (auto it = codings_.rbegin(); it != codings_.rend(); ++it) stages_.push_back(make_stage(*it, limits_));
}

ContentDecoder::ContentDecoder(ContentDecoder&&) noexcept = default;
ContentDecoder& ContentDecoder::operator=(ContentDecoder&&) noexcept = default;
ContentDecoder::~ContentDecoder() = default;

Result<ContentDecoder> ContentDecoder::create(std::span<const Coding> codings, const Limits& limits) {
  if (codings.size() > limits.max_codings) {
    return fail(ErrorCode::too_many_encodings,
                "more than " + std::to_string(limits.max_codings) + " content codings (decode::Limits::max_codings)");
  }
  std::vector<Coding> kept;
  kept.reserve(codings.size());
  std::copy_if(codings.begin(), codings.end(), std::back_inserter(kept),
               [](Coding c) { return c != Coding::identity; });
  return ContentDecoder(std::move(kept), limits);
}

Result<ContentDecoder> ContentDecoder::for_headers(const Headers& headers, const Limits& limits) {
  auto codings = parse_content_encoding(headers, limits.max_codings);
  if (!codings) return Unexpected{std::move(codings).error()};
  return create(*codings, limits);
}

Result<void> ContentDecoder::fail_with(Error error) {
  error_ = error;
  return Unexpected{std::move(error)};
}

Result<void> ContentDecoder::deliver(Bytes piece, Sink& sink) {
  const std::uint64_t decoded = decoded_ + piece.size();
  if (decoded > limits_.max_decoded_bytes) {
    return fail(ErrorCode::decompression_bomb, "the decoded body exceeds " + std::to_string(limits_.max_decoded_bytes) +
                                                   " bytes (decode::Limits::max_decoded_bytes)");
  }
  // decoded > ratio x encoded, written without the multiplication's overflow.
  if (limits_.max_ratio != 0 && decoded > limits_.ratio_grace_bytes && (decoded - 1) / limits_.max_ratio >= encoded_) {
    return fail(ErrorCode::decompression_bomb, std::to_string(encoded_) + " encoded bytes expanded past " +
                                                   std::to_string(decoded) + " decoded bytes, more than " +
                                                   std::to_string(limits_.max_ratio) +
                                                   ":1 (decode::Limits::max_ratio)");
  }
  decoded_ = decoded;
  return sink.write(piece);
}

Result<void> ContentDecoder::feed(Bytes in, std::string& out) {
  StringSink sink(out);
  return feed(in, sink);
}

Result<void> ContentDecoder::feed(Bytes in, Sink& sink) {
  if (error_) return Unexpected{*error_};
  if (finished_) return fail(ErrorCode::invalid_state, "ContentDecoder::feed() after finish()");
  LimitedSink limited(*this, sink);
  while (!in.empty()) {
    const Bytes slice = in.first(std::min(in.size(), kSliceBytes));
    in = in.subspan(slice.size());
    encoded_ += slice.size();
    ChainLink head(stages_, 0, limited);
    auto ok = head.write(slice);
    if (!ok) return fail_with(std::move(ok).error());
  }
  return {};
}

Result<void> ContentDecoder::finish() {
  if (error_) return Unexpected{*error_};
  finished_ = true;
  for (auto& stage : stages_) {
    if (auto ok = stage->finish(); !ok) return fail_with(std::move(ok).error());
  }
  return {};
}

}  // namespace hipp::decode
