#include "transports/blocking/resolve.hpp"

#include <memory>
#include <netdb.h>
#include <sys/socket.h>

#include "transports/blocking/socket_address.hpp"

namespace hipp::blocking {

Result<std::vector<connect::Address>> resolve(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    // AI_ADDRCONFIG hides loopback-only families on machines without other
    // interfaces; retry without it before giving up.
    hints.ai_flags = 0;
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  }
  if (rc != 0) {
    return fail(ErrorCode::resolve_failed, "could not resolve '" + host + "': " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(raw, ::freeaddrinfo);
  std::vector<connect::Address> addresses;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    if (auto address = address_of(ai->ai_addr, ai->ai_addrlen)) addresses.push_back(std::move(*address));
  }
  return addresses;
}

Result<std::vector<connect::Address>> resolve(const std::string& host, std::uint16_t port, SharedDnsCache* cache,
                                              TimePoint now) {
  if (cache == nullptr) return resolve(host, port);
  if (auto cached = cache->lookup(host, port, now)) return std::move(*cached);
  auto resolved = resolve(host, port);
  if (resolved) cache->store(host, port, *resolved, now);
  return resolved;
}

}  // namespace hipp::blocking
