// hipp — Hip for C++. The one header users include.
#pragma once

#include "core/auth/auth.hpp"
#include "core/auth/basic_auth.hpp"
#include "core/auth/bearer_auth.hpp"
#include "core/auth/digest_auth.hpp"
#include "core/decode/content_decoder.hpp"
#include "core/cookies/cookie_jar.hpp"
#include "core/cookies/netscape_file.hpp"
#include "core/errors.hpp"
#include "core/exchange/exchange.hpp"
#include "core/exchange/http1_channel.hpp"
#include "core/exchange/http2_channel.hpp"
#include "core/http2/multiplexer.hpp"
#include "core/message/headers.hpp"
#include "core/message/method.hpp"
#include "core/message/status.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/policy/backoff.hpp"
#include "core/policy/circuit_breaker.hpp"
#include "core/policy/retry.hpp"
#include "core/policy/retry_policy.hpp"
#include "core/url/url.hpp"
#include "transports/api/client_policies.hpp"
#include "transports/api/errors.hpp"
#include "transports/api/multipart_encoder.hpp"
#include "transports/api/request_options.hpp"
#include "transports/api/shared_cookie_jar.hpp"
#include "transports/blocking/pool_manager.hpp"
#include "transports/blocking/response.hpp"

namespace hipp {
// The synchronous client is the default one: hipp::PoolManager, hipp::Response.
using blocking::PoolManager;
using blocking::PoolManagerOptions;
using blocking::PoolStats;
using blocking::Response;
using blocking::TraceHook;
using blocking::TraceKind;
using auth::BasicAuth;
using auth::BearerAuth;
using auth::DigestAuth;
using policy::DecorrelatedJitterBackoff;
using policy::ExponentialBackoff;
using policy::RetryCategory;
using cookies::Cookie;
using cookies::CookieJar;
}  // namespace hipp
