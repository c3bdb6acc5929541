// libFuzzer target for transports/tls: a client engine, its ClientHello sent, fed arbitrary "server"
// records mid-handshake (and, if it ever gets there, after it).
//
// Input: byte 0 holds flags (bit 0: wrap every chunk in a TLS handshake record header, so the fuzzer
// reaches mbedTLS's handshake parsers sooner; bit 1: end with a transport EOF). The rest is a sequence
// of chunks, each a 1-byte length followed by that many bytes (the last chunk takes what is left).
//
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - no call crashes, leaks or reads out of bounds (ASan/UBSan);
//  - a failure moves the engine to State::failed with an error in the tls category (or invalid_state
//    for misuse), and every later input returns that same error;
//  - State::open is never reached: random bytes cannot carry a server's signature over our random.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "transports/tls/mbedtls_context.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

const hipp::tls::ClientContext& context() {
  static const std::shared_ptr<const hipp::tls::ClientContext> shared = [] {
    hipp::tls::ClientConfig config;
    auto made = hipp::tls::make_mbedtls_context(config);
    if (!made) {  // no system bundle here: fuzz the unverified configuration instead
      config.verify = false;
      made = hipp::tls::make_mbedtls_context(config);
    }
    require(static_cast<bool>(made));
    return *made;
  }();
  return *shared;
}

void check_failure(const hipp::tls::Engine& engine, const hipp::Error& error) {
  require(engine.state() == hipp::tls::State::failed);
  require(error.category == hipp::ErrorCategory::tls);
  require(engine.error() != nullptr && engine.error()->detail == error.detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hipp;
  if (size == 0) return 0;
  const bool wrap = (data[0] & 1) != 0;
  const bool eof = (data[0] & 2) != 0;
  std::size_t at = 1;

  auto made = context().connect("fuzz.example");
  require(static_cast<bool>(made));
  tls::Engine& engine = **made;
  require(!engine.pending_output().empty());  // the ClientHello
  engine.consume_output(engine.pending_output().size());

  std::vector<std::byte> chunk;
  while (at < size) {
    std::size_t len = data[at++];
    if (len > size - at) len = size - at;
    chunk.clear();
    if (wrap) {
      const std::byte header[] = {std::byte{0x16}, std::byte{0x03}, std::byte{0x03}, static_cast<std::byte>(len >> 8),
                                  static_cast<std::byte>(len & 0xff)};
      chunk.insert(chunk.end(), std::begin(header), std::end(header));
    }
    const auto* bytes = reinterpret_cast<const std::byte*>(data + at);
    chunk.insert(chunk.end(), bytes, bytes + len);
    at += len;

    const bool was_failed = engine.state() == tls::State::failed;
    const std::string before = was_failed ? engine.error()->detail : std::string();
    auto received = engine.receive(chunk);
    if (!received) {
      check_failure(engine, received.error());
      if (was_failed) require(received.error().detail == before);
    }
    require(engine.state() != tls::State::open);
    engine.consume_output(engine.pending_output().size());
    std::byte plain[256];
    require(engine.read(plain) == 0);
    if (engine.state() == tls::State::handshaking) {
      auto written = engine.write(as_bytes("GET / HTTP/1.1\r\n\r\n"));
      require(!written && written.error().code == ErrorCode::invalid_state);
    }
  }
  if (eof) {
    auto ended = engine.receive_eof();
    if (!ended) check_failure(engine, ended.error());
  }
  while (engine.next_event()) {
  }
  return 0;
}
