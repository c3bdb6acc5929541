#include "core/body/content_type_guess.hpp"

#include <array>
#include <utility>

namespace hipp::body {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes{{
    {"txt", "text/plain"},
    {"html", "text/html"},
    {"htm", "text/html"},
    {"json", "application/json"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"csv", "text/csv"},
    {"xml", "application/xml"},
    {"js", "text/javascript"},  // RFC 9239 §6
    {"css", "text/css"},
    {"svg", "image/svg+xml"},
    {"mp4", "video/mp4"},
    {"wav", "audio/wav"},
    {"bin", "application/octet-stream"},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view guess_content_type(std::string_view filename, std::string_view fallback) {
  // Only the last path component counts: "dir.d/README" has no extension.
  if (const auto slash = filename.find_last_of("/\\"); slash != std::string_view::npos) {
    filename.remove_prefix(slash + 1);
  }
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return fallback;  // ".bashrc" is a name, not an extension
  const std::string_view extension = filename.substr(dot + 1);
  for (const auto& [ext, type] : kTypes) {
    if (iequals(extension, ext)) return type;
  }
  return fallback;
}

}  // namespace hipp::body
