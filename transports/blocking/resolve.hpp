// Resolving a host name to the addresses to connect to (getaddrinfo), and the same through a DNS cache.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/connect/address.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/api/shared_dns_cache.hpp"

namespace hipp::blocking {

// The TCP addresses of `host` (a name, or an IPv4/IPv6 literal without brackets) at `port`, IPv4 and
// IPv6, in getaddrinfo's order (RFC 6724's sorting, which core/connect's attempt order starts from).
// Blocks for as long as the system resolver takes (getaddrinfo has no deadline).
// Errors: resolve_failed "could not resolve 'H': <gai_strerror>".
Result<std::vector<connect::Address>> resolve(const std::string& host, std::uint16_t port);

// resolve() through `cache` (null: no cache): a live entry is used without resolving; a fresh answer is
// stored at `now`. Errors: those of resolve() (failures are not cached).
Result<std::vector<connect::Address>> resolve(const std::string& host, std::uint16_t port, SharedDnsCache* cache,
                                              TimePoint now);

}  // namespace hipp::blocking
