#include "transports/blocking/socket_address.hpp"

#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <string>

namespace hipp::blocking {

Result<SocketAddress> socket_address(const connect::Address& address) {
  // getaddrinfo with AI_NUMERICHOST parses both families and IPv6 zones (by name or number) and never
  // asks a resolver.
  addrinfo hints{};
  hints.ai_family = address.family == connect::AddressFamily::v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(address.port);
  if (::getaddrinfo(address.ip.c_str(), service.c_str(), &hints, &raw) != 0 || raw == nullptr) {
    return fail(ErrorCode::connect_failed, "not a numeric address: '" + address.ip + "'");
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(raw, ::freeaddrinfo);
  SocketAddress out;
  if (raw->ai_addrlen > sizeof out.storage) {
    return fail(ErrorCode::connect_failed, "not a numeric address: '" + address.ip + "'");
  }
  std::memcpy(&out.storage, raw->ai_addr, raw->ai_addrlen);
  out.length = raw->ai_addrlen;
  return out;
}

std::optional<connect::Address> address_of(const sockaddr* address, socklen_t length) {
  connect::Address out;
  // Copied out rather than cast: a sockaddr* need not be aligned for the larger sockaddr_in*.
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    out.family = connect::AddressFamily::v4;
    out.port = ntohs(in.sin_port);
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    out.family = connect::AddressFamily::v6;
    out.port = ntohs(in6.sin6_port);
  } else {
    return std::nullopt;
  }
  char host[NI_MAXHOST] = {};
  if (::getnameinfo(address, length, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return std::nullopt;
  out.ip = host;
  return out;
}

}  // namespace hipp::blocking
