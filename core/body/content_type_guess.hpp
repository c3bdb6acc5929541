// The Content-Type of a file part, guessed from its filename's extension (Hip's
// fields.guess_content_type, with a small built-in table instead of the system's mimetypes).
//
// Pure function: no I/O, no shared state.
#pragma once

#include <string_view>

namespace hipp::body {

inline constexpr std::string_view kDefaultFileContentType = "application/octet-stream";

// The media type for `filename`'s extension (the text after the last '.', compared without regard to
// ASCII case): txt, html/htm, json, png, jpg/jpeg, gif, pdf, zip, gz, csv, xml, js, css, svg, mp4, wav,
// bin. Anything else, or no extension, gives `fallback`. The view is static (or `fallback` itself).
std::string_view guess_content_type(std::string_view filename, std::string_view fallback = kDefaultFileContentType);

}  // namespace hipp::body
