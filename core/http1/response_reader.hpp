// Response parsing for http1::Connection: our own head parser and
// Content-Length/close-delimited framing, llhttp 8.1 for chunked bodies.
//
// A framing scanner checks every byte that is not body data (status line,
// fields, chunk-size lines, trailers) in order: every line ends in CRLF, no
// obs-fold, heads within max_header_bytes, chunk extensions within
// max_chunk_extension_bytes. A head is then parsed in one pass by parse_head()
// (parsed_head.hpp) once all of it has arrived; the connection buffers it, so
// nothing is consumed before that. The verdict is therefore the same however
// the input is split: the scanner's earliest framing error inside the head,
// or else parse_head()'s. When a whole head comes in the first read, as it
// nearly always does, parse_buffered_head() checks the framing and parses in
// one pass instead; it accepts only what that careful path accepts, with the
// same result, and leaves every other case (an incomplete or broken head) to it.
//
// Chunked bodies go to llhttp, started on a fixed "chunked" head, in its
// default (non-lenient) configuration; no llhttp_set_lenient_* is ever called.
// The Debian build is compiled without LLHTTP_STRICT_MODE, so it still accepts
// any two bytes after chunk data and unbounded trailers: the scanner and the
// CRLF check in parse() cover those. Its callbacks record an event and return
// HPE_PAUSED; parse() reports how many bytes were consumed, and the next call
// resumes there. BodyData views point into the input given to parse();
// nothing is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <llhttp.h>

#include "core/http1/connection.hpp"
#include "core/http1/parsed_head.hpp"

namespace hipp::http1 {

class ResponseReader {
 public:
  explicit ResponseReader(const Limits& limits);
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  // Prepares for the response to a new request. `head_request`: the request
  // was HEAD, so the final response has no body whatever its framing says.
  void start(bool head_request);

  // Parses `input` up to the next event. `consumed` receives how many bytes
  // of `input` were used; the caller drops them before the next call.
  // Returns NeedData when every byte was consumed without completing an event.
  // Errors: see Connection::next_event() (malformed_response and friends).
  Result<Event> parse(Bytes input, std::size_t& consumed);

  // The peer closed. Completes a close-delimited body (EndOfMessage); before
  // any response byte: connection_closed; inside a head or a delimited body:
  // incomplete_body.
  Result<Event> finish();

  // Whether any byte of a response was consumed since start().
  bool started() const noexcept { return started_; }
  // The final response allows reuse (RFC 9112 §9.3). Valid once its head was returned.
  bool keep_alive() const noexcept { return keep_alive_; }
  // The final response's body ends only at EOF (RFC 9112 §6.3 rule 8).
  bool close_delimited() const noexcept { return close_delimited_; }

 private:
  // Which kind of non-body bytes the scanner is looking at.
  enum class Phase { head, chunk_line, trailers, data };
  enum class Pending { none, body, end };
  // How the body of the final response is framed (RFC 9112 §6.3).
  enum class BodyMode { none, length, chunked, eof };

  static const llhttp_settings_t& settings() noexcept;
  static ResponseReader& self(llhttp_t* p) noexcept;
  static int on_header_field(llhttp_t* p, const char* at, std::size_t n);
  static int on_header_field_complete(llhttp_t* p);
  static int on_header_value(llhttp_t* p, const char* at, std::size_t n);
  static int on_header_value_complete(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, std::size_t n);
  static int on_chunk_header(llhttp_t* p);
  static int on_message_complete(llhttp_t* p);

  int fail_cb(ErrorCode code, const char* detail);
  bool scan_fail(ErrorCode code, const char* detail);
  bool scan(const char* begin, const char* end);
  bool scan_head(const char* begin, const char* end);
  void enter_phase(Phase phase) noexcept;
  Result<Event> parse_head_bytes(const char* begin, const char* end, std::size_t& consumed);
  void start_chunked_body();
  Event take_event();
  Result<Event> map_llhttp_error(llhttp_errno_t err) const;

  const Limits& limits_;
  llhttp_t parser_{};

  bool head_request_ = false;
  bool started_ = false;
  bool keep_alive_ = false;
  bool close_delimited_ = false;
  bool in_trailers_ = false;
  bool synthetic_ = false;  // llhttp is reading start_chunked_body()'s fixed head
  BodyMode mode_ = BodyMode::none;
  std::uint64_t body_left_ = 0;  // of a Content-Length body
  std::size_t informational_count_ = 0;
  std::size_t field_count_ = 0;

  // The head being parsed; its field vector is moved into each head event.
  ParsedHead head_;

  // A trailer field name or value as llhttp hands it over: nearly always one span of
  // the input, kept as a view and copied once, into headers_. It is copied
  // into owned storage only when it arrives in pieces, or when parse()
  // returns before the field is complete (the caller then drops the input).
  class FieldText {
   public:
    std::string_view view() const noexcept { return view_; }
    std::size_t size() const noexcept { return view_.size(); }
    void append(const char* at, std::size_t n);
    // Stops depending on the input: copies a view of it into owned storage.
    void keep();
    void clear() noexcept {
      view_ = {};
      owned_.clear();
    }

   private:
    bool is_owned() const noexcept { return view_.data() == owned_.data(); }
    std::string_view view_;
    std::string owned_;
  };

  // The trailers being built.
  FieldText field_name_;
  FieldText field_value_;
  Headers trailers_;

  // The event recorded by a callback before it paused.
  Pending pending_ = Pending::none;
  Bytes body_;

  // Our own error, raised in a callback or the scanner (llhttp only sees HPE_USER).
  bool failed_ = false;
  ErrorCode error_code_ = ErrorCode::malformed_response;
  const char* error_detail_ = "";
  bool in_body_ = false;  // the final head was returned and its end was not

  // Framing scanner state (see scan()).
  Phase phase_ = Phase::head;
  Phase next_phase_ = Phase::head;
  bool phase_change_ = false;
  const char* scan_pos_ = nullptr;
  bool prev_cr_ = false;
  bool line_start_ = true;
  bool in_size_digits_ = true;
  bool blank_line_ = false;  // the line being scanned started with CR
  bool head_done_ = false;   // the scanner found the empty line ending the head
  std::size_t phase_bytes_ = 0;
  std::size_t extension_bytes_ = 0;
  // Bytes of the CRLF that must follow chunk data, still to check (2, 1 or 0).
  int crlf_left_ = 0;
};

}  // namespace hipp::http1
