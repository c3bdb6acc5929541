#include "transports/tls/http1_plaintext.hpp"

#include <algorithm>

namespace hipp::tls {

Result<PlaintextStep> deliver_plaintext(Engine& session, http1::Connection& machine, std::size_t max) {
  if (session.plaintext_available() > 0) {
    auto buffer = machine.prepare_input(std::min(max, session.plaintext_available()));
    machine.commit_input(session.read(buffer));
    return PlaintextStep::delivered;
  }
  switch (session.state()) {
    case State::closed:
      machine.receive_eof();
      return PlaintextStep::delivered;
    case State::truncated:
      if (machine.their_state() == http1::TheirState::body) {
        return fail(ErrorCode::tls_failed, "truncated: the TLS session ended without close_notify inside a body",
                    ErrorOrigin::remote);
      }
      machine.receive_eof();
      return PlaintextStep::delivered;
    default:
      return PlaintextStep::need_read;
  }
}

}  // namespace hipp::tls
