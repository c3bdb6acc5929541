#include "tests/unit/decode/encoders.hpp"

#include <random>
#include <stdexcept>
#include <vector>

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

namespace hipp::decode::test {

namespace {

// window_bits: 15 + 16 gzip, 15 zlib, -15 raw.
class Deflater {
 public:
  Deflater(int window_bits, int level) {
    if (deflateInit2(&z_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2");
    }
  }
  ~Deflater() { deflateEnd(&z_); }
  void put(std::string_view data, bool last, std::string& out) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    char buf[16384];
    int rc = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof buf;
      rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buf, sizeof buf - z_.avail_out);
    } while (z_.avail_out == 0 || (last && rc != Z_STREAM_END));
  }

 private:
  z_stream z_{};
};

std::string deflate_with(std::string_view data, int window_bits, int level) {
  std::string out;
  Deflater d(window_bits, level);
  d.put(data, true, out);
  return out;
}

}  // namespace

std::string gzip(std::string_view data, int level) { return deflate_with(data, 15 + 16, level); }
std::string zlib_deflate(std::string_view data) { return deflate_with(data, 15, 6); }
std::string raw_deflate(std::string_view data) { return deflate_with(data, -15, 6); }

std::string gzip_zeros(std::uint64_t zeros) {
  const std::string chunk(std::size_t{1} << 20, '\0');
  std::string out;
  Deflater d(15 + 16, 9);
  for (std::uint64_t left = zeros; left > 0;) {
    const std::size_t n = left < chunk.size() ? static_cast<std::size_t>(left) : chunk.size();
    left -= n;
    d.put(std::string_view(chunk).substr(0, n), false, out);
  }
  d.put({}, true, out);
  return out;
}

std::string brotli(std::string_view data) {
  std::string out(BrotliEncoderMaxCompressedSize(data.size()) + 16, '\0');
  std::size_t size = out.size();
  if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
                             reinterpret_cast<const std::uint8_t*>(data.data()), &size,
                             reinterpret_cast<std::uint8_t*>(out.data()))) {
    throw std::runtime_error("BrotliEncoderCompress");
  }
  out.resize(size);
  return out;
}

std::string brotli_zeros(std::uint64_t zeros) {
  BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
  BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, 5);
  const std::string chunk(std::size_t{1} << 20, '\0');
  std::string out;
  std::vector<std::uint8_t> buf(1 << 16);
  std::uint64_t left = zeros;
  for (;;) {
    const std::size_t n = left < chunk.size() ? static_cast<std::size_t>(left) : chunk.size();
    left -= n;
    const BrotliEncoderOperation op = left == 0 ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_PROCESS;
    std::size_t avail_in = n;
    const auto* next_in = reinterpret_cast<const std::uint8_t*>(chunk.data());
    do {
      std::size_t avail_out = buf.size();
      std::uint8_t* next_out = buf.data();
      BrotliEncoderCompressStream(s, op, &avail_in, &next_in, &avail_out, &next_out, nullptr);
      out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - avail_out);
    } while (avail_in > 0 || BrotliEncoderHasMoreOutput(s) ||
             (op == BROTLI_OPERATION_FINISH && !BrotliEncoderIsFinished(s)));
    if (left == 0) break;
  }
  BrotliEncoderDestroyInstance(s);
  return out;
}

std::string zstd(std::string_view data, int window_log) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
  if (window_log > 0) ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, window_log);
  std::string out;
  std::vector<char> buf(ZSTD_CStreamOutSize());
  // Streamed with an unknown size (continue, then end), so zstd keeps the window asked for instead of
  // shrinking it to the content.
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (ZSTD_EndDirective mode : {ZSTD_e_continue, ZSTD_e_end}) {
    std::size_t remaining = 0;
    do {
      ZSTD_outBuffer o{buf.data(), buf.size(), 0};
      remaining = ZSTD_compressStream2(c, &o, &in, mode);
      if (ZSTD_isError(remaining)) throw std::runtime_error(ZSTD_getErrorName(remaining));
      out.append(buf.data(), o.pos);
    } while (mode == ZSTD_e_end ? remaining != 0 : in.pos < in.size);
  }
  ZSTD_freeCCtx(c);
  return out;
}

std::string sample_text(std::size_t size, std::uint32_t seed) {
  static constexpr const char* kWords[] = {"the ",    "quick ", "brown ", "fox ",     "jumps ",  "over ",
                                           "lazy ",   "dog ",   "HTTP ",  "content ", "coding ", "gzip\n",
                                           "stream ", "bomb ",  "limit ", "ratio ",   "zstd ",   "br, "};
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) out += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
  out.resize(size);
  return out;
}

std::string sample_noise(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

}  // namespace hipp::decode::test
