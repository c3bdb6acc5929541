// The hashes Digest authentication names (RFC 7616 §3.2, plus SHA-512 as httpbin offers it), as
// lower-case hex: MD5, SHA-256 and SHA-512 from mbedTLS's mbedcrypto, SHA-512/256 from detail/sha512.
//
// Pure functions: no I/O, no shared state.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hipp::auth::detail {

enum class HashAlgorithm { md5, sha256, sha512_256, sha512 };

// The digest of `data` in lower-case hex (32, 64, 64 or 128 characters).
// Errors: ErrorCode::invalid_state if mbedTLS reports a failure (it does so only for hardware
// accelerators that fail).
Result<std::string> hex_hash(HashAlgorithm algorithm, std::string_view data);

// Lower-case hex of raw bytes.
std::string to_hex(const unsigned char* data, std::size_t size);

}  // namespace hipp::auth::detail
