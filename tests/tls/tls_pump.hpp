#pragma once
// A small blocking driver for a tls::Engine over a TcpSocket: what a transport does, minus pooling.
// Reads in small pieces (read_size) so records arrive split.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "transports/blocking/tcp_socket.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::test {

class TlsPump {
 public:
  // Connects to connect_host:port and starts a session to tls_host (SNI and verification). With `session`,
  // the context offers and saves sessions under (tls_host, session).
  static Result<TlsPump> open(const tls::ClientContext& context, const std::string& connect_host, std::uint16_t port,
                              std::string_view tls_host, const std::optional<tls::SessionKey>& session = std::nullopt);

  // Drives the handshake to State::open (or the error).
  Result<void> handshake();
  // Sends `request` and reads plaintext until the peer closes (close_notify or EOF); returns it.
  Result<std::string> exchange(std::string_view request);
  // GET <path> HTTP/1.1 with Connection: close; returns the raw response.
  Result<std::string> get(std::string_view path);

  tls::Engine& engine() { return *engine_; }

  std::size_t read_size = 700;

 private:
  Result<void> flush();
  Result<void> pull();  // one socket read into the engine

  blocking::TcpSocket socket_;
  std::unique_ptr<tls::Engine> engine_;
};

}  // namespace hipp::test
