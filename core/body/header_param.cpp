#include "core/body/header_param.hpp"

namespace hipp::body {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

std::string html5(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(name.size() + value.size() + 3);
  out.append(name).append("=\"");
  for (char c : value) {
    switch (c) {
      case '"':
        out += "%22";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

bool plain_ascii(std::string_view value) {
  for (char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F || c == '"' || c == '\\') return false;
  }
  return true;
}

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string rfc2231(std::string_view name, std::string_view value) {
  if (plain_ascii(value)) {
    std::string out(name);
    out.append("=\"").append(value).append("\"");
    return out;
  }
  // RFC 2231 §4: charset'language'percent-encoded octets; the language is left empty.
  std::string out(name);
  out += "*=utf-8''";
  for (char c : value) {
    if (unreserved(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string format_header_param(std::string_view name, std::string_view value, ParamStyle style) {
  return style == ParamStyle::html5 ? html5(name, value) : rfc2231(name, value);
}

}  // namespace hipp::body
