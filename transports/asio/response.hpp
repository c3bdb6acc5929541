// Response — a response of the async client, hyperhttp's Response.
//
// The head is there when the request's awaitable completes; the body is read lazily unless the request
// preloaded it (request()'s default; stream() does not): aread() for all of it, aiter_bytes(n) and
// aiter_lines() to walk it, aclose() to give the connection back early. When the body has been read to
// its end the connection returns to the pool by itself; destroying a Response with an unread body closes
// its connection (an HTTP/2 stream is reset), never reuses it.
//
// Content decoding as in the sync client: bodies with a Content-Encoding are decoded (gzip, deflate, br,
// zstd) within ClientOptions::decode_limits unless decode_content is false.
//
// Use a Response from one coroutine at a time; its awaitables run on the client's strand.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/exchange/exchange.hpp"
#include "core/message/headers.hpp"
#include "core/time.hpp"

namespace hipp::async {

namespace detail {
struct BodyState;
}

class Response {
 public:
  Response();
  Response(Response&&) noexcept;
  Response& operator=(Response&&) noexcept;
  ~Response();

  int status_code() const noexcept { return status_; }
  const std::string& reason() const noexcept { return reason_; }
  // "HTTP/1.1", "HTTP/1.0" or "HTTP/2".
  const std::string& http_version() const noexcept { return version_; }
  const Headers& headers() const noexcept { return headers_; }
  // The final URL, after redirects.
  const std::string& url() const noexcept { return url_; }
  // From dispatch to the final head.
  Duration elapsed() const noexcept { return elapsed_; }
  bool is_success() const noexcept { return status_ >= 200 && status_ < 300; }
  bool is_redirect() const noexcept {
    return status_ == 301 || status_ == 302 || status_ == 303 || status_ == 307 || status_ == 308;
  }
  // The charset of Content-Type, else "utf-8".
  std::string encoding() const;
  // Throws HTTPStatusError for a 4xx or 5xx status.
  void raise_for_status() const;

  const std::vector<policy::RequestHistory>& history() const noexcept { return history_; }
  int attempts() const noexcept { return attempts_; }
  const std::vector<exchange::Decision>& decisions() const noexcept { return decisions_; }

  // The whole body (a view of content(), valid while the Response lives), read if need be. Throws ReadTimeoutError,
  // ProtocolError, IncompleteRead, DecodeError, RequestCancelled.
  asio::awaitable<std::string_view> aread();
  // What aread() collected (or a preloaded body): empty before.
  const std::string& content() const noexcept { return body_; }
  const std::string& text() const noexcept { return body_; }
  // JSON of content(); call after aread() (or with a preloaded body). Throws DecodeError.
  nlohmann::json json() const;
  // Whether the body has been read to its end.
  bool complete() const noexcept { return state_ == nullptr; }
  // Body bytes received so far (encoded bytes when decoding).
  std::size_t bytes_read() const noexcept { return bytes_read_; }

  // Up to `max` more decoded bytes of the body; nullopt at its end. The pieces of aiter_bytes().
  asio::awaitable<std::optional<std::string>> next_chunk(std::size_t max = 64 * 1024);
  // The next line of the body without its line break (\n, \r\n or \r); nullopt at the end.
  asio::awaitable<std::optional<std::string>> next_line();

  // hyperhttp's aiter_bytes / aiter_lines, for a loop:
  //   auto chunks = response.aiter_bytes(64 * 1024);
  //   while (auto chunk = co_await chunks.next()) sink.write(*chunk);
  class ByteStream {
   public:
    asio::awaitable<std::optional<std::string>> next() { return response_->next_chunk(chunk_size_); }

   private:
    friend class Response;
    ByteStream(Response* r, std::size_t n) : response_(r), chunk_size_(n) {}
    Response* response_;
    std::size_t chunk_size_;
  };
  class LineStream {
   public:
    asio::awaitable<std::optional<std::string>> next() { return response_->next_line(); }

   private:
    friend class Response;
    explicit LineStream(Response* r) : response_(r) {}
    Response* response_;
  };
  ByteStream aiter_bytes(std::size_t chunk_size = 64 * 1024) { return ByteStream(this, chunk_size); }
  LineStream aiter_lines() { return LineStream(this); }

  // Gives the connection back now: kept for reuse when the body was read to its end, closed otherwise.
  asio::awaitable<void> aclose();

 private:
  friend struct detail::BodyState;
  friend class Client;
  // Appends the next piece of the body to `out` (decoded); false at the end, when the connection has gone
  // back to the pool. Throws as aread().
  asio::awaitable<bool> pull(std::string& out);

  int status_ = 0;
  std::string reason_;
  std::string version_;
  std::string url_;
  Headers headers_;
  Duration elapsed_{};
  std::vector<policy::RequestHistory> history_;
  std::vector<exchange::Decision> decisions_;
  int attempts_ = 1;
  std::string body_;      // what aread() collected
  std::string pending_;   // pulled but not yet handed out by next_chunk()/next_line()
  std::size_t bytes_read_ = 0;
  std::shared_ptr<detail::BodyState> state_;  // null once the body is complete
};

}  // namespace hipp::async
