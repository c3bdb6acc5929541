// Address: one resolved address to connect to, as a value (no socket, no sockaddr).
//
// A transport turns what its resolver returned into Addresses (the blocking transport: the system resolver's
// list, printed as numeric hosts), hands them to connect::HappyEyeballs, and turns the one it is told to try back
// into a socket address. Keeping the IP as numeric text keeps the core free of socket headers and makes
// addresses easy to log, compare and write in tests.
#pragma once

#include <cstdint>
#include <string>

namespace hipp::connect {

enum class AddressFamily { v4, v6 };

struct Address {
  // Numeric text without brackets: "192.0.2.1", "2001:db8::1", or with a zone, "fe80::1%eth0".
  std::string ip{};
  AddressFamily family = AddressFamily::v4;
  std::uint16_t port = 0;

  // "192.0.2.1:80" or "[2001:db8::1]:80", as in error messages and curl's -v.
  std::string to_string() const {
    const std::string p = std::to_string(port);
    return family == AddressFamily::v6 ? "[" + ip + "]:" + p : ip + ":" + p;
  }

  friend bool operator==(const Address&, const Address&) = default;
};

}  // namespace hipp::connect
