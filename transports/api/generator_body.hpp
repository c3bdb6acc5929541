// GeneratorBody — a request body (or a multipart part) produced piece by piece by the caller.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace hipp {

// Sent chunked (unless a size is declared for a multipart part), not rewindable. The generator returns
// the next piece, or std::nullopt at the end; an empty piece is skipped.
struct GeneratorBody {
  std::function<std::optional<std::string>()> next{};
};

}  // namespace hipp
