#include "core/auth/detail/hash.hpp"

#include <array>
#include <cstdint>

#include <mbedtls/md5.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/version.h>

#include "core/auth/detail/sha512.hpp"

namespace hipp::auth::detail {

namespace {

// mbedTLS 2.x names the error-returning one-shot functions *_ret (the plain names return void and
// are deprecated); 3.x dropped the suffix.
#if MBEDTLS_VERSION_NUMBER < 0x03000000
int mbed_md5(const unsigned char* in, std::size_t n, unsigned char* out) { return mbedtls_md5_ret(in, n, out); }
int mbed_sha256(const unsigned char* in, std::size_t n, unsigned char* out) {
  return mbedtls_sha256_ret(in, n, out, 0);
}
int mbed_sha512(const unsigned char* in, std::size_t n, unsigned char* out) {
  return mbedtls_sha512_ret(in, n, out, 0);
}
#else
int mbed_md5(const unsigned char* in, std::size_t n, unsigned char* out) { return mbedtls_md5(in, n, out); }
int mbed_sha256(const unsigned char* in, std::size_t n, unsigned char* out) { return mbedtls_sha256(in, n, out, 0); }
int mbed_sha512(const unsigned char* in, std::size_t n, unsigned char* out) { return mbedtls_sha512(in, n, out, 0); }
#endif

}  // namespace

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

Result<std::string> hex_hash(HashAlgorithm algorithm, std::string_view data) {
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::array<unsigned char, 64> out{};
  std::size_t size = 0;
  int rc = 0;
  switch (algorithm) {
    case HashAlgorithm::md5:
      rc = mbed_md5(in, data.size(), out.data());
      size = 16;
      break;
    case HashAlgorithm::sha256:
      rc = mbed_sha256(in, data.size(), out.data());
      size = 32;
      break;
    case HashAlgorithm::sha512:
      rc = mbed_sha512(in, data.size(), out.data());
      size = 64;
      break;
    case HashAlgorithm::sha512_256: {
      const auto digest = detail::sha512_256(data);
      return to_hex(digest.data(), digest.size());
    }
  }
  if (rc != 0) return fail(ErrorCode::invalid_state, "mbedTLS hash failed: " + std::to_string(rc));
  return to_hex(out.data(), size);
}

}  // namespace hipp::auth::detail
