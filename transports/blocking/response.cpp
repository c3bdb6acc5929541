#include "transports/blocking/response.hpp"

#include "core/body/json.hpp"
#include "transports/api/errors.hpp"
#include "transports/blocking/detail/pool_state.hpp"

namespace hipp::blocking {

namespace {
// release_conn() reads at most this much of an unread body to save the
// connection; beyond it, closing and reconnecting is cheaper.
constexpr std::size_t kMaxDrainOnRelease = 64 * 1024;
}  // namespace

Response::Response() = default;
Response::Response(Response&&) noexcept = default;
Response& Response::operator=(Response&&) noexcept = default;

Response::~Response() {
  if (reader_ && reader_->lease) reader_->pool->discard(std::move(reader_->lease));
}

bool Response::complete() const noexcept { return reader_ == nullptr; }

void Response::start_body(bool decode_content, const decode::Limits& limits, bool preload) {
  if (reader_) decoder_ = ResponseDecoder(headers_, decode_content, limits);
  // A decoded body is checked complete before its connection goes back to the pool.
  if (decoder_.active()) reader_->keep_at_end = true;
  if (preload) data();
}

void Response::fail_body(Error error) {
  if (reader_ && reader_->lease) reader_->pool->discard(std::move(reader_->lease));
  reader_.reset();
  throw_error(std::move(error), url_);
}

bool Response::pull_into(std::string& out) {
  if (!decoder_.active()) {
    const std::size_t before = out.size();
    const bool more = detail::PoolState::pull_body(*reader_, url_, out);
    bytes_read_ += out.size() - before;
    if (!more) reader_.reset();
    return more;
  }
  encoded_.clear();
  const bool more = detail::PoolState::pull_body(*reader_, url_, encoded_);
  bytes_read_ += encoded_.size();
  if (auto ok = decoder_.feed(headers_, as_bytes(encoded_), out); !ok) fail_body(std::move(ok).error());
  if (more) return true;
  if (auto ok = decoder_.finish(); !ok) fail_body(std::move(ok).error());
  reader_->pool->release(std::move(reader_->lease), reader_->keepalive_hint);
  reader_.reset();
  return false;
}

const std::string& Response::data() {
  while (reader_) pull_into(body_);
  return body_;
}

nlohmann::json Response::json() {
  auto parsed = body::parse_json(data());
  if (!parsed) throw DecodeError(std::move(parsed).error(), url_);
  return std::move(*parsed);
}

std::string Response::read(std::size_t n) {
  while (reader_ && body_.size() < n) pull_into(body_);
  // The buffer itself is handed out; only what is left over past n is copied, into a buffer with room
  // for the pulls that will follow it (copying the n bytes out and moving the rest down would move
  // every byte once more: 4 % of a gzip download's instructions, by callgrind).
  std::string out;
  out.swap(body_);
  if (out.size() > n) {
    body_.reserve(out.capacity());
    body_.assign(out, n, std::string::npos);
    out.resize(n);
  }
  return out;
}

void Response::release_conn() {
  if (!reader_) return;
  try {
    std::string drained;
    while (reader_ && drained.size() <= kMaxDrainOnRelease) pull_into(drained);
  } catch (const HTTPError&) {
    // The connection failed while draining and has been discarded; the
    // caller asked to let go of it, not for the rest of the body.
    reader_.reset();
    return;
  }
  if (reader_) {
    reader_->pool->discard(std::move(reader_->lease));
    reader_.reset();
  }
}

Response::ChunkRange::iterator& Response::ChunkRange::iterator::operator++() {
  chunk_ = response_->read(chunk_size_);
  if (chunk_.empty()) response_ = nullptr;
  return *this;
}

}  // namespace hipp::blocking
