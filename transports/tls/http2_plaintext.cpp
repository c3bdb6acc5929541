#include "transports/tls/http2_plaintext.hpp"

#include <array>

namespace hipp::tls {

Result<void> feed_http2(Engine* session, http2::Connection& machine, Bytes raw, bool eof) {
  if (session == nullptr) {
    if (eof) {
      machine.receive_eof();
    } else {
      machine.receive(raw);
    }
    return {};
  }
  auto fed = eof ? session->receive_eof() : session->receive(raw);
  if (!fed) return fed;
  std::array<std::byte, 16 * 1024> plain{};
  while (session->plaintext_available() > 0) {
    const std::size_t got = session->read(plain);
    machine.receive(Bytes(plain.data(), got));
  }
  if (session->state() == State::closed || session->state() == State::truncated) machine.receive_eof();
  return {};
}

}  // namespace hipp::tls
