#include "core/http1/parsed_head.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace hipp::http1 {

namespace {

// Byte classes of a head line.
enum : unsigned char { kOther = 0, kTchar = 1, kValue = 2 };

// RFC 9110 §5.6.2 tchar, and the bytes a field value or reason phrase may hold
// (RFC 9110 §5.5: VCHAR, obs-text, SP, HTAB).
constexpr std::array<unsigned char, 256> kClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c == '\t' || (c >= 0x20 && c != 0x7F)) t[c] |= kValue;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
      t[c] |= kTchar;
  }
  return t;
}();

// The first byte at or after q that a field value may not hold as such: a
// control byte (below 0x20, HTAB and CR included) or DEL; `end` if none.
// Eight bytes at a time: (w - 0x20..20) & ~w & 0x80..80 marks bytes below
// 0x20, the same test on w ^ 0x7F..7F marks DEL, and in both the lowest mark
// is exact (a borrow only spreads toward later bytes, past a true match), so
// the lowest mark of either is the first such byte. A head line is nearly
// all value bytes, and this is one test per eight of them.
const char* find_control(const char* q, const char* end) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  if constexpr (std::endian::native == std::endian::little) {
    while (end - q >= 8) {
      std::uint64_t w;
      std::memcpy(&w, q, sizeof w);
      const std::uint64_t del = w ^ (kOnes * 0x7F);
      const std::uint64_t marks = ((w - kOnes * 0x20) & ~w & kHighs) | ((del - kOnes) & ~del & kHighs);
      if (marks != 0) return q + std::countr_zero(marks) / 8;
      q += 8;
    }
  }
  while (q < end && (kClass[static_cast<unsigned char>(*q)] & kValue) != 0 && *q != '\t') ++q;
  return q;
}

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

Unexpected malformed(const char* detail) { return fail(ErrorCode::malformed_response, detail); }

// RFC 9110 §8.6: Content-Length = 1*DIGIT; signs, lists and overflow are
// refused. `s` is the raw value after the colon: like llhttp, only spaces may
// follow the digits (a trailing HTAB is refused).
bool parse_length(std::string_view s, std::uint64_t& out) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  std::uint64_t n = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return false;
    n = n * 10 + d;
  }
  out = n;
  return true;
}

// Splits a comma-separated list (RFC 9110 §5.6.1) and calls f on each
// OWS-trimmed element, empty ones included.
template <class F>
void for_each_element(std::string_view value, F&& f) {
  while (true) {
    const auto comma = value.find(',');
    f(trim_ows(value.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

// The status line without its CRLF.
Result<void> parse_status_line(std::string_view line, ParsedHead& out) {
  // "HTTP/1.1 200" is the shortest complete line.
  if (line.size() < 12 || std::memcmp(line.data(), "HTTP/", 5) != 0 || !is_digit(line[5]) || line[6] != '.' ||
      !is_digit(line[7]) || line[8] != ' ') {
    return malformed("malformed status line");
  }
  out.version_major = line[5] - '0';
  out.version_minor = line[7] - '0';
  if (out.version_major != 1 || out.version_minor > 1) return malformed("not an HTTP/1.0 or HTTP/1.1 response");
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])) {
    return malformed("status code is not three digits");
  }
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (out.status < 100) return malformed("status code below 100");
  if (line.size() == 12) return {};
  if (line[12] != ' ') return malformed("status code is not three digits");
  const std::string_view reason = line.substr(13);
  for (char c : reason) {
    if ((kClass[static_cast<unsigned char>(c)] & kValue) == 0) return malformed("control byte in the reason phrase");
  }
  out.reason = reason;
  return {};
}

// The lines of a head from its status line through its empty line.
//
// kFramed: the caller's scanner has checked the line framing and cut `head`
// right after the empty line; a failure is the head's error. Otherwise the end
// is unknown and this pass checks the framing itself: each CR must be followed
// by LF, and the empty line ends the head, whose size is returned. A line that
// starts with whitespace (obs-fold) or holds a bare LF fails as a field line
// without a name or as a control byte in a value. Any failure of that mode
// (an incomplete head too) carries no error of its own: the caller takes the
// careful path, which names it.
template <bool kFramed>
Result<std::size_t> parse_lines(std::string_view head, std::size_t max_header_count, ParsedHead& out) {
  const auto reject = [](ErrorCode code, const char* detail) -> Unexpected {
    if constexpr (kFramed) return fail(code, detail);
    (void)detail;
    return fail(code);
  };
  // Unframed, a CR that ends a line must have its LF within the input.
  const auto lf_follows = [](const char* cr, const char* end) noexcept {
    return kFramed || (cr + 1 < end && cr[1] == '\n');
  };

  out.status = 0;
  out.reason = {};
  out.spans.clear();
  out.has_content_length = false;
  out.content_length = 0;
  out.has_transfer_encoding = false;
  out.chunked = false;
  out.connection_close = false;
  out.connection_keep_alive = false;

  const char* const begin = head.data();
  const char* p = begin;
  const char* const end = begin + head.size();

  // Framed or not, the first CR ends the status line: any LF before it is a
  // control byte that parse_status_line refuses.
  const void* cr = std::memchr(p, '\r', head.size());
  if (cr == nullptr) return reject(ErrorCode::malformed_response, "response head without CRLF");
  const char* eol = static_cast<const char*>(cr);
  if (!lf_follows(eol, end)) return reject(ErrorCode::malformed_response, "CR not followed by LF");
  if (auto r = parse_status_line(std::string_view(p, static_cast<std::size_t>(eol - p)), out); !r) {
    return Unexpected{std::move(r).error()};
  }
  p = eol + 2;

  // Fields are noted as spans of the bytes from here and copied once, all
  // together, when the empty line is found.
  const char* const fields_begin = p;
  const auto offset = [fields_begin](const char* at) { return static_cast<std::uint32_t>(at - fields_begin); };
  std::size_t count = 0;
  while (p < end) {
    if (*p == '\r') {
      // The empty line ends the head (RFC 9112 §2.1).
      if (!lf_follows(p, end)) return reject(ErrorCode::malformed_response, "CR not followed by LF");
      if (kFramed && p + 2 != end) return reject(ErrorCode::malformed_response, "bytes after the empty line of a head");
      out.headers.assign(std::string_view(fields_begin, static_cast<std::size_t>(p - fields_begin)), out.spans);
      return static_cast<std::size_t>(p + 2 - begin);
    }
    // field-name: 1*tchar, then the colon with no whitespace before it (RFC 9112 §5.1).
    // CR is no tchar, so the name ends inside its line.
    const char* q = p;
    while (q < end && (kClass[static_cast<unsigned char>(*q)] & kTchar) != 0) ++q;
    if (q == p) return reject(ErrorCode::malformed_response, "field line without a field name");
    if (q == end || *q != ':') return reject(ErrorCode::malformed_response, "invalid byte in a field name");
    const std::string_view name(p, static_cast<std::size_t>(q - p));
    // The value runs to the CR of its line: the first control byte that is
    // not HTAB must be that CR (RFC 9110 §5.5).
    const char* v = q + 1;
    while (true) {
      v = find_control(v, end);
      if (v == end) return reject(ErrorCode::malformed_response, "response head without its empty line");
      if (*v != '\t') break;
      ++v;
    }
    if (*v != '\r') return reject(ErrorCode::malformed_response, "control byte in a field value");
    eol = v;
    if (!lf_follows(eol, end)) return reject(ErrorCode::malformed_response, "CR not followed by LF");
    const std::string_view raw_value(q + 1, static_cast<std::size_t>(eol - q - 1));
    const std::string_view value = trim_ows(raw_value);
    p = eol + 2;
    if (++count > max_header_count) return reject(ErrorCode::too_many_headers, "more fields than max_header_count");

    // The fields the framing depends on; the length check on the name is cheap
    // and rules out nearly every other field before any case-folded compare.
    if (name.size() == 14 && iequals(name, "Content-Length")) {
      // RFC 9112 §6.3: Content-Length with Transfer-Encoding is an error for a client.
      if (out.has_transfer_encoding) {
        return reject(ErrorCode::conflicting_framing, "Content-Length together with Transfer-Encoding");
      }
      // RFC 9110 §8.6 allows identical duplicates; llhttp does not, and neither do we.
      if (out.has_content_length) return reject(ErrorCode::invalid_content_length, "more than one Content-Length");
      if (!parse_length(raw_value, out.content_length)) {
        return reject(ErrorCode::invalid_content_length, "Content-Length is not a decimal number");
      }
      out.has_content_length = true;
    } else if (name.size() == 17 && iequals(name, "Transfer-Encoding")) {
      if (out.has_content_length) {
        return reject(ErrorCode::conflicting_framing, "Transfer-Encoding together with Content-Length");
      }
      out.has_transfer_encoding = true;
      // RFC 9112 §6.3 rule 4: chunked only as the final coding of the final field.
      for_each_element(value, [&](std::string_view coding) { out.chunked = iequals(coding, "chunked"); });
    } else if (name.size() == 10 && iequals(name, "Connection")) {
      for_each_element(value, [&](std::string_view option) {
        if (iequals(option, "close")) {
          out.connection_close = true;
        } else if (iequals(option, "keep-alive")) {
          out.connection_keep_alive = true;
        }
      });
    }
    out.spans.push_back(Headers::FieldSpan{offset(name.data()), static_cast<std::uint32_t>(name.size()),
                                           offset(value.data()), static_cast<std::uint32_t>(value.size())});
  }
  return reject(ErrorCode::malformed_response, "response head without its empty line");
}

}  // namespace

Result<void> parse_head(std::string_view head, std::size_t max_header_count, ParsedHead& out) {
  auto size = parse_lines<true>(head, max_header_count, out);
  if (!size) return Unexpected{std::move(size).error()};
  return {};
}

std::optional<std::size_t> parse_buffered_head(std::string_view input, std::size_t max_header_count,
                                               ParsedHead& out) {
  auto size = parse_lines<false>(input, max_header_count, out);
  if (!size) return std::nullopt;
  return *size;
}

}  // namespace hipp::http1
