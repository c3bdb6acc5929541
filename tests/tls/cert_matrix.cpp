#include "tests/tls/cert_matrix.hpp"

#include <chrono>
#include <stdexcept>

#include "tests/support/child_process.hpp"

#ifndef HIPP_CERT_MATRIX_SCRIPT
#error "HIPP_CERT_MATRIX_SCRIPT must name tests/tls/make-cert-matrix (set by tests/tls/meson.build)"
#endif

namespace hipp::test {

CertMatrix::CertMatrix() : dir_("hipp-certs-") {
  ChildProcess script({"/bin/bash", HIPP_CERT_MATRIX_SCRIPT, dir().string()}, dir() / "make.out");
  if (int code = script.wait(std::chrono::seconds(60)); code != 0) {
    throw std::runtime_error("make-cert-matrix failed (" + std::to_string(code) + ")\n" +
                             read_file(dir() / "make.out"));
  }
}

const CertMatrix& cert_matrix() {
  static const CertMatrix matrix;
  return matrix;
}

}  // namespace hipp::test
