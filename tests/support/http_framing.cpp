#include "http_framing.hpp"

#include <cctype>
#include <charconv>

namespace hipp::test {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool contains_chunked(std::string_view value) {
  std::string lower(value);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower.find("chunked") != std::string::npos;
}

}  // namespace

std::optional<std::size_t> find_head_end(std::string_view buffer) {
  auto pos = buffer.find("\r\n\r\n");
  if (pos == std::string_view::npos) {
    return std::nullopt;
  }
  return pos + 4;
}

std::optional<std::string> header_value(std::string_view head, std::string_view name) {
  auto line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    auto line_end = head.find("\r\n", line_start);
    std::string_view line =
        head.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos : line_end - line_start);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), name)) {
      return std::string(trim(line.substr(colon + 1)));
    }
    line_start = line_end;
  }
  return std::nullopt;
}

std::optional<MessageExtent> message_extent(std::string_view buffer, std::size_t head_length, bool is_request,
                                            bool no_body) {
  MessageExtent extent;
  extent.head_length = head_length;
  if (no_body) {
    return extent;
  }
  std::string_view head = buffer.substr(0, head_length);
  if (auto te = header_value(head, "Transfer-Encoding"); te && contains_chunked(*te)) {
    extent.framing = BodyFraming::Chunked;
    return extent;
  }
  if (auto cl = header_value(head, "Content-Length")) {
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), n);
    if (ec != std::errc() || ptr != cl->data() + cl->size()) {
      return std::nullopt;
    }
    extent.framing = BodyFraming::Length;
    extent.content_length = n;
    return extent;
  }
  extent.framing = is_request ? BodyFraming::None : BodyFraming::UntilClose;
  return extent;
}

std::optional<std::size_t> chunked_length(std::string_view buffer, std::string* decoded, bool* malformed) {
  *malformed = false;
  std::string data;
  std::size_t pos = 0;
  for (;;) {
    auto line_end = buffer.find("\r\n", pos);
    if (line_end == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view size_line = buffer.substr(pos, line_end - pos);
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions, RFC 9112 section 7.1.1
    size_line = trim(size_line);
    std::size_t size = 0;
    auto [ptr, ec] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
    if (size_line.empty() || ec != std::errc() || ptr != size_line.data() + size_line.size()) {
      *malformed = true;
      return std::nullopt;
    }
    pos = line_end + 2;
    if (size == 0) {
      // Trailer section: field lines until an empty line (RFC 9112 section 7.1.2).
      for (;;) {
        auto end = buffer.find("\r\n", pos);
        if (end == std::string_view::npos) {
          return std::nullopt;
        }
        bool empty = end == pos;
        pos = end + 2;
        if (empty) {
          if (decoded != nullptr) {
            decoded->append(data);
          }
          return pos;
        }
      }
    }
    if (buffer.size() < pos + size + 2) {
      return std::nullopt;
    }
    if (buffer.substr(pos + size, 2) != "\r\n") {
      *malformed = true;
      return std::nullopt;
    }
    data.append(buffer.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace hipp::test
