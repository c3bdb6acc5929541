#include "core/pool/pool_key.hpp"

#include <string_view>

namespace hipp::pool {

std::string PoolKey::to_string() const {
  std::string out;
  out.reserve(scheme.size() + host.size() + 9);
  out += scheme;
  out += "://";
  out += host;
  out += ':';
  out += std::to_string(port);
  return out;
}

std::size_t hash_value(const PoolKey& key) noexcept {
  // boost::hash_combine's mixing step over each field's own hash: fields are hashed separately, so
  // moving characters from one field to the next ("ab"+"c" vs "a"+"bc") changes the result.
  std::size_t seed = 0;
  const auto mix = [&seed](std::size_t h) {
    seed ^= h + static_cast<std::size_t>(0x9e3779b97f4a7c15ULL) + (seed << 6) + (seed >> 2);
  };
  const std::hash<std::string_view> hs;
  mix(hs(key.scheme));
  mix(hs(key.host));
  mix(std::hash<std::uint16_t>{}(key.port));
  mix(hs(key.proxy));
  mix(hs(key.tls_settings));
  return seed;
}

}  // namespace hipp::pool
