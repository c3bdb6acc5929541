// The two sides' state machines of http1::Connection, as data (h11's _state.py model).
//
// Each side moves only along a row of its table; an input with no row for
// the current state is a protocol or usage error, and the caller moves the
// side to `error`. The tables are the whole truth about ordering: the
// connection code asks them and never hand-codes a transition.
#pragma once

#include <optional>

#include "core/http1/connection.hpp"

namespace hipp::http1 {

// What our side (the client) does.
enum class OurInput {
  request_with_body,     // a head whose framing announces a body (Content-Length > 0 or chunked)
  request_without_body,  // a head with no body
  body,                  // body bytes
  end,                   // end of the body
  failed,                // send_failed() or a rejected command
};

// What their side (the server) does, as parsed from the wire.
enum class TheirInput {
  request_sent,   // we sent a head: a response is now expected
  informational,  // a complete 1xx response
  head,           // the head of the final response
  body,           // body bytes
  end,            // end of the final response
  eof,            // the peer closed cleanly
  failed,         // any protocol error
};

// The state after `input`, or nullopt when the table has no such row.
std::optional<OurState> next_state(OurState from, OurInput input) noexcept;
std::optional<TheirState> next_state(TheirState from, TheirInput input) noexcept;

}  // namespace hipp::http1
