// Runs one awaitable to completion on an io_context and hands back its result (or rethrows its exception).
// The loop runs only until that awaitable is done: a client's HTTP/2 readers keep the context busy for as
// long as their connections live, so io.run() alone would not return.
#pragma once

#include <chrono>
#include <future>
#include <utility>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

namespace hipp::test {

template <class T>
T run_async(asio::io_context& io, asio::awaitable<T> task) {
  std::future<T> done = asio::co_spawn(io, std::move(task), asio::use_future);
  io.restart();
  while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (io.run_one_for(std::chrono::seconds(30)) == 0 && io.stopped()) io.restart();
  }
  return done.get();
}

}  // namespace hipp::test
