// PoolKey: what a pooled connection was made for.
//
// A connection may only carry a request whose key equals the key it was opened with. The key therefore holds
// everything that changes what goes on the wire (DESIGN.md, "Pools"): the origin (scheme, host, port), the
// proxy it goes through, and the TLS settings it was negotiated with (CA bundle, verification mode, client
// certificate, ALPN offer, ...). `proxy` and `tls_settings` are opaque to the core: the transport fills them
// with a canonical string of its own (for example "http://proxy:3128" and a sorted "key=value;" list of its
// TLS options), and leaves them empty for a direct plain-HTTP connection. Two keys are equal only when every
// field is byte-for-byte equal, so a transport must canonicalise consistently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace hipp::pool {

struct PoolKey {
  std::string scheme{};      // lower case, as url::Url::scheme: "http", "https"
  std::string host{};        // lower case, as url::Url::host (IPv6 literals keep their brackets)
  std::uint16_t port = 0;    // the effective port, never omitted
  std::string proxy{};       // opaque canonical proxy; empty when direct
  std::string tls_settings{};  // opaque canonical TLS options; empty for plain HTTP

  // "scheme://host:port", the origin the pool serves (proxy and TLS settings are not shown). This is the
  // key of PoolSet::stats(), like hyperhttp's get_pool_stats().
  std::string to_string() const;

  friend bool operator==(const PoolKey&, const PoolKey&) = default;
};

// A hash over every field, consistent with operator==.
std::size_t hash_value(const PoolKey& key) noexcept;

}  // namespace hipp::pool

template <>
struct std::hash<hipp::pool::PoolKey> {
  std::size_t operator()(const hipp::pool::PoolKey& key) const noexcept { return hipp::pool::hash_value(key); }
};
