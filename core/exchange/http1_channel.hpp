// Http1Channel — an exchange's Channel over an HTTP/1.1 connection machine it has to itself.
#pragma once

#include "core/exchange/channel.hpp"
#include "core/http1/connection.hpp"

namespace hipp::exchange {

class Http1Channel final : public Channel {
 public:
  // `machine` must outlive the channel; the transport moves its bytes.
  explicit Http1Channel(http1::Connection& machine) noexcept : machine_(&machine) {}

  Result<void> send_request(const Request& request) override;
  // Lent, not copied, for a Content-Length body (http1::Connection::send_body_lent): Channel's contract
  // keeps `data` valid until the transport has written it.
  Result<void> send_body(Bytes data) override { return machine_->send_body_lent(data); }
  Result<void> send_end() override { return machine_->send_end(); }
  void send_failed() noexcept override { machine_->send_failed(); }
  bool has_pending_output() const noexcept override { return !machine_->pending_output().empty(); }
  bool has_buffered_input() const noexcept override { return machine_->has_buffered_input(); }
  bool expecting_continue() const noexcept override { return machine_->expecting_continue(); }
  Result<http1::Event> next_event() override { return machine_->next_event(); }

 private:
  http1::Connection* machine_;
};

}  // namespace hipp::exchange
