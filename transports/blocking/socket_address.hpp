// Between core/connect's Address (numeric text) and the sockaddr the socket API takes.
#pragma once

#include <optional>
#include <sys/socket.h>

#include "core/connect/address.hpp"
#include "core/result.hpp"

namespace hipp::blocking {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const noexcept { return storage.ss_family; }
};

// The socket address of `address`, parsed as a numeric address of its family (a zone such as "%eth0" or
// "%2" included); no name is looked up. Errors: connect_failed when the text is not such an address.
Result<SocketAddress> socket_address(const connect::Address& address);

// The Address of an AF_INET or AF_INET6 socket address (IPv6 zones kept); nullopt for any other family.
std::optional<connect::Address> address_of(const sockaddr* address, socklen_t length);

}  // namespace hipp::blocking
