#pragma once
// An mbedTLS server session in memory mode, the peer of the client engine in tests without sockets.
// Test code only: it checks nothing about the client and does not verify client certificates.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace hipp::test {

// What the server is willing to negotiate, to prove the client refuses weak offers.
struct MemoryServerLimits {
  std::vector<int> suites;    // mbedTLS suite ids, empty: mbedTLS's defaults
  bool tls_1_1_only = false;  // offer at most TLS 1.1 (mbedTLS 2.x only)
};

class MemoryServer {
 public:
  using Limits = MemoryServerLimits;
  // Throws std::runtime_error when the certificate or key cannot be loaded.
  MemoryServer(const std::filesystem::path& cert, const std::filesystem::path& key, Limits limits = {});
  ~MemoryServer();
  MemoryServer(const MemoryServer&) = delete;
  MemoryServer& operator=(const MemoryServer&) = delete;

  // Bytes from the client; advances the handshake and decrypts into received(). Returns the mbedTLS
  // result of the last step (0 or WANT_READ when fine).
  int receive(Bytes data);
  // Encrypted bytes for the client (taken: the buffer is emptied).
  std::vector<std::byte> take_output();
  void write(std::string_view plaintext);
  void close_notify();

  [[nodiscard]] bool handshake_done() const noexcept { return handshake_done_; }
  [[nodiscard]] bool peer_closed() const noexcept { return peer_closed_; }
  [[nodiscard]] const std::string& received() const noexcept { return received_; }
  // The SNI the client sent, empty when none.
  [[nodiscard]] const std::string& server_name() const noexcept { return server_name_; }
  [[nodiscard]] bool got_server_name() const noexcept { return got_server_name_; }

 private:
  struct State;
  int advance();
  State* state_;
  std::vector<int> suites_;  // zero-terminated copy for mbedTLS
  bool handshake_done_ = false;
  bool peer_closed_ = false;
  std::string received_;
  std::string server_name_;
  bool got_server_name_ = false;
};

}  // namespace hipp::test
