// hipp's async client (hipp::async::Client on one io_context, one thread) for the benchmark harness.
// Prints the harness's "BENCH requests=… bytes=… wall_s=… …" line, measured after warm-up.
//
//   hipp_async_bench --conc C --url URL [--n N] [--duration S] [--cacert PEM] [--http1.1]
//
// C coroutines each loop keep-alive GETs until the duration (or N requests in all) is reached. Over
// http:// that is C HTTP/1.1 connections (max_connections = C); over https:// with HTTP/2, one connection
// carrying C streams (the warm-up request opens it, so the workers find it and share it).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include "transports/asio/client.hpp"

namespace {

struct Args {
  std::string url;
  long long n = 1'000'000'000LL;
  double duration = 5;
  int conc = 64;
  std::string cacert;
  bool http1_only = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << argv[i] << '\n';
        std::exit(2);
      }
      return argv[++i];
    };
    const std::string flag = argv[i];
    if (flag == "--url") a.url = next();
    else if (flag == "--n") a.n = std::atoll(next().c_str());
    else if (flag == "--duration") a.duration = std::atof(next().c_str());
    else if (flag == "--conc") a.conc = std::max(1, std::atoi(next().c_str()));
    else if (flag == "--cacert") a.cacert = next();
    else if (flag == "--http1.1") a.http1_only = true;
    else if (flag == "--mode") (void)next();  // accepted for symmetry with hipp_bench: always "async"
    else {
      std::cerr << "unknown flag " << flag << '\n';
      std::exit(2);
    }
  }
  if (a.url.empty()) {
    std::cerr << "--url is required\n";
    std::exit(2);
  }
  return a;
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  asio::io_context io(1);
  hipp::async::ClientOptions options;
  options.max_connections = static_cast<std::size_t>(a.conc);
  options.max_keepalive_connections = static_cast<std::size_t>(a.conc);
  options.http2 = !a.http1_only;
  options.accept_compressed = false;  // as wrk and h2load: the 100-byte body as it is
  if (!a.cacert.empty()) options.tls.ca_certs = a.cacert;
  hipp::async::Client client(io.get_executor(), options);

  std::string proto = "h1.1";
  long long started = 0, requests = 0, bytes = 0, errors = 0;
  int running = 0;
  std::chrono::steady_clock::time_point start, stop;
  rusage before{};

  auto worker = [&]() -> asio::awaitable<void> {
    // A request is claimed before it is sent, so that exactly N are made (the callgrind rows count them).
    while (started < a.n && std::chrono::steady_clock::now() < stop) {
      ++started;
      try {
        hipp::async::Response r = co_await client.get(a.url);
        bytes += static_cast<long long>(r.content().size());
        if (!r.is_success()) ++errors;
      } catch (const std::exception&) {
        ++errors;
      }
      ++requests;
    }
    --running;
  };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        hipp::async::Response warm = co_await client.get(a.url);  // opens the HTTP/2 connection the workers share
        proto = warm.http_version() == "HTTP/2" ? "h2" : "h1.1";
        getrusage(RUSAGE_SELF, &before);
        start = std::chrono::steady_clock::now();
        stop = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(a.duration));
        for (int i = 0; i < a.conc; ++i) {
          ++running;
          asio::co_spawn(io, worker(), asio::detached);
        }
      },
      asio::detached);
  // Run until the workers are done (an HTTP/2 connection's reader keeps the context busy after them).
  while (running > 0 || start == std::chrono::steady_clock::time_point{}) {
    if (io.run_one() == 0) break;
  }
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long long connects = 0;
  for (const auto& [origin, s] : client.get_pool_stats()) connects += static_cast<long long>(s.total);
  std::printf("BENCH requests=%lld bytes=%lld wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld errors=%lld connects=%lld "
              "proto=%s lib=hipp/0.1.0\n",
              requests, bytes, wall, seconds(after.ru_utime) - seconds(before.ru_utime),
              seconds(after.ru_stime) - seconds(before.ru_stime), after.ru_maxrss, errors, connects, proto.c_str());
  return 0;
}
