#pragma once
// ScriptedServer: a raw TCP server on 127.0.0.1 that plays scripted, possibly hostile, HTTP peers.
//
// Each accepted connection runs a Script, a list of Steps executed in order on its own thread:
//   step::read_request()        read one request: head up to "\r\n\r\n" plus a Content-Length or chunked
//                               body; the raw bytes are recorded (see requests()). Pipelined bytes after it
//                               stay buffered for the next read_request().
//   step::send(bytes)           write all bytes
//   step::send_slowly(bytes, d) write one byte at a time, sleeping d after each
//   step::sleep(d)              do nothing for d
//   step::shutdown_write()      half-close: the client sees EOF, the server can still read
//   step::wait_for_close()      read and discard until the client closes
//   step::close()               graceful close: FIN, then unread input is drained (up to 2 s) so the
//                               kernel does not turn the close into a RST
//   step::reset()               abortive close: SO_LINGER 0 then close, the client sees a RST
// When the script ends without close() or reset() the connection is closed as by close().
//
// Robustness: every read and write waits at most step_timeout (10 s); a step that times out or finds the
// peer gone ends that connection's script and is reported in errors(). The destructor wakes every thread
// (a self-pipe watched by every wait), joins them and closes all sockets, so a failing test never hangs
// on the server and never leaks a thread.
//
// Thread safety: the accessors may be called from any thread while connections run.

#include "loopback.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hipp::test {

struct Step {
  enum class Kind { ReadRequest, Send, SendSlowly, Sleep, ShutdownWrite, WaitForClose, Close, Reset };
  Kind kind = Kind::Close;
  std::string bytes;                   // Send, SendSlowly
  std::chrono::milliseconds delay{0};  // SendSlowly (per byte), Sleep
};

namespace step {
[[nodiscard]] Step read_request();
[[nodiscard]] Step send(std::string bytes);
[[nodiscard]] Step send_slowly(std::string bytes, std::chrono::milliseconds per_byte);
[[nodiscard]] Step sleep(std::chrono::milliseconds duration);
[[nodiscard]] Step shutdown_write();
[[nodiscard]] Step wait_for_close();
[[nodiscard]] Step close();
[[nodiscard]] Step reset();
}  // namespace step

using Script = std::vector<Step>;

struct RecordedRequest {
  std::size_t connection = 0;  // 0-based accept order
  std::string raw;             // exactly the bytes of the request, head and body as sent
};

class ScriptedServer {
 public:
  static constexpr std::chrono::seconds step_timeout{10};

  // The script for connection n (0-based, in accept order).
  using ScriptFor = std::function<Script(std::size_t connection)>;

  // Connection n runs scripts[n]; connections beyond the list are closed at once (but counted).
  explicit ScriptedServer(std::vector<Script> scripts);
  // `script_for` is called on the accept thread, once per connection.
  explicit ScriptedServer(ScriptFor script_for);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // "http://127.0.0.1:<port><path>"; `path` starts with '/'.
  [[nodiscard]] std::string url(std::string_view path) const;

  [[nodiscard]] std::size_t connections_accepted() const noexcept { return accepted_.load(); }
  // Waits until at least `count` connections were accepted or `timeout` passed; returns the count.
  std::size_t wait_for_connections(std::size_t count, std::chrono::milliseconds timeout = step_timeout) const;
  // Requests recorded by read_request() steps, in the order they completed.
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  // Steps that failed ("connection 0, step 1 (read_request): peer closed"), in order.
  [[nodiscard]] std::vector<std::string> errors() const;

 private:
  void accept_loop();
  void run(Fd connection, std::size_t index, Script script);
  void record_error(std::size_t connection, std::size_t step_index, std::string_view what);

  ScriptFor script_for_;
  Fd listener_;
  Fd wake_read_;
  Fd wake_write_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> accepted_{0};

  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::string> errors_;
  std::vector<std::thread> connection_threads_;  // guarded by mutex_
  std::thread accept_thread_;
};

}  // namespace hipp::test
