// From the socket to an HTTP/2 machine, through the TLS session when there is one: the part of "one read"
// every transport's HTTP/2 connection shares.
#pragma once

#include "core/bytes.hpp"
#include "core/http2/connection.hpp"
#include "core/result.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::tls {

// Feeds `raw` (or the socket's EOF, `eof`) to `machine`, decrypted by `session` when it is not null (h2c
// otherwise). HTTP/2 frames delimit themselves, so a session cut without close_notify needs no check of
// its own: the machine gets EOF and each unfinished stream ends with its error. Errors: the session's.
Result<void> feed_http2(Engine* session, http2::Connection& machine, Bytes raw, bool eof);

}  // namespace hipp::tls
