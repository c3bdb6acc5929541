#include "transports/blocking/pooled_connection.hpp"

namespace hipp::blocking {

namespace {
// Big enough for a typical response in one recv, small enough to stay in cache.
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

Result<void> PooledConnection::flush(TimePoint deadline) {
  auto out = machine.pending_output();
  if (out.empty()) return {};
  auto written = socket.write_all(out, deadline);
  if (!written) {
    machine.send_failed();
    return written;
  }
  machine.consume_output(out.size());
  return {};
}

Result<http1::Event> PooledConnection::next_event(TimePoint deadline, ErrorCode timeout_code) {
  for (;;) {
    auto event = machine.next_event();
    if (!event || !std::holds_alternative<http1::NeedData>(*event)) return event;
    auto buffer = machine.prepare_input(kReadSize);
    auto n = socket.read_some(buffer, deadline, timeout_code);
    if (!n) {
      machine.commit_input(0);
      machine.send_failed();
      return Unexpected{std::move(n).error()};
    }
    machine.commit_input(*n);
    if (*n == 0) machine.receive_eof();
  }
}

}  // namespace hipp::blocking
