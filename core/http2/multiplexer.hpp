// http2::Multiplexer — one HTTP/2 connection shared by many requests, each reading only its own stream.
//
// Theory of operation
// -------------------
// http2::Connection reports the events of every stream in the order they arrived. A request (an
// exchange, a streaming response) wants the events of its stream only, while the others go on. The
// multiplexer pulls events from the connection and hands each caller those of the stream it asks
// for; the events of other streams are kept (their body bytes copied, since the connection only
// lends them) until their owner asks:
//
//   Multiplexer mux;                              // the connection's preface is pending already
//   auto id = mux.open("GET", "https", "example.com", "/", headers, false);
//   write(mux.connection().pending_output()); mux.connection().consume_output(n);
//   mux.connection().receive(bytes) / receive_eof()
//   while (event = mux.next_event(id)) is not NeedData: handle it   // only stream `id`'s events
//   mux.close(id);                               // once done, or to cancel
//
// Flow control: the bytes of a BodyData are acknowledged (credited to the windows, RFC 9113 §5.2) when
// its stream's next event is asked for, or when the stream is closed; bytes queued for a stream whose
// owner never reads are credited when it is closed. An owner that stops reading therefore stalls its
// own stream and, past the connection window, the connection: that is the back-pressure.
//
// Claims: a transport that shares the connection picks it for a request before the request opens its
// stream (the exchange opens it once it runs). try_claim() reserves a stream for it meanwhile, so that
// requests picking the connection at the same time do not overshoot the peer's MAX_CONCURRENT_STREAMS
// (RFC 9113 §5.1.2: a stream beyond it would be refused) and a connection with a request on its way is not
// taken for idle; unclaim() ends the reservation once the stream is open, or will not be. The multiplexer
// only counts claims: open() neither needs nor ends one.
//
// Errors: a connection error (next_event() of the connection failing) ends every stream: each
// next_event() call returns it from then on. A stream's own end without a response is its StreamReset
// event; GOAWAY is recorded (goaway_received()) and its unprocessed streams get their StreamReset.
//
// Lifetimes: a BodyData view stays valid until the next non-const call on the multiplexer.
// Thread safety: none. A transport that shares one connection between threads serialises every call.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/http2/connection.hpp"

namespace hipp::http2 {

class Multiplexer {
 public:
  explicit Multiplexer(Settings settings = {});

  // The connection, for moving bytes (pending_output/consume_output, receive/receive_eof) and queries.
  Connection& connection() noexcept { return connection_; }
  const Connection& connection() const noexcept { return connection_; }

  // Opens a stream: http2::Connection::submit_request, with the same errors.
  Result<StreamId> open(std::string_view method, std::string_view scheme, std::string_view authority,
                        std::string_view path, const Headers& headers, bool has_body);

  // The next event of `stream`: InformationalResponse, ResponseHead, BodyData, EndOfStream, StreamReset,
  // or NeedData when more input is needed first, ConnectionClosed when the connection ended. Events of
  // other streams met on the way are kept for them. After its EndOfStream/StreamReset a stream has no
  // more events: NeedData is never returned for it again, invalid_state is.
  // Errors: the connection's error (see the header comment); invalid_state for a stream not open here.
  Result<Event> next_event(StreamId stream);

  // Processes all buffered input, keeping every event for its stream. Lets a transport take in
  // WINDOW_UPDATE and SETTINGS frames while it has no reader (a large upload). Errors: the connection's.
  Result<void> pump();

  // Forgets a stream: cancels it (RST_STREAM CANCEL) if it has not ended, drops its kept events and
  // credits their unread bytes. Unknown streams are ignored.
  void close(StreamId stream) noexcept;

  // Reserves one stream for a request about to open it (see Claims in the header comment). False, with
  // nothing reserved, when no new stream may be opened here (!is_reusable()) or when every stream the peer
  // allows now is open or claimed (connection().available_streams() <= claimed_streams()).
  bool try_claim() noexcept;
  // Ends one claim. Without a claim to end it does nothing.
  void unclaim() noexcept;
  std::size_t claimed_streams() const noexcept { return claimed_; }

  // Whether `stream` has kept events waiting, or has ended.
  bool has_events(StreamId stream) const noexcept;
  // Streams opened and not yet closed.
  std::size_t active_streams() const noexcept { return streams_.size(); }
  // No stream open and none claimed: no request has, or is about to have, a stream here.
  bool is_idle() const noexcept { return streams_.empty() && claimed_ == 0; }
  // Whether new streams may be opened on this connection (it may still be full for now:
  // connection().available_streams()).
  bool is_reusable() const noexcept { return !error_ && !closed_ && connection_.is_reusable(); }
  bool goaway_received() const noexcept { return connection_.goaway_received(); }
  // The connection error every stream now gets, or null.
  const Error* error() const noexcept { return error_ ? &*error_ : nullptr; }

 private:
  struct Kept {
    Event event;
    std::string data;  // a BodyData's bytes (the event's view points here once handed out)
  };
  struct Stream {
    std::deque<Kept> kept;
    std::optional<Kept> current;  // the kept BodyData handed out last (its bytes must outlive the call)
    std::size_t unacknowledged = 0;
    bool ended = false;           // its EndOfStream/StreamReset was handed out or is kept
  };

  // Keeps one event for the stream it belongs to (events of streams no longer open are dropped, their
  // body bytes credited at once).
  void keep(Event&& event);
  void acknowledge_handed_out(StreamId id, Stream& s) noexcept;
  static StreamId stream_of(const Event& event) noexcept;

  Connection connection_;
  std::map<StreamId, Stream> streams_;
  std::optional<Error> error_;
  bool closed_ = false;  // ConnectionClosed was seen
  std::size_t claimed_ = 0;  // streams reserved by try_claim() and not yet unclaim()ed
};

}  // namespace hipp::http2
