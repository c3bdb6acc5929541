#include "transports/api/exchange_setup.hpp"

#include "core/auth/basic_auth.hpp"

namespace hipp {

namespace {

// RFC 6265 §4.2.1: cookie-pair = cookie-name "=" cookie-value, joined by "; ". A value may not hold what
// would end the pair or the field.
Result<std::string> cookie_pairs(const RequestCookies& cookies) {
  std::string out;
  for (const auto& [name, value] : cookies) {
    if (!is_token(name)) return fail(ErrorCode::invalid_header_name, "cookie name '" + name + "' is not a token");
    for (char ch : value) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7F || c == ';') return fail(ErrorCode::invalid_header_value, "cookie '" + name + "'");
    }
    if (!out.empty()) out += "; ";
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace

exchange::Request PreparedExchange::take_exchange_request() {
  exchange::RequestBody body;
  if (auto* bytes = std::get_if<std::string>(&request.body)) {
    body.kind = exchange::RequestBody::Kind::bytes;
    body.bytes = std::move(*bytes);
    request.body = std::monostate{};
  } else if (!std::holds_alternative<std::monostate>(request.body)) {
    body.kind = exchange::RequestBody::Kind::stream;
    body.length = request.content_length;
    body.rewindable = request.body_rewindable();
  }
  return exchange::Request{std::move(request.method), std::move(request.url), std::move(request.headers),
                           std::move(body), request.expect_continue};
}

Result<PreparedExchange> prepare_exchange(std::string_view method, std::string_view url, RequestOptions&& options,
                                          const ClientDefaults& defaults, ClientContext context) {
  exchange::ExchangeOptions xo;
  xo.timeout = options.timeout.value_or(defaults.timeout);
  // Hip's redirect=false never follows; otherwise hyperhttp's follow_redirects (request, then client) when
  // set, and each policy's own rule when not.
  const std::optional<bool> follow = options.follow_redirects ? options.follow_redirects : defaults.follow_redirects;
  xo.follow_redirects = options.redirect && follow.value_or(true);
  const std::optional<bool> policy_follow = options.redirect ? follow : std::optional<bool>(false);
  const bool preload = options.preload_content;
  xo.upload_progress = std::move(options.upload_progress);
  policy::RetryState retry =
      options.retries ? make_retry_state(with_redirects(*options.retries, policy_follow, defaults.max_redirects))
                      : defaults.retries.start(policy_follow);
  std::shared_ptr<auth::Auth> auth = options.auth ? *options.auth : defaults.auth;
  const bool explicit_no_auth = options.auth && !*options.auth;
  auto cookies = cookie_pairs(options.cookies);
  if (!cookies) return Unexpected{std::move(cookies).error()};

  auto prepared = prepare_request(method, url, std::move(options), defaults.headers);
  if (!prepared) return Unexpected{std::move(prepared).error()};
  // Into the caller's Cookie header: the redirect policy drops it on a cross-origin hop, for good.
  if (!cookies->empty()) {
    auto own = prepared->headers.get("Cookie");
    prepared->headers.set("Cookie", own && !own->empty() ? std::string(*own) + "; " + *cookies : *cookies);
  }
  if (!auth && !explicit_no_auth) {
    if (auto basic = auth::basic_from_userinfo(prepared->url)) auth = std::make_shared<auth::BasicAuth>(std::move(*basic));
  }
  if (auth) xo.auth = serialized_flow(*auth, *context.auth_lock);
  xo.hooks = std::move(context.hooks);
  xo.observer = defaults.telemetry;
  xo.circuit = context.circuit;
  xo.random = std::move(context.random);
  xo.unix_now = context.unix_now;
  xo.cookies = context.cookies.get();
  return PreparedExchange{std::move(*prepared), std::move(xo), std::move(retry), std::move(auth),
                          std::move(context.cookies), preload};
}

}  // namespace hipp
