// Resolving a host and connecting to it, bounded by a deadline.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/blocking/tcp_socket.hpp"

namespace hipp::blocking {

// Resolves `host` (a name or an IPv4/IPv6 literal without brackets) with
// getaddrinfo, then tries each address in order until one connects or
// `deadline` passes. The socket is non-blocking, with TCP_NODELAY set.
// Errors: resolve_failed, connect_failed (the last address's reason), connect_timeout.
Result<TcpSocket> tcp_connect(const std::string& host, std::uint16_t port, TimePoint deadline);

}  // namespace hipp::blocking
