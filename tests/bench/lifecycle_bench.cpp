// lifecycle_bench — request lifecycles per second through the mock transport on its virtual clock.
//
// Each lifecycle is one MockClient::request(): core/exchange with Hip's Retry, the http1::Connection
// machine on both sides of a fake keep-alive connection, and 0–3 status retries (503, then 200) chosen by a
// fixed-seed RNG, with Hip's backoff (factor 0.1 s: 0, 0.2 s, 0.4 s). No sockets, no sleeping: the backoff
// moves the virtual clock. Usage: lifecycle_bench [lifecycles = 1000000]. See docs/benchmarks.md.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "transports/mock/mock_client.hpp"

int main(int argc, char** argv) {
  const long count = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1'000'000;
  if (count <= 0) {
    std::fprintf(stderr, "usage: lifecycle_bench [lifecycles > 0]\n");
    return 2;
  }

  hipp::mock::MockTransport mock;
  int failures_left = 0;  // 503s still to send for the current lifecycle
  mock.on("GET", hipp::mock::exact("http://bench.test/item")).reply_with([&](const hipp::mock::RecordedRequest&) {
    if (failures_left > 0) {
      --failures_left;
      return hipp::mock::Reply{503, "busy", {}, {}};
    }
    return hipp::mock::Reply{200, "ok", {}, {}};
  });
  hipp::mock::MockClient http(mock,
                              {.retries = hipp::Retry{.total = 3, .status_forcelist = {503}, .backoff_factor = 0.1}});

  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> retries(0, 3);
  std::uint64_t attempts = 0;
  std::uint64_t planned_retries = 0;
  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    failures_left = retries(rng);
    planned_retries += static_cast<std::uint64_t>(failures_left);
    const auto r = http.request("GET", "http://bench.test/item");
    if (r.status != 200 || r.body != "ok") {
      std::fprintf(stderr, "lifecycle %ld: unexpected status %d\n", i, r.status);
      return 1;
    }
    attempts += static_cast<std::uint64_t>(r.attempts);
    if ((i & 0x3FF) == 0) mock.clear_requests();  // keep the request log small
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  if (attempts != planned_retries + static_cast<std::uint64_t>(count)) {
    std::fprintf(stderr, "attempts %llu != lifecycles + retries %llu\n", static_cast<unsigned long long>(attempts),
                 static_cast<unsigned long long>(planned_retries + static_cast<std::uint64_t>(count)));
    return 1;
  }
  const double virtual_s = std::chrono::duration<double>(mock.clock().elapsed()).count();
  std::printf("lifecycles        %ld\n", count);
  std::printf("attempts          %llu (%.3f per lifecycle)\n", static_cast<unsigned long long>(attempts),
              static_cast<double>(attempts) / static_cast<double>(count));
  std::printf("connections       %zu\n", mock.connections_opened());
  std::printf("wall time         %.3f s\n", wall.count());
  std::printf("lifecycles/s      %.0f\n", static_cast<double>(count) / wall.count());
  std::printf("attempts/s        %.0f\n", static_cast<double>(attempts) / wall.count());
  std::printf("virtual time      %.1f s (%.2f h), %.0fx faster than real time\n", virtual_s, virtual_s / 3600.0,
              virtual_s / wall.count());
  return 0;
}
