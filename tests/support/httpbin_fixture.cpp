#include "httpbin_fixture.hpp"

#include "raw_http.hpp"

#include <charconv>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace hipp::test {

namespace {

constexpr const char* python = "/usr/bin/python3";
constexpr std::chrono::seconds start_timeout{20};

// The port from werkzeug's " * Running on http://127.0.0.1:40961" line, or 0 while it is not there.
std::uint16_t announced_port(const std::string& output) {
  static constexpr std::string_view marker = "Running on http://127.0.0.1:";
  auto at = output.find(marker);
  if (at == std::string::npos) {
    return 0;
  }
  const char* first = output.data() + at + marker.size();
  std::uint16_t port = 0;
  auto [ptr, ec] = std::from_chars(first, output.data() + output.size(), port);
  // The line must be complete, or a port still being written could be read short.
  bool complete = ptr != output.data() + output.size();
  return ec == std::errc() && complete ? port : 0;
}

bool answers_get(std::uint16_t port) {
  try {
    return raw_get(port, "/get").status == 200;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace

HttpbinFixture::HttpbinFixture() : dir_(std::make_unique<TempDir>("hipp-httpbin-")) {
  const auto log = dir_->path() / "httpbin.log";
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{python, "-m", "httpbin.core", "--host", "127.0.0.1", "--port", "0"}, log);
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!server_->running()) {
      throw std::runtime_error("httpbin fixture: server exited during startup\n" + output());
    }
    if (port_ == 0) {
      port_ = announced_port(output());
    }
    if (port_ != 0 && answers_get(port_)) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string text = output();
  server_->stop(SIGTERM, std::chrono::seconds(3));
  throw std::runtime_error("httpbin fixture: no answer within 20 s\n" + text);
}

HttpbinFixture::~HttpbinFixture() { server_->stop(SIGTERM, std::chrono::seconds(3)); }

std::string HttpbinFixture::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::string HttpbinFixture::output() const { return read_file(dir_->path() / "httpbin.log"); }

}  // namespace hipp::test
