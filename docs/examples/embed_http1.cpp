// Driving the HTTP/1.1 core with bytes only: no socket, no thread, no clock.
// The "server" here is a string; in a real embedding, it is your event loop's socket.
#include <hipp/hipp.hpp>
#include "core/http1/connection.hpp"

#include <iostream>
#include <string>

int main() {
  hipp::http1::Connection conn;
  if (auto sent = conn.send_request("GET", "/hello", hipp::Headers{{"Host", "example.test"}}); !sent) {
    std::cerr << sent.error().message() << '\n';
    return 1;
  }
  if (auto ended = conn.send_end(); !ended) return 1;
  std::cout << "client wrote:\n" << hipp::as_chars(conn.pending_output());
  conn.consume_output(conn.pending_output().size());

  // The server's answer arrives in two pieces, split mid-chunk.
  const std::string pieces[] = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                                "lo\r\n0\r\n\r\n"};
  std::string body;
  for (const auto& piece : pieces) {
    conn.receive(hipp::as_bytes(piece));
    for (;;) {
      auto event = conn.next_event();
      if (!event) {
        std::cerr << "protocol error: " << event.error().message() << '\n';
        return 1;
      }
      if (std::holds_alternative<hipp::http1::NeedData>(*event)) break;
      if (auto* head = std::get_if<hipp::http1::ResponseHead>(&*event)) std::cout << "status " << head->status << '\n';
      if (auto* data = std::get_if<hipp::http1::BodyData>(&*event)) body += hipp::as_chars(data->data);
      if (std::holds_alternative<hipp::http1::EndOfMessage>(*event)) {
        std::cout << "body \"" << body << "\", reusable: " << std::boolalpha << conn.is_reusable() << '\n';
        return body == "hello" && conn.is_reusable() ? 0 : 1;
      }
    }
  }
  return 1;
}
