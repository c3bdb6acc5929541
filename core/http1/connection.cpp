#include "core/http1/connection.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/http1/request_writer.hpp"
#include "core/http1/response_reader.hpp"
#include "core/http1/state.hpp"

namespace hipp::http1 {

struct Connection::Impl {
  explicit Impl(Limits l) : limits(l), reader(limits) {}

  Limits limits;
  ResponseReader reader;
  OurState ours = OurState::idle;
  TheirState theirs = TheirState::idle;

  RequestFraming framing;
  std::uint64_t body_sent = 0;
  bool expecting_continue = false;

  // Output: bytes [out_pos, out.size()) are pending, then the caller's `lent` bytes (send_body_lent),
  // then `after_lent`: what was queued while a lent piece waited. Once the lent piece is written,
  // after_lent becomes `out`.
  std::string out;
  std::size_t out_pos = 0;
  Bytes lent{};
  std::string after_lent;

  // Input: bytes [in_begin, in_end) are buffered and unparsed; the vector's
  // size is its usable capacity, so prepare_input() can lend the tail.
  std::vector<std::byte> in;
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
  bool eof = false;

  bool errored() const noexcept { return ours == OurState::error || theirs == TheirState::error; }

  Unexpected fail(Error e) {
    ours = OurState::error;
    theirs = TheirState::error;
    expecting_continue = false;
    lent = {};  // never looked at again: the caller may free it once the machine failed
    after_lent.clear();
    return Unexpected{std::move(e)};
  }
  Unexpected fail(ErrorCode code, std::string detail) { return fail(make_error(code, std::move(detail))); }

  bool our_step(OurInput input) {
    auto next = next_state(ours, input);
    if (!next) return false;
    ours = *next;
    return true;
  }
  bool their_step(TheirInput input) {
    auto next = next_state(theirs, input);
    if (!next) return false;
    theirs = *next;
    return true;
  }

  void compact_output() {
    if (out_pos == 0) return;
    out.erase(0, out_pos);
    out_pos = 0;
  }
  // Where output produced now goes: after everything already pending.
  std::string& output() {
    if (!lent.empty()) return after_lent;
    compact_output();
    return out;
  }

  // Makes room for `n` more bytes at in_end, moving unparsed bytes to the front first.
  void reserve_input(std::size_t n) {
    if (in_begin == in_end) {
      in_begin = in_end = 0;
    } else if (in_begin > 0 && in.size() - in_end < n) {
      std::memmove(in.data(), in.data() + in_begin, in_end - in_begin);
      in_end -= in_begin;
      in_begin = 0;
    }
    if (in.size() - in_end < n) in.resize(std::max(in_end + n, in.size() * 2));
  }

  Result<Event> parse() {
    std::size_t consumed = 0;
    Result<Event> r =
        reader.parse(Bytes(in.data() + in_begin, in_end - in_begin), consumed);
    in_begin += consumed;
    if (r && std::holds_alternative<NeedData>(*r) && eof) r = reader.finish();
    if (!r) {
      Error e = std::move(r).error();
      e.origin = ErrorOrigin::remote;
      return fail(std::move(e));
    }
    TheirInput input = TheirInput::body;
    switch (r->index()) {
      case 0:  // NeedData
        return r;
      case 1:  // InformationalResponse
        input = TheirInput::informational;
        break;
      case 2:  // ResponseHead
        input = TheirInput::head;
        break;
      case 3:  // BodyData
        input = TheirInput::body;
        break;
      case 4:  // EndOfMessage
        input = TheirInput::end;
        break;
      default:
        return fail(ErrorCode::malformed_response, "unexpected parser event");
    }
    if (!their_step(input)) return fail(ErrorCode::malformed_response, "response event out of order");
    // RFC 9110 §10.1.1: any 1xx or a final response ends the wait for 100 Continue.
    if (input == TheirInput::informational || input == TheirInput::head) expecting_continue = false;
    return r;
  }
};

Connection::Connection(Limits limits) : impl_(std::make_unique<Impl>(limits)) {}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Result<void> Connection::send_request(std::string_view method, std::string_view target, const Headers& headers) {
  auto& m = *impl_;
  if (m.ours != OurState::idle || m.theirs != TheirState::idle) {
    return fail(ErrorCode::invalid_state, "send_request: a request was already sent in this cycle, or the connection failed");
  }
  auto framing = validate_request(method, target, headers);
  if (!framing) return Unexpected{std::move(framing).error()};
  const bool has_body = framing->kind == RequestFraming::Kind::chunked ||
                        (framing->kind == RequestFraming::Kind::length && framing->length > 0);
  write_request_head(m.output(), method, target, headers);
  m.our_step(has_body ? OurInput::request_with_body : OurInput::request_without_body);
  m.their_step(TheirInput::request_sent);
  m.framing = *framing;
  m.body_sent = 0;
  m.expecting_continue = framing->expect_continue;
  m.reader.start(framing->head);
  return {};
}

Result<void> Connection::send_body(Bytes data) {
  auto& m = *impl_;
  if (m.ours != OurState::send_body) return m.fail(ErrorCode::invalid_state, "send_body: no request body in progress");
  if (data.empty()) return {};
  if (m.framing.kind == RequestFraming::Kind::length) {
    if (data.size() > m.framing.length - m.body_sent) {
      return m.fail(ErrorCode::body_length_mismatch, "more body bytes than Content-Length");
    }
    m.output().append(as_chars(data));
  } else {
    write_chunk(m.output(), data);
  }
  m.body_sent += data.size();
  m.our_step(OurInput::body);
  return {};
}

Result<void> Connection::send_body_lent(Bytes data) {
  auto& m = *impl_;
  if (m.framing.kind != RequestFraming::Kind::length || m.ours != OurState::send_body || data.empty()) {
    return send_body(data);  // chunked framing copies; the errors are send_body's
  }
  if (!m.lent.empty()) return m.fail(ErrorCode::invalid_state, "send_body_lent: the last lent piece is still pending");
  if (data.size() > m.framing.length - m.body_sent) {
    return m.fail(ErrorCode::body_length_mismatch, "more body bytes than Content-Length");
  }
  m.compact_output();
  m.lent = data;
  m.body_sent += data.size();
  m.our_step(OurInput::body);
  return {};
}

Result<void> Connection::send_end(const Headers& trailers) {
  auto& m = *impl_;
  // A request without a body was complete at send_request(); ending it again
  // is accepted so every caller can drive every request the same way.
  const bool bodiless = m.framing.kind == RequestFraming::Kind::none ||
                        (m.framing.kind == RequestFraming::Kind::length && m.framing.length == 0);
  if (m.ours == OurState::done && bodiless && trailers.empty()) return {};
  if (m.ours != OurState::send_body) return m.fail(ErrorCode::invalid_state, "send_end: no request body in progress");
  if (m.framing.kind == RequestFraming::Kind::length) {
    if (!trailers.empty()) return m.fail(ErrorCode::invalid_state, "trailers need chunked framing");
    if (m.body_sent != m.framing.length) {
      return m.fail(ErrorCode::body_length_mismatch, "fewer body bytes than Content-Length");
    }
  } else {
    auto ok = validate_trailers(trailers);
    if (!ok) return m.fail(std::move(ok).error());
    write_last_chunk(m.output(), trailers);
  }
  m.our_step(OurInput::end);
  return {};
}

void Connection::send_failed() { impl_->fail(ErrorCode::invalid_state, "send failed"); }

Bytes Connection::pending_output() const noexcept {
  const auto& m = *impl_;
  if (m.out_pos < m.out.size()) return as_bytes(std::string_view(m.out).substr(m.out_pos));
  return m.lent;
}

void Connection::consume_output(std::size_t n) noexcept {
  auto& m = *impl_;
  if (m.out_pos < m.out.size()) {
    m.out_pos += std::min(n, m.out.size() - m.out_pos);
    if (m.out_pos == m.out.size()) {
      m.out.clear();
      m.out_pos = 0;
    }
    return;
  }
  m.lent = m.lent.subspan(std::min(n, m.lent.size()));
  if (m.lent.empty() && !m.after_lent.empty()) {
    m.out.swap(m.after_lent);
    m.out_pos = 0;
    m.after_lent.clear();
  }
}

void Connection::receive(Bytes data) {
  auto& m = *impl_;
  if (data.empty() || m.eof) return;
  m.reserve_input(data.size());
  std::memcpy(m.in.data() + m.in_end, data.data(), data.size());
  m.in_end += data.size();
}

MutableBytes Connection::prepare_input(std::size_t min_size) {
  auto& m = *impl_;
  m.reserve_input(std::max<std::size_t>(min_size, 1));
  return MutableBytes(m.in.data() + m.in_end, m.in.size() - m.in_end);
}

void Connection::commit_input(std::size_t n) noexcept {
  auto& m = *impl_;
  if (m.eof) return;
  m.in_end += std::min(n, m.in.size() - m.in_end);
}

void Connection::receive_eof() { impl_->eof = true; }

Result<Event> Connection::next_event() {
  auto& m = *impl_;
  if (m.errored()) return fail(ErrorCode::invalid_state, "next_event: the connection has failed");
  switch (m.theirs) {
    case TheirState::awaiting_head:
    case TheirState::body:
      return m.parse();
    case TheirState::idle:
    case TheirState::done:
    case TheirState::closed:
      if (m.in_begin != m.in_end) {
        return m.fail(make_error(ErrorCode::unexpected_data, "bytes arrived when no response was expected",
                                 ErrorOrigin::remote));
      }
      if (m.eof) {
        m.their_step(TheirInput::eof);
        return Event{ConnectionClosed{}};
      }
      if (m.theirs == TheirState::done) return Event{Paused{}};
      return Event{NeedData{}};
    case TheirState::error:
      break;
  }
  return fail(ErrorCode::invalid_state, "next_event: the connection has failed");
}

OurState Connection::our_state() const noexcept { return impl_->ours; }
TheirState Connection::their_state() const noexcept { return impl_->theirs; }
bool Connection::expecting_continue() const noexcept { return impl_->expecting_continue; }

bool Connection::is_reusable() const noexcept {
  const auto& m = *impl_;
  return m.ours == OurState::done && m.theirs == TheirState::done && !m.eof && m.in_begin == m.in_end &&
         !m.framing.close && m.reader.keep_alive() && !m.reader.close_delimited();
}

bool Connection::has_buffered_input() const noexcept { return impl_->in_begin != impl_->in_end; }
const Limits& Connection::limits() const noexcept { return impl_->limits; }

Result<void> Connection::start_next_cycle() {
  auto& m = *impl_;
  if (!is_reusable()) return fail(ErrorCode::invalid_state, "start_next_cycle: the connection is not reusable");
  m.ours = OurState::idle;
  m.theirs = TheirState::idle;
  m.expecting_continue = false;
  m.body_sent = 0;
  m.framing = {};
  return {};
}

}  // namespace hipp::http1
