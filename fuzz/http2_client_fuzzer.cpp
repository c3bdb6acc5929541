// libFuzzer target for http2::Connection: server-to-client bytes into the client session.
//
// The client sends its preface and three requests (one with a body), then the input is what the server
// sends (it must start with the server's SETTINGS to get anywhere; the seeds do). Byte 0 picks the split
// of the rest (bits 0-5) and whether EOF follows (bit 6). Events are drained and body bytes acknowledged
// as a transport would. Checked: an errored machine is never reusable and refuses further calls; every
// stream ends at most once; every BodyData is non-empty and names a stream we opened.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <variant>

#include "core/http2/connection.hpp"

namespace {

using namespace hipp;
using namespace hipp::http2;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = (data[0] & 0x3f) + 1;
  const bool eof = (data[0] & 0x40) != 0;
  Bytes input(reinterpret_cast<const std::byte*>(data + 1), size - 1);

  Settings settings;
  settings.max_header_list_bytes = 4096;
  settings.max_header_count = 16;
  Connection conn(settings);
  std::set<StreamId> opened;
  for (int i = 0; i < 3; ++i) {
    auto id = conn.submit_request("GET", "http", "fuzz.example", "/" + std::to_string(i), {{"accept", "*/*"}}, i == 2);
    check(id.has_value());
    opened.insert(*id);
  }
  const StreamId body_stream = *opened.rbegin();
  check(conn.send_body(body_stream, as_bytes("hello")).has_value());
  check(conn.send_end(body_stream).has_value());
  conn.consume_output(conn.pending_output().size());

  std::set<StreamId> ended;
  bool failed = false;
  auto drain = [&] {
    while (!failed) {
      auto ev = conn.next_event();
      if (!ev) {
        failed = true;
        check(!conn.is_reusable());
        check(!conn.next_event().has_value());
        check(!conn.submit_request("GET", "http", "a", "/", {}, false).has_value());
        return;
      }
      if (std::holds_alternative<NeedData>(*ev) || std::holds_alternative<ConnectionClosed>(*ev)) return;
      if (auto* body = std::get_if<BodyData>(&*ev)) {
        check(!body->data.empty() && opened.count(body->stream) == 1);
        conn.acknowledge(body->stream, body->data.size());
      } else if (auto* end = std::get_if<EndOfStream>(&*ev)) {
        check(ended.insert(end->stream).second);
      } else if (auto* reset = std::get_if<StreamReset>(&*ev)) {
        check(ended.insert(reset->stream).second);
      }
      conn.consume_output(conn.pending_output().size());
    }
  };
  for (std::size_t pos = 0; pos < input.size() && !failed; pos += split) {
    conn.receive(input.subspan(pos, std::min(split, input.size() - pos)));
    drain();
  }
  if (eof && !failed) {
    conn.receive_eof();
    drain();
  }
  return 0;
}
