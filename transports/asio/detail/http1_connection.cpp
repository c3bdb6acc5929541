#include "transports/asio/detail/http1_connection.hpp"

#include <array>

#include "transports/tls/http1_plaintext.hpp"

namespace hipp::async::detail {

namespace {
// Big enough for a typical response in one read, small enough to stay in cache.
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

asio::awaitable<Result<void>> Http1Connection::send(TimePoint deadline) {
  // The output may come in pieces (the machine's buffer, then a body piece it lends: send_body_lent).
  for (Bytes out = machine.pending_output(); !out.empty(); out = machine.pending_output()) {
    auto written = co_await stream->write(out, deadline);
    if (!written) co_return written;
    machine.consume_output(out.size());
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Http1Connection::receive(TimePoint deadline) {
  tls::Engine* tls = stream->tls();
  if (tls == nullptr) {
    auto buffer = machine.prepare_input(kReadSize);
    auto n = co_await stream->read_raw(buffer, deadline, ErrorCode::read_timeout);
    if (!n) {
      machine.commit_input(0);
      co_return Unexpected{std::move(n).error()};
    }
    machine.commit_input(*n);
    if (*n == 0) machine.receive_eof();
    co_return Result<void>{};
  }
  std::array<std::byte, kReadSize> raw{};
  for (;;) {
    auto step = tls::deliver_plaintext(*tls, machine, kReadSize);
    if (!step) co_return Unexpected{std::move(step).error()};
    if (*step == tls::PlaintextStep::delivered) co_return Result<void>{};
    auto n = co_await stream->read_raw(raw, deadline, ErrorCode::read_timeout);
    if (!n) co_return Unexpected{std::move(n).error()};
    auto fed = *n == 0 ? tls->receive_eof() : tls->receive(Bytes(raw.data(), *n));
    if (!fed) co_return fed;
    if (auto ok = co_await stream->write({}, deadline); !ok) co_return ok;  // alerts or post-handshake records
  }
}

}  // namespace hipp::async::detail
