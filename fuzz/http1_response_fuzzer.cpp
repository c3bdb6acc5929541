// libFuzzer target for http1::Connection's response side.
//
// Input: byte 0 chooses the request (bit 0: HEAD instead of GET), whether EOF
// follows the bytes (bit 1) and how they are split (bits 2-7); the rest is
// what the server sends. The same bytes are replayed unsplit and split; the
// event logs (adjacent body data coalesced), final error codes and
// reusability must be identical, and an errored machine must never be
// reusable. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/http1/connection.hpp"

namespace {

using namespace hipp;
using namespace hipp::http1;

struct Outcome {
  std::string log;
  bool reusable = false;
};

void append_body(std::string& log, bool& in_body, Bytes data) {
  if (!in_body) log += "data ";
  in_body = true;
  log += as_chars(data);
}

// Returns false once the machine errored.
bool drain(Connection& c, std::string& log, bool& in_body) {
  while (true) {
    auto r = c.next_event();
    if (!r) {
      if (in_body) log += '\n';
      in_body = false;
      log += "error ";
      log += to_string(r.error().code);
      log += '\n';
      if (c.is_reusable()) __builtin_trap();
      return false;
    }
    const Event& e = *r;
    if (std::holds_alternative<NeedData>(e) || std::holds_alternative<Paused>(e)) return true;
    if (const auto* d = std::get_if<BodyData>(&e)) {
      if (d->data.empty()) __builtin_trap();  // the contract: never empty
      append_body(log, in_body, d->data);
      continue;
    }
    if (in_body) log += '\n';
    in_body = false;
    if (const auto* i = std::get_if<InformationalResponse>(&e)) {
      log += "info " + std::to_string(i->status) + " " + i->reason + " " + std::to_string(i->headers.size()) + "\n";
    } else if (const auto* h = std::get_if<ResponseHead>(&e)) {
      log += "head " + std::to_string(h->status) + " " + h->reason + " " + std::to_string(h->headers.size()) + "\n";
    } else if (const auto* end = std::get_if<EndOfMessage>(&e)) {
      log += "end " + std::to_string(end->trailers.size()) + "\n";
    } else if (std::holds_alternative<ConnectionClosed>(e)) {
      log += "closed\n";
      return true;
    }
  }
}

// Small limits, so that inputs of a few hundred bytes reach every bound.
constexpr Limits kLimits{.max_header_bytes = 256, .max_header_count = 8, .max_chunk_extension_bytes = 16,
                         .max_informational = 2};

Outcome run(bool head, bool eof, std::string_view response, const std::vector<std::size_t>& cuts) {
  Connection c(kLimits);
  Outcome out;
  if (!c.send_request(head ? "HEAD" : "GET", "/", Headers{{"Host", "fuzz.example"}})) __builtin_trap();
  c.consume_output(c.pending_output().size());
  bool ok = true;
  bool in_body = false;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : response.size();
    c.receive(as_bytes(response.substr(from, to - from)));
    from = to;
    if (ok) ok = drain(c, out.log, in_body);
  }
  if (eof && ok) {
    c.receive_eof();
    ok = drain(c, out.log, in_body);
  }
  out.reusable = c.is_reusable();
  if (!ok && out.reusable) __builtin_trap();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool head = (data[0] & 1) != 0;
  const bool eof = (data[0] & 2) != 0;
  const std::size_t step = 1 + (data[0] >> 2);
  const std::string_view response(reinterpret_cast<const char*>(data + 1), size - 1);

  // Split points derived from the input: strides of `step`, perturbed by the bytes themselves.
  std::vector<std::size_t> cuts;
  for (std::size_t at = step; at < response.size();) {
    cuts.push_back(at);
    at += 1 + (static_cast<unsigned char>(response[at]) + step) % (2 * step);
  }

  const Outcome whole = run(head, eof, response, {});
  const Outcome split = run(head, eof, response, cuts);
  if (whole.log != split.log || whole.reusable != split.reusable) __builtin_trap();
  return 0;
}
