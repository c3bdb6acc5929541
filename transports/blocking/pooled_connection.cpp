#include "transports/blocking/pooled_connection.hpp"

#include "transports/blocking/clock.hpp"

namespace hipp::blocking {

namespace {
// Big enough for a typical response in one recv, small enough to stay in cache.
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

Result<void> PooledConnection::flush(const policy::RequestDeadlines& deadlines) {
  auto out = machine.pending_output();
  if (out.empty()) return {};
  auto written = socket.write_all(out, deadlines.write_deadline(steady_now()));
  if (!written) {
    machine.send_failed();
    Error error = std::move(written).error();
    if (error.category == ErrorCategory::timeout) error = deadlines.timeout_error(policy::Phase::write, steady_now());
    return Unexpected{std::move(error)};
  }
  machine.consume_output(out.size());
  return {};
}

Result<http1::Event> PooledConnection::next_event(const policy::RequestDeadlines& deadlines, TimePoint give_up_at) {
  for (;;) {
    auto event = machine.next_event();
    if (!event || !std::holds_alternative<http1::NeedData>(*event)) return event;
    const TimePoint now = steady_now();
    const TimePoint read_deadline = deadlines.read_deadline(now);
    const bool soft = give_up_at < read_deadline;
    auto buffer = machine.prepare_input(kReadSize);
    auto n = socket.read_some(buffer, soft ? give_up_at : read_deadline);
    if (!n) {
      machine.commit_input(0);
      Error error = std::move(n).error();
      if (error.category == ErrorCategory::timeout) {
        if (soft) return http1::Event{http1::NeedData{}};
        error = deadlines.timeout_error(policy::Phase::read, steady_now());
      }
      machine.send_failed();
      return Unexpected{std::move(error)};
    }
    machine.commit_input(*n);
    if (*n == 0) machine.receive_eof();
  }
}

}  // namespace hipp::blocking
