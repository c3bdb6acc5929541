#include "core/exchange/http1_channel.hpp"

namespace hipp::exchange {

Result<void> Http1Channel::send_request(const Request& request) {
  return machine_->send_request(request.method, request.target(), request.headers);
}

}  // namespace hipp::exchange
