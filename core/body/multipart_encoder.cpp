#include "core/body/multipart_encoder.hpp"

#include "core/body/content_type_guess.hpp"
#include "core/message/headers.hpp"

namespace hipp::body {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string describe(std::size_t index, const MultipartPart& part) {
  return "multipart part " + std::to_string(index) + " ('" + part.name + "')";
}

Result<void> check_part(std::size_t index, const MultipartPart& part) {
  // A browser would percent-escape CR and LF in a name; a name holding them is a caller's bug far more
  // often than a wish, so it is refused rather than sent mangled. NUL cannot be escaped by HTML5's
  // rules and ends C strings in many servers.
  if (part.name.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return fail(ErrorCode::invalid_form_field, describe(index, part) + ": the name holds CR, LF or NUL");
  }
  if (part.filename && part.filename->find('\0') != std::string::npos) {
    return fail(ErrorCode::invalid_form_field, describe(index, part) + ": the filename holds NUL");
  }
  if (part.content_type) {
    if (part.content_type->empty() || !validate_field("Content-Type", *part.content_type)) {
      return fail(ErrorCode::invalid_form_field, describe(index, part) + ": invalid content type");
    }
  }
  for (const auto& [name, value] : part.headers) {
    if (!validate_field(name, value)) {
      return fail(ErrorCode::invalid_form_field, describe(index, part) + ": invalid part header '" + name + "'");
    }
    if (iequals(name, "Content-Disposition") || iequals(name, "Content-Type")) {
      return fail(ErrorCode::invalid_form_field,
                  describe(index, part) + ": " + name + " is the encoder's; set filename or content_type");
    }
  }
  return {};
}

}  // namespace

Result<MultipartEncoder> MultipartEncoder::create(std::vector<MultipartPart> parts, Bytes random,
                                                  const MultipartOptions& options) {
  if (random.size() < kMinBoundaryRandomBytes) {
    return fail(ErrorCode::invalid_state,
                "a multipart boundary needs at least 16 random bytes, got " + std::to_string(random.size()));
  }
  if (options.chunk_size == 0) return fail(ErrorCode::invalid_state, "multipart chunk_size must be > 0");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (auto ok = check_part(i, parts[i]); !ok) return Unexpected{std::move(ok).error()};
  }

  MultipartEncoder e;
  e.chunk_size_ = options.chunk_size;
  constexpr char kHex[] = "0123456789abcdef";
  for (std::byte b : random.first(std::min(random.size(), kMaxBoundaryRandomBytes))) {
    const auto v = std::to_integer<unsigned>(b);
    e.boundary_ += kHex[v >> 4];
    e.boundary_ += kHex[v & 0x0F];
  }

  std::uint64_t sized = 0;  // bytes of the body whose count is known so far
  bool unknown = false;
  std::size_t text_start = 0;
  auto close_text = [&] {
    if (e.text_.size() > text_start) e.segments_.push_back(TextSegment{text_start, e.text_.size() - text_start});
    text_start = e.text_.size();
  };

  e.part_names_.reserve(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    MultipartPart& part = parts[i];
    // RFC 2046 §5.1.1: the delimiter is CRLF "--" boundary; the CRLF before each delimiter is written as the
    // end of the previous part, so the body starts with "--" directly (no preamble).
    std::string& t = e.text_;
    t.append("--").append(e.boundary_).append("\r\n");
    t.append("Content-Disposition: form-data; ").append(format_header_param("name", part.name, options.param_style));
    if (part.filename) t.append("; ").append(format_header_param("filename", *part.filename, options.param_style));
    t.append("\r\n");
    if (part.content_type) {
      t.append("Content-Type: ").append(*part.content_type).append("\r\n");
    } else if (part.filename) {
      t.append("Content-Type: ").append(guess_content_type(*part.filename)).append("\r\n");
    }
    for (const auto& [name, value] : part.headers) t.append(name).append(": ").append(value).append("\r\n");
    t.append("\r\n");
    if (auto* bytes = std::get_if<std::string>(&part.content)) {
      t.append(*bytes);
    } else {
      const PartSource& source = std::get<PartSource>(part.content);
      close_text();
      e.segments_.push_back(SourceSegment{i, source.handle, source.size});
      ++e.sources_;
      if (source.size) {
        sized += *source.size;
      } else {
        unknown = true;
      }
    }
    t.append("\r\n");
    e.part_names_.push_back(std::move(part.name));
  }
  e.text_.append("--").append(e.boundary_).append("--\r\n");
  close_text();
  if (!unknown) e.content_length_ = sized + e.text_.size();
  return e;
}

std::string MultipartEncoder::content_type() const { return "multipart/form-data; boundary=" + boundary_; }

}  // namespace hipp::body
