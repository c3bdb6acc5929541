// From a TLS session to an HTTP/1.1 machine: the part of "one read" every transport shares.
#pragma once

#include <cstddef>

#include "core/http1/connection.hpp"
#include "core/result.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::tls {

enum class PlaintextStep {
  delivered,  // decrypted bytes, or the end of the stream, went into the machine: the read is done
  need_read,  // nothing for the machine yet: read raw bytes from the socket into the session, then ask again
};

// Hands the machine what `session` holds: up to `max` decrypted bytes, or EOF once the peer sent
// close_notify. A session cut without close_notify is an EOF too, except inside a close-delimited body,
// where an attacker could have cut it (RFC 8446 §6.1). Errors: tls_failed "truncated" in that case.
Result<PlaintextStep> deliver_plaintext(Engine& session, http1::Connection& machine, std::size_t max);

}  // namespace hipp::tls
