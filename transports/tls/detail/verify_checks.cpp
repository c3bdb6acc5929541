#include "transports/tls/detail/verify_checks.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <mbedtls/asn1.h>
#include <mbedtls/base64.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

namespace hipp::tls::detail {

namespace {

// mbedTLS 3 made the parsed fields private; MBEDTLS_PRIVATE names them there.
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define HIPP_MBEDTLS_FIELD(name) MBEDTLS_PRIVATE(name)
#else
#define HIPP_MBEDTLS_FIELD(name) name
#endif

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Sha256 sha256(const unsigned char* data, std::size_t size) {
  Sha256 out{};
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_sha256(data, size, out.data(), 0);
#else
  mbedtls_sha256_ret(data, size, out.data(), 0);
#endif
  return out;
}

bool same_name(const mbedtls_x509_buf& a, const mbedtls_x509_buf& b) noexcept {
  return a.len == b.len && a.len > 0 && std::memcmp(a.p, b.p, a.len) == 0;
}

}  // namespace

std::optional<std::vector<unsigned char>> parse_ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() > 64) return std::nullopt;
  const std::string text(host);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return std::vector<unsigned char>(buf, buf + 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return std::vector<unsigned char>(buf, buf + 16);
  return std::nullopt;
}

bool has_ip_san(const mbedtls_x509_crt& cert, const std::vector<unsigned char>& address) {
  // GeneralName iPAddress is [7] IMPLICIT OCTET STRING: context-specific, primitive, tag 7.
  constexpr int kIpAddressTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;
  for (const mbedtls_x509_sequence* san = &cert.subject_alt_names; san != nullptr; san = san->next) {
    if (san->buf.tag == kIpAddressTag && san->buf.len == address.size() &&
        std::memcmp(san->buf.p, address.data(), address.size()) == 0) {
      return true;
    }
  }
  return false;
}

bool is_ca(const mbedtls_x509_crt& cert) noexcept { return cert.HIPP_MBEDTLS_FIELD(ca_istrue) != 0; }

bool is_self_issued(const mbedtls_x509_crt& cert) noexcept { return same_name(cert.issuer_raw, cert.subject_raw); }

std::optional<std::string> non_ca_issuer(const mbedtls_x509_crt& leaf) {
  for (const mbedtls_x509_crt* child = &leaf; child->next != nullptr && child->next->raw.len > 0; child = child->next) {
    const mbedtls_x509_crt& parent = *child->next;
    if (same_name(child->issuer_raw, parent.subject_raw) && !is_self_issued(*child) && !is_ca(parent)) {
      return subject_of(parent);
    }
  }
  return std::nullopt;
}

std::optional<Sha256> parse_sha256_fingerprint(std::string_view text) {
  Sha256 out{};
  std::size_t digits = 0;
  for (char c : text) {
    if (c == ':') continue;
    const int v = hex_value(c);
    if (v < 0 || digits >= 64) return std::nullopt;
    out[digits / 2] = static_cast<unsigned char>(digits % 2 == 0 ? v << 4 : out[digits / 2] | v);
    ++digits;
  }
  if (digits != 64) return std::nullopt;
  return out;
}

Sha256 fingerprint(const mbedtls_x509_crt& cert) { return sha256(cert.raw.p, cert.raw.len); }

std::optional<std::vector<Sha256>> parse_pinned_public_keys(std::string_view text) {
  static constexpr std::string_view kPrefix = "sha256//";
  std::vector<Sha256> pins;
  while (true) {
    const auto end = text.find(';');
    std::string_view entry = text.substr(0, end);
    if (entry.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    entry.remove_prefix(kPrefix.size());
    // A SHA-256 is 32 bytes: exactly 44 base64 characters with one '=' of padding.
    if (entry.size() != 44) return std::nullopt;
    Sha256 digest{};
    std::size_t written = 0;
    if (mbedtls_base64_decode(digest.data(), digest.size(), &written,
                              reinterpret_cast<const unsigned char*>(entry.data()), entry.size()) != 0 ||
        written != digest.size()) {
      return std::nullopt;
    }
    pins.push_back(digest);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return pins;
}

std::optional<Sha256> public_key_fingerprint(const mbedtls_x509_crt& cert) {
  // mbedtls_pk_write_pubkey_der writes backwards from the END of the buffer and returns the length.
  // 2.28 takes a non-const context although it only reads it; 3.x takes const.
  unsigned char buf[2048 + 512];  // an RSA-16384 key's SPKI is about 2.1 KB
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  const int n = mbedtls_pk_write_pubkey_der(&cert.pk, buf, sizeof buf);
#else
  const int n = mbedtls_pk_write_pubkey_der(const_cast<mbedtls_pk_context*>(&cert.pk), buf, sizeof buf);
#endif
  if (n <= 0) return std::nullopt;
  return sha256(buf + sizeof buf - static_cast<std::size_t>(n), static_cast<std::size_t>(n));
}

std::string to_base64(const Sha256& digest) {
  unsigned char out[48];
  std::size_t written = 0;
  if (mbedtls_base64_encode(out, sizeof out, &written, digest.data(), digest.size()) != 0) return {};
  return std::string(reinterpret_cast<const char*>(out), written);
}

std::string to_hex(const Sha256& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string subject_of(const mbedtls_x509_crt& cert) {
  char buf[512];
  const int n = mbedtls_x509_dn_gets(buf, sizeof buf, &cert.subject);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("(unprintable subject)");
}

}  // namespace hipp::tls::detail
