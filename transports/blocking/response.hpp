// Response — a response of the synchronous client, Hip's HTTPResponse.
//
// With preload_content (the default) the body is already in data(). Without
// it, the connection stays with the Response and the body is pulled as it is
// read: read(n), stream(chunk_size), or data() for the remainder. When the
// body has been read to its end the connection goes back to the pool by
// itself; release_conn() gives it back earlier (draining a small remainder,
// closing the connection if more is left); destroying an unfinished Response
// closes its connection.
//
// Content decoding (Hip's decode_content, on by default): a body with a Content-Encoding is decoded as
// it is read (core/decode: gzip, deflate, br, zstd, chained), within PoolManagerOptions::decode_limits
// counted over the whole response. data(), read() and stream() hand out decoded bytes; bytes_read() still
// counts the bytes received (Hip's tell()). A body that cannot be decoded throws DecodeError from the call
// that met the problem, and its connection is closed, not reused. The headers are left as received
// (Content-Encoding and Content-Length describe the encoded body).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decode/limits.hpp"
#include "core/message/headers.hpp"
#include "core/exchange/exchange.hpp"
#include "core/policy/timeout.hpp"
#include "transports/api/response_decoder.hpp"

namespace hipp::blocking {

namespace detail {
class PoolState;
struct BodyReader;
}  // namespace detail

class Response {
 public:
  Response(Response&&) noexcept;
  Response& operator=(Response&&) noexcept;
  ~Response();

  int status() const noexcept { return status_; }
  const std::string& reason() const noexcept { return reason_; }
  const Headers& headers() const noexcept { return headers_; }
  // "HTTP/1.1" or "HTTP/1.0".
  const std::string& version() const noexcept { return version_; }
  // The URL this response came from (Hip's geturl()): the last one after redirects.
  const std::string& url() const noexcept { return url_; }
  const std::string& geturl() const noexcept { return url_; }
  // Every earlier attempt and redirect hop of this request, in order (Hip's response.retries.history).
  const std::vector<policy::RequestHistory>& history() const noexcept { return history_; }
  // Network attempts made for this response, the one that gave it included.
  int attempts() const noexcept { return attempts_; }
  // Why the request took the course it did: retries, redirects, auth round trips, with their reasons.
  // Empty for a request that simply succeeded.
  const std::vector<exchange::Decision>& decisions() const noexcept { return decisions_; }

  // The whole body; reads what is left of it first. Throws like read().
  const std::string& data();
  // JSON of the whole body. Throws DecodeError if it is not JSON.
  nlohmann::json json();
  // Up to `n` more bytes of the body (all that is left for n = npos); empty at the end.
  // Throws ReadTimeoutError, ProtocolError, IncompleteRead, DecodeError on failure.
  std::string read(std::size_t n = std::string::npos);
  // Whether the body has been read to its end.
  bool complete() const noexcept;
  // Body bytes received from the connection so far (Hip's tell()): encoded bytes when decoding.
  std::size_t bytes_read() const noexcept { return bytes_read_; }
  std::size_t tell() const noexcept { return bytes_read_; }
  // Whether the body is being decoded: decode_content was asked for and the response has a
  // Content-Encoding.
  bool decoding() const noexcept { return decoder_.active(); }

  // Gives the connection back to the pool now (Hip's release_conn()).
  void release_conn();

  // for (const std::string& chunk : response.stream(1024)) — Hip's stream().
  class ChunkRange {
   public:
    class iterator {
     public:
      using iterator_category = std::input_iterator_tag;
      using value_type = std::string;
      using difference_type = std::ptrdiff_t;
      using pointer = const std::string*;
      using reference = const std::string&;
      iterator() = default;
      iterator(Response* r, std::size_t n) : response_(r), chunk_size_(n) { ++*this; }
      reference operator*() const { return chunk_; }
      pointer operator->() const { return &chunk_; }
      iterator& operator++();
      void operator++(int) { ++*this; }
      friend bool operator==(const iterator& a, const iterator& b) { return a.response_ == b.response_; }

     private:
      Response* response_ = nullptr;
      std::size_t chunk_size_ = 0;
      std::string chunk_;
    };
    iterator begin() { return iterator(response_, chunk_size_); }
    iterator end() { return iterator(); }

   private:
    friend class Response;
    ChunkRange(Response* r, std::size_t n) : response_(r), chunk_size_(n) {}
    Response* response_;
    std::size_t chunk_size_;
  };
  ChunkRange stream(std::size_t chunk_size = 64 * 1024) { return ChunkRange(this, chunk_size); }

 private:
  friend class detail::PoolState;
  friend class PoolManager;
  Response();
  // Sets up decoding (when `decode_content` and the response has a Content-Encoding), then reads the
  // whole body when `preload`. Throws like read().
  void start_body(bool decode_content, const decode::Limits& limits, bool preload);
  // Closes the connection and throws `error` as the API's exception.
  [[noreturn]] void fail_body(Error error);

  int status_ = 0;
  std::string reason_;
  std::string version_;
  std::string url_;
  Headers headers_;
  std::vector<policy::RequestHistory> history_;
  std::vector<exchange::Decision> decisions_;
  int attempts_ = 1;
  // Appends the next piece of the body to `out`; false (and reader_ reset) at its end.
  bool pull_into(std::string& out);

  std::string body_;  // received but not yet handed out by read(); all of it for data()
  std::size_t bytes_read_ = 0;
  std::unique_ptr<detail::BodyReader> reader_;  // null once the body is complete
  ResponseDecoder decoder_;
  std::string encoded_;                            // scratch for one encoded piece, reused
};

}  // namespace hipp::blocking
