// The TLS engine: a client TLS session that never touches a socket (sans-I/O, like core/http1).
//
// Theory of operation. The transport owns the socket and moves bytes; the engine owns the TLS state:
//
//   ctx = make_mbedtls_context(config)        // once per set of settings (loads CAs, seeds the DRBG)
//   engine = ctx->connect("example.com", {.port = 443, .proxy = ""})  // the ClientHello is already in pending_output()
//   loop:
//     send pending_output() to the socket, then consume_output(n) for the n bytes sent
//     read from the socket -> receive(bytes)   (EOF from the socket -> receive_eof())
//     next_event() until nullopt: HandshakeComplete, PeerClosed, Truncated
//     once state() == State::open: write(plaintext) queues records; read(out) takes decrypted bytes
//   close() queues close_notify (RFC 8446 §6.1 / RFC 5246 §7.2.1); send it, then close the socket.
//
// receive() does all the work: it advances the handshake and decrypts every complete record into an
// internal plaintext buffer, so after it returns state(), next_event() and read() are up to date; an
// incomplete record stays buffered until more bytes arrive ("need more input" is not an error).
//
// Closing. A peer's close_notify moves the engine to State::closed (event PeerClosed): the plaintext
// before it is complete. A transport EOF without close_notify moves it to State::truncated (event
// Truncated): the plaintext may have been cut by an attacker, so a body delimited by the close must be
// refused by the caller, while a body complete by Content-Length or chunked framing is fine. Buffered
// plaintext stays readable in both states.
//
// Resumption. A context keeps the sessions of its successful handshakes (at most kSessionCacheSize, the
// least recently used dropped first) keyed by host, port and proxy (SessionKey); the settings are the
// context's own, so a session never crosses to other trust anchors, pins or client certificates. A later
// connect() to the same key offers the saved session (a TLS 1.2 session ID and RFC 5077 ticket); the
// server may resume it (an abbreviated handshake: no certificate, no key exchange) or start afresh.
// HandshakeComplete::resumed and Engine::resumed() say which. A resumed session was verified, and passed
// every pin, when it was first made; the pins are checked again against the certificate it saved.
//
// Errors. Every failure moves the engine to State::failed for good, is returned by the call that hit it
// and stays available from error(); later calls return the same error. Codes (category tls):
//   - certificate_verify_failed: the peer's certificate was refused. detail starts with the reason:
//     "certificate has expired", "certificate is not yet valid", "hostname mismatch",
//     "unknown CA", "self-signed certificate", "issuer is not a CA", "fingerprint mismatch",
//     "certificate revoked", "certificate rejected" (anything else), then ": " and specifics.
//   - public_key_mismatch: the leaf's public key matched none of ClientConfig::pinned_public_key; detail
//     "public key mismatch: ..." names the key's hash (curl's CURLE_SSL_PINNEDPUBKEYNOTMATCH).
//   - tls_failed: the handshake or a record failed otherwise; detail starts with "handshake failure",
//     "alert received", "bad record" or "connection closed during handshake".
//   - invalid_state: misuse (write before the handshake finished, after close, ...).
//
// Thread safety: an Engine is used by one thread at a time. A ClientContext's settings are immutable
// once made; it may be shared by any number of threads (its session cache has its own lock), and its
// engines may outlive it (they share its state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/bytes.hpp"
#include "core/errors.hpp"
#include "core/result.hpp"

namespace hipp::tls {

enum class State {
  handshaking,  // ClientHello sent; waiting for the server
  open,         // handshake done and the peer verified: read and write allowed
  closed,       // the peer sent close_notify: no more plaintext will come
  truncated,    // the transport reached EOF without close_notify
  failed,       // see error()
};

// The handshake finished and the peer passed every check.
struct HandshakeComplete {
  std::string alpn;     // the negotiated protocol ("h2", "http/1.1"), or empty when none was agreed
  std::string version;  // "TLSv1.2", "TLSv1.3"
  std::string cipher;   // the IANA suite name as the backend reports it
  bool resumed = false; // an earlier session was resumed (abbreviated handshake, RFC 5246 §7.3, RFC 5077)
};
// The peer sent close_notify.
struct PeerClosed {};
// The transport reached EOF before close_notify.
struct Truncated {};
using Event = std::variant<HandshakeComplete, PeerClosed, Truncated>;

class Engine {
 public:
  virtual ~Engine() = default;

  // Queries.
  [[nodiscard]] virtual State state() const noexcept = 0;
  // The negotiated ALPN protocol, empty before the handshake completes or when none was agreed.
  [[nodiscard]] virtual std::string_view alpn_protocol() const noexcept = 0;
  // The error that moved the engine to State::failed, or nullptr.
  [[nodiscard]] virtual const Error* error() const noexcept = 0;
  // Whether close() has queued close_notify.
  [[nodiscard]] virtual bool close_sent() const noexcept = 0;
  // Decrypted bytes waiting for read().
  [[nodiscard]] virtual std::size_t plaintext_available() const noexcept = 0;
  // Whether the handshake resumed a session the context had saved; false before it completes.
  [[nodiscard]] virtual bool resumed() const noexcept = 0;

  // Inputs.
  // Bytes received from the peer, any split. Errors: see the header comment; bytes after close_notify
  // are ignored.
  virtual Result<void> receive(Bytes data) = 0;
  // The transport reached EOF. During the handshake: tls_failed "connection closed during handshake".
  // When open: State::truncated. An empty receive() is not EOF.
  virtual Result<void> receive_eof() = 0;

  // Outputs.
  // The next event, or nullopt when there is none.
  virtual std::optional<Event> next_event() = 0;
  // Encrypted bytes to send, lent until the next non-const call.
  [[nodiscard]] virtual Bytes pending_output() const noexcept = 0;
  // Marks the first n bytes of pending_output() sent. n larger than the pending size is clamped.
  virtual void consume_output(std::size_t n) noexcept = 0;

  // Commands.
  // Encrypts all of `plaintext` into pending_output() and returns its size. Only in State::open and
  // before close(); otherwise invalid_state.
  virtual Result<std::size_t> write(Bytes plaintext) = 0;
  // Copies up to out.size() decrypted bytes into out; 0 when none are buffered (then state() tells
  // whether more may come). Never fails once data is buffered, even in closed/truncated/failed.
  virtual std::size_t read(MutableBytes out) noexcept = 0;
  // Queues close_notify (idempotent). invalid_state before the handshake completes.
  virtual Result<void> close() = 0;
};

// The most sessions a ClientContext keeps for resumption.
inline constexpr std::size_t kSessionCacheSize = 64;

// Where a connection goes besides its host, for resumption: only connections with the same host, port and
// proxy share sessions (a different port may be a different server with the same name).
struct SessionKey {
  std::uint16_t port = 0;  // the TCP port; 0: neither offer nor keep a session
  std::string proxy;       // the proxy the connection tunnels through, "" when direct (e.g. "http://p:3128")
};

// The settings shared by many connections (trust anchors, client certificate, randomness, saved
// sessions): a backend implements this and Engine.
class ClientContext {
 public:
  virtual ~ClientContext() = default;
  // A new client session to `host` (a DNS name, or an IPv4/IPv6 literal, with or without [brackets]).
  // Names are sent as SNI and verified against the certificate's dNSName SANs (CN when it has none);
  // IP literals are never sent as SNI (RFC 6066 §3) and must match an iPAddress SAN. A session saved for
  // the same host (case and a trailing dot ignored) and `session` key is offered for resumption, and the
  // session of a successful handshake is saved for the next one. The ClientHello is in pending_output()
  // on return. Errors: invalid_url for an empty host, tls_failed when the backend cannot start a session.
  virtual Result<std::unique_ptr<Engine>> connect(std::string_view host, const SessionKey& session) const = 0;
  // The same without a port: no session is offered or saved.
  Result<std::unique_ptr<Engine>> connect(std::string_view host) const { return connect(host, SessionKey{}); }
  // How many sessions are saved now (at most kSessionCacheSize).
  [[nodiscard]] virtual std::size_t saved_sessions() const = 0;
};

}  // namespace hipp::tls
