// The async client inside an existing Asio program: a small TCP service that, for every line a peer sends,
// fetches a URL with hipp::async::Client and answers with the status and body size. One io_context, one
// thread, no thread of hipp's own: the service, its upstream and the client share the loop.
//
// To run on its own, the example also plays the upstream HTTP server and one peer of the service, on
// loopback; it exits 0 when the peer got its answer.
#include <cstdio>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "transports/api/errors.hpp"
#include "transports/asio/client.hpp"

using asio::ip::tcp;

namespace {

// The existing service: reads lines ("GET /path"), answers "200 5\n".
asio::awaitable<void> serve_peer(tcp::socket peer, hipp::async::Client& http) {
  asio::streambuf in;
  for (;;) {
    std::error_code ec;
    const std::size_t n = co_await asio::async_read_until(peer, in, '\n', asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string line(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n) - 1);
    in.consume(n);
    std::string answer;
    try {
      hipp::async::Response r = co_await http.get(line.substr(line.find(' ') + 1));
      answer = std::to_string(r.status_code()) + " " + std::to_string(r.content().size()) + "\n";
    } catch (const hipp::HTTPError& e) {
      answer = std::string("error ") + e.what() + "\n";
    }
    co_await asio::async_write(peer, asio::buffer(answer), asio::use_awaitable);
  }
}

asio::awaitable<void> accept_peers(tcp::acceptor& acceptor, hipp::async::Client& http) {
  for (;;) {
    tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), serve_peer(std::move(peer), http), asio::detached);
  }
}

// Stand-in for the real upstream: one fixed response per connection.
asio::awaitable<void> upstream(tcp::acceptor& acceptor) {
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    asio::streambuf in;
    co_await asio::async_read_until(s, in, "\r\n\r\n", asio::use_awaitable);
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    co_await asio::async_write(s, asio::buffer(reply), asio::use_awaitable);
  }
}

}  // namespace

int main() {
  asio::io_context io;
  tcp::acceptor upstream_acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::acceptor service_acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string base = "http://127.0.0.1:" + std::to_string(upstream_acceptor.local_endpoint().port());

  hipp::async::Client http(io.get_executor(), {.base_url = base});
  asio::co_spawn(io, upstream(upstream_acceptor), asio::detached);
  asio::co_spawn(io, accept_peers(service_acceptor, http), asio::detached);

  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        tcp::socket peer(io);
        co_await peer.async_connect(service_acceptor.local_endpoint(), asio::use_awaitable);
        co_await asio::async_write(peer, asio::buffer(std::string("GET /hello\n")), asio::use_awaitable);
        asio::streambuf in;
        const std::size_t n = co_await asio::async_read_until(peer, in, '\n', asio::use_awaitable);
        const std::string answer(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
        std::printf("service answered: %s", answer.c_str());
        status = answer == "200 5\n" ? 0 : 1;
        io.stop();
      },
      asio::detached);
  io.run();
  return status;
}
