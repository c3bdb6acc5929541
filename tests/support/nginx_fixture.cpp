#include "nginx_fixture.hpp"

#include "loopback.hpp"

#include <charconv>
#include <csignal>
#include <stdexcept>
#include <thread>

#ifndef HIPP_NGINX_FIXTURE_SCRIPT
#error "HIPP_NGINX_FIXTURE_SCRIPT must name scripts/nginx-fixture (set by tests/support/meson.build)"
#endif

namespace hipp::test {

namespace {

constexpr const char* nginx_binary = "/usr/sbin/nginx";
constexpr std::chrono::seconds start_timeout{10};

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

}  // namespace

std::optional<AccessLogEntry> parse_access_log_line(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    auto tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) {
      break;
    }
    line.remove_prefix(tab + 1);
  }
  AccessLogEntry entry;
  if ((fields.size() != 6 && fields.size() != 7) || !parse_number(fields[0], entry.connection) ||
      !parse_number(fields[1], entry.connection_requests) || !parse_number(fields[3], entry.status) ||
      !parse_number(fields[4], entry.body_bytes_sent) || !parse_number(fields[5], entry.request_length)) {
    return std::nullopt;
  }
  entry.request = std::string(fields[2]);
  if (fields.size() == 7) entry.ssl_session_reused = std::string(fields[6]);
  return entry;
}

NginxFixture::NginxFixture(NginxTls tls) : tls_(std::move(tls)) {
  dir_ = std::make_unique<TempDir>("hipp-nginx-");
  ipv6_ = ipv6_loopback_available();
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = pick_free_port(ipv6_);
    if (try_start()) {
      return;
    }
  }
  throw std::runtime_error("nginx fixture: no free port after 5 attempts\n" + error_log());
}

NginxFixture::NginxFixture() : dir_(std::make_unique<TempDir>("hipp-nginx-")), ipv6_(ipv6_loopback_available()) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = pick_free_port(ipv6_);
    if (try_start()) {
      return;
    }
  }
  throw std::runtime_error("nginx fixture: no free port after 5 attempts\n" + error_log());
}

NginxFixture::~NginxFixture() {
  if (nginx_) {
    nginx_->stop(SIGQUIT, std::chrono::seconds(3));
  }
}

bool NginxFixture::try_start() {
  const auto& dir = dir_->path();
  std::vector<std::string> argv{"/bin/bash",  HIPP_NGINX_FIXTURE_SCRIPT, "config",
                                dir.string(), std::to_string(port_),     ipv6_ ? "1" : "0"};
  if (tls_) {
    argv.push_back(std::filesystem::absolute(tls_->cert).string());
    argv.push_back(std::filesystem::absolute(tls_->key).string());
    if (!tls_->client_ca.empty()) argv.push_back(std::filesystem::absolute(tls_->client_ca).string());
  }
  ChildProcess config(argv, dir / "config.out");
  if (int code = config.wait(start_timeout); code != 0) {
    throw std::runtime_error("nginx fixture: " HIPP_NGINX_FIXTURE_SCRIPT " config failed (" + std::to_string(code) +
                             ")\n" + read_file(dir / "config.out"));
  }

  // A failed attempt leaves its log behind; only this attempt's lines matter below.
  std::filesystem::remove(dir / "error.log");
  std::filesystem::remove(dir / "nginx.pid");
  nginx_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{nginx_binary, "-p", dir.string(), "-e", (dir / "error.log").string(), "-c",
                               (dir / "nginx.conf").string(), "-g", "daemon off; master_process off;"},
      dir / "nginx.out");

  // nginx writes its pid file only after binding every listen socket, so the pid file naming our child
  // proves the port is ours (a bare connect could reach whoever else grabbed the port).
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  const std::string pid = std::to_string(nginx_->pid());
  while (std::chrono::steady_clock::now() < deadline) {
    if (!nginx_->running()) {
      std::string log = error_log() + read_file(dir / "nginx.out");
      nginx_.reset();
      if (log.find("Address already in use") != std::string::npos) {
        return false;
      }
      throw std::runtime_error("nginx fixture: nginx exited during startup\n" + log);
    }
    std::string pid_file = read_file(dir / "nginx.pid");
    if (pid_file.substr(0, pid_file.find('\n')) == pid &&
        connect_loopback(port_, std::chrono::milliseconds(200)).valid()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string log = error_log();
  nginx_.reset();
  throw std::runtime_error("nginx fixture: nginx did not accept connections within 10 s\n" + log);
}

std::string NginxFixture::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::string NginxFixture::url6(std::string_view path) const {
  return ipv6_ ? "http://[::1]:" + std::to_string(port_) + std::string(path) : std::string();
}

std::filesystem::path NginxFixture::root() const { return dir_->path() / "www"; }

std::vector<AccessLogEntry> NginxFixture::access_log() const {
  std::vector<AccessLogEntry> entries;
  std::string text = read_file(dir_->path() / "access.log");
  std::string_view rest = text;
  while (!rest.empty()) {
    auto newline = rest.find('\n');
    if (newline == std::string_view::npos) {
      break;  // a line still being written
    }
    if (auto entry = parse_access_log_line(rest.substr(0, newline))) {
      entries.push_back(std::move(*entry));
    }
    rest.remove_prefix(newline + 1);
  }
  return entries;
}

std::vector<AccessLogEntry> NginxFixture::wait_for_access_log(std::size_t count,
                                                              std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto entries = access_log();
  while (entries.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    entries = access_log();
  }
  return entries;
}

std::string NginxFixture::error_log() const { return read_file(dir_->path() / "error.log"); }

}  // namespace hipp::test
