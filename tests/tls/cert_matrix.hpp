#pragma once
// The certificate matrix of the TLS tests, generated once per test process by tests/tls/make-cert-matrix
// (the openssl CLI) into a private temp dir. See that script for what each name is.

#include <filesystem>
#include <string>
#include <string_view>

#include "tests/support/temp_dir.hpp"

namespace hipp::test {

class CertMatrix {
 public:
  // Throws std::runtime_error when the script fails.
  CertMatrix();
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  [[nodiscard]] std::filesystem::path crt(std::string_view name) const { return dir() / (std::string(name) + ".crt"); }
  [[nodiscard]] std::filesystem::path key(std::string_view name) const { return dir() / (std::string(name) + ".key"); }

 private:
  TempDir dir_;
};

// The process-wide matrix (generated on first use).
const CertMatrix& cert_matrix();

}  // namespace hipp::test
