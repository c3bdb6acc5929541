#include "core/body/fields.hpp"

#include <algorithm>

#include "core/url/url.hpp"

namespace hipp::body {

namespace {

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void append_form_encoded(std::string& out, std::string_view s) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    if (is_unreserved(c)) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
}

}  // namespace

std::string urlencode(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    append_form_encoded(out, name);
    out += '=';
    append_form_encoded(out, value);
  }
  return out;
}

Result<std::string> encode_fields_into_target(std::string_view request_uri_or_url, const Fields& fields) {
  if (auto checked = url::parse(request_uri_or_url); !checked) return Unexpected{std::move(checked).error()};
  std::string target(request_uri_or_url);
  if (fields.empty()) return target;
  const std::size_t fragment = std::min(target.find('#'), target.size());
  const std::size_t question = target.find('?');
  std::string_view separator = "?";
  if (question < fragment) {
    const char last = target[fragment - 1];
    separator = (last == '?' || last == '&') ? "" : "&";
  }
  target.insert(fragment, std::string(separator) + urlencode(fields));
  return target;
}

EncodedBody encode_form(const Fields& fields) {
  return EncodedBody{"application/x-www-form-urlencoded", urlencode(fields)};
}

}  // namespace hipp::body
