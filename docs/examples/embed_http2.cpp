// Driving the HTTP/2 core with bytes only: no socket, no thread, no clock.
// The "server" is a handful of frames written out by hand; in a real embedding, it is your socket.
#include <hipp/hipp.hpp>
#include "core/http2/connection.hpp"

#include <iostream>
#include <string>

namespace {

// A frame: 24-bit length, type, flags, 31-bit stream id, payload (RFC 9113 §4.1).
std::string frame(unsigned type, unsigned flags, unsigned stream, const std::string& payload) {
  std::string f;
  for (int shift : {16, 8, 0}) f += static_cast<char>((payload.size() >> shift) & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0}) f += static_cast<char>((stream >> shift) & 0xff);
  return f + payload;
}

}  // namespace

int main() {
  hipp::http2::Connection conn;  // the preface and our SETTINGS are already pending
  auto stream = conn.submit_request("GET", "https", "example.test", "/hello", hipp::Headers{{"Accept", "*/*"}},
                                    /*has_body=*/false);
  if (!stream) {
    std::cerr << stream.error().message() << '\n';
    return 1;
  }
  std::cout << "client wrote " << conn.pending_output().size() << " bytes for stream " << *stream << '\n';
  conn.consume_output(conn.pending_output().size());

  // The server's SETTINGS, its ACK of ours, a HEADERS frame (":status: 200" is HPACK static entry 8,
  // 0x88) and the body with END_STREAM, delivered in two pieces split inside the DATA frame.
  const std::string wire =
      frame(0x4, 0x0, 0, "") + frame(0x4, 0x1, 0, "") + frame(0x1, 0x4, 1, "\x88") + frame(0x0, 0x1, 1, "hello");
  const std::string pieces[] = {wire.substr(0, wire.size() - 3), wire.substr(wire.size() - 3)};
  std::string body;
  for (const auto& piece : pieces) {
    conn.receive(hipp::as_bytes(piece));
    for (;;) {
      auto event = conn.next_event();
      if (!event) {
        std::cerr << "protocol error: " << event.error().message() << '\n';
        return 1;
      }
      if (std::holds_alternative<hipp::http2::NeedData>(*event)) break;
      if (auto* head = std::get_if<hipp::http2::ResponseHead>(&*event)) {
        std::cout << head->http_version << " " << head->status << " on stream " << head->stream << '\n';
      }
      if (auto* data = std::get_if<hipp::http2::BodyData>(&*event)) {
        body += hipp::as_chars(data->data);
        conn.acknowledge(data->stream, data->data.size());  // reopens the flow-control windows
      }
      if (std::holds_alternative<hipp::http2::EndOfStream>(*event)) {
        std::cout << "body \"" << body << "\", reusable: " << std::boolalpha << conn.is_reusable() << '\n';
        return body == "hello" && conn.is_reusable() ? 0 : 1;
      }
    }
  }
  return 1;
}
