#include "core/http1/request_writer.hpp"

#include <cstring>
#include <limits>

namespace hipp::http1 {

namespace {

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 §8.6: Content-Length = 1*DIGIT. No sign, no list, no spaces inside.
bool parse_length(std::string_view s, std::uint64_t& out) noexcept {
  s = trim_ows(s);
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// The last transfer coding of a (possibly multi-field) Transfer-Encoding.
std::string_view last_coding(const Headers& headers) {
  std::string_view last;
  for (const auto& f : headers) {
    if (!iequals(f.name, "Transfer-Encoding")) continue;
    std::string_view rest = f.value;
    while (true) {
      auto comma = rest.find(',');
      auto item = trim_ows(rest.substr(0, comma));
      if (!item.empty()) last = item;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return last;
}

// Whether a comma-separated field value lists `token` (RFC 9110 §5.6.1), as Headers::has_token.
bool lists_token(std::string_view value, std::string_view token) noexcept {
  while (true) {
    const auto comma = value.find(',');
    if (iequals(trim_ows(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    value.remove_prefix(comma + 1);
  }
}

void append_fields(std::string& out, const Headers& headers) {
  for (const auto& f : headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
}

}  // namespace

Result<RequestFraming> validate_request(std::string_view method, std::string_view target, const Headers& headers) {
  if (!is_token(method)) return fail(ErrorCode::invalid_method, "method '" + std::string(method) + "' is not a token");
  if (target.empty()) return fail(ErrorCode::invalid_target, "empty request target");
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return fail(ErrorCode::invalid_target, "request target holds a space or control byte");
  }

  RequestFraming framing;
  framing.head = method == "HEAD";
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  bool has_te = false;
  // One pass over the fields: every one is validated, and the few that
  // frame the message are picked out by name (iequals compares lengths first).
  // Fields that Headers::validate() accepted and that did not change since
  // (the transports validate where a request is prepared) are not checked twice.
  const bool checked = headers.validated();
  for (const auto& f : headers) {
    if (!checked) {
      if (auto ok = validate_field(f.name, f.value); !ok) return Unexpected{std::move(ok).error()};
    }
    if (iequals(f.name, "Host")) {
      ++hosts;
    } else if (iequals(f.name, "Content-Length")) {
      ++lengths;
      if (!parse_length(f.value, framing.length)) {
        return fail(ErrorCode::invalid_header_value, "Content-Length '" + std::string(f.value) + "' is not a non-negative decimal");
      }
    } else if (iequals(f.name, "Transfer-Encoding")) {
      has_te = true;
    } else if (iequals(f.name, "Expect")) {
      framing.expect_continue = framing.expect_continue || lists_token(f.value, "100-continue");
    } else if (iequals(f.name, "Connection")) {
      framing.close = framing.close || lists_token(f.value, "close");
    }
  }
  // RFC 9112 §3.2: a client MUST send exactly one Host field.
  if (hosts != 1) {
    return fail(ErrorCode::invalid_header_value, hosts == 0 ? "no Host header" : "more than one Host header");
  }
  if (lengths > 1) return fail(ErrorCode::invalid_header_value, "more than one Content-Length header");
  // RFC 9112 §6.2: a sender MUST NOT send Content-Length with Transfer-Encoding.
  if (lengths == 1 && has_te) {
    return fail(ErrorCode::invalid_header_value, "Content-Length given together with Transfer-Encoding");
  }
  if (has_te) {
    // RFC 9112 §6.1: chunked must be the final coding of a request.
    if (!iequals(last_coding(headers), "chunked")) {
      return fail(ErrorCode::invalid_header_value, "Transfer-Encoding does not end in chunked");
    }
    framing.kind = RequestFraming::Kind::chunked;
  } else if (lengths == 1) {
    framing.kind = RequestFraming::Kind::length;
  }
  return framing;
}

void write_request_head(std::string& out, std::string_view method, std::string_view target, const Headers& headers) {
  // Sized first, then written with plain copies: one growth of `out` at most,
  // and none of append()'s capacity checks per piece (a head is ~20 pieces).
  constexpr std::string_view kVersion = " HTTP/1.1\r\n";
  std::size_t size = method.size() + 1 + target.size() + kVersion.size() + 2;
  for (const auto& f : headers) size += f.name.size() + 2 + f.value.size() + 2;
  const std::size_t start = out.size();
  out.resize(start + size);
  char* p = out.data() + start;
  const auto put = [&p](std::string_view piece) {
    std::memcpy(p, piece.data(), piece.size());
    p += piece.size();
  };
  put(method);
  *p++ = ' ';
  put(target);
  put(kVersion);
  for (const auto& f : headers) {
    put(f.name);
    *p++ = ':';
    *p++ = ' ';
    put(f.value);
    *p++ = '\r';
    *p++ = '\n';
  }
  *p++ = '\r';
  *p++ = '\n';
}

void write_chunk(std::string& out, Bytes data) {
  char hex[16];
  std::size_t n = 0;
  std::size_t size = data.size();
  do {
    hex[n++] = "0123456789abcdef"[size & 0xf];
    size >>= 4;
  } while (size != 0);
  while (n > 0) out += hex[--n];
  out += "\r\n";
  out += as_chars(data);
  out += "\r\n";
}

Result<void> validate_trailers(const Headers& trailers) {
  for (const auto& f : trailers) {
    auto ok = validate_field(f.name, f.value);
    if (!ok) return ok;
  }
  return {};
}

void write_last_chunk(std::string& out, const Headers& trailers) {
  out += "0\r\n";
  append_fields(out, trailers);
  out += "\r\n";
}

}  // namespace hipp::http1
