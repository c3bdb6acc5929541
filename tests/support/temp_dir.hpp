#pragma once
// A private directory under $TMPDIR (or /tmp), created with mkdtemp(3) so parallel test processes never
// share one, and removed with everything in it when the owner is destroyed.

#include <filesystem>
#include <string>
#include <string_view>

namespace hipp::test {

class TempDir {
 public:
  // Creates <tmp>/<prefix>XXXXXX (mode 0700). Throws std::runtime_error when mkdtemp fails.
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// The whole content of a file, or an empty string when it cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& file);

}  // namespace hipp::test
