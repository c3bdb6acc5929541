#pragma once
// An independent multipart/form-data parser for tests and the multipart_roundtrip fuzzer: it shares no
// code with core/body, so a round trip through it checks the encoder against RFC 7578 / RFC 2046 as
// read separately, not against itself. Header-only (the fuzzer compiles it in). Strict: anything
// unexpected is a parse failure (std::nullopt), never a guess.
//
// Understands Content-Disposition parameters in both forms the encoder writes: name="v" with the
// HTML5 escapes (%22 %0D %0A) undone, and name*=utf-8''%XX (RFC 2231).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hipp::test {

struct ParsedPart {
  std::vector<std::pair<std::string, std::string>> headers;  // every header line, in order
  std::string name;
  std::optional<std::string> filename;
  std::optional<std::string> content_type;
  std::string content;
};

namespace multipart_detail {

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

inline std::string html5_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::string_view rest = s.substr(i);
    if (rest.substr(0, 3) == "%22") {
      out += '"';
      i += 2;
    } else if (rest.substr(0, 3) == "%0D") {
      out += '\r';
      i += 2;
    } else if (rest.substr(0, 3) == "%0A") {
      out += '\n';
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// `form-data; name="a"; filename*=utf-8''b` into the part's name and filename.
inline bool parse_disposition(std::string_view v, ParsedPart& part, bool html5) {
  if (v.substr(0, 9) != "form-data") return false;
  v.remove_prefix(9);
  bool has_name = false;
  while (!v.empty()) {
    if (v.substr(0, 2) != "; ") return false;
    v.remove_prefix(2);
    const std::size_t eq = v.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view key = v.substr(0, eq);
    v.remove_prefix(eq + 1);
    std::string value;
    if (!key.empty() && key.back() == '*') {
      key.remove_suffix(1);
      if (v.substr(0, 7) != "utf-8''") return false;
      v.remove_prefix(7);
      const std::size_t end = std::min(v.find(';'), v.size());
      auto decoded = percent_decode(v.substr(0, end));
      if (!decoded) return false;
      value = std::move(*decoded);
      v.remove_prefix(end);
    } else {
      if (v.empty() || v.front() != '"') return false;
      const std::size_t close = v.find('"', 1);
      if (close == std::string_view::npos) return false;
      value = html5 ? html5_unescape(v.substr(1, close - 1)) : std::string(v.substr(1, close - 1));
      v.remove_prefix(close + 1);
    }
    if (key == "name") {
      part.name = std::move(value);
      has_name = true;
    } else if (key == "filename") {
      part.filename = std::move(value);
    } else {
      return false;
    }
  }
  return has_name;
}

}  // namespace multipart_detail

// Parses a whole body framed by `boundary`. No preamble or epilogue is accepted: the body must start
// with "--boundary\r\n" (or be the empty form "--boundary--\r\n") and end right after "--boundary--\r\n".
// `html5`: undo HTML5's %22 %0D %0A in quoted values (false: quoted values are literal, as RFC 2231 writes them).
inline std::optional<std::vector<ParsedPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                              bool html5 = true) {
  using namespace multipart_detail;
  std::vector<ParsedPart> parts;
  const std::string open = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + open;
  if (body.substr(0, open.size()) != open) return std::nullopt;
  std::size_t at = open.size();
  for (;;) {
    const std::string_view after = body.substr(at);
    if (after == "--\r\n") return parts;
    if (after.substr(0, 2) != "\r\n") return std::nullopt;
    at += 2;
    ParsedPart part;
    bool has_disposition = false;
    for (;;) {  // header lines up to the empty line
      const std::size_t eol = body.find("\r\n", at);
      if (eol == std::string_view::npos) return std::nullopt;
      const std::string_view line = body.substr(at, eol - at);
      at = eol + 2;
      if (line.empty()) break;
      const std::size_t colon = line.find(": ");
      if (colon == std::string_view::npos || colon == 0) return std::nullopt;
      const std::string_view hname = line.substr(0, colon);
      const std::string_view hvalue = line.substr(colon + 2);
      part.headers.emplace_back(hname, hvalue);
      if (iequal(hname, "Content-Disposition")) {
        if (has_disposition || !parse_disposition(hvalue, part, html5)) return std::nullopt;
        has_disposition = true;
      } else if (iequal(hname, "Content-Type")) {
        part.content_type = std::string(hvalue);
      }
    }
    if (!has_disposition) return std::nullopt;
    const std::size_t end = body.find(delimiter, at);
    if (end == std::string_view::npos) return std::nullopt;
    part.content = std::string(body.substr(at, end - at));
    parts.push_back(std::move(part));
    at = end + delimiter.size();
  }
}

// The boundary parameter of a "multipart/form-data; boundary=…" Content-Type (unquoted form only).
inline std::optional<std::string> multipart_boundary(std::string_view content_type) {
  constexpr std::string_view prefix = "multipart/form-data; boundary=";
  if (content_type.substr(0, prefix.size()) != prefix) return std::nullopt;
  return std::string(content_type.substr(prefix.size()));
}

}  // namespace hipp::test
