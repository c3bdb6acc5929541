#include "core/decode/detail/zlib_stage.hpp"

#include <string>
#include <vector>

#define ZLIB_CONST
#include <zlib.h>

namespace hipp::decode::detail {

struct ZlibStage::Impl {
  z_stream z{};
  bool initialized = false;
  std::vector<std::byte> out = std::vector<std::byte>(kPieceBytes);
  ~Impl() {
    if (initialized) inflateEnd(&z);
  }
};

namespace {

// RFC 1950 §2.2: CM = 8 (deflate), CINFO <= 7 (window <= 32 KiB), and CMF*256 + FLG a multiple of 31.
// A raw deflate stream practically never starts like this: its first byte would have to begin a stored
// block (BTYPE 00) with the padding bits that follow set.
bool is_zlib_header(std::byte cmf, std::byte flg) noexcept {
  const auto c = static_cast<unsigned>(cmf);
  const auto f = static_cast<unsigned>(flg);
  return (c & 0x0fU) == 8 && (c >> 4) <= 7 && ((c << 8) | f) % 31 == 0;
}

}  // namespace

ZlibStage::ZlibStage(Format format) : format_(format) {}
ZlibStage::~ZlibStage() = default;

Result<void> ZlibStage::start_inflate(bool zlib_wrapped) {
  if (!impl_) impl_ = std::make_unique<Impl>();
  // windowBits: 15 + 16 = gzip only (RFC 1952 header and CRC-32 trailer), 15 = zlib, -15 = raw deflate.
  const int window_bits = format_ == Format::gzip ? 15 + 16 : zlib_wrapped ? 15 : -15;
  if (inflateInit2(&impl_->z, window_bits) != Z_OK) {
    return fail(ErrorCode::decode_failed, std::string(name()) + ": zlib could not start (out of memory)");
  }
  impl_->initialized = true;
  state_ = State::in_stream;
  return {};
}

Result<void> ZlibStage::feed(Bytes in, Sink& next) {
  if (in.empty() || state_ == State::done) return {};
  if (state_ == State::start) {
    if (format_ == Format::gzip) {
      if (auto ok = start_inflate(false); !ok) return ok;
    } else {
      if (!holding_ && in.size() < 2) {
        held_[0] = in[0];
        holding_ = true;
        return {};
      }
      const std::byte first = holding_ ? held_[0] : in[0];
      const std::byte second = holding_ ? in[0] : in[1];
      if (auto ok = start_inflate(is_zlib_header(first, second)); !ok) return ok;
      if (holding_) {
        holding_ = false;
        if (auto ok = inflate_all(Bytes(held_.data(), 1), next); !ok) return ok;
        if (state_ == State::done) return {};
      }
    }
  }
  return inflate_all(in, next);
}

Result<void> ZlibStage::inflate_all(Bytes in, Sink& next) {
  z_stream& z = impl_->z;
  z.next_in = reinterpret_cast<const Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());  // a 4 KiB slice or a piece of at most kPieceBytes
  for (;;) {
    if (state_ == State::between_members) {
      // RFC 1952 §2.2: a gzip file is a series of members. Start the next one.
      inflateReset(&z);
      state_ = State::in_stream;
      member_output_ = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(impl_->out.data());
    z.avail_out = static_cast<uInt>(impl_->out.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = impl_->out.size() - z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      if (format_ == Format::gzip && members_done_ > 0 && !member_output_ && produced == 0) {
        // What follows a complete member is not another member: trailing garbage, ignored as urllib3 does.
        state_ = State::done;
        return {};
      }
      if (rc == Z_NEED_DICT) return fail(ErrorCode::decode_failed, "deflate: preset dictionaries are not supported");
      std::string detail = std::string(name()) + ": ";
      detail += z.msg != nullptr ? z.msg : rc == Z_MEM_ERROR ? "out of memory" : "invalid data";
      return fail(ErrorCode::decode_failed, std::move(detail));
    }
    if (produced > 0) {
      member_output_ = true;
      if (auto ok = next.write(Bytes(impl_->out.data(), produced)); !ok) return ok;
    }
    if (rc == Z_STREAM_END) {
      if (format_ == Format::deflate) {
        state_ = State::done;  // RFC 1950/1951 streams do not repeat: what follows is ignored
        return {};
      }
      ++members_done_;
      state_ = State::between_members;
      if (z.avail_in == 0) return {};
      continue;
    }
    // Z_BUF_ERROR: no progress possible, i.e. the input is used up. Otherwise stop once zlib left room in
    // the output: it has then consumed everything it could.
    if (rc == Z_BUF_ERROR || (z.avail_in == 0 && z.avail_out != 0)) return {};
  }
}

Result<void> ZlibStage::finish() {
  if ((state_ == State::start && !holding_) || state_ == State::between_members || state_ == State::done) return {};
  return fail(ErrorCode::decode_failed,
              std::string(name()) + ": truncated stream (the body ended before the " + name() + " data did)");
}

}  // namespace hipp::decode::detail
