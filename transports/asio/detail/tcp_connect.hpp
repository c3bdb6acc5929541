// Resolving and connecting for the async client.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include "core/connect/dns_cache.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::async::detail {

// Resolves a host name to the addresses to try, in the resolver's order.
using Resolver = std::function<asio::awaitable<Result<std::vector<asio::ip::tcp::endpoint>>>(std::string host,
                                                                                           std::uint16_t port)>;

// The addresses of host:port: an IP literal as it is; a name through `resolver`, or through asio's
// resolver when none is given (getaddrinfo on asio's own resolver thread: the only way to resolve without
// blocking the caller's loop short of a DNS library). Errors: resolve_failed, cancelled.
asio::awaitable<Result<std::vector<asio::ip::tcp::endpoint>>> resolve(asio::any_io_executor executor,
                                                                      const std::string& host, std::uint16_t port,
                                                                      const Resolver& resolver);

// A TCP connection to host:port with TCP_NODELAY set, made before `deadline`: the addresses are tried
// as core/connect's HappyEyeballs schedules them (RFC 8305: a next attempt starts `attempt_delay` after the
// previous one unless it failed sooner). A name is looked up in `cache` first (when given) and stored
// there after resolving; when every address fails the entry is forgotten. Errors: resolve_failed,
// connect_failed (every address failed; the detail names them), connect_timeout, cancelled.
asio::awaitable<Result<asio::ip::tcp::socket>> connect_tcp(asio::any_io_executor executor, const std::string& host,
                                                           std::uint16_t port, TimePoint deadline,
                                                           Duration attempt_delay, const Resolver& resolver,
                                                           connect::DnsCache* cache = nullptr);

}  // namespace hipp::async::detail
