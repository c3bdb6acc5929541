// Http1Connection — one HTTP/1.1 connection of the async client: a Stream and the core machine that frames
// it, plus what the pool knows it by. Exclusive to one request at a time.
#pragma once

#include <cstdint>
#include <memory>

#include <asio/awaitable.hpp>

#include "core/exchange/http1_channel.hpp"
#include "core/http1/connection.hpp"
#include "core/pool/pool_key.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "transports/asio/detail/stream.hpp"

namespace hipp::async::detail {

struct Http1Connection {
  Http1Connection(std::uint64_t id_, pool::PoolKey key_, std::unique_ptr<Stream> stream_, http1::Limits limits)
      : id(id_), key(std::move(key_)), stream(std::move(stream_)), machine(limits) {}
  Http1Connection(const Http1Connection&) = delete;
  Http1Connection& operator=(const Http1Connection&) = delete;

  std::uint64_t id;
  pool::PoolKey key;
  std::unique_ptr<Stream> stream;
  http1::Connection machine;
  exchange::Http1Channel channel{machine};  // what an exchange drives; stays pointed at `machine`
  std::uint32_t requests_served = 0;        // 0 on the first request: the connection is fresh
  std::shared_ptr<void> slot;               // its slot of the client's connection budget, given back when dropped

  // Writes what the machine holds for the peer. Errors: those of Stream::write.
  asio::awaitable<Result<void>> send(TimePoint deadline);
  // One read into the machine: decrypted bytes for https (records that carry none are absorbed and the
  // read repeats), or EOF. A TLS session cut without close_notify inside a close-delimited body is refused
  // (tls_failed "truncated"), as in the blocking transport. Errors: those of Stream::read_raw and the TLS
  // session's.
  asio::awaitable<Result<void>> receive(TimePoint deadline);
};

}  // namespace hipp::async::detail
