#include "tests/tls/tls_pump.hpp"

#include <vector>

#include "transports/blocking/clock.hpp"
#include "transports/blocking/tcp_connect.hpp"

namespace hipp::test {

namespace {
TimePoint deadline() { return blocking::steady_now() + std::chrono::seconds(10); }
}  // namespace

Result<TlsPump> TlsPump::open(const tls::ClientContext& context, const std::string& connect_host, std::uint16_t port,
                              std::string_view tls_host, const std::optional<tls::SessionKey>& session) {
  auto socket = blocking::tcp_connect(connect_host, port, deadline());
  if (!socket) return Unexpected{socket.error()};
  auto engine = session ? context.connect(tls_host, *session) : context.connect(tls_host);
  if (!engine) return Unexpected{engine.error()};
  TlsPump pump;
  pump.socket_ = std::move(*socket);
  pump.engine_ = std::move(*engine);
  return pump;
}

Result<void> TlsPump::flush() {
  while (!engine_->pending_output().empty()) {
    Bytes out = engine_->pending_output();
    if (auto sent = socket_.write_all(out, deadline()); !sent) return sent;
    engine_->consume_output(out.size());
  }
  return {};
}

Result<void> TlsPump::pull() {
  std::vector<std::byte> buf(read_size);
  auto n = socket_.read_some(buf, deadline());
  if (!n) return Unexpected{n.error()};
  if (*n == 0) return engine_->receive_eof();
  return engine_->receive(Bytes(buf).first(*n));
}

Result<void> TlsPump::handshake() {
  while (engine_->state() == tls::State::handshaking) {
    if (auto sent = flush(); !sent) return sent;
    if (auto got = pull(); !got) return got;
  }
  if (const Error* error = engine_->error()) return Unexpected{*error};
  return flush();  // the client's Finished, or its alert
}

Result<std::string> TlsPump::exchange(std::string_view request) {
  if (auto done = handshake(); !done) return Unexpected{done.error()};
  if (auto written = engine_->write(as_bytes(request)); !written) return Unexpected{written.error()};
  if (auto sent = flush(); !sent) return Unexpected{sent.error()};
  std::string response;
  std::vector<std::byte> plain(4096);
  while (true) {
    while (std::size_t n = engine_->read(plain)) response += as_chars(Bytes(plain).first(n));
    if (engine_->state() != tls::State::open) break;
    if (auto got = pull(); !got) return Unexpected{got.error()};
  }
  return response;
}

Result<std::string> TlsPump::get(std::string_view path) {
  return exchange("GET " + std::string(path) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

}  // namespace hipp::test
