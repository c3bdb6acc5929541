// The certificate checks the mbedTLS backend does itself, because mbedTLS 2.28 does not (or not in
// every configuration): iPAddress SANs, basicConstraints of issuers, SHA-256 pins of the certificate and of
// its public key. Pure functions over
// parsed certificates, so they are unit-testable without a handshake.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mbedtls/x509_crt.h>

namespace hipp::tls::detail {

using Sha256 = std::array<unsigned char, 32>;

// The address bytes of an IPv4 or IPv6 literal (4 or 16 bytes; [brackets] allowed), or nullopt for a name.
std::optional<std::vector<unsigned char>> parse_ip_literal(std::string_view host);

// Whether `cert` carries an iPAddress subjectAltName (RFC 5280 §4.2.1.6) equal to `address`. The CN is
// never consulted for IP addresses (RFC 6125 §1.7.2).
bool has_ip_san(const mbedtls_x509_crt& cert, const std::vector<unsigned char>& address);

// basicConstraints cA (RFC 5280 §4.2.1.9).
bool is_ca(const mbedtls_x509_crt& cert) noexcept;

// Walks the chain as the peer presented it (leaf, then ->next): for every certificate that issued the
// one before it (issuer DN == subject DN), requires cA=TRUE. Returns the subject of the first offender.
std::optional<std::string> non_ca_issuer(const mbedtls_x509_crt& leaf);

// Whether the certificate names itself as issuer.
bool is_self_issued(const mbedtls_x509_crt& cert) noexcept;

// "aa:bb:..." or "aabb..." (any case) into 32 bytes; nullopt unless it is exactly 64 hex digits.
std::optional<Sha256> parse_sha256_fingerprint(std::string_view text);

// SHA-256 of the DER encoding.
Sha256 fingerprint(const mbedtls_x509_crt& cert);

// curl's --pinnedpubkey hash list: "sha256//<base64>" entries separated by ';' (each the base64 of a
// 32-byte SHA-256, padding included, as `openssl dgst -sha256 -binary | base64` prints it). nullopt when
// the text is empty, an entry is empty, lacks the "sha256//" prefix, is not base64 or does not decode to
// 32 bytes. curl's other form, a path to a PEM/DER public key file, is not accepted.
std::optional<std::vector<Sha256>> parse_pinned_public_keys(std::string_view text);

// SHA-256 of the certificate's SubjectPublicKeyInfo (DER, RFC 5280 §4.1.2.7) as mbedtls_pk_write_pubkey_der
// writes it: what HPKP (RFC 7469 §2.4) and curl's --pinnedpubkey hash. nullopt when the key cannot be
// encoded.
std::optional<Sha256> public_key_fingerprint(const mbedtls_x509_crt& cert);

// Standard base64 with padding (RFC 4648 §4): 44 characters for a SHA-256.
std::string to_base64(const Sha256& digest);

// Lowercase hex without separators.
std::string to_hex(const Sha256& digest);

// The subject DN as text ("CN=localhost, O=..."), for error details.
std::string subject_of(const mbedtls_x509_crt& cert);

}  // namespace hipp::tls::detail
