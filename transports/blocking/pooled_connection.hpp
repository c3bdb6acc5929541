// One live HTTP/1.1 connection of the blocking transport (HTTP/2 ones are detail::H2Session): a socket and the
// core machine that frames it, plus what the pool knows it by.
#pragma once

#include <cstdint>
#include <memory>

#include "core/exchange/http1_channel.hpp"
#include "core/http1/connection.hpp"
#include "core/policy/timeout.hpp"
#include "core/pool/pool_key.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/blocking/tcp_socket.hpp"
#include "transports/tls/engine.hpp"

namespace hipp::blocking {

struct PooledConnection {
  std::uint64_t id = 0;
  pool::PoolKey key;
  TcpSocket socket;
  std::unique_ptr<tls::Engine> tls;  // https: the session over `socket`; null for plain http
  http1::Connection machine;
  exchange::Http1Channel channel{machine};  // what an exchange drives; stays pointed at `machine`
  std::uint32_t requests_served = 0;  // 0 on the first request: the connection is fresh

  // Sends all of `plaintext` (through the TLS session for https), each write bounded by `deadline`.
  // Errors: those of TcpSocket::write_all, and the session's (tls category).
  Result<void> send(Bytes plaintext, TimePoint deadline);
  // One read into the machine, waiting until `deadline`: decrypted bytes for https (TLS records that
  // carry none are absorbed and the read repeats), or EOF (receive_eof()). A TLS session cut without
  // close_notify in the middle of a close-delimited body is refused (tls_failed "truncated"): an
  // attacker could have cut it (RFC 8446 §6.1). Errors: those of TcpSocket::read_some and the session's.
  Result<void> receive(TimePoint deadline);
  // Runs the TLS handshake to completion on the connected socket, bounded by `deadline`.
  // Errors: certificate_verify_failed, tls_failed, connect_timeout, connection_reset.
  Result<void> handshake(TimePoint deadline);

  // The next event of the machine, reading from the socket as needed, each
  // read bounded by the request's read deadline. If `give_up_at` passes first,
  // returns NeedData instead (a soft wait: nothing arrived yet). On error the
  // machine is in (or moved to) its error state, so the connection is never reused.
  Result<http1::Event> next_event(const policy::RequestDeadlines& deadlines,
                                  TimePoint give_up_at = TimePoint::never());
};

}  // namespace hipp::blocking
