// RecordedRequest — one request as the mock server received it: the exact wire bytes, and what they say.
#pragma once

#include <cstddef>
#include <string>

#include "core/message/headers.hpp"
#include "core/time.hpp"

namespace hipp::mock {

struct RecordedRequest {
  std::string method;
  std::string url;        // absolute, rebuilt from the connection's origin and the request target
  std::string target;     // the request line's target, as sent
  Headers headers;        // as sent, in order and spelling
  std::string body;       // de-chunked
  std::string wire;       // every byte the client wrote for this request: head, framing, body
  std::size_t connection = 0;  // which mock connection carried it (1, 2, ...): reuse is visible here
  TimePoint at;           // virtual time the request was complete
};

}  // namespace hipp::mock
