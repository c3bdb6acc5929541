// The async client's loop over an exchange's actions (core/exchange): it only carries them out, as the
// blocking transport's PoolState::execute does, with awaitables instead of blocking calls.
#pragma once

#include <asio/awaitable.hpp>

#include "core/exchange/exchange.hpp"
#include "transports/api/body_source.hpp"
#include "transports/asio/detail/client_pool.hpp"
#include "transports/asio/detail/lease.hpp"

namespace hipp::async::detail {

// Runs `ex` until it delivers a final head, and returns the lease its body is read from. A cancellation
// (the awaiting coroutine's cancellation slot) ends the request at once: its connection is closed and
// RequestCancelled thrown, never retried. Throws the API's exceptions for a failed exchange, and whatever
// a hook, auth flow or observer throws.
asio::awaitable<Lease> run_exchange(ClientPool& pool, exchange::Exchange& ex, BodySource& source);

}  // namespace hipp::async::detail
