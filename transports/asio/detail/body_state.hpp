// What a streaming async Response needs to pull the rest of its body, and what it gives back at the end.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/policy/timeout.hpp"
#include "transports/api/response_decoder.hpp"
#include "transports/asio/detail/client_pool.hpp"
#include "transports/asio/detail/lease.hpp"

namespace hipp::async::detail {

struct BodyState {
  std::shared_ptr<ClientPool> pool;
  Lease lease;
  policy::RequestDeadlines deadlines;
  std::optional<Duration> keepalive_hint;  // the server's Keep-Alive: timeout=N
  ResponseDecoder decoder;
  std::string encoded;                     // scratch for one encoded piece, reused

  BodyState(std::shared_ptr<ClientPool> p, Lease l, policy::RequestDeadlines d, std::optional<Duration> hint)
      : pool(std::move(p)), lease(std::move(l)), deadlines(d), keepalive_hint(hint) {}
  BodyState(const BodyState&) = delete;
  BodyState& operator=(const BodyState&) = delete;
  // An unfinished body's connection is never reused.
  ~BodyState() {
    if (lease && pool) pool->discard(std::move(lease));
  }
};

}  // namespace hipp::async::detail
