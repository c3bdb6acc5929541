#include "core/http2/request_fields.hpp"

#include <array>

#include "core/message/method.hpp"

namespace hipp::http2 {

namespace {

// RFC 9113 §8.2.2: fields that are meaningful only to one HTTP/1.1 hop.
constexpr std::array<std::string_view, 5> kConnectionSpecific = {"connection", "keep-alive", "proxy-connection",
                                                                 "transfer-encoding", "upgrade"};

bool is_connection_specific(std::string_view name) noexcept {
  for (auto n : kConnectionSpecific) {
    if (iequals(n, name)) return true;
  }
  return false;
}

bool is_never_indexed(std::string_view name) noexcept {
  return iequals(name, "authorization") || iequals(name, "proxy-authorization") || iequals(name, "cookie");
}

// Bytes that may not appear in :path or :authority: controls, space and DEL (RFC 9113 §8.3.1 refers to
// RFC 3986, which has none of them).
bool has_forbidden_byte(std::string_view s) noexcept {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

// RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && (i == 0 || !other)) return false;
  }
  return true;
}

std::optional<std::uint64_t> parse_length(std::string_view v) noexcept {
  if (v.empty() || v.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

Result<RequestFields> build_request_fields(std::string_view method, std::string_view scheme, std::string_view authority,
                                           std::string_view path, const Headers& headers) {
  if (auto ok = method::validate(method); !ok) return Unexpected{ok.error()};
  if (!is_scheme(scheme)) return fail(ErrorCode::invalid_target, "invalid :scheme");
  if (path.empty() || has_forbidden_byte(path)) return fail(ErrorCode::invalid_target, "invalid :path");

  RequestFields out;
  std::string_view host;
  for (const auto& f : headers) {
    if (auto ok = validate_field(f.name, f.value); !ok) return Unexpected{ok.error()};
    if (iequals(f.name, "host")) {
      if (!host.empty()) return fail(ErrorCode::invalid_header_value, "more than one Host");
      host = f.value;
    } else if (iequals(f.name, "content-length")) {
      auto n = parse_length(f.value);
      if (!n || (out.content_length && *out.content_length != *n)) {
        return fail(ErrorCode::invalid_header_value, "invalid Content-Length");
      }
      out.content_length = n;
    }
  }
  const std::string_view auth = authority.empty() ? host : authority;
  if (auth.empty() || has_forbidden_byte(auth)) return fail(ErrorCode::invalid_url, "invalid :authority");

  out.fields.reserve(headers.size() + 4);
  out.fields.push_back({":method", std::string(method), false});
  out.fields.push_back({":scheme", std::string(scheme), false});
  out.fields.push_back({":authority", std::string(auth), false});
  out.fields.push_back({":path", std::string(path), false});
  bool content_length_sent = false;
  for (const auto& f : headers) {
    if (iequals(f.name, "host") || is_connection_specific(f.name)) continue;
    // RFC 9113 §8.2.2: TE may only say "trailers".
    if (iequals(f.name, "te") && !iequals(f.value, "trailers")) continue;
    if (iequals(f.name, "content-length")) {
      if (content_length_sent) continue;  // identical repeats collapse to one
      content_length_sent = true;
    }
    out.fields.push_back({to_lower(f.name), std::string(f.value), is_never_indexed(f.name)});
  }
  return out;
}

Result<std::vector<RequestField>> build_trailer_fields(const Headers& trailers) {
  std::vector<RequestField> out;
  out.reserve(trailers.size());
  for (const auto& f : trailers) {
    if (auto ok = validate_field(f.name, f.value); !ok) return Unexpected{ok.error()};
    if (is_connection_specific(f.name) || iequals(f.name, "host") || iequals(f.name, "te")) {
      return fail(ErrorCode::invalid_header_name, "connection-specific trailer: " + std::string(f.name));
    }
    out.push_back({to_lower(f.name), std::string(f.value), is_never_indexed(f.name)});
  }
  return out;
}

}  // namespace hipp::http2
