// Byte views: the currency between the core and transports.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace hipp {

using Bytes = std::span<const std::byte>;
using MutableBytes = std::span<std::byte>;

inline Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(Bytes b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline std::string to_string(Bytes b) { return std::string(as_chars(b)); }

}  // namespace hipp
