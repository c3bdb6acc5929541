#include "nghttpd_fixture.hpp"

#include "loopback.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace hipp::test {

namespace {

constexpr const char* nghttpd_binary = "/usr/sbin/nghttpd";
constexpr auto start_timeout = std::chrono::seconds(10);

}  // namespace

NghttpdFixture::NghttpdFixture(NghttpdOptions options)
    : options_(options), dir_(std::make_unique<TempDir>("hipp-nghttpd-")) {
  if (!std::filesystem::exists(nghttpd_binary)) {
    throw std::runtime_error("nghttpd fixture: /usr/sbin/nghttpd missing (install nghttp2-server, scripts/bootstrap)");
  }
  const auto www = root();
  std::filesystem::create_directories(www);
  {
    std::ofstream small(www / "small", std::ios::binary);
    small << std::string(small_size, 's');
  }
  {
    std::ofstream big(www / "big", std::ios::binary);
    char line[17];
    for (std::size_t i = 0; i < big_size / 16; ++i) {
      std::snprintf(line, sizeof line, "%015zu\n", i);
      big.write(line, 16);
    }
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = pick_free_port(false);
    if (try_start()) return;
  }
  throw std::runtime_error("nghttpd fixture: no free port after 5 attempts\n" + output());
}

NghttpdFixture::~NghttpdFixture() {
  if (server_) server_->stop(SIGTERM, std::chrono::seconds(3));
}

bool NghttpdFixture::try_start() {
  std::filesystem::remove(dir_->path() / "nghttpd.out");
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{nghttpd_binary, "--no-tls", "-d", root().string(), "--echo-upload", "--trailer",
                               "x-fixture: nghttpd", "-m", std::to_string(options_.max_concurrent_streams),
                               "--address=127.0.0.1", std::to_string(port_)},
      dir_->path() / "nghttpd.out");
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!server_->running()) {
      const std::string log = output();
      server_.reset();
      if (log.find("Address already in use") != std::string::npos || log.find("bind") != std::string::npos) {
        return false;
      }
      throw std::runtime_error("nghttpd fixture: nghttpd exited during startup\n" + log);
    }
    if (connect_loopback(port_, std::chrono::milliseconds(200)).valid()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string log = output();
  server_.reset();
  throw std::runtime_error("nghttpd fixture: nghttpd did not accept connections within 10 s\n" + log);
}

std::string NghttpdFixture::authority() const { return "127.0.0.1:" + std::to_string(port_); }

std::filesystem::path NghttpdFixture::root() const { return dir_->path() / "www"; }

std::string NghttpdFixture::output() const { return read_file(dir_->path() / "nghttpd.out"); }

}  // namespace hipp::test
