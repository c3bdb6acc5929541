#include "transports/tls/mbedtls_context.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && (defined(MBEDTLS_USE_PSA_CRYPTO) || defined(MBEDTLS_SSL_PROTO_TLS1_3))
#include <psa/crypto.h>
#define HIPP_MBEDTLS_NEEDS_PSA 1
#endif

#include "transports/tls/detail/session_cache.hpp"
#include "transports/tls/detail/verify_checks.hpp"

// mbedTLS 3 made the session's fields private; MBEDTLS_PRIVATE names them there.
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define HIPP_MBEDTLS_FIELD(name) MBEDTLS_PRIVATE(name)
#else
#define HIPP_MBEDTLS_FIELD(name) name
#endif
// 3.x keeps the TLS 1.2 session fields (session ID, master secret) only in builds with TLS 1.2.
#if MBEDTLS_VERSION_NUMBER < 0x03000000 || defined(MBEDTLS_SSL_PROTO_TLS1_2)
#define HIPP_MBEDTLS_TLS12_SESSION 1
#endif
// TLS 1.3 as a client is usable from mbedTLS 3.2 on (mbedtls_ssl_get_version_number, the session's
// tls_version); 3.0 and 3.1 builds are treated as TLS 1.2 only here.
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define HIPP_MBEDTLS_TLS13 1
#endif

namespace hipp::tls {

namespace {

// ECDHE key exchange (forward secrecy) with an AEAD cipher only: no CBC (Lucky13 and friends), no RSA
// key transport, no static DH. RFC 7525 §4.2's recommended suites plus ChaCha20-Poly1305 (RFC 7905).
constexpr int kSuites[] = {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    0,
};

// One TLS record's worth of plaintext per mbedtls_ssl_read call.
constexpr std::size_t kReadChunk = 16384;

std::string mbedtls_message(int code) {
  char buf[200];
  mbedtls_strerror(code, buf, sizeof buf);
  return std::string(buf) + " (-0x" + [code] {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%04x", static_cast<unsigned>(-code));
    return std::string(hex);
  }() + ")";
}

// mbedtls_ctr_drbg seeded from mbedtls_entropy; a mutex because engines of one context may run on
// several threads and a DRBG is not reentrant.
class Drbg {
 public:
  Drbg() {
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ~Drbg() {
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }
  Drbg(const Drbg&) = delete;
  Drbg& operator=(const Drbg&) = delete;

  int seed() {
    static constexpr unsigned char kPersonalization[] = "hipp tls client";
    return mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, kPersonalization,
                                 sizeof kPersonalization - 1);
  }
  static int random(void* self, unsigned char* out, std::size_t len) {
    auto* drbg = static_cast<Drbg*>(self);
    std::lock_guard<std::mutex> lock(drbg->mutex_);
    return mbedtls_ctr_drbg_random(&drbg->drbg_, out, len);
  }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
  std::mutex mutex_;
};

// A session saved after a successful handshake, immutable once stored in the cache: engines copy it into
// their own mbedTLS context with mbedtls_ssl_set_session.
class StoredSession {
 public:
  StoredSession() { mbedtls_ssl_session_init(&session_); }
  ~StoredSession() { mbedtls_ssl_session_free(&session_); }
  StoredSession(const StoredSession&) = delete;
  StoredSession& operator=(const StoredSession&) = delete;

  mbedtls_ssl_session* get() noexcept { return &session_; }
  const mbedtls_ssl_session* get() const noexcept { return &session_; }

  // Whether a server could resume it: it carries a session ID or a ticket.
  bool resumable() const noexcept {
#if defined(HIPP_MBEDTLS_TLS12_SESSION)
    if (session_.HIPP_MBEDTLS_FIELD(id_len) > 0) return true;
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (session_.HIPP_MBEDTLS_FIELD(ticket_len) > 0) return true;
#endif
    return false;
  }

  // Whether both share one TLS 1.2 master secret: true only when a handshake resumed `other` (a full
  // handshake derives a fresh one from new randoms and a new key exchange, RFC 5246 §8.1). mbedTLS 2.28
  // has no public "was this resumed" query, so this is how we tell; an all-zero secret (never set) never
  // counts.
  bool same_master_secret(const StoredSession& other) const noexcept {
#if defined(HIPP_MBEDTLS_TLS12_SESSION)
    const auto& mine = session_.HIPP_MBEDTLS_FIELD(master);
    const auto& theirs = other.session_.HIPP_MBEDTLS_FIELD(master);
    static_assert(sizeof mine == 48);
    bool any_set = false;
    for (unsigned char b : mine) any_set = any_set || b != 0;
    return any_set && std::memcmp(mine, theirs, sizeof mine) == 0;
#else
    (void)other;
    return false;
#endif
  }

 private:
  mbedtls_ssl_session session_;
};

using SessionCache = detail::SessionCache<StoredSession>;

class MbedtlsContext final : public ClientContext, public std::enable_shared_from_this<MbedtlsContext> {
 public:
  MbedtlsContext() {
    mbedtls_ssl_config_init(&conf_);
    mbedtls_x509_crt_init(&ca_);
    mbedtls_x509_crt_init(&own_cert_);
    mbedtls_pk_init(&own_key_);
  }
  ~MbedtlsContext() override {
    mbedtls_ssl_config_free(&conf_);
    mbedtls_pk_free(&own_key_);
    mbedtls_x509_crt_free(&own_cert_);
    mbedtls_x509_crt_free(&ca_);
  }
  MbedtlsContext(const MbedtlsContext&) = delete;
  MbedtlsContext& operator=(const MbedtlsContext&) = delete;

  Result<void> init(const ClientConfig& config);
  using ClientContext::connect;
  Result<std::unique_ptr<Engine>> connect(std::string_view host, const SessionKey& session) const override;
  std::size_t saved_sessions() const override { return sessions_.size(); }

  const ClientConfig& config() const noexcept { return config_; }
  const mbedtls_ssl_config* conf() const noexcept { return &conf_; }
  const std::optional<detail::Sha256>& pin() const noexcept { return pin_; }
  const std::vector<detail::Sha256>& public_key_pins() const noexcept { return public_key_pins_; }
  // Shared by the engines of this context; thread-safe.
  SessionCache& sessions() const noexcept { return sessions_; }

 private:
  Result<void> load_trust_anchors();
  Result<void> load_client_certificate();

  ClientConfig config_;
  mbedtls_ssl_config conf_;
  mbedtls_x509_crt ca_;
  mbedtls_x509_crt own_cert_;
  mbedtls_pk_context own_key_;
  std::optional<detail::Sha256> pin_;
  std::vector<detail::Sha256> public_key_pins_;
  mutable SessionCache sessions_{kSessionCacheSize};
  std::vector<const char*> alpn_list_;  // null-terminated views into config_.alpn, for mbedTLS
  Drbg drbg_;
};

class MbedtlsEngine final : public Engine {
 public:
  // `session_key` empty: resumption off for this engine.
  MbedtlsEngine(std::shared_ptr<const MbedtlsContext> context, std::string host,
                std::optional<std::vector<unsigned char>> ip, std::string session_key)
      : context_(std::move(context)), host_(std::move(host)), ip_(std::move(ip)), session_key_(std::move(session_key)) {
    mbedtls_ssl_init(&ssl_);
  }
  ~MbedtlsEngine() override { mbedtls_ssl_free(&ssl_); }
  MbedtlsEngine(const MbedtlsEngine&) = delete;
  MbedtlsEngine& operator=(const MbedtlsEngine&) = delete;

  Result<void> start();

  State state() const noexcept override { return state_; }
  std::string_view alpn_protocol() const noexcept override { return alpn_; }
  const Error* error() const noexcept override { return error_ ? &*error_ : nullptr; }
  bool close_sent() const noexcept override { return close_sent_; }
  std::size_t plaintext_available() const noexcept override { return plain_.size() - plain_pos_; }
  bool resumed() const noexcept override { return resumed_; }

  Result<void> receive(Bytes data) override;
  Result<void> receive_eof() override;
  std::optional<Event> next_event() override;
  Bytes pending_output() const noexcept override { return Bytes(out_).subspan(out_pos_); }
  void consume_output(std::size_t n) noexcept override;
  Result<std::size_t> write(Bytes plaintext) override;
  std::size_t read(MutableBytes out) noexcept override;
  Result<void> close() override;

 private:
  static int bio_send(void* self, const unsigned char* buf, std::size_t len);
  static int bio_recv(void* self, unsigned char* buf, std::size_t len);
  static int verify_callback(void* self, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags);

  Result<void> advance();
  Unexpected failed(Error error);
  Error handshake_error(int code) const;
  Error certificate_error() const;
  std::optional<Error> post_handshake_checks();
  // Saves the session for the next connection; with `at_handshake`, also decides resumed_.
  void save_session(bool at_handshake);

  std::shared_ptr<const MbedtlsContext> context_;
  std::string host_;
  std::optional<std::vector<unsigned char>> ip_;
  std::string session_key_;
  std::shared_ptr<const StoredSession> offered_;  // the saved session this handshake offered, or null
  bool resumed_ = false;
  mbedtls_ssl_context ssl_;
  State state_ = State::handshaking;
  std::optional<Error> error_;
  std::deque<Event> events_;
  std::string alpn_;
  std::vector<std::byte> in_;
  std::size_t in_pos_ = 0;
  std::vector<std::byte> out_;
  std::size_t out_pos_ = 0;
  std::vector<std::byte> plain_;
  std::size_t plain_pos_ = 0;
  bool eof_ = false;
  bool close_sent_ = false;
  // Filled by verify_callback: every flag mbedTLS raised anywhere in the chain, our own reason when one
  // of our checks failed, and whether the leaf named itself as issuer.
  std::uint32_t verify_flags_ = 0;
  std::string own_reason_;
  bool leaf_self_issued_ = false;
};

Error tls_error(std::string detail) { return make_error(ErrorCode::tls_failed, std::move(detail)); }
Error certificate_failure(std::string detail) {
  return make_error(ErrorCode::certificate_verify_failed, std::move(detail));
}

// ---- MbedtlsContext ----

Result<void> MbedtlsContext::init(const ClientConfig& config) {
  config_ = config;
#if defined(HIPP_MBEDTLS_NEEDS_PSA)
  if (psa_crypto_init() != PSA_SUCCESS) return Unexpected{tls_error("entropy: psa_crypto_init failed")};
#endif
  if (int rc = drbg_.seed(); rc != 0) return Unexpected{tls_error("entropy: " + mbedtls_message(rc))};
  if (int rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT);
      rc != 0) {
    return Unexpected{tls_error("handshake failure: " + mbedtls_message(rc))};
  }
  mbedtls_ssl_conf_rng(&conf_, &Drbg::random, &drbg_);
#if MBEDTLS_VERSION_NUMBER >= 0x03020000  // mbedtls_ssl_conf_min_tls_version arrived in 3.2
  mbedtls_ssl_conf_min_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(&conf_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
  mbedtls_ssl_conf_ciphersuites(&conf_, kSuites);
#if defined(MBEDTLS_SSL_RENEGOTIATION)
  mbedtls_ssl_conf_renegotiation(&conf_, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
  mbedtls_ssl_conf_authmode(&conf_, config_.verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);

  if (!config_.assert_fingerprint.empty()) {
    pin_ = detail::parse_sha256_fingerprint(config_.assert_fingerprint);
    if (!pin_) return Unexpected{tls_error("assert_fingerprint: expected a SHA-256 as 64 hex digits")};
  }
  if (!config_.pinned_public_key.empty()) {
    auto pins = detail::parse_pinned_public_keys(config_.pinned_public_key);
    if (!pins) {
      return Unexpected{tls_error("pinned_public_key: expected sha256//<base64 of 32 bytes>, ';'-separated")};
    }
    public_key_pins_ = std::move(*pins);
  }
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
  // RFC 5077 tickets besides session IDs: servers behind load balancers rarely share a session-ID cache.
  mbedtls_ssl_conf_session_tickets(&conf_, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#endif
#if defined(HIPP_MBEDTLS_TLS13) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
  // 3.6.1 and later hand TLS 1.3 tickets to mbedtls_ssl_read (RECEIVED_NEW_SESSION_TICKET, where
  // advance() saves the session) only when asked to; before, they always did.
  mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&conf_,
                                                           MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
  if (auto loaded = load_trust_anchors(); !loaded) return loaded;
  if (auto loaded = load_client_certificate(); !loaded) return loaded;

  if (!config_.alpn.empty()) {
    for (const auto& protocol : config_.alpn) {
      if (protocol.empty() || protocol.size() > 255) {
        return Unexpected{tls_error("alpn: a protocol name must be 1 to 255 bytes (RFC 7301 §3.1)")};
      }
      alpn_list_.push_back(protocol.c_str());
    }
    alpn_list_.push_back(nullptr);
    if (int rc = mbedtls_ssl_conf_alpn_protocols(&conf_, alpn_list_.data()); rc != 0) {
      return Unexpected{tls_error("alpn: " + mbedtls_message(rc))};
    }
  }
  return {};
}

Result<void> MbedtlsContext::load_trust_anchors() {
  // mbedTLS's parse functions return the number of certificates they skipped (> 0) or an error (< 0);
  // skipping a few odd ones in a large bundle is fine, ending up with none is not.
  if (!config_.ca_certs.empty()) {
    if (int rc = mbedtls_x509_crt_parse_file(&ca_, config_.ca_certs.c_str()); rc < 0) {
      return Unexpected{tls_error("ca_certs: " + config_.ca_certs + ": " + mbedtls_message(rc))};
    }
  }
  if (!config_.ca_cert_dir.empty()) {
    if (int rc = mbedtls_x509_crt_parse_path(&ca_, config_.ca_cert_dir.c_str()); rc < 0) {
      return Unexpected{tls_error("ca_cert_dir: " + config_.ca_cert_dir + ": " + mbedtls_message(rc))};
    }
  }
  if (config_.ca_certs.empty() && config_.ca_cert_dir.empty() && config_.verify) {
    const std::string bundle(kSystemCaBundle);
    if (int rc = mbedtls_x509_crt_parse_file(&ca_, bundle.c_str()); rc < 0) {
      return Unexpected{tls_error("ca_certs: " + bundle + ": " + mbedtls_message(rc))};
    }
  }
  if (config_.verify && ca_.raw.len == 0) {
    return Unexpected{tls_error("ca_certs: no usable trust anchor was loaded")};
  }
  mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
  return {};
}

Result<void> MbedtlsContext::load_client_certificate() {
  if (config_.cert_file.empty()) {
    if (!config_.key_file.empty()) return Unexpected{tls_error("key_file: set without cert_file")};
    return {};
  }
  if (int rc = mbedtls_x509_crt_parse_file(&own_cert_, config_.cert_file.c_str()); rc != 0) {
    return Unexpected{tls_error("cert_file: " + config_.cert_file + ": " +
                                (rc < 0 ? mbedtls_message(rc) : std::string("unparsable certificate")))};
  }
  const std::string& key_path = config_.key_file.empty() ? config_.cert_file : config_.key_file;
  const char* password = config_.key_password.empty() ? nullptr : config_.key_password.c_str();
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  int rc = mbedtls_pk_parse_keyfile(&own_key_, key_path.c_str(), password, &Drbg::random, &drbg_);
#else
  int rc = mbedtls_pk_parse_keyfile(&own_key_, key_path.c_str(), password);
#endif
  if (rc != 0) return Unexpected{tls_error("key_file: " + key_path + ": " + mbedtls_message(rc))};
  if (rc = mbedtls_ssl_conf_own_cert(&conf_, &own_cert_, &own_key_); rc != 0) {
    return Unexpected{tls_error("cert_file: " + mbedtls_message(rc))};
  }
  return {};
}

Result<std::unique_ptr<Engine>> MbedtlsContext::connect(std::string_view host, const SessionKey& session) const {
  if (host.empty()) return fail(ErrorCode::invalid_url, "TLS needs a host name to verify");
  auto ip = detail::parse_ip_literal(host);
  std::string name(host);
  if (ip) {
    if (name.front() == '[') name = name.substr(1, name.size() - 2);
  } else if (name.back() == '.') {
    name.pop_back();  // "example.com." is example.com: certificates never carry the root label
  }
  std::string key;
  if (session.port != 0) {
    // Names compare case-insensitively (RFC 4343); the fields are separated by bytes no host, port or
    // proxy URL holds, so no two different triples share a key.
    for (char c : name) key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;  // ASCII only
    key += '\n' + std::to_string(session.port) + '\n' + session.proxy;
  }
  auto engine = std::make_unique<MbedtlsEngine>(shared_from_this(), std::move(name), std::move(ip), std::move(key));
  if (auto started = engine->start(); !started) return Unexpected{started.error()};
  return std::unique_ptr<Engine>(std::move(engine));
}

// ---- MbedtlsEngine ----

Result<void> MbedtlsEngine::start() {
  if (int rc = mbedtls_ssl_setup(&ssl_, context_->conf()); rc != 0) {
    return failed(tls_error("handshake failure: " + mbedtls_message(rc)));
  }
  // Always set: a name is verified and sent as SNI; for an IP literal the name is explicitly cleared
  // (no SNI, RFC 6066 §3) and verify_callback matches the iPAddress SAN. mbedTLS advisory
  // CVE-2025-27809: a session without this call skips host verification.
  if (int rc = mbedtls_ssl_set_hostname(&ssl_, ip_ ? nullptr : host_.c_str()); rc != 0) {
    return failed(tls_error("handshake failure: " + mbedtls_message(rc)));
  }
  mbedtls_ssl_set_bio(&ssl_, this, &bio_send, &bio_recv, nullptr);
  mbedtls_ssl_set_verify(&ssl_, &verify_callback, this);
  if (!session_key_.empty()) {
    // A session that cannot be set (out of memory) is not offered: a full handshake is always fine.
    auto saved = context_->sessions().find(session_key_);
    if (saved && mbedtls_ssl_set_session(&ssl_, saved->get()) == 0) {
#if defined(HIPP_MBEDTLS_TLS13)
      // A TLS 1.3 ticket is for one connection (RFC 8446 §C.4): take it out; the new ticket replaces it.
      if (saved->get()->MBEDTLS_PRIVATE(tls_version) == MBEDTLS_SSL_VERSION_TLS1_3) {
        context_->sessions().erase(session_key_, saved.get());
      }
#endif
      offered_ = std::move(saved);
    }
  }
  if (!context_->config().verify && context_->config().on_insecure) {
    context_->config().on_insecure("Unverified HTTPS request is being made to host '" + host_ +
                                   "'. Adding certificate verification is strongly advised.");
  }
  return advance();  // writes the ClientHello
}

int MbedtlsEngine::bio_send(void* self, const unsigned char* buf, std::size_t len) {
  auto* engine = static_cast<MbedtlsEngine*>(self);
  if (engine->out_pos_ == engine->out_.size()) {
    engine->out_.clear();
    engine->out_pos_ = 0;
  }
  const auto* bytes = reinterpret_cast<const std::byte*>(buf);
  engine->out_.insert(engine->out_.end(), bytes, bytes + len);
  return static_cast<int>(len);
}

int MbedtlsEngine::bio_recv(void* self, unsigned char* buf, std::size_t len) {
  auto* engine = static_cast<MbedtlsEngine*>(self);
  const std::size_t available = engine->in_.size() - engine->in_pos_;
  if (available == 0) return engine->eof_ ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
  const std::size_t n = std::min(available, len);
  std::memcpy(buf, engine->in_.data() + engine->in_pos_, n);
  engine->in_pos_ += n;
  if (engine->in_pos_ == engine->in_.size()) {
    engine->in_.clear();
    engine->in_pos_ = 0;
  }
  return static_cast<int>(n);
}

int MbedtlsEngine::verify_callback(void* self, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
  auto* engine = static_cast<MbedtlsEngine*>(self);
  engine->verify_flags_ |= *flags;
  if (depth > 0) {
    // An issuer without basicConstraints cA=TRUE must not sign certificates (RFC 5280 §4.2.1.9). A
    // v1/v2 trust anchor carries no extensions at all; like mbedTLS we let those through.
    if (!detail::is_ca(*crt) && crt->version >= 3 && engine->own_reason_.empty()) {
      engine->own_reason_ = "issuer is not a CA: " + detail::subject_of(*crt);
    }
  } else {
    engine->leaf_self_issued_ = detail::is_self_issued(*crt);
    // mbedTLS refuses a non-CA as parent while building its chain, which then surfaces as "unknown CA";
    // the presented chain tells why.
    if (auto offender = detail::non_ca_issuer(*crt); offender && engine->own_reason_.empty()) {
      engine->own_reason_ = "issuer is not a CA: " + *offender;
    }
    if (engine->ip_ && !detail::has_ip_san(*crt, *engine->ip_) && engine->own_reason_.empty()) {
      engine->own_reason_ = "hostname mismatch: no iPAddress subjectAltName matches " + engine->host_;
    }
  }
  if (!engine->own_reason_.empty()) *flags |= MBEDTLS_X509_BADCERT_OTHER;
  engine->verify_flags_ |= *flags;
  return 0;
}

Error MbedtlsEngine::certificate_error() const {
  if (!own_reason_.empty()) return certificate_failure(own_reason_);
  const std::uint32_t f = verify_flags_;
  if (f & MBEDTLS_X509_BADCERT_EXPIRED) return certificate_failure("certificate has expired");
  if (f & MBEDTLS_X509_BADCERT_FUTURE) return certificate_failure("certificate is not yet valid");
  if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
    return certificate_failure("hostname mismatch: the certificate is not valid for " + host_);
  }
  if (f & MBEDTLS_X509_BADCERT_REVOKED) return certificate_failure("certificate revoked");
  if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
    if (leaf_self_issued_) return certificate_failure("self-signed certificate");
    return certificate_failure("unknown CA: unable to get the local issuer certificate");
  }
  char info[512];
  const int n = mbedtls_x509_crt_verify_info(info, sizeof info, "", f);
  std::string text = n > 0 ? std::string(info, static_cast<std::size_t>(n)) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return certificate_failure("certificate rejected" + (text.empty() ? std::string() : ": " + text));
}

Error MbedtlsEngine::handshake_error(int code) const {
  switch (code) {
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
      return certificate_error();
    case MBEDTLS_ERR_SSL_CONN_EOF:
      return tls_error("connection closed during handshake");
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
      return tls_error("alert received: " + mbedtls_message(code));
    default:
      return tls_error("handshake failure: " + mbedtls_message(code));
  }
}

std::optional<Error> MbedtlsEngine::post_handshake_checks() {
  // Belt and braces: with VERIFY_REQUIRED mbedTLS already failed the handshake on any flag.
  if (context_->config().verify && mbedtls_ssl_get_verify_result(&ssl_) != 0) {
    verify_flags_ |= mbedtls_ssl_get_verify_result(&ssl_);
    return certificate_error();
  }
  if (const auto& pin = context_->pin()) {
    const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&ssl_);
    if (peer == nullptr) return certificate_failure("fingerprint mismatch: the server sent no certificate");
    const auto actual = detail::fingerprint(*peer);
    if (actual != *pin) {
      return certificate_failure("fingerprint mismatch: expected " + detail::to_hex(*pin) + ", got " +
                                 detail::to_hex(actual));
    }
  }
  if (const auto& pins = context_->public_key_pins(); !pins.empty()) {
    // On a resumed session this is the leaf the session saved (mbedTLS keeps it, KEEP_PEER_CERTIFICATE).
    const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&ssl_);
    if (peer == nullptr) {
      return make_error(ErrorCode::public_key_mismatch, "public key mismatch: the server sent no certificate");
    }
    const auto actual = detail::public_key_fingerprint(*peer);
    if (!actual) {
      return make_error(ErrorCode::public_key_mismatch, "public key mismatch: the leaf's key cannot be encoded");
    }
    if (std::find(pins.begin(), pins.end(), *actual) == pins.end()) {
      std::string expected;
      for (const auto& pin : pins) expected += (expected.empty() ? "" : ";") + ("sha256//" + detail::to_base64(pin));
      return make_error(ErrorCode::public_key_mismatch, "public key mismatch: expected " + expected +
                                                            ", got sha256//" + detail::to_base64(*actual));
    }
  }
  return std::nullopt;
}

void MbedtlsEngine::save_session(bool at_handshake) {
  if (session_key_.empty()) return;
  auto fresh = std::make_shared<StoredSession>();
  if (mbedtls_ssl_get_session(&ssl_, fresh->get()) != 0) return;
  if (at_handshake && offered_ && fresh->same_master_secret(*offered_)) resumed_ = true;
  if (fresh->resumable()) context_->sessions().store(session_key_, std::move(fresh));
}

Unexpected MbedtlsEngine::failed(Error error) {
  state_ = State::failed;
  error_ = error;
  return Unexpected{std::move(error)};
}

Result<void> MbedtlsEngine::advance() {
  if (state_ == State::handshaking) {
    const int rc = mbedtls_ssl_handshake(&ssl_);
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return {};
    // A session that led to a failure is not offered again (curl does the same): the next connection
    // does a full handshake and, if it succeeds, saves a fresh one.
    if (rc != 0) {
      if (offered_) context_->sessions().erase(session_key_, offered_.get());
      return failed(handshake_error(rc));
    }
    if (auto refused = post_handshake_checks()) {
      if (offered_) context_->sessions().erase(session_key_, offered_.get());
      return failed(std::move(*refused));
    }
    if (const char* protocol = mbedtls_ssl_get_alpn_protocol(&ssl_)) alpn_ = protocol;
    state_ = State::open;
#if defined(HIPP_MBEDTLS_TLS13)
    // TLS 1.3 sessions are tickets that arrive after the handshake (saved below, on
    // RECEIVED_NEW_SESSION_TICKET); 3.x before 3.6 allows one mbedtls_ssl_get_session per connection.
    // resumed_ stays false on TLS 1.3: there is no master secret to compare (see docs/guide/tls.md).
    if (mbedtls_ssl_get_version_number(&ssl_) != MBEDTLS_SSL_VERSION_TLS1_3) save_session(true);
#else
    save_session(true);
#endif
    events_.push_back(HandshakeComplete{alpn_, mbedtls_ssl_get_version(&ssl_), mbedtls_ssl_get_ciphersuite(&ssl_),
                                        resumed_});
  }
  if (state_ != State::open) return {};
  unsigned char buf[kReadChunk];
  while (true) {
    const int rc = mbedtls_ssl_read(&ssl_, buf, sizeof buf);
    if (rc > 0) {
      if (plain_pos_ == plain_.size()) {
        plain_.clear();
        plain_pos_ = 0;
      }
      const auto* bytes = reinterpret_cast<const std::byte*>(buf);
      plain_.insert(plain_.end(), bytes, bytes + rc);
      continue;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return {};
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {  // TLS 1.3 post-handshake message
      save_session(false);
      continue;
    }
#endif
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
      state_ = State::closed;
      events_.push_back(PeerClosed{});
      return {};
    }
    if (rc == 0 || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
      // The transport ended without close_notify (RFC 5246 §7.2.1): possibly a truncation attack.
      state_ = State::truncated;
      events_.push_back(Truncated{});
      return {};
    }
    if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) return failed(tls_error("alert received: " + mbedtls_message(rc)));
    return failed(tls_error("bad record: " + mbedtls_message(rc)));
  }
}

Result<void> MbedtlsEngine::receive(Bytes data) {
  if (state_ == State::failed) return Unexpected{*error_};
  if (state_ == State::closed || state_ == State::truncated || eof_) return {};
  in_.insert(in_.end(), data.begin(), data.end());
  return advance();
}

Result<void> MbedtlsEngine::receive_eof() {
  if (state_ == State::failed) return Unexpected{*error_};
  if (eof_ || state_ == State::closed || state_ == State::truncated) return {};
  eof_ = true;
  return advance();
}

std::optional<Event> MbedtlsEngine::next_event() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void MbedtlsEngine::consume_output(std::size_t n) noexcept {
  out_pos_ += std::min(n, out_.size() - out_pos_);
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
}

Result<std::size_t> MbedtlsEngine::write(Bytes plaintext) {
  if (state_ == State::failed) return Unexpected{*error_};
  if (state_ != State::open || close_sent_) {
    return fail(ErrorCode::invalid_state, "TLS write outside an open session");
  }
  std::size_t done = 0;
  while (done < plaintext.size()) {
    const int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(plaintext.data() + done),
                                     plaintext.size() - done);
    if (rc < 0) return failed(tls_error("bad record: " + mbedtls_message(rc)));
    done += static_cast<std::size_t>(rc);
  }
  return done;
}

std::size_t MbedtlsEngine::read(MutableBytes out) noexcept {
  const std::size_t n = std::min(out.size(), plain_.size() - plain_pos_);
  if (n > 0) std::memcpy(out.data(), plain_.data() + plain_pos_, n);
  plain_pos_ += n;
  if (plain_pos_ == plain_.size()) {
    plain_.clear();
    plain_pos_ = 0;
  }
  return n;
}

Result<void> MbedtlsEngine::close() {
  if (close_sent_) return {};
  if (state_ == State::handshaking || state_ == State::failed) {
    return fail(ErrorCode::invalid_state, "close_notify needs a completed handshake");
  }
  close_sent_ = true;
  const int rc = mbedtls_ssl_close_notify(&ssl_);
  if (rc < 0 && rc != MBEDTLS_ERR_SSL_WANT_WRITE) return failed(tls_error("bad record: " + mbedtls_message(rc)));
  return {};
}

}  // namespace

Result<std::shared_ptr<const ClientContext>> make_mbedtls_context(const ClientConfig& config) {
  auto context = std::make_shared<MbedtlsContext>();
  if (auto ready = context->init(config); !ready) return Unexpected{ready.error()};
  return std::shared_ptr<const ClientContext>(std::move(context));
}

}  // namespace hipp::tls
