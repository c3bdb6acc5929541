#include "scripted_server.hpp"

#include "http_framing.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace hipp::test {

namespace step {
Step read_request() { return {Step::Kind::ReadRequest, {}, {}}; }
Step send(std::string bytes) { return {Step::Kind::Send, std::move(bytes), {}}; }
Step send_slowly(std::string bytes, std::chrono::milliseconds per_byte) {
  return {Step::Kind::SendSlowly, std::move(bytes), per_byte};
}
Step sleep(std::chrono::milliseconds duration) { return {Step::Kind::Sleep, {}, duration}; }
Step shutdown_write() { return {Step::Kind::ShutdownWrite, {}, {}}; }
Step wait_for_close() { return {Step::Kind::WaitForClose, {}, {}}; }
Step close() { return {Step::Kind::Close, {}, {}}; }
Step reset() { return {Step::Kind::Reset, {}, {}}; }
}  // namespace step

namespace {

constexpr std::chrono::seconds close_drain_timeout{2};

const char* step_name(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::ReadRequest:
      return "read_request";
    case Step::Kind::Send:
      return "send";
    case Step::Kind::SendSlowly:
      return "send_slowly";
    case Step::Kind::Sleep:
      return "sleep";
    case Step::Kind::ShutdownWrite:
      return "shutdown_write";
    case Step::Kind::WaitForClose:
      return "wait_for_close";
    case Step::Kind::Close:
      return "close";
    case Step::Kind::Reset:
      return "reset";
  }
  return "?";
}

const char* describe(RecvStatus status) {
  switch (status) {
    case RecvStatus::Closed:
      return "peer closed";
    case RecvStatus::Timeout:
      return "timed out";
    case RecvStatus::Cancelled:
      return "server stopped";
    case RecvStatus::Error:
      return "socket error";
    case RecvStatus::Data:
      return "data";
  }
  return "?";
}

// Length of the first complete request in `buffer`, 0 while incomplete; -1 when it is malformed.
long complete_request_length(std::string_view buffer) {
  auto head_end = find_head_end(buffer);
  if (!head_end) {
    return 0;
  }
  auto extent = message_extent(buffer, *head_end, true, false);
  if (!extent) {
    return -1;
  }
  switch (extent->framing) {
    case BodyFraming::Length: {
      std::size_t total = *head_end + extent->content_length;
      return buffer.size() >= total ? static_cast<long>(total) : 0;
    }
    case BodyFraming::Chunked: {
      bool malformed = false;
      auto length = chunked_length(buffer.substr(*head_end), nullptr, &malformed);
      if (malformed) {
        return -1;
      }
      return length ? static_cast<long>(*head_end + *length) : 0;
    }
    case BodyFraming::None:
    case BodyFraming::UntilClose:
      break;
  }
  return static_cast<long>(*head_end);
}

}  // namespace

ScriptedServer::ScriptedServer(std::vector<Script> scripts)
    : ScriptedServer(ScriptFor([scripts = std::move(scripts)](std::size_t n) {
        return n < scripts.size() ? scripts[n] : Script{step::close()};
      })) {}

ScriptedServer::ScriptedServer(ScriptFor script_for) : script_for_(std::move(script_for)) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("scripted server: pipe: ") + std::strerror(errno));
  }
  wake_read_.reset(pipe_fds[0]);
  wake_write_.reset(pipe_fds[1]);

  listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  // Port 0: the kernel picks a free port, so parallel tests cannot collide.
  if (!listener_.valid() || ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_.get(), 64) != 0 ||
      ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error(std::string("scripted server: listen: ") + std::strerror(errno));
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  // The pipe is never drained: once written, every poll that watches it wakes at once, for good.
  char byte = 1;
  [[maybe_unused]] auto n = ::write(wake_write_.get(), &byte, 1);
  accept_thread_.join();
  // accept_loop has returned, so no thread is added any more.
  for (auto& thread : connection_threads_) {
    thread.join();
  }
}

std::string ScriptedServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::size_t ScriptedServer::wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (accepted_.load() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return accepted_.load();
}

std::vector<RecordedRequest> ScriptedServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> ScriptedServer::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

void ScriptedServer::record_error(std::size_t connection, std::size_t step_index, std::string_view what) {
  std::lock_guard lock(mutex_);
  errors_.push_back("connection " + std::to_string(connection) + ", step " + std::to_string(step_index) + " " +
                    std::string(what));
}

void ScriptedServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready < 0 || (fds[1].revents & POLLIN) != 0) {
      return;
    }
    Fd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection.valid()) {
      continue;
    }
    std::size_t index = accepted_.fetch_add(1);
    Script script = script_for_(index);
    std::lock_guard lock(mutex_);
    connection_threads_.emplace_back([this, fd = std::move(connection), index, script = std::move(script)]() mutable {
      run(std::move(fd), index, std::move(script));
    });
  }
}

void ScriptedServer::run(Fd connection, std::size_t index, Script script) {
  const int fd = connection.get();
  const int wake = wake_read_.get();
  std::string buffer;
  auto deadline = [] { return std::chrono::steady_clock::now() + step_timeout; };

  auto graceful_close = [&] {
    // Closing with unread input makes Linux send a RST, which can destroy a response the client has
    // not read yet (RFC 9112 section 9.6): half-close, drain until the client closes, then close.
    ::shutdown(fd, SHUT_WR);
    const auto drain_deadline = std::chrono::steady_clock::now() + close_drain_timeout;
    std::string discard;
    while (recv_some(fd, discard, drain_deadline, wake) == RecvStatus::Data) {
      discard.clear();
    }
  };

  for (std::size_t i = 0; i < script.size(); ++i) {
    const Step& s = script[i];
    const std::string where = std::string("(") + step_name(s.kind) + "): ";
    switch (s.kind) {
      case Step::Kind::ReadRequest: {
        const auto until = deadline();
        long length = 0;
        while ((length = complete_request_length(buffer)) == 0) {
          auto status = recv_some(fd, buffer, until, wake);
          if (status != RecvStatus::Data) {
            record_error(index, i, where + describe(status) + " after " + std::to_string(buffer.size()) + " bytes");
            return;
          }
        }
        if (length < 0) {
          record_error(index, i, where + "malformed request framing");
          return;
        }
        std::lock_guard lock(mutex_);
        requests_.push_back({index, buffer.substr(0, static_cast<std::size_t>(length))});
        buffer.erase(0, static_cast<std::size_t>(length));
        break;
      }
      case Step::Kind::Send:
        if (!send_all(fd, s.bytes, deadline(), wake)) {
          record_error(index, i, where + "send failed (peer gone, timeout or server stopped)");
          return;
        }
        break;
      case Step::Kind::SendSlowly:
        for (std::size_t b = 0; b < s.bytes.size(); ++b) {
          if (!send_all(fd, std::string_view(s.bytes).substr(b, 1), deadline(), wake) ||
              !sleep_until(std::chrono::steady_clock::now() + s.delay, wake)) {
            record_error(index, i, where + "stopped after " + std::to_string(b) + " bytes");
            return;
          }
        }
        break;
      case Step::Kind::Sleep:
        if (!sleep_until(std::chrono::steady_clock::now() + s.delay, wake)) {
          return;  // the server is stopping; not an error of the script
        }
        break;
      case Step::Kind::ShutdownWrite:
        ::shutdown(fd, SHUT_WR);
        break;
      case Step::Kind::WaitForClose: {
        const auto until = deadline();
        RecvStatus status = RecvStatus::Data;
        while ((status = recv_some(fd, buffer, until, wake)) == RecvStatus::Data) {
          buffer.clear();
        }
        if (status == RecvStatus::Timeout) {
          record_error(index, i, where + "the client did not close");
        }
        return;
      }
      case Step::Kind::Close:
        graceful_close();
        return;
      case Step::Kind::Reset: {
        linger abortive{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        return;  // ~Fd closes: with a zero linger time that sends RST
      }
    }
  }
  graceful_close();
}

}  // namespace hipp::test
