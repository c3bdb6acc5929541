#include "transports/mock/mock_client.hpp"

#include <cstring>

#include "core/body/json.hpp"
#include "transports/api/errors.hpp"
#include "transports/api/response_decoder.hpp"

namespace hipp::mock {

nlohmann::json MockResponse::json() const {
  auto parsed = body::parse_json(body);
  if (!parsed) throw DecodeError(std::move(parsed).error(), url);
  return std::move(*parsed);
}

MockClient::MockClient(MockTransport& transport, MockClientOptions options)
    : transport_(transport),
      options_(std::move(options)),
      defaults_{options_.headers, options_.timeout, RetryTemplate(options_.retries), options_.auth, options_.telemetry},
      cookies_(options_.cookies ? *options_.cookies : std::make_shared<SharedCookieJar>()) {
  if (options_.circuit_breaker) {
    auto gate = SharedCircuitGate::create(*options_.circuit_breaker);
    if (!gate) throw_error(std::move(gate).error(), {});
    circuit_ = std::move(*gate);
  }
}

MockResponse MockClient::request(std::string_view method, std::string_view url, RequestOptions options) {
  ClientContext context;
  context.hooks = options_.event_hooks;
  context.circuit = circuit_.get();
  context.auth_lock = &auth_lock_;
  // splitmix64: reproducible randomness, so jitter and Digest cnonces are the same on every run.
  context.random = [this](std::span<std::byte> out) {
    for (std::size_t i = 0; i < out.size(); i += 8) {
      std::uint64_t z = (random_state_ += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z ^= z >> 31;
      std::memcpy(out.data() + i, &z, std::min<std::size_t>(8, out.size() - i));
    }
  };
  context.unix_now = transport_.clock().unix_now();
  context.cookies = cookies_;
  const bool decode_content = options.decode_content;
  auto prepared = prepare_exchange(method, url, std::move(options), defaults_, std::move(context));
  if (!prepared) throw_error(std::move(prepared).error(), std::string(url));

  const TimePoint started = transport_.clock().now();
  BodySource source(prepared->request.body);
  exchange::Exchange ex(prepared->take_exchange_request(), std::move(prepared->options), std::move(prepared->retry),
                        started);
  MockTransport::Outcome outcome = transport_.run(ex, source);
  const std::string final_url = ex.url_text();
  if (outcome.error) throw_error(std::move(*outcome.error), final_url);

  exchange::FinalResponse& fr = *outcome.response;
  MockResponse r;
  r.status = fr.head.status;
  r.reason = std::move(fr.head.reason);
  r.version = "HTTP/" + std::to_string(fr.head.version_major) + "." + std::to_string(fr.head.version_minor);
  r.headers = std::move(fr.head.headers);
  // Hip's decode_content, as the real clients: a Content-Encoding is undone within the decode limits.
  r.body = std::move(outcome.body);
  if (auto ok = ResponseDecoder::decode_whole(r.headers, decode_content, options_.decode_limits, r.body); !ok) {
    throw_error(std::move(ok).error(), final_url);
  }
  r.url = final_url;
  r.history = std::move(fr.history);
  r.decisions = ex.decisions();
  r.attempts = fr.attempts;
  r.elapsed = transport_.clock().now() - started;
  return r;
}

}  // namespace hipp::mock
