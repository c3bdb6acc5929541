// docs/guide/tls.md: one HTTPS GET by driving the TLS engine over a blocking TcpSocket yourself.
//   tls_engine <host> [port] [path]     e.g. tls_engine example.com 443 /
// Verification uses the system bundle; the response is printed as it arrives.
#include <cstdio>
#include <string>
#include <vector>

#include "transports/blocking/clock.hpp"
#include "transports/blocking/tcp_connect.hpp"
#include "transports/tls/mbedtls_context.hpp"

using namespace hipp;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tls_engine <host> [port] [path]\n");
    return 2;
  }
  const std::string host = argv[1];
  const auto port = static_cast<std::uint16_t>(argc > 2 ? std::stoi(argv[2]) : 443);
  const std::string path = argc > 3 ? argv[3] : "/";
  const TimePoint deadline = blocking::steady_now() + std::chrono::seconds(10);

  tls::ClientConfig config;  // verify = true, the system bundle, ALPN h2 + http/1.1
  config.alpn = {"http/1.1"};
  auto context = tls::make_mbedtls_context(config);
  if (!context) return std::fprintf(stderr, "%s\n", context.error().message().c_str()), 1;
  auto socket = blocking::tcp_connect(host, port, deadline);
  if (!socket) return std::fprintf(stderr, "%s\n", socket.error().message().c_str()), 1;
  auto made = (*context)->connect(host);
  if (!made) return std::fprintf(stderr, "%s\n", made.error().message().c_str()), 1;
  tls::Engine& engine = **made;

  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  bool sent_request = false;
  std::vector<std::byte> buf(16384);
  while (true) {
    // 1. Send whatever the engine has queued (ClientHello, Finished, records, close_notify).
    while (!engine.pending_output().empty()) {
      Bytes out = engine.pending_output();
      if (auto ok = socket->write_all(out, deadline); !ok)
        return std::fprintf(stderr, "%s\n", ok.error().message().c_str()), 1;
      engine.consume_output(out.size());
    }
    // 2. Once open, queue the request; print decrypted bytes.
    if (engine.state() == tls::State::open && !sent_request) {
      (void)engine.write(as_bytes(request));
      sent_request = true;
      continue;
    }
    while (std::size_t n = engine.read(buf)) std::fwrite(buf.data(), 1, n, stdout);
    if (engine.state() == tls::State::closed) return 0;  // close_notify: the response is complete
    if (engine.state() == tls::State::truncated) {
      std::fprintf(stderr, "\nconnection closed without close_notify: the body may be truncated\n");
      return 18;
    }
    // 3. Feed the engine what the socket has.
    auto n = socket->read_some(buf, deadline);
    if (!n) return std::fprintf(stderr, "%s\n", n.error().message().c_str()), 1;
    auto fed = *n == 0 ? engine.receive_eof() : engine.receive(Bytes(buf).first(*n));
    if (!fed)
      return std::fprintf(stderr, "%s\n", fed.error().message().c_str()),
             fed.error().code == ErrorCode::certificate_verify_failed ? 60 : 35;
  }
}
