// The mbedTLS backend of tls::ClientContext / tls::Engine (mbedTLS 2.28 as Debian ships it, or 3.x).
//
// What it enforces, whatever mbedTLS's defaults: TLS 1.2 minimum (1.3 too on 3.x builds that have it);
// only AEAD suites with forward secrecy (ECDHE with AES-GCM or ChaCha20-Poly1305, and the TLS 1.3
// suites); no renegotiation; the host name set on every session (mbedtls_ssl_set_hostname, also for IP
// literals, where it is explicitly cleared: mbedTLS advisory CVE-2025-27809); basicConstraints CA=true
// on every issuer in the presented and the verified chain (see verify_checks.hpp); iPAddress SANs for
// IP literals; session tickets (RFC 5077) on, besides session IDs. Randomness: one mbedtls_ctr_drbg per
// context, seeded from mbedtls_entropy, serialised by a mutex so engines on several threads may share it.
#pragma once

#include <memory>

#include "core/result.hpp"
#include "transports/tls/client_config.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::tls {

// Loads the trust anchors and the client certificate named by `config` and seeds the DRBG.
// Errors: tls_failed with "ca_certs: ...", "ca_cert_dir: ...", "cert_file: ...", "key_file: ..."
// (unreadable, not PEM/DER, wrong key_password), "assert_fingerprint: ..." (not 64 hex digits),
// "pinned_public_key: ..." (not a ';'-separated list of sha256//<base64 of 32 bytes>), "entropy: ..."
// when the DRBG cannot be seeded.
Result<std::shared_ptr<const ClientContext>> make_mbedtls_context(const ClientConfig& config);

}  // namespace hipp::tls
