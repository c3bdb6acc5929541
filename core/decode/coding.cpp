#include "core/decode/coding.hpp"

#include <string>

namespace hipp::decode {

namespace {

// RFC 9110 §5.6.3: optional whitespace is SP / HTAB.
std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(element) for each non-empty element of a comma-separated list (RFC 9110 §5.6.1); stops early
// when f returns false.
template <class F>
void for_each_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return;
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string_view to_string(Coding coding) noexcept {
  switch (coding) {
    case Coding::identity:
      return "identity";
    case Coding::gzip:
      return "gzip";
    case Coding::deflate:
      return "deflate";
    case Coding::br:
      return "br";
    case Coding::zstd:
      return "zstd";
  }
  return "identity";
}

Result<Coding> parse_coding(std::string_view name) {
  if (iequals(name, "gzip") || iequals(name, "x-gzip")) return Coding::gzip;
  if (iequals(name, "deflate")) return Coding::deflate;
  if (iequals(name, "br")) return Coding::br;
  if (iequals(name, "zstd")) return Coding::zstd;
  if (iequals(name, "identity")) return Coding::identity;
  std::string shown(name.substr(0, 64));
  return fail(ErrorCode::unsupported_encoding,
              "unsupported content coding \"" + shown + "\" (supported: " + std::string(accept_encoding()) + ")");
}

Result<std::vector<Coding>> parse_content_encoding(const Headers& headers, std::size_t max_codings) {
  // Count first: refusing an absurd list must not cost a vector entry per element.
  std::size_t count = 0;
  for (const HeaderField& field : headers) {
    if (!iequals(field.name, "Content-Encoding")) continue;
    for_each_element(field.value, [&](std::string_view) { return ++count <= max_codings; });
  }
  if (count > max_codings) {
    return fail(ErrorCode::too_many_encodings, "the response lists more than " + std::to_string(max_codings) +
                                                   " content codings (decode::Limits::max_codings)");
  }
  std::vector<Coding> codings;
  codings.reserve(count);
  std::optional<Error> error;
  for (const HeaderField& field : headers) {
    if (!iequals(field.name, "Content-Encoding")) continue;
    for_each_element(field.value, [&](std::string_view element) {
      auto coding = parse_coding(element);
      if (!coding) {
        error = std::move(coding).error();
        return false;
      }
      codings.push_back(*coding);
      return true;
    });
    if (error) return Unexpected{std::move(*error)};
  }
  return codings;
}

std::string_view accept_encoding() noexcept { return "gzip, deflate, br, zstd"; }

}  // namespace hipp::decode
