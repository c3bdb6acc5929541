// The transports under the conformance suite, behind one shape: serve a script of raw responses (one per
// connection, in order), make a request, and report what the caller saw.
//
//   Blocking: hipp::PoolManager against a ScriptedServer on loopback.
//   Asio:     hipp::async::Client on an io_context, against the same kind of server.
//   Mock:     hipp::mock::MockClient over a MockTransport whose route plays the same bytes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>

#include "core/errors.hpp"
#include "tests/asio/run_async.hpp"
#include "tests/support/scripted_server.hpp"
#include "transports/api/errors.hpp"
#include "transports/asio/client.hpp"
#include "transports/blocking/pool_manager.hpp"
#include "transports/mock/mock_client.hpp"

namespace hipp::conformance {

// What a request came to: a response, or the code of the error it threw.
struct Outcome {
  std::optional<ErrorCode> error;
  int status = 0;
  std::string version;
  Headers headers;
  std::string body;
  std::string url;
  int attempts = 0;
  std::size_t history = 0;
};

template <class Call>
Outcome capture(Call&& call) {
  try {
    return call();
  } catch (const HTTPError& e) {
    Outcome o;
    o.error = e.code();
    return o;
  }
}

// Each connection reads one request, answers with its bytes and closes.
inline std::vector<test::Script> scripts_for(const std::vector<std::string>& responses) {
  std::vector<test::Script> scripts;
  for (const auto& r : responses) scripts.push_back({test::step::read_request(), test::step::send(r), test::step::close()});
  return scripts;
}

// What the Blocking and Asio adapters share: a ScriptedServer on loopback playing the responses, one a
// connection, and what it was sent.
struct LoopbackServer {
  explicit LoopbackServer(const std::vector<std::string>& responses) : server(scripts_for(responses)) {}
  std::string url(std::string_view path) const { return server.url(path); }
  std::vector<std::string> requests() const {
    std::vector<std::string> out;
    for (const auto& r : server.requests()) out.push_back(r.raw);
    return out;
  }
  test::ScriptedServer server;
};

struct BlockingTransport : LoopbackServer {
  static constexpr const char* name = "blocking";
  using LoopbackServer::LoopbackServer;
  Outcome fetch(const std::string& method, const std::string& url, RequestOptions options) {
    return capture([&] {
      blocking::PoolManager http;
      auto r = http.request(method, url, std::move(options));
      Outcome o;
      o.status = r.status();
      o.version = r.version();
      o.headers = r.headers();
      o.body = r.data();
      o.url = r.url();
      o.attempts = r.attempts();
      o.history = r.history().size();
      return o;
    });
  }
};

struct AsioTransport : LoopbackServer {
  static constexpr const char* name = "asio";
  using LoopbackServer::LoopbackServer;
  Outcome fetch(const std::string& method, const std::string& url, RequestOptions options) {
    return capture([&] {
      asio::io_context io;
      async::Client client(io.get_executor(), {.timeout = Timeout{}, .accept_compressed = false});
      async::Response r = test::run_async(io, client.request(method, url, std::move(options)));
      Outcome o;
      o.status = r.status_code();
      o.version = r.http_version();
      o.headers = r.headers();
      o.body = r.content();
      o.url = r.url();
      o.attempts = r.attempts();
      o.history = r.history().size();
      return o;
    });
  }
};

struct MockTransport {
  static constexpr const char* name = "mock";
  explicit MockTransport(const std::vector<std::string>& responses) {
    mock::Route& route = transport.on_any(mock::prefix("http://conformance.test/"));
    for (const auto& r : responses) route.fault(mock::Fault::raw_bytes(r));
  }
  std::string url(std::string_view path) const { return "http://conformance.test" + std::string(path); }
  Outcome fetch(const std::string& method, const std::string& url, RequestOptions options) {
    return capture([&] {
      mock::MockClient client(transport);
      auto r = client.request(method, url, std::move(options));
      Outcome o;
      o.status = r.status;
      o.version = r.version;
      o.headers = r.headers;
      o.body = r.body;
      o.url = r.url;
      o.attempts = r.attempts;
      o.history = r.history.size();
      return o;
    });
  }
  std::vector<std::string> requests() const {
    std::vector<std::string> out;
    for (const auto& r : transport.requests()) out.push_back(r.wire);
    return out;
  }
  mock::MockTransport transport;
};

}  // namespace hipp::conformance
