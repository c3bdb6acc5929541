// hipp's client for the benchmark harness (docs/benchmarks.md). Prints one
// "BENCH requests=… bytes=… wall_s=… user_s=… sys_s=… maxrss_kb=… errors=…" line,
// the harness's output contract, measured over the loop after warm-up.
//
//   hipp_bench --mode seq --url URL [--n N] [--duration S] [--warmup W] [--expect-bytes B]
//   hipp_bench --mode multi --conc C --url URL [--n N] [--duration S]
//   hipp_bench --mode get --url URL [--expect-bytes B] [--compressed]
//                                                        one large body, streamed and discarded; with
//                                                        --compressed, Accept-Encoding is sent and the body
//                                                        must come encoded: it is decoded (decode_content),
//                                                        B and bytes= count decoded bytes, encoded= the wire's
//   hipp_bench --mode upload --url URL --file F
//   hipp_bench --mode form --url URL --file F             the file as multipart/form-data (curl -F)
//   common: [--cacert PEM] [--http1.1]
//
// seq: one PoolManager, sequential keep-alive GETs over one reused connection.
// multi: C threads sharing one PoolManager; over https that is one HTTP/2 connection with C
// streams in flight (the warm-up opens it first, so the threads find it and share it).
#include <hipp/hipp.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Args {
  std::string mode = "seq";
  std::string url;
  std::string file;
  long long n = 1'000'000'000LL;
  double duration = 5;
  long long warmup = -1;  // default: 100 for seq, 0 otherwise
  long long expect_bytes = -1;
  std::string cacert;
  bool http1_only = false;
  bool compressed = false;
  int conc = 1;
};

hipp::PoolManagerOptions manager_options(const Args& a) {
  hipp::PoolManagerOptions o;
  if (!a.cacert.empty()) o.tls.ca_certs = a.cacert;
  o.http2 = !a.http1_only;
  o.maxsize = static_cast<std::size_t>(a.conc);
  o.accept_compressed = a.compressed;
  return o;
}

// What the last response came over, for the harness's proto= field.
std::string g_proto = "h1.1";
void note_proto(const hipp::Response& r) { g_proto = r.version() == "HTTP/2" ? "h2" : "h1.1"; }

double cpu_seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

struct Measure {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  rusage before{};
  Measure() { getrusage(RUSAGE_SELF, &before); }
  // connects < 0: not counted (the field is left out).
  void print(long long requests, long long bytes, long long errors, long long connects,
             const std::string& extra = {}) const {
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("BENCH requests=%lld bytes=%lld wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld errors=%lld",
                requests, bytes, wall, cpu_seconds(after.ru_utime) - cpu_seconds(before.ru_utime),
                cpu_seconds(after.ru_stime) - cpu_seconds(before.ru_stime), after.ru_maxrss, errors);
    if (connects >= 0) std::printf(" connects=%lld", connects);
    if (!extra.empty()) std::printf(" %s", extra.c_str());
    std::printf(" proto=%s lib=hipp/0.1.0\n", g_proto.c_str());
    std::fflush(stdout);
  }
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
    std::string flag = argv[i];
    if (flag == "--mode") a.mode = next();
    else if (flag == "--url") a.url = next();
    else if (flag == "--file") a.file = next();
    else if (flag == "--n") a.n = std::atoll(next().c_str());
    else if (flag == "--duration") a.duration = std::atof(next().c_str());
    else if (flag == "--warmup") a.warmup = std::atoll(next().c_str());
    else if (flag == "--expect-bytes") a.expect_bytes = std::atoll(next().c_str());
    else if (flag == "--cacert") a.cacert = next();
    else if (flag == "--http1.1") a.http1_only = true;
    else if (flag == "--compressed") a.compressed = true;
    else if (flag == "--conc") a.conc = std::max(1, std::atoi(next().c_str()));
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

int run_seq(const Args& a) {
  // No trace hook: it would format every head and cost more than the request.
  hipp::PoolManager http(manager_options(a));
  auto one = [&](long long& bytes) {
    auto r = http.request("GET", a.url);
    note_proto(r);
    const auto& body = r.data();
    if (r.status() < 200 || r.status() >= 300) throw std::runtime_error("status " + std::to_string(r.status()));
    if (a.expect_bytes >= 0 && static_cast<long long>(body.size()) != a.expect_bytes) {
      throw std::runtime_error("got " + std::to_string(body.size()) + " bytes, expected " + std::to_string(a.expect_bytes));
    }
    bytes += static_cast<long long>(body.size());
  };
  long long ignored = 0;
  for (long long i = 0; i < (a.warmup < 0 ? 100 : a.warmup); ++i) one(ignored);
  Measure m;
  long long requests = 0, bytes = 0;
  const auto stop = std::chrono::steady_clock::now() + std::chrono::duration<double>(a.duration);
  while (requests < a.n && (a.duration <= 0 || (requests & 63) != 0 || std::chrono::steady_clock::now() < stop)) {
    one(bytes);
    ++requests;
  }
  // One pool, maxsize 1, sequential: every request after the first rides the
  // same connection unless the server closes it (nginx: keepalive_requests).
  m.print(requests, bytes, 0, -1);
  return 0;
}

int run_multi(const Args& a) {
  hipp::PoolManager http(manager_options(a));
  {
    auto r = http.request("GET", a.url);  // opens the connection the threads then share
    r.data();
    note_proto(r);
  }
  std::atomic<long long> requests{0}, bytes{0}, errors{0};
  const auto stop = std::chrono::steady_clock::now() + std::chrono::duration<double>(a.duration);
  Measure m;
  std::vector<std::thread> threads;
  for (int t = 0; t < a.conc; ++t) {
    threads.emplace_back([&] {
      while (requests.load(std::memory_order_relaxed) < a.n &&
             (a.duration <= 0 || std::chrono::steady_clock::now() < stop)) {
        try {
          auto r = http.request("GET", a.url);
          bytes += static_cast<long long>(r.data().size());
          if (r.status() < 200 || r.status() >= 300) ++errors;
        } catch (const std::exception&) {
          ++errors;
        }
        ++requests;
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto stats = http.pool_stats();
  long long connects = 0;
  for (const auto& [origin, s] : stats) connects += static_cast<long long>(s.total);
  m.print(requests.load(), bytes.load(), errors.load(), connects);
  return 0;
}

// One large download, streamed and discarded (the body is never held whole). decode_content is on (the
// default): a body with a Content-Encoding is decoded as it is read, and bytes counts decoded bytes.
int run_get(const Args& a) {
  hipp::PoolManager http(manager_options(a));
  Measure m;
  auto r = http.request("GET", a.url, {.preload_content = false, .decode_content = true});
  note_proto(r);
  long long bytes = 0;
  for (const std::string& chunk : r.stream(256 * 1024)) bytes += static_cast<long long>(chunk.size());
  long long errors = (a.expect_bytes >= 0 && bytes != a.expect_bytes) || r.status() != 200 ? 1 : 0;
  if (a.compressed && !r.decoding()) {
    std::cerr << "hipp_bench: --compressed, but the response has no Content-Encoding\n";
    errors = 1;
  }
  m.print(1, bytes, errors, 1, "encoded=" + std::to_string(r.bytes_read()));
  return errors == 0 ? 0 : 1;
}

// One file as multipart/form-data (hipp's streaming encoder: Content-Length precomputed, the file read
// in chunk-sized pieces), as `curl -F file=@F`.
int run_form(const Args& a) {
  hipp::PoolManager http(manager_options(a));
  Measure m;
  hipp::RequestOptions options;
  options.files = {{"file", hipp::MultipartFile{std::filesystem::path(a.file).filename().string(),
                                                std::filesystem::path(a.file)}}};
  auto r = http.request("POST", a.url, std::move(options));
  r.data();
  note_proto(r);
  if (r.status() < 200 || r.status() >= 300) throw std::runtime_error("status " + std::to_string(r.status()));
  std::error_code ec;
  m.print(1, static_cast<long long>(std::filesystem::file_size(a.file, ec)), 0, 1);
  return 0;
}

int run_upload(const Args& a) {
  hipp::PoolManager http(manager_options(a));
  Measure m;
  auto r = http.request("POST", a.url, {.body = hipp::FileBody{a.file}});
  r.data();
  if (r.status() < 200 || r.status() >= 300) throw std::runtime_error("status " + std::to_string(r.status()));
  std::error_code ec;
  m.print(1, static_cast<long long>(std::filesystem::file_size(a.file, ec)), 0, 1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  try {
    if (a.mode == "seq") return run_seq(a);
    if (a.mode == "multi") return run_multi(a);
    if (a.mode == "get") return run_get(a);
    if (a.mode == "form") return run_form(a);
    if (a.mode == "upload") return run_upload(a);
    std::cerr << "mode " << a.mode << " is not supported by hipp_bench yet\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "hipp_bench: " << e.what() << '\n';
    return 1;
  }
}
