#pragma once
// A tiny raw-socket HTTP/1.1 client for testing the fixtures themselves (and for tests that need exact
// bytes on the wire). Independent of hipp on purpose. Every call is bounded by a timeout.

#include "loopback.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hipp::test {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and fields, including the final "\r\n\r\n"
  std::string body;  // de-chunked when the response was chunked
  bool chunked = false;

  // First field named `name` (case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// "GET <path> HTTP/1.1" with Host: 127.0.0.1:<port>, then `extra_fields` (each line ending in "\r\n").
[[nodiscard]] std::string get_request(std::string_view path, std::uint16_t port, std::string_view extra_fields = {});

class RawConnection {
 public:
  static constexpr std::chrono::seconds default_timeout{10};

  // Connects to 127.0.0.1 (or [::1]). Throws std::runtime_error when that fails within `timeout`.
  explicit RawConnection(std::uint16_t port, bool ipv6 = false, std::chrono::milliseconds timeout = default_timeout);

  // Sends all bytes. Throws std::runtime_error on error or timeout.
  void send(std::string_view bytes, std::chrono::milliseconds timeout = default_timeout);

  // Reads exactly one response (an interim 1xx response is returned as a response of its own). A body
  // without length fields is read until the peer closes. `head_request`: the response has no body.
  // Bytes after the response stay buffered for the next call. Throws std::runtime_error on timeout,
  // on a close before the response is complete, or on malformed framing.
  RawResponse read_response(bool head_request = false, std::chrono::milliseconds timeout = default_timeout);

  // Everything (buffered bytes included) until the peer closes or `max_bytes` arrived. Throws on
  // timeout.
  std::string read_until_close(std::size_t max_bytes = 64 * 1024 * 1024,
                               std::chrono::milliseconds timeout = default_timeout);

  // True when the peer closes (EOF or reset) within `timeout` with no further data arriving first.
  [[nodiscard]] bool closed_by_peer(std::chrono::milliseconds timeout = default_timeout);

 private:
  Fd fd_;
  std::string buffer_;
};

// One request on a fresh connection: GET `path` with "Connection: close"; returns the response.
[[nodiscard]] RawResponse raw_get(std::uint16_t port, std::string_view path, bool ipv6 = false);

}  // namespace hipp::test
