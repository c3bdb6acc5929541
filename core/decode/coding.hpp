// Content codings (RFC 9110 §8.4.1) and the Content-Encoding field that lists them.
#pragma once

#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/result.hpp"

namespace hipp::decode {

enum class Coding {
  identity,  // no transformation (RFC 9110 §8.4.1; legal in Content-Encoding though pointless)
  gzip,      // RFC 1952; "x-gzip" is the same (RFC 9110 §8.4.1.3)
  deflate,   // RFC 1950 zlib stream; raw RFC 1951 deflate is accepted too, as browsers and curl do
  br,        // RFC 7932 Brotli
  zstd,      // RFC 8878 Zstandard, with RFC 9659's 8 MiB window
};

// The coding's registered name ("gzip", "deflate", "br", "zstd", "identity").
std::string_view to_string(Coding coding) noexcept;

// The coding a name denotes, case-insensitively (RFC 9110 §8.4.1: names are case-insensitive).
// Errors: unsupported_encoding naming it (e.g. "compress", "x-bzip2").
Result<Coding> parse_coding(std::string_view name);

// Every coding of a response in the order they were applied: all Content-Encoding fields combined
// (RFC 9110 §5.3), each a comma-separated list whose empty elements are skipped (§5.6.1). Decoding
// undoes them last to first (§8.4). identity entries are listed (and counted) too.
// Errors: unsupported_encoding for an unknown name; too_many_encodings when more than `max_codings`
// entries are listed (checked before any name is looked at, so a field of ten thousand commas costs
// nothing).
Result<std::vector<Coding>> parse_content_encoding(const Headers& headers, std::size_t max_codings);

// What this decoder supports, for Accept-Encoding: "gzip, deflate, br, zstd".
std::string_view accept_encoding() noexcept;

}  // namespace hipp::decode
