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

Result<void> ResponseDecoder::decode_whole(const Headers& headers, bool decode_content, const decode::Limits& limits,
                                           std::string& body) {
  ResponseDecoder decoder(headers, decode_content, limits);
  if (!decoder.active()) return {};
  std::string decoded;
  if (auto ok = decoder.feed(headers, as_bytes(body), decoded); !ok) return ok;
  if (auto ok = decoder.finish(); !ok) return ok;
  body.swap(decoded);
  return {};
}

Result<void> ResponseDecoder::finish() {
  if (!decoder_) return {};
  return decoder_->finish();
}

}  // namespace hipp
