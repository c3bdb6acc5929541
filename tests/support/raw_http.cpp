#include "raw_http.hpp"

#include "http_framing.hpp"

#include <charconv>
#include <stdexcept>

namespace hipp::test {

namespace {

std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

}  // namespace

std::optional<std::string> RawResponse::header(std::string_view name) const { return header_value(head, name); }

std::string get_request(std::string_view path, std::uint16_t port, std::string_view extra_fields) {
  std::string request = "GET ";
  request.append(path);
  request.append(" HTTP/1.1\r\nHost: 127.0.0.1:");
  request.append(std::to_string(port));
  request.append("\r\n");
  request.append(extra_fields);
  request.append("\r\n");
  return request;
}

RawConnection::RawConnection(std::uint16_t port, bool ipv6, std::chrono::milliseconds timeout)
    : fd_(connect_loopback(port, timeout, ipv6)) {
  if (!fd_.valid()) {
    throw std::runtime_error("raw_http: cannot connect to port " + std::to_string(port));
  }
}

void RawConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  if (!send_all(fd_.get(), bytes, deadline_after(timeout))) {
    throw std::runtime_error("raw_http: send failed");
  }
}

RawResponse RawConnection::read_response(bool head_request, std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  bool closed = false;
  auto fill = [&](const char* waiting_for) {
    if (closed) {
      throw std::runtime_error(std::string("raw_http: connection closed while reading ") + waiting_for);
    }
    switch (recv_some(fd_.get(), buffer_, deadline)) {
      case RecvStatus::Data:
        return;
      case RecvStatus::Closed:
        closed = true;
        return;
      case RecvStatus::Timeout:
        throw std::runtime_error(std::string("raw_http: timeout while reading ") + waiting_for);
      default:
        throw std::runtime_error(std::string("raw_http: error while reading ") + waiting_for);
    }
  };

  std::optional<std::size_t> head_end;
  while (!(head_end = find_head_end(buffer_))) {
    fill("the response head");
  }
  RawResponse response;
  response.head = buffer_.substr(0, *head_end);
  // "HTTP/1.1 200 ..." — the status code is at offset 9.
  if (response.head.size() < 12 ||
      std::from_chars(response.head.data() + 9, response.head.data() + 12, response.status).ec != std::errc()) {
    throw std::runtime_error("raw_http: malformed status line: " + response.head.substr(0, 40));
  }
  bool no_body = head_request || response.status / 100 == 1 || response.status == 204 || response.status == 304;
  auto extent = message_extent(buffer_, *head_end, false, no_body);
  if (!extent) {
    throw std::runtime_error("raw_http: malformed Content-Length");
  }
  std::size_t consumed = *head_end;
  switch (extent->framing) {
    case BodyFraming::None:
      break;
    case BodyFraming::Length:
      while (buffer_.size() < *head_end + extent->content_length) {
        fill("the body");
      }
      response.body = buffer_.substr(*head_end, extent->content_length);
      consumed += extent->content_length;
      break;
    case BodyFraming::Chunked: {
      response.chunked = true;
      for (;;) {
        bool malformed = false;
        auto length = chunked_length(std::string_view(buffer_).substr(*head_end), &response.body, &malformed);
        if (malformed) {
          throw std::runtime_error("raw_http: malformed chunked body");
        }
        if (length) {
          consumed += *length;
          break;
        }
        fill("the chunked body");
      }
      break;
    }
    case BodyFraming::UntilClose:
      while (!closed) {
        fill("a close-delimited body");
      }
      consumed = buffer_.size();
      response.body = buffer_.substr(*head_end);
      break;
  }
  buffer_.erase(0, consumed);
  return response;
}

std::string RawConnection::read_until_close(std::size_t max_bytes, std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  for (;;) {
    if (buffer_.size() >= max_bytes) {
      break;
    }
    auto status = recv_some(fd_.get(), buffer_, deadline);
    if (status == RecvStatus::Closed || status == RecvStatus::Error) {
      break;  // an error here is a reset: the peer is gone either way
    }
    if (status == RecvStatus::Timeout) {
      throw std::runtime_error("raw_http: timeout waiting for the peer to close");
    }
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  if (!buffer_.empty()) {
    return false;
  }
  std::string scratch;
  auto status = recv_some(fd_.get(), scratch, deadline_after(timeout));
  buffer_ += scratch;
  return status == RecvStatus::Closed || status == RecvStatus::Error;
}

RawResponse raw_get(std::uint16_t port, std::string_view path, bool ipv6) {
  RawConnection connection(port, ipv6);
  connection.send(get_request(path, port, "Connection: close\r\n"));
  return connection.read_response();
}

}  // namespace hipp::test
