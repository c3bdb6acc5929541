// Formatting one parameter of a multipart part's Content-Disposition (name="…", filename="…"), with
// the two strategies Hip offers (fields.format_header_param_html5 / format_header_param_rfc2231).
//
// Pure functions: no I/O, no shared state.
#pragma once

#include <string>
#include <string_view>

namespace hipp::body {

enum class ParamStyle {
  // WHATWG HTML "multipart/form-data encoding algorithm", as browsers and curl send it: the value is
  // UTF-8 inside quotes, with '"' → %22, CR → %0D, LF → %0A. Servers that decode (Go, busboy) undo
  // these three (werkzeug keeps them as they are). The form is ambiguous, as in browsers: a literal
  // "%22" in a value reads back as '"' where the server decodes. The default, as in Hip.
  html5,
  // RFC 2231 §4 / RFC 5987 §3.2 (RFC 7578 §4.2 discourages it, but some old servers need it): a
  // printable ASCII value without '"' or '\' stays `name="value"`; anything else becomes
  // `name*=utf-8''%XX…`, every byte outside ALPHA DIGIT - . _ ~ percent-encoded.
  rfc2231,
};

// The result is `name="value"` (or `name*=utf-8''…`). `name` is the
// parameter's name ("name", "filename"), ASCII, not escaped. `value` is UTF-8 bytes, used as given
// (no normalisation). NUL bytes are not checked here: MultipartEncoder refuses them before.
std::string format_header_param(std::string_view name, std::string_view value, ParamStyle style);

}  // namespace hipp::body
