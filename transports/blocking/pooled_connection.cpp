#include "transports/blocking/pooled_connection.hpp"

#include <algorithm>
#include <array>

#include "transports/blocking/clock.hpp"
#include "transports/tls/http1_plaintext.hpp"

namespace hipp::blocking {

namespace {
// Big enough for a typical response in one recv, small enough to stay in cache.
constexpr std::size_t kReadSize = 16 * 1024;
}  // namespace

Result<void> PooledConnection::send(Bytes plaintext, TimePoint deadline) {
  if (!tls) return socket.write_all(plaintext, deadline);
  if (!plaintext.empty()) {
    if (auto written = tls->write(plaintext); !written) return Unexpected{std::move(written).error()};
  }
  auto records = tls->pending_output();
  if (records.empty()) return {};
  if (auto ok = socket.write_all(records, deadline); !ok) return ok;
  tls->consume_output(records.size());
  return {};
}

Result<void> PooledConnection::receive(TimePoint deadline) {
  if (!tls) {
    auto buffer = machine.prepare_input(kReadSize);
    auto n = socket.read_some(buffer, deadline);
    if (!n) {
      machine.commit_input(0);
      return Unexpected{std::move(n).error()};
    }
    machine.commit_input(*n);
    if (*n == 0) machine.receive_eof();
    return {};
  }
  for (;;) {
    auto step = tls::deliver_plaintext(*tls, machine, kReadSize);
    if (!step) return Unexpected{std::move(step).error()};
    if (*step == tls::PlaintextStep::delivered) return {};
    std::array<std::byte, kReadSize> raw{};
    auto n = socket.read_some(raw, deadline);
    if (!n) return Unexpected{std::move(n).error()};
    auto fed = *n == 0 ? tls->receive_eof() : tls->receive(Bytes(raw.data(), *n));
    if (!fed) return fed;
    if (auto ok = send({}, deadline); !ok) return ok;  // alerts or post-handshake records, if any
  }
}

Result<void> PooledConnection::handshake(TimePoint deadline) {
  for (;;) {
    if (auto ok = send({}, deadline); !ok) return ok;
    while (tls->next_event()) {
    }
    if (tls->state() == tls::State::open) return {};
    if (const Error* error = tls->error()) return Unexpected{*error};
    if (tls->state() != tls::State::handshaking) return fail(ErrorCode::tls_failed, "handshake failure: the session ended");
    std::array<std::byte, kReadSize> raw{};
    auto n = socket.read_some(raw, deadline, ErrorCode::connect_timeout);
    if (!n) return Unexpected{std::move(n).error()};
    auto fed = *n == 0 ? tls->receive_eof() : tls->receive(Bytes(raw.data(), *n));
    if (!fed) return fed;
  }
}

Result<http1::Event> PooledConnection::next_event(const policy::RequestDeadlines& deadlines, TimePoint give_up_at) {
  for (;;) {
    auto event = machine.next_event();
    if (!event || !std::holds_alternative<http1::NeedData>(*event)) return event;
    const TimePoint now = steady_now();
    const TimePoint read_deadline = deadlines.read_deadline(now);
    const bool soft = give_up_at < read_deadline;
    if (auto ok = receive(soft ? give_up_at : read_deadline); !ok) {
      Error error = std::move(ok).error();
      if (error.category == ErrorCategory::timeout) {
        if (soft) return http1::Event{http1::NeedData{}};
        error = deadlines.timeout_error(policy::Phase::read, steady_now());
      }
      machine.send_failed();
      return Unexpected{std::move(error)};
    }
  }
}

}  // namespace hipp::blocking
