#include "tests/tls/memory_server.hpp"

#include <cstring>
#include <stdexcept>
#include <utility>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

namespace hipp::test {

struct MemoryServer::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  mbedtls_x509_crt cert;
  mbedtls_pk_context key;
  std::vector<std::byte> in;
  std::size_t in_pos = 0;
  std::vector<std::byte> out;
  MemoryServer* owner = nullptr;

  static int send(void* self, const unsigned char* buf, std::size_t len) {
    auto* s = static_cast<State*>(self);
    const auto* b = reinterpret_cast<const std::byte*>(buf);
    s->out.insert(s->out.end(), b, b + len);
    return static_cast<int>(len);
  }
  static int recv(void* self, unsigned char* buf, std::size_t len) {
    auto* s = static_cast<State*>(self);
    const std::size_t n = std::min(len, s->in.size() - s->in_pos);
    if (n == 0) return MBEDTLS_ERR_SSL_WANT_READ;
    std::memcpy(buf, s->in.data() + s->in_pos, n);
    s->in_pos += n;
    return static_cast<int>(n);
  }
  static int sni(void* self, mbedtls_ssl_context*, const unsigned char* name, std::size_t len) {
    auto* owner = static_cast<State*>(self)->owner;
    owner->got_server_name_ = true;
    owner->server_name_.assign(reinterpret_cast<const char*>(name), len);
    return 0;
  }
};

MemoryServer::MemoryServer(const std::filesystem::path& cert, const std::filesystem::path& key, Limits limits)
    : state_(new State) {
  State& s = *state_;
  s.owner = this;
  mbedtls_entropy_init(&s.entropy);
  mbedtls_ctr_drbg_init(&s.drbg);
  mbedtls_ssl_config_init(&s.conf);
  mbedtls_ssl_init(&s.ssl);
  mbedtls_x509_crt_init(&s.cert);
  mbedtls_pk_init(&s.key);
  if (mbedtls_ctr_drbg_seed(&s.drbg, mbedtls_entropy_func, &s.entropy, nullptr, 0) != 0 ||
      mbedtls_x509_crt_parse_file(&s.cert, cert.c_str()) != 0 ||
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
      mbedtls_pk_parse_keyfile(&s.key, key.c_str(), nullptr, mbedtls_ctr_drbg_random, &s.drbg) != 0 ||
#else
      mbedtls_pk_parse_keyfile(&s.key, key.c_str(), nullptr) != 0 ||
#endif
      mbedtls_ssl_config_defaults(&s.conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
    throw std::runtime_error("MemoryServer: setup failed");
  }
  mbedtls_ssl_conf_rng(&s.conf, mbedtls_ctr_drbg_random, &s.drbg);
  mbedtls_ssl_conf_own_cert(&s.conf, &s.cert, &s.key);
  mbedtls_ssl_conf_sni(&s.conf, &State::sni, &s);
  if (!limits.suites.empty()) {
    suites_ = limits.suites;
    suites_.push_back(0);
    mbedtls_ssl_conf_ciphersuites(&s.conf, suites_.data());
  }
#if MBEDTLS_VERSION_NUMBER < 0x03000000
  if (limits.tls_1_1_only) {
    mbedtls_ssl_conf_min_version(&s.conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_1);
    mbedtls_ssl_conf_max_version(&s.conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_2);
  }
#endif
  if (mbedtls_ssl_setup(&s.ssl, &s.conf) != 0) throw std::runtime_error("MemoryServer: ssl_setup failed");
  mbedtls_ssl_set_bio(&s.ssl, &s, &State::send, &State::recv, nullptr);
}

MemoryServer::~MemoryServer() {
  mbedtls_ssl_free(&state_->ssl);
  mbedtls_ssl_config_free(&state_->conf);
  mbedtls_pk_free(&state_->key);
  mbedtls_x509_crt_free(&state_->cert);
  mbedtls_ctr_drbg_free(&state_->drbg);
  mbedtls_entropy_free(&state_->entropy);
  delete state_;
}

int MemoryServer::advance() {
  if (!handshake_done_) {
    const int rc = mbedtls_ssl_handshake(&state_->ssl);
    if (rc != 0) return rc;
    handshake_done_ = true;
  }
  unsigned char buf[4096];
  while (true) {
    const int rc = mbedtls_ssl_read(&state_->ssl, buf, sizeof buf);
    if (rc > 0) {
      received_.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(rc));
      continue;
    }
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) peer_closed_ = true;
    return rc;
  }
}

int MemoryServer::receive(Bytes data) {
  state_->in.insert(state_->in.end(), data.begin(), data.end());
  return advance();
}

std::vector<std::byte> MemoryServer::take_output() { return std::exchange(state_->out, {}); }

void MemoryServer::write(std::string_view plaintext) {
  std::size_t done = 0;
  while (done < plaintext.size()) {
    const int rc = mbedtls_ssl_write(&state_->ssl, reinterpret_cast<const unsigned char*>(plaintext.data() + done),
                                     plaintext.size() - done);
    if (rc <= 0) throw std::runtime_error("MemoryServer: write failed");
    done += static_cast<std::size_t>(rc);
  }
}

void MemoryServer::close_notify() { mbedtls_ssl_close_notify(&state_->ssl); }

}  // namespace hipp::test
