// The mock server's reading side: HTTP/1.1 requests from the bytes the client wrote (llhttp, request mode).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <llhttp.h>

#include "core/message/headers.hpp"

namespace hipp::mock::detail {

class RequestParser {
 public:
  RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Feeds bytes. Returns false when they are not a valid request (error() says why).
  bool feed(std::string_view bytes);
  bool head_complete() const noexcept { return head_complete_; }
  bool message_complete() const noexcept { return message_complete_; }
  const std::string& error() const noexcept { return error_; }

  const std::string& method() const noexcept { return method_; }
  const std::string& target() const noexcept { return target_; }
  const Headers& headers() const noexcept { return headers_; }
  const std::string& body() const noexcept { return body_; }

  // Ready for the next request on the same connection.
  void reset();

 private:
  static int on_method(llhttp_t*, const char*, std::size_t);
  static int on_url(llhttp_t*, const char*, std::size_t);
  static int on_header_field(llhttp_t*, const char*, std::size_t);
  static int on_header_value(llhttp_t*, const char*, std::size_t);
  static int on_header_value_complete(llhttp_t*);
  static int on_headers_complete(llhttp_t*);
  static int on_body(llhttp_t*, const char*, std::size_t);
  static int on_message_complete(llhttp_t*);

  llhttp_settings_t settings_{};
  llhttp_t parser_{};
  std::string method_, target_, field_, value_, body_, error_;
  Headers headers_;
  bool head_complete_ = false;
  bool message_complete_ = false;
};

}  // namespace hipp::mock::detail
