// An in-memory HTTP/2 server for the client's tests: an nghttp2 *server* session in memory mode, and
// Pair, a virtual wire joining it to an http2::Connection (h11's ConnectionPair, quinn's Pair).
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/http2/connection.hpp"

namespace hipp::http2::test {

struct ServerSettings {
  std::uint32_t max_concurrent_streams = 100;
  std::uint32_t initial_window = 65535;  // the server's receive window for request bodies
};

// One request as the server saw it.
struct ReceivedRequest {
  std::vector<std::pair<std::string, std::string>> headers;  // pseudo-headers included, in wire order
  std::vector<std::pair<std::string, std::string>> trailers;
  std::vector<std::string> never_indexed;  // names that arrived as never-indexed literals (RFC 7541 §6.2.3)
  std::string body;
  bool complete = false;
  bool headers_done = false;

  std::string get(std::string_view name) const;
  bool has(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::pair<std::string, std::string>> trailers;
};

class ServerPeer {
 public:
  explicit ServerPeer(ServerSettings settings = {});
  ~ServerPeer();
  ServerPeer(const ServerPeer&) = delete;
  ServerPeer& operator=(const ServerPeer&) = delete;

  // Called when a request is complete (END_STREAM seen); may call respond()/reset()/goaway().
  std::function<void(ServerPeer&, std::int32_t)> on_request;
  // Called when a request head arrives with its body still to come.
  std::function<void(ServerPeer&, std::int32_t)> on_request_head;

  void receive(std::string_view bytes);
  // Everything nghttp2 wants to send now, plus injected raw bytes (in order).
  std::string take_output();
  // Raw bytes to send after what nghttp2 produced so far (hostile frames).
  void inject(std::string bytes);

  void respond(std::int32_t stream, Response response);
  void informational(std::int32_t stream, int status);
  void reset(std::int32_t stream, std::uint32_t code);
  void goaway(std::int32_t last_stream_id, std::uint32_t code = NGHTTP2_NO_ERROR);
  nghttp2_session* session() noexcept { return session_; }

  std::map<std::int32_t, ReceivedRequest> requests;
  int recv_error = 0;  // a negative nghttp2_session_mem_recv result, if any

 private:
  struct Outgoing {
    std::string body;
    std::size_t pos = 0;
    std::vector<std::pair<std::string, std::string>> trailers;
  };
  static int on_header(nghttp2_session*, const nghttp2_frame*, const std::uint8_t*, std::size_t, const std::uint8_t*,
                       std::size_t, std::uint8_t, void*);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t*, std::size_t, void*);
  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t*, std::size_t, std::uint32_t*,
                           nghttp2_data_source*, void*);

  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, Outgoing> outgoing_;
  std::string injected_;
};

// A client and a server joined by a virtual wire. Server-to-client bytes are delivered in pieces of
// `chunk` bytes; after each piece the client's events are drained into `log` (bodies gathered per stream)
// and body bytes are acknowledged unless auto_ack is false.
struct Pair {
  explicit Pair(Settings client_settings = {}, ServerSettings server_settings = {}, std::size_t chunk = 1 << 30);

  // Moves bytes both ways until neither side has anything to send. Returns false on a client error.
  bool drive(int max_rounds = 100000);
  // One round: client -> server, server -> client. Returns whether any byte moved.
  bool step();
  // Drains the client's events.
  void drain();

  Connection client;
  ServerPeer server;
  std::size_t chunk;
  bool auto_ack = true;
  std::vector<std::string> log;             // "head 1 200", "end 1", "reset 3 stream_unprocessed", ...
  std::vector<Event> events;                // every event, BodyData views dropped (bodies below)
  std::map<StreamId, std::string> bodies;   // response bodies gathered
  std::map<StreamId, std::size_t> unacked;  // body bytes not acknowledged (auto_ack false)
  std::optional<Error> error;               // the client's connection error
  bool closed = false;                      // ConnectionClosed seen (logged once; it repeats)
  std::string server_to_client;             // every byte the server sent (transcripts)
};

// Logs an event as one line ("head 1 200 content-type=text/plain", "data 1 5", "end 1 x-t=1", ...).
std::string describe(const Event& event);

}  // namespace hipp::http2::test
