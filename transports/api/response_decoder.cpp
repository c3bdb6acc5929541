#include "transports/api/response_decoder.hpp"

namespace hipp {

Result<void> ResponseDecoder::feed(const Headers& headers, Bytes encoded, std::string& out) {
  if (encoded.empty()) return {};
  if (!decoder_) {
    auto made = decode::ContentDecoder::for_headers(headers, limits_);
    if (!made) return Unexpected{std::move(made).error()};
    decoder_.emplace(std::move(*made));
  }
  return decoder_->feed(encoded, out);
}

Result<void> ResponseDecoder::finish() {
  if (!decoder_) return {};
  return decoder_->finish();
}

}  // namespace hipp
