// Test driver for http1::Connection: feeds bytes in pieces and writes the
// events as log lines ("head 200 OK", "data hello", "end", "error
// invalid_chunk"), with adjacent body data coalesced so that logs of the
// same input split differently compare equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/http1/connection.hpp"

namespace hipp::http1::testing {

struct Log {
  std::vector<std::string> lines;
  bool reusable = false;

  void add(std::string line) {
    if (line.rfind("data ", 0) == 0 && !lines.empty() && lines.back().rfind("data ", 0) == 0) {
      lines.back() += line.substr(5);
    } else {
      lines.push_back(std::move(line));
    }
  }
  bool errored() const { return !lines.empty() && lines.back().rfind("error ", 0) == 0; }
};

inline std::string fields_text(const Headers& h) {
  std::string out;
  for (const auto& f : h) out.append(" ").append(f.name).append("=").append(f.value);
  return out;
}

// Drains events until NeedData, Paused, ConnectionClosed or an error. Returns false once errored.
inline bool drain(Connection& c, Log& log) {
  while (true) {
    auto r = c.next_event();
    if (!r) {
      log.add("error " + std::string(to_string(r.error().code)));
      return false;
    }
    Event& e = *r;
    if (std::holds_alternative<NeedData>(e) || std::holds_alternative<Paused>(e)) return true;
    if (auto* i = std::get_if<InformationalResponse>(&e)) {
      log.add("info " + std::to_string(i->status) + " " + i->reason + fields_text(i->headers));
    } else if (auto* h = std::get_if<ResponseHead>(&e)) {
      log.add("head " + std::to_string(h->status) + " " + h->reason);
    } else if (auto* d = std::get_if<BodyData>(&e)) {
      if (d->data.empty()) log.add("EMPTY BODY DATA");
      log.add("data " + to_string(d->data));
    } else if (auto* end = std::get_if<EndOfMessage>(&e)) {
      log.add("end" + fields_text(end->trailers));
    } else if (std::holds_alternative<ConnectionClosed>(e)) {
      log.add("closed");
      return true;
    }
  }
}

// Sends a bodiless request with `method`, then feeds `pieces` and, if `eof`, EOF.
inline Log replay(std::string_view method, const std::vector<std::string_view>& pieces, bool eof,
                  Limits limits = {}) {
  Connection c(limits);
  Log log;
  auto sent = c.send_request(method, "/", Headers{{"Host", "example.com"}});
  if (!sent) {
    log.add("send error");
    return log;
  }
  c.consume_output(c.pending_output().size());
  bool ok = true;
  for (auto piece : pieces) {
    c.receive(as_bytes(piece));
    if (ok) ok = drain(c, log);
  }
  if (eof && ok) {
    c.receive_eof();
    ok = drain(c, log);
  }
  log.reusable = c.is_reusable();
  if (!ok && c.is_reusable()) log.add("REUSABLE AFTER ERROR");
  return log;
}

// The input split into pieces of `size` bytes (the last one shorter).
inline std::vector<std::string_view> pieces_of(std::string_view s, std::size_t size) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size(); i += size) out.push_back(s.substr(i, size));
  return out;
}

inline std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace hipp::http1::testing
