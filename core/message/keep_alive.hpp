// The Keep-Alive response header (RFC 2068 §19.7.1.1, still sent by nginx and Apache).
#pragma once

#include <optional>

#include "core/message/headers.hpp"
#include "core/time.hpp"

namespace hipp {

// The server's idle timeout from "Keep-Alive: timeout=N[, max=M]", if it sent
// a valid one. A pool should not reuse the connection after that long idle.
std::optional<Duration> keep_alive_timeout(const Headers& response_headers);

}  // namespace hipp
