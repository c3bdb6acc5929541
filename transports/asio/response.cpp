#include "transports/asio/response.hpp"

#include <cctype>

#include "core/body/json.hpp"
#include "transports/api/errors.hpp"
#include "transports/asio/detail/body_state.hpp"

namespace hipp::async {

Response::Response() = default;
Response::Response(Response&&) noexcept = default;
Response& Response::operator=(Response&&) noexcept = default;
Response::~Response() = default;  // an unfinished body's BodyState discards its connection

std::string Response::encoding() const {
  // Content-Type: text/html; charset="UTF-8" → "utf-8" (RFC 9110 §8.3: parameter names and this value
  // compare without case).
  auto type = headers_.get("Content-Type");
  if (!type) return "utf-8";
  std::string lower(*type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find("charset=");
  if (at == std::string::npos) return "utf-8";
  std::string value = lower.substr(at + 8);
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  return value.empty() ? "utf-8" : value;
}

void Response::raise_for_status() const {
  if (status_ < 400) return;
  const char* kind = status_ < 500 ? "Client error" : "Server error";
  throw HTTPStatusError(make_error(ErrorCode::http_status, std::string(kind) + " '" + std::to_string(status_) + " " +
                                                               reason_ + "' for url '" + url_ + "'",
                                   ErrorOrigin::remote),
                        url_);
}

nlohmann::json Response::json() const {
  auto parsed = body::parse_json(body_);
  if (!parsed) throw DecodeError(std::move(parsed).error(), url_);
  return std::move(*parsed);
}

asio::awaitable<bool> Response::pull(std::string& out) {
  if (!state_) co_return false;
  detail::BodyState& s = *state_;
  Result<bool> more = true;
  if (!s.decoder.active()) {
    const std::size_t before = out.size();
    more = co_await s.lease.pull_body(s.deadlines, out);
    bytes_read_ += out.size() - before;
  } else {
    s.encoded.clear();
    more = co_await s.lease.pull_body(s.deadlines, s.encoded);
    bytes_read_ += s.encoded.size();
    if (more) {
      if (auto ok = s.decoder.feed(headers_, as_bytes(s.encoded), out); !ok) more = Unexpected{std::move(ok).error()};
    }
    if (more && !*more) {
      if (auto ok = s.decoder.finish(); !ok) more = Unexpected{std::move(ok).error()};
    }
  }
  if (!more) {
    state_.reset();  // the connection is closed, never reused
    throw_error(std::move(more).error(), url_);
  }
  if (*more) co_return true;
  s.pool->release(std::move(s.lease), s.keepalive_hint);
  state_.reset();
  co_return false;
}

asio::awaitable<std::string_view> Response::aread() {
  if (body_.empty()) {
    body_.swap(pending_);
  } else {
    body_ += pending_;
    pending_.clear();
  }
  for (;;) {
    const bool more = co_await pull(body_);
    if (!more) break;
  }
  co_return std::string_view(body_);
}

asio::awaitable<std::optional<std::string>> Response::next_chunk(std::size_t max) {
  if (max == 0) max = 64 * 1024;
  while (state_ && pending_.size() < max) {
    const bool more = co_await pull(pending_);
    if (!more) break;
  }
  if (pending_.empty()) co_return std::nullopt;
  std::string out;
  if (pending_.size() <= max) {
    out.swap(pending_);
  } else {
    out.assign(pending_, 0, max);
    pending_.erase(0, max);
  }
  co_return out;
}

asio::awaitable<std::optional<std::string>> Response::next_line() {
  for (;;) {
    const auto at = pending_.find_first_of("\r\n");
    // A CR at the end may be the first half of a CRLF: look at the next byte before deciding.
    if (at != std::string::npos && (pending_[at] == '\n' || at + 1 < pending_.size() || !state_)) {
      std::string line = pending_.substr(0, at);
      const std::size_t skip = pending_[at] == '\r' && at + 1 < pending_.size() && pending_[at + 1] == '\n' ? 2 : 1;
      pending_.erase(0, at + skip);
      co_return line;
    }
    if (state_) {
      (void)co_await pull(pending_);  // at the end state_ is gone: the next round hands out the rest
      continue;
    }
    if (pending_.empty()) co_return std::nullopt;
    std::string rest;
    rest.swap(pending_);
    co_return rest;
  }
}

asio::awaitable<void> Response::aclose() {
  state_.reset();  // unfinished: its connection is closed (an HTTP/2 stream reset), never reused
  co_return;
}

}  // namespace hipp::async
