// What an exchange asks its transport to do next (Exchange::next_action()).
//
// Actions are imperatives; the transport carries one out and reports back with the matching Exchange::on_*
// call (each with the `now` at which it happened), except ReleaseConnection, which it carries out at once
// before asking for the next action. Every wait is bounded by the deadline the action names: the transport
// arms one timer with it and reports a timeout as an Error of category `timeout` through
// on_io_failed()/on_connect_failed(); the exchange decides which limit that was (Exchange::decisions()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "core/errors.hpp"
#include "core/pool/pool_key.hpp"
#include "core/time.hpp"

namespace hipp::exchange {

// Get a connection for `key`: an idle pooled one, a stream of a shared HTTP/2 one, or a new one to
// host:port. Waiting for a pool slot ends at pool_deadline, connecting at connect_deadline. Answer:
// on_connected() with a Channel over it (Http1Channel, Http2Channel), or on_connect_failed().
struct OpenConnection {
  pool::PoolKey key;
  std::string host;  // for the resolver: no IPv6 brackets
  std::uint16_t port = 0;
  TimePoint pool_deadline = TimePoint::never();
  TimePoint connect_deadline = TimePoint::never();
};

// Write everything the machine holds in pending_output() (consume_output() as it goes), each write making
// progress before `deadline`. Answer: on_sent(), or on_io_failed().
struct Send {
  TimePoint deadline = TimePoint::never();
};

// Produce the next piece of the streamed request body, at most max_bytes. `rewind`: start the source again
// from its first byte first (a retry or a 307/308 resends the body). Answer: on_body_chunk() or
// on_body_end(), or on_io_failed() with body_source_failed. The piece given to on_body_chunk() must stay
// valid until the Send that follows has been carried out (it may be written in place, not copied).
struct PullBody {
  bool rewind = false;
  std::size_t max_bytes = 0;
};

// Read once from the connection into the machine (receive(), or prepare_input()/commit_input(); on EOF
// receive_eof()), waiting until `deadline` at most. Answer: on_received(), or on_io_failed().
struct Receive {
  TimePoint deadline = TimePoint::never();
};

// Give the current connection back. `reusable`: its response was read to the end, so the pool may keep it
// if the machine agrees (http1::Connection::is_reusable(), then start_next_cycle()); false: the exchange
// abandoned it mid-message or it failed, and it must be closed. No answer: ask for the next action.
struct ReleaseConnection {
  bool reusable = false;
};

// Nothing to do until `at` (backoff, Retry-After). Answer: on_timer().
struct WaitUntil {
  TimePoint at;
};

// The final response head is ready: Exchange::take_response(). The connection now carries its body and
// stays with the transport, which reads the body with Exchange::deadlines() and releases it at the end.
struct Deliver {};

// The request failed for good with `error`. The transport closes the current connection, if any.
struct Fail {
  Error error;
};

using Action = std::variant<OpenConnection, Send, PullBody, Receive, ReleaseConnection, WaitUntil, Deliver, Fail>;

}  // namespace hipp::exchange
