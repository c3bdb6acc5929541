// What a TLS client verifies and offers: the settings shared by every connection of a ClientContext.
//
// Hip's names where Hip has them (ca_certs, ca_cert_dir, cert_file, key_file, key_password,
// assert_fingerprint), curl's where only curl has one (pinned_public_key); hyperhttp's `verify="/path"`
// maps to ca_certs. Verification is on by default and only `verify = false` turns it off (then
// `on_insecure` is called once per connection, Hip's InsecureRequestWarning).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hipp::tls {

// The bundle Debian's ca-certificates package maintains; used when neither ca_certs nor ca_cert_dir is set.
inline constexpr std::string_view kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

struct ClientConfig {
  // Verify the peer's chain against the trust anchors and the host name. false: accept any certificate
  // (assert_fingerprint, when set, is still enforced) and call on_insecure.
  bool verify = true;
  // A PEM file of trust anchors. Empty, and ca_cert_dir empty too: kSystemCaBundle.
  std::string ca_certs;
  // A directory of PEM files (every regular file in it is loaded; c_rehash links are fine).
  std::string ca_cert_dir;
  // ALPN protocols offered, most preferred first (RFC 7301). Empty: no ALPN extension.
  std::vector<std::string> alpn = {"h2", "http/1.1"};
  // Client certificate (mTLS): a PEM chain, leaf first, and its private key (PEM or DER, encrypted
  // when key_password is set). key_file empty: the key is read from cert_file.
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  // Hip's assert_fingerprint: the SHA-256 of the leaf certificate (DER) in hex, colons and case ignored.
  // Checked in addition to (never instead of) verification.
  std::string assert_fingerprint;
  // curl's --pinnedpubkey: "sha256//<base64>[;sha256//<base64>...]", the base64 SHA-256 of the leaf's
  // SubjectPublicKeyInfo (DER), as `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der |
  // openssl dgst -sha256 -binary | base64` prints it. The connection is refused (public_key_mismatch)
  // unless the leaf's key matches one of them. Unlike assert_fingerprint it survives a certificate
  // renewal that keeps the key. Checked in addition to (never instead of) verification. Empty: no pin.
  std::string pinned_public_key;
  // Called with a warning when a connection is made with verify = false. May be empty.
  std::function<void(std::string_view warning)> on_insecure;
};

}  // namespace hipp::tls
