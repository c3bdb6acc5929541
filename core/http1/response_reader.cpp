#include "core/http1/response_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace hipp::http1 {

namespace {

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Skips bytes above '\r', which need no state in the middle of a head line,
// eight at a time: (w - 0x0E..0E) & ~w & 0x80..80 is non-zero exactly when
// some byte of w is below 0x0E, and its lowest set bit marks the first such
// byte (a borrow only spreads toward later bytes). Returns the first byte at
// or below '\r', or stop.
const char* skip_line_content(const char* q, const char* stop) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  while (stop - q >= 8) {
    std::uint64_t w;
    std::memcpy(&w, q, sizeof w);
    const std::uint64_t low = (w - kOnes * 0x0E) & ~w & kHighs;
    if (low != 0) {
      if constexpr (std::endian::native == std::endian::little) return q + std::countr_zero(low) / 8;
      break;
    }
    q += 8;
  }
  while (q < stop && static_cast<unsigned char>(*q) > '\r') ++q;
  return q;
}

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

void ResponseReader::FieldText::append(const char* at, std::size_t n) {
  if (view_.empty()) {
    view_ = std::string_view(at, n);
    return;
  }
  if (!is_owned()) owned_.assign(view_);
  owned_.append(at, n);
  view_ = owned_;
}

void ResponseReader::FieldText::keep() {
  if (view_.empty() || is_owned()) return;
  owned_.assign(view_);
  view_ = owned_;
}

ResponseReader::ResponseReader(const Limits& limits) : limits_(limits) {
  llhttp_init(&parser_, HTTP_RESPONSE, &settings());
  parser_.data = this;
}

const llhttp_settings_t& ResponseReader::settings() noexcept {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t v;
    llhttp_settings_init(&v);
    v.on_header_field = &ResponseReader::on_header_field;
    v.on_header_field_complete = &ResponseReader::on_header_field_complete;
    v.on_header_value = &ResponseReader::on_header_value;
    v.on_header_value_complete = &ResponseReader::on_header_value_complete;
    v.on_body = &ResponseReader::on_body;
    v.on_chunk_header = &ResponseReader::on_chunk_header;
    v.on_message_complete = &ResponseReader::on_message_complete;
    return v;
  }();
  return s;
}

ResponseReader& ResponseReader::self(llhttp_t* p) noexcept { return *static_cast<ResponseReader*>(p->data); }

void ResponseReader::start(bool head_request) {
  llhttp_reset(&parser_);
  head_request_ = head_request;
  started_ = false;
  keep_alive_ = false;
  close_delimited_ = false;
  informational_count_ = 0;
  pending_ = Pending::none;
  crlf_left_ = 0;
  phase_change_ = false;
  mode_ = BodyMode::none;
  in_body_ = false;
  enter_phase(Phase::head);
}

void ResponseReader::enter_phase(Phase phase) noexcept {
  phase_ = phase;
  phase_bytes_ = 0;
  extension_bytes_ = 0;
  in_size_digits_ = true;
  prev_cr_ = false;
  line_start_ = true;
  blank_line_ = false;
  head_done_ = false;
}

int ResponseReader::fail_cb(ErrorCode code, const char* detail) {
  if (!failed_) {
    failed_ = true;
    error_code_ = code;
    error_detail_ = detail;
  }
  return HPE_USER;
}

bool ResponseReader::scan_fail(ErrorCode code, const char* detail) {
  fail_cb(code, detail);
  return false;
}

// Checks the non-body bytes [begin, end) in wire order (RFC 9112 §2.2, §5.2,
// §7.1.1): every line ends in CRLF, no line of a head or trailer section
// starts with whitespace (obs-fold), a head stays within max_header_bytes and
// a chunk-size line's extensions within max_chunk_extension_bytes.
bool ResponseReader::scan(const char* begin, const char* end) {
  if (phase_ == Phase::data) return true;
  if (phase_ != Phase::chunk_line) return scan_head(begin, end);
  for (const char* q = begin; q < end; ++q) {
    const char c = *q;
    if (prev_cr_) {
      if (c != '\n') return scan_fail(ErrorCode::malformed_response, "CR not followed by LF");
    } else if (c == '\n') {
      return scan_fail(ErrorCode::malformed_response, "bare LF line ending");
    }
    if (c == '\n') {
      in_size_digits_ = true;
      extension_bytes_ = 0;
    } else if (c != '\r' && !(in_size_digits_ && is_hex(c))) {
      in_size_digits_ = false;
      if (++extension_bytes_ > limits_.max_chunk_extension_bytes) {
        return scan_fail(ErrorCode::chunk_extension_too_large, "chunk extension exceeds max_chunk_extension_bytes");
      }
    }
    prev_cr_ = c == '\r';
    line_start_ = c == '\n';
  }
  return true;
}

// The head and trailer rules of scan(), one line at a time: only the first
// byte of a line and the bytes at or below '\r' need a look of their own. In
// the head phase it also finds the empty line that ends the head (RFC 9112
// §2.1), sets head_done_ and stops right after it.
bool ResponseReader::scan_head(const char* begin, const char* end) {
  // The byte that would exceed max_header_bytes is where the error is.
  const char* stop = end;
  if (static_cast<std::size_t>(end - begin) > limits_.max_header_bytes - phase_bytes_) {
    stop = begin + (limits_.max_header_bytes - phase_bytes_);
  }
  const bool find_end = phase_ == Phase::head;
  const char* q = begin;
  while (q < stop) {
    if (prev_cr_) {
      if (*q != '\n') return scan_fail(ErrorCode::malformed_response, "CR not followed by LF");
      prev_cr_ = false;
      line_start_ = true;
      ++q;
      if (blank_line_ && find_end) {
        head_done_ = true;
        break;
      }
      continue;
    }
    if (line_start_) {
      if (*q == ' ' || *q == '\t') {
        return scan_fail(ErrorCode::malformed_response, "obs-fold or whitespace at the start of a line");
      }
      line_start_ = false;
      blank_line_ = *q == '\r';
    }
    q = skip_line_content(q, stop);
    if (q == stop) break;
    const char c = *q++;
    if (c == '\n') return scan_fail(ErrorCode::malformed_response, "bare LF line ending");
    prev_cr_ = c == '\r';
  }
  phase_bytes_ += static_cast<std::size_t>(q - begin);
  if (!head_done_ && stop != end) {
    return scan_fail(ErrorCode::header_too_large, "response head exceeds max_header_bytes");
  }
  return true;
}

// A head is parsed only once all of it is buffered: until then nothing is
// consumed (the connection keeps the bytes) and the scanner resumes where it
// stopped, so each byte is scanned once however the input is split.
Result<Event> ResponseReader::parse_head_bytes(const char* begin, const char* end, std::size_t& consumed) {
  if (begin != end) started_ = true;
  std::optional<std::size_t> whole;
  if (phase_bytes_ == 0 && begin != end) {
    // Nearly always the whole head comes in the first read: one pass checks
    // its framing and parses it. Anything else falls through, having cost one
    // extra pass at most, since the scanner below then keeps phase_bytes_.
    const auto window = std::min(static_cast<std::size_t>(end - begin), limits_.max_header_bytes);
    whole = parse_buffered_head(std::string_view(begin, window), limits_.max_header_count, head_);
  }
  if (!whole) {
    if (!scan_head(begin + phase_bytes_, end)) return fail(error_code_, error_detail_);
    if (!head_done_) return Event{NeedData{}};
    if (auto ok = parse_head(std::string_view(begin, phase_bytes_), limits_.max_header_count, head_); !ok) {
      return Unexpected{std::move(ok).error()};
    }
    whole = phase_bytes_;
  }
  consumed = *whole;
  enter_phase(Phase::head);
  const int status = head_.status;
  if (status == 101) {
    // We never send Upgrade, so a switch of protocols is a broken server (RFC 9110 §15.2.2).
    return fail(ErrorCode::malformed_response, "101 Switching Protocols without an Upgrade request");
  }
  if (status < 200) {
    // RFC 9110 §15.2: a 1xx has no content and ends at its head.
    if (++informational_count_ > limits_.max_informational) {
      return fail(ErrorCode::too_many_informational, "more 1xx responses than max_informational");
    }
    return Event{InformationalResponse{status, std::string(head_.reason), std::move(head_.headers)}};
  }
  // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
  keep_alive_ = !head_.connection_close && (head_.version_minor >= 1 || head_.connection_keep_alive);
  close_delimited_ = false;
  in_body_ = true;
  trailers_.clear();
  // RFC 9112 §6.3: the body length, in the order of its rules.
  if (head_request_ || status == 204 || status == 304) {
    // Rules 1 and 2 (RFC 9110 §6.4.1): never content, whatever the framing says.
    pending_ = Pending::end;
  } else if (head_.chunked) {
    start_chunked_body();
  } else if (head_.has_transfer_encoding) {
    // Rule 4: a response whose final coding is not chunked ends at EOF.
    close_delimited_ = true;
    mode_ = BodyMode::eof;
  } else if (head_.has_content_length) {
    body_left_ = head_.content_length;
    if (body_left_ == 0) {
      pending_ = Pending::end;
    } else {
      mode_ = BodyMode::length;
    }
  } else {
    // Rule 8: neither, so the body is everything until the connection closes.
    close_delimited_ = true;
    mode_ = BodyMode::eof;
  }
  if (mode_ != BodyMode::chunked) enter_phase(Phase::data);
  return Event{ResponseHead{status, std::string(head_.reason), head_.version_major, head_.version_minor,
                            std::move(head_.headers)}};
}

// llhttp decodes chunked bodies (and their trailers). It is started on a
// fixed head that says just "chunked", so its state is exactly the one after
// a real chunked head; the callbacks ignore that head (synthetic_).
void ResponseReader::start_chunked_body() {
  static constexpr std::string_view kChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  llhttp_reset(&parser_);
  synthetic_ = true;
  llhttp_execute(&parser_, kChunkedHead.data(), kChunkedHead.size());
  synthetic_ = false;
  in_trailers_ = false;
  field_count_ = 0;
  field_name_.clear();
  field_value_.clear();
  mode_ = BodyMode::chunked;
  enter_phase(Phase::chunk_line);
}

Result<Event> ResponseReader::parse(Bytes input, std::size_t& consumed) {
  consumed = 0;
  if (pending_ == Pending::end) return take_event();
  // llhttp computes data + len, which is undefined for a null pointer: lend an empty array instead.
  static constexpr char kNoBytes[1] = {};
  const char* const begin = input.empty() ? kNoBytes : reinterpret_cast<const char*>(input.data());
  const char* const end = begin + input.size();
  if (phase_ == Phase::head) return parse_head_bytes(begin, end, consumed);
  if (mode_ != BodyMode::chunked) {
    if (mode_ == BodyMode::none || begin == end) return Event{NeedData{}};
    std::size_t n = static_cast<std::size_t>(end - begin);
    if (mode_ == BodyMode::length) {
      if (n > body_left_) n = static_cast<std::size_t>(body_left_);
      body_left_ -= n;
      if (body_left_ == 0) pending_ = Pending::end;
    }
    consumed = n;
    return Event{BodyData{Bytes(input.data(), n)}};
  }
  const char* p = begin;
  while (true) {
    // RFC 9112 §7.1: chunk-data is followed by exactly CRLF; llhttp 8.1 skips any two bytes.
    for (const char* q = p; crlf_left_ > 0 && q < end; ++q) {
      if (*q != (crlf_left_ == 2 ? '\r' : '\n')) {
        consumed = static_cast<std::size_t>(q - begin);
        return fail(ErrorCode::invalid_chunk, "chunk data not followed by CRLF");
      }
      --crlf_left_;
    }
    if (p != end) started_ = true;
    scan_pos_ = p;
    failed_ = false;
    const llhttp_errno_t err = llhttp_execute(&parser_, p, static_cast<std::size_t>(end - p));
    // A field cut by the end of the input: the caller drops the bytes parsed.
    field_name_.keep();
    field_value_.keep();
    const char* stop = end;
    if (err != HPE_OK) {
      stop = llhttp_get_error_pos(&parser_);
      if (stop == nullptr || stop < p || stop > end) stop = p;
    }
    consumed = static_cast<std::size_t>(stop - begin);
    // Bytes before the stop point come first: a scanner error there wins
    // over whatever stopped llhttp, so the verdict does not depend on splits.
    // (scan_pos_ is null when on_body's own scan already failed.)
    if (scan_pos_ != nullptr) {
      const bool callback_failed = failed_;
      const ErrorCode code = error_code_;
      const char* detail = error_detail_;
      failed_ = false;
      if (!scan(scan_pos_, stop)) return fail(error_code_, error_detail_);
      failed_ = callback_failed;
      error_code_ = code;
      error_detail_ = detail;
    }
    if (failed_) return fail(error_code_, error_detail_);
    if (err == HPE_PAUSED) {
      llhttp_resume(&parser_);
      if (phase_change_) {
        phase_change_ = false;
        enter_phase(next_phase_);
      }
      if (pending_ != Pending::none) return take_event();
      p = stop;
      continue;
    }
    if (err != HPE_OK) return map_llhttp_error(err);
    return Event{NeedData{}};
  }
}

Result<Event> ResponseReader::finish() {
  if (pending_ == Pending::end) return take_event();
  if (!started_) {
    return fail(ErrorCode::connection_closed, "the server closed the connection before sending a response");
  }
  if (in_body_ && close_delimited_) {
    // RFC 9112 §6.3 rule 8: the body ends when the connection closes.
    in_body_ = false;
    return Event{EndOfMessage{std::move(trailers_)}};
  }
  return fail(ErrorCode::incomplete_body,
              in_body_ ? "the server closed the connection inside the body"
                       : "the server closed the connection inside the response head");
}

Event ResponseReader::take_event() {
  const Pending what = pending_;
  pending_ = Pending::none;
  switch (what) {
    case Pending::body:
      return BodyData{body_};
    case Pending::end:
      in_body_ = false;
      return EndOfMessage{std::move(trailers_)};
    case Pending::none:
      break;
  }
  return Event{NeedData{}};
}

Result<Event> ResponseReader::map_llhttp_error(llhttp_errno_t err) const {
  std::string detail = "llhttp ";
  detail += llhttp_errno_name(err);
  if (const char* reason = llhttp_get_error_reason(&parser_)) {
    detail += ": ";
    detail += reason;
  }
  switch (err) {
    case HPE_INVALID_CONTENT_LENGTH:
      return fail(ErrorCode::invalid_content_length, std::move(detail));
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      // Raised both for duplicates and for Content-Length beside Transfer-Encoding.
      return fail(detail.find("Transfer-Encoding") != std::string::npos ? ErrorCode::conflicting_framing
                                                                        : ErrorCode::invalid_content_length,
                  std::move(detail));
    case HPE_INVALID_CHUNK_SIZE:
      return fail(ErrorCode::invalid_chunk, std::move(detail));
    default:
      return fail(ErrorCode::malformed_response, std::move(detail));
  }
}

// --- llhttp callbacks ---

// Only trailers reach the field callbacks: heads are parsed by parse_head(),
// and the fixed head of start_chunked_body() is ignored.

int ResponseReader::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
  auto& r = self(p);
  if (r.synthetic_) return 0;
  if (r.field_name_.size() + n > r.limits_.max_header_bytes) {
    return r.fail_cb(ErrorCode::header_too_large, "field name exceeds max_header_bytes");
  }
  r.field_name_.append(at, n);
  return 0;
}

int ResponseReader::on_header_field_complete(llhttp_t* p) {
  auto& r = self(p);
  if (r.synthetic_) return 0;
  if (++r.field_count_ > r.limits_.max_header_count) {
    return r.fail_cb(ErrorCode::too_many_headers, "more fields than max_header_count");
  }
  return 0;
}

int ResponseReader::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
  auto& r = self(p);
  if (r.synthetic_) return 0;
  if (r.field_value_.size() + n > r.limits_.max_header_bytes) {
    return r.fail_cb(ErrorCode::header_too_large, "field value exceeds max_header_bytes");
  }
  r.field_value_.append(at, n);
  return 0;
}

int ResponseReader::on_header_value_complete(llhttp_t* p) {
  auto& r = self(p);
  if (r.synthetic_) return 0;
  r.trailers_.add(r.field_name_.view(), trim_ows(r.field_value_.view()));
  r.field_name_.clear();
  r.field_value_.clear();
  return 0;
}

int ResponseReader::on_body(llhttp_t* p, const char* at, std::size_t n) {
  auto& r = self(p);
  if (n == 0) return 0;
  // Only chunked bodies reach llhttp.
  if (!r.scan(r.scan_pos_, at)) {
    r.scan_pos_ = nullptr;
    return HPE_USER;
  }
  r.prev_cr_ = false;
  r.line_start_ = false;
  if (p->content_length == 0) r.crlf_left_ = 2;
  r.scan_pos_ = at + n;
  r.body_ = Bytes(reinterpret_cast<const std::byte*>(at), n);
  r.pending_ = Pending::body;
  return HPE_PAUSED;
}

int ResponseReader::on_chunk_header(llhttp_t* p) {
  auto& r = self(p);
  if (p->content_length != 0) return 0;
  // The last chunk: trailers follow (RFC 9112 §7.1.2). Pause so the scanner
  // switches to head rules exactly here.
  r.in_trailers_ = true;
  r.field_count_ = 0;
  r.next_phase_ = Phase::trailers;
  r.phase_change_ = true;
  return HPE_PAUSED;
}

int ResponseReader::on_message_complete(llhttp_t* p) {
  auto& r = self(p);
  r.pending_ = Pending::end;
  r.next_phase_ = Phase::data;
  r.phase_change_ = true;
  return HPE_PAUSED;
}

}  // namespace hipp::http1
