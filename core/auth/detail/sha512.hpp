// SHA-512 and SHA-512/256 (FIPS 180-4 §6.4, §6.7), for Digest's SHA-512-256 (RFC 7616 §3.2).
//
// SHA-512/256 is not SHA-512 cut short: it runs the same compression from its own initial hash values
// (FIPS 180-4 §5.3.6.2) and keeps the first 256 bits. mbedTLS offers no way to set the initial
// values, so this small core holds both sets.
//
// Pure functions: no I/O, no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace hipp::auth::detail {

// The 64-byte SHA-512 digest of `data`.
std::array<std::uint8_t, 64> sha512(std::string_view data) noexcept;
// The 32-byte SHA-512/256 digest of `data`.
std::array<std::uint8_t, 32> sha512_256(std::string_view data) noexcept;

}  // namespace hipp::auth::detail
