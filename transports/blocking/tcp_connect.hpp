// Resolving a host and connecting to it, bounded by a deadline, with Happy Eyeballs (RFC 8305).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/connect/address.hpp"
#include "core/connect/happy_eyeballs.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/api/shared_dns_cache.hpp"
#include "transports/blocking/tcp_socket.hpp"

namespace hipp::blocking {

struct ConnectOptions {
  // hyperhttp's happy_eyeballs_delay: how long one address is tried alone before the next one is tried
  // beside it (connect::HappyEyeballsOptions::attempt_delay). Zero races every address at once.
  Duration happy_eyeballs_delay = connect::HappyEyeballsOptions{}.attempt_delay;
  // Where resolved addresses are kept between connections; null: resolve on every call. An entry whose
  // addresses all failed (or timed out) is forgotten, so the next connection resolves again.
  SharedDnsCache* dns_cache = nullptr;
};

// Resolves `host` (a name or an IPv4/IPv6 literal without brackets) with getaddrinfo (or takes the
// addresses from options.dns_cache), then connects as tcp_connect_addresses() does.
// Errors: resolve_failed, and those of tcp_connect_addresses().
Result<TcpSocket> tcp_connect(const std::string& host, std::uint16_t port, TimePoint deadline,
                              const ConnectOptions& options = {});

// Connects to one of `addresses` (the resolver's list for host:port) as core/connect's HappyEyeballs
// schedules it: non-blocking connects started `happy_eyeballs_delay` apart (at once after a failure),
// families interleaved, IPv6 first; the first to connect wins and the others are closed. The socket is
// non-blocking, with TCP_NODELAY set. `host` and `port` only name the target in errors; the seam for
// tests and for callers with their own resolver.
// Errors (HappyEyeballs::next_step): connect_failed (every address failed, or none was given),
// connect_timeout (`deadline` passed first).
Result<TcpSocket> tcp_connect_addresses(const std::string& host, std::uint16_t port,
                                        std::vector<connect::Address> addresses, TimePoint deadline,
                                        Duration happy_eyeballs_delay = connect::HappyEyeballsOptions{}.attempt_delay);

}  // namespace hipp::blocking
