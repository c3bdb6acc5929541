// Test-side encoders for the content codings, built on the libraries' compressors, so the decoder's tests
// compress what they decode (no binary fixtures) and can build bombs without materialising them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hipp::decode::test {

std::string gzip(std::string_view data, int level = 6);
std::string zlib_deflate(std::string_view data);  // RFC 1950 (Content-Encoding: deflate as specified)
std::string raw_deflate(std::string_view data);   // RFC 1951 (what some servers send as deflate)
std::string brotli(std::string_view data);
// A zstd frame; window_log > 0 forces that window (streamed, so the frame header keeps it).
std::string zstd(std::string_view data, int window_log = 0);

// gzip of `zeros` zero bytes, produced in 1 MiB steps (the zeros never exist all at once).
std::string gzip_zeros(std::uint64_t zeros);
// brotli of `zeros` zero bytes, streamed the same way.
std::string brotli_zeros(std::uint64_t zeros);

// Deterministic text that compresses like prose (about 3:1), of `size` bytes (fixed seed).
std::string sample_text(std::size_t size, std::uint32_t seed = 1);
// Deterministic bytes that barely compress, of `size` bytes (fixed seed).
std::string sample_noise(std::size_t size, std::uint32_t seed = 7);

}  // namespace hipp::decode::test
